"""What a committee document is: its kind, its recommendations and its options; and its URL.
(Whether a PDF made earlier is still the same document is the content key's to say: ``key.py``,
a digest of the HTML it is made from.)

A document is one of:

- the action plan of a review (``action_plan``);
- a tracker of any selection of the recommendations register, chosen with the register's own
  filters and URL parameters (``tracker``);
- the tracker for a scrutiny committee's meeting: everything the committee monitors, with the
  updates since its previous meeting (``meeting_tracker``).

The options are the same for all three: the position "as at" a date (or now), whether closed
recommendations are included, padding to an even number of pages, the columns of the table
(``table.COLUMNS``), and the front matter (the meeting and agenda item it goes to, the appendix
label, the wards, and the lead officer, lead member and contact officer where the officer
corrects what the register gives).
"""

import datetime
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from recommendations.filtersets import RecommendationFilterSet
from recommendations.models import Recommendation
from reviews.models import Meeting

from .models import DocumentFormat, DocumentKind
from .table import DEFAULT_COLUMNS, chosen_columns
from .text import normal_label, normal_wards

# The query parameters of a document URL. Anything else on a tracker URL is a filter of the
# recommendations register and is passed to its filter set unchanged.
OPTION_PARAMETERS = (
    "as_at",
    "include_closed",
    "pad",
    "to_meeting",
    "agenda_item",
    "appendix",
    "wards",
    "columns",
    "lead_officer",
    "lead_member",
    "contact_officer",
)
# The front matter the officer may correct: an empty value prints what the register gives.
PEOPLE = ("lead_officer", "lead_member", "contact_officer")
# Register parameters that change the page, not the selection (and, on an export page, the
# withdrawn document being replaced).
NOT_FILTERS = ("page", "sort", "replaces")
DEFAULT_WARDS = "All"


class InvalidDocument(Exception):
    """The parameters do not describe a document; ``messages`` say why, for the user."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class DocumentSpec:
    """A document, as its URL gives it. Immutable and hashable."""

    kind: str
    review_id: int | None = None
    meeting_id: int | None = None  # meeting_tracker: the monitoring meeting
    filters: tuple[tuple[str, str], ...] = ()  # tracker: the register's query parameters
    as_at: datetime.date | None = None
    include_closed: bool = False
    pad_to_even: bool = False
    to_meeting_id: int | None = None  # front matter: the meeting the paper goes to
    agenda_item_id: int | None = None
    appendix_label: str = ""
    wards: str = DEFAULT_WARDS
    # The file it is made as (its URL's extension): part of the content key, so a cache
    # never gives one format for the other.
    format: str = DocumentFormat.PDF
    columns: tuple[str, ...] = DEFAULT_COLUMNS  # keys of table.COLUMNS, in the table's order
    lead_officer: str = ""  # front matter typed by the officer ("" prints the register's)
    lead_member: str = ""
    contact_officer: str = ""

    def __post_init__(self):
        if self.kind not in DocumentKind.values:
            raise ValueError(f"Unknown document kind {self.kind!r}")
        if self.format not in DocumentFormat.values:
            raise ValueError(f"Unknown document format {self.format!r}")
        object.__setattr__(self, "columns", chosen_columns(self.columns))
        # Equivalent typed options are one document (issue 15, point 5): see limits.py.
        object.__setattr__(self, "appendix_label", normal_label(self.appendix_label))
        object.__setattr__(self, "wards", normal_wards(self.wards, DEFAULT_WARDS))
        if self.kind == DocumentKind.MEETING_TRACKER:
            # A meeting's tracker goes to that meeting.
            object.__setattr__(self, "to_meeting_id", self.meeting_id)

    # --- as a URL ---------------------------------------------------------------------------

    def options_query(self) -> list[tuple[str, str]]:
        """The options as query parameters, defaults left out, in a fixed order."""
        params = []
        if self.as_at:
            params.append(("as_at", self.as_at.isoformat()))
        if self.include_closed:
            params.append(("include_closed", "1"))
        if self.pad_to_even:
            params.append(("pad", "1"))
        if self.to_meeting_id and self.kind != DocumentKind.MEETING_TRACKER:
            params.append(("to_meeting", str(self.to_meeting_id)))
        if self.agenda_item_id:
            params.append(("agenda_item", str(self.agenda_item_id)))
        if self.appendix_label:
            params.append(("appendix", self.appendix_label))
        if self.wards != DEFAULT_WARDS:
            params.append(("wards", self.wards))
        if self.columns != DEFAULT_COLUMNS:
            params.append(("columns", ",".join(self.columns)))
        for name in PEOPLE:
            if getattr(self, name):
                params.append((name, getattr(self, name)))
        return params

    def query_string(self) -> str:
        return urlencode([*self.filters, *self.options_query()])

    def url(self) -> str:
        """The GET URL that downloads this document (``.pdf`` or ``.docx``)."""
        suffix = "" if self.format == DocumentFormat.PDF else f"_{self.format}"
        if self.kind == DocumentKind.ACTION_PLAN:
            path = reverse(f"documents_review_plan{suffix}", args=[self.review_id])
        elif self.kind == DocumentKind.MEETING_TRACKER:
            path = reverse(f"documents_meeting_tracker{suffix}", args=[self.meeting_id])
        else:
            path = reverse(f"documents_tracker{suffix}")
        query = self.query_string()
        return f"{path}?{query}" if query else path

    def export_url(self) -> str:
        """The export page of this document, with its filters."""
        if self.kind == DocumentKind.ACTION_PLAN:
            return reverse("documents_review_export", args=[self.review_id])
        if self.kind == DocumentKind.MEETING_TRACKER:
            return reverse("documents_meeting_export", args=[self.meeting_id])
        path = reverse("documents_tracker_export")
        return f"{path}?{urlencode(self.filters)}" if self.filters else path

    # --- stored with a job ------------------------------------------------------------------

    def to_json(self) -> dict:
        data = asdict(self)
        data["as_at"] = self.as_at.isoformat() if self.as_at else None
        data["filters"] = [list(pair) for pair in self.filters]
        data["format"] = str(self.format)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "DocumentSpec":
        data = dict(data)
        data["as_at"] = datetime.date.fromisoformat(data["as_at"]) if data.get("as_at") else None
        data["filters"] = tuple(tuple(pair) for pair in data.get("filters", ()))
        if "columns" in data:  # a job stored before the columns were chosen has none
            data["columns"] = tuple(data["columns"])
        return cls(**data)

    @property
    def position_date(self) -> datetime.date:
        """The date of the position the document gives: the "as at" date, or today."""
        return self.as_at or timezone.localdate()


def filters_from_query(query: QueryDict) -> tuple[tuple[str, str], ...]:
    """The register's filter parameters in a query string, in a fixed order (the options of
    the document, the page number and the sort order left out)."""
    pairs = [
        (key, value)
        for key in sorted(query.keys())
        if key not in OPTION_PARAMETERS and key not in NOT_FILTERS
        for value in query.getlist(key)
        if value != ""
    ]
    return tuple(pairs)


# --- the recommendations of a document ------------------------------------------------------


@dataclass
class Selection:
    """The recommendations a document covers (a queryset, not yet read) and, for a tracker,
    the register filters that chose them, as (label, value) pairs for the front matter."""

    queryset: QuerySet
    filters: list[tuple[str, str]] = field(default_factory=list)


def select_recommendations(spec: DocumentSpec) -> Selection:
    """The recommendations of the document. For a tracker, through the register's filter set
    (its first query reads the municipal years); bad filters raise :class:`InvalidDocument`."""
    if spec.kind == DocumentKind.ACTION_PLAN:
        return Selection(Recommendation.objects.filter(review_id=spec.review_id))
    if spec.kind == DocumentKind.MEETING_TRACKER:
        committee = Meeting.objects.filter(pk=spec.meeting_id).values("committee_id")
        return Selection(
            Recommendation.objects.filter(
                Q(review__commissioning_committee_id__in=committee)
                | Q(responsible_body_id__in=committee)
            )
        )
    query = QueryDict(mutable=True)
    for key, value in spec.filters:
        query.appendlist(key, value)
    filterset = RecommendationFilterSet(query, queryset=Recommendation.objects.all())
    form = filterset.form
    if not filterset.is_valid():
        raise InvalidDocument(
            [
                f"{form.fields[name].label}: {message}" if name in form.fields else str(message)
                for name, errors in form.errors.items()
                for message in errors
            ]
        )
    described = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", False, [], ()) or name in NOT_FILTERS:
            continue
        form_field = form.fields[name]
        if hasattr(form_field, "choices") and not hasattr(value, "pk"):
            value = dict(form_field.choices).get(value, value)
        if value is True:
            value = "Yes"
        described.append((str(form_field.label or name).capitalize(), str(value)))
    return Selection(filterset.qs.order_by(), described)
