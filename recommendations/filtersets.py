"""The filters of the registers. The same parameters drive the page, its bookmarkable URL and
the PDF tracker of the same selection."""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone

from reviews.models import Committee, Officer, Review, ReviewStatus

from .models import ActionPlanItem, Update, status_key
from .statuses import Decision

AWAITING = "awaiting"


def _year_choices():
    """The municipal years the register holds, latest first: the ten or so distinct years,
    not a row for each review."""
    years = (
        Review.objects.exclude(municipal_year="")
        .order_by()
        .values_list("municipal_year", flat=True)
        .distinct()
    )
    return [(y, y) for y in sorted(years, reverse=True)]


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sort with empty values last in both directions (PostgreSQL would put them first when
    descending, SQLite last), then by primary key so pages are stable."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map[param.removeprefix("-")])
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class YesCheckbox(forms.CheckboxInput):
    """A checkbox that hands the raw value to its field, so nonsense can be refused."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanField(forms.Field):
    """Yes/no from a checkbox or a URL: "true"/"on"/"1", "false"/"0", or absent. Anything else
    is an error rather than a silent "yes"."""

    widget = YesCheckbox
    TRUE = {"true", "on", "1", "yes"}
    FALSE = {"false", "0", "no", "off"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError("Tick the box or leave it empty.", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class YearFilter(django_filters.ChoiceFilter):
    """A municipal year ("2016/17"); the choices are the years the register holds, read when
    the filter set is built (see ``YearChoicesMixin``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [])
        kwargs.setdefault("label", "Municipal year")
        kwargs.setdefault("empty_label", "Any year")
        kwargs.setdefault(
            "error_messages", {"invalid_choice": "Select a municipal year from the list."}
        )
        super().__init__(*args, **kwargs)


def _officer_label(name: str, job_title: str) -> str:
    return f"{name}, {job_title}" if job_title else name


# What the select of each model's records shows, read as plain values: the fields, and the
# option's label made of them as the model's ``__str__`` makes it (tests/test_filtersets.py
# holds them together). A register's selects list every review and every officer: building a
# model instance for each option cost more than reading and printing it.
CHOICE_LABELS = {
    Review: (("title",), str),
    Committee: (("name",), str),
    Officer: (("name", "job_title"), _officer_label),
}


class YearChoicesMixin:
    """Fill the year filter's choices from the register (one query), and read each select's
    choices once: iterating a model choice field in a template would count, then query."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = _year_choices()

    def read_choices_once(self) -> None:
        """Before rendering the form: read each select's choices once, as plain values (a
        template would count, then query, each model choice field, and build a model instance
        for each option). The query is an ordinary one: iterating ``field.choices`` would use
        ``QuerySet.iterator()``, on PostgreSQL a server-side cursor and three round trips for
        a list of a few hundred names. The submitted value is still checked against the
        field's queryset (``ModelChoiceField.to_python``)."""
        read: dict[tuple, list] = {}  # two selects of the same records share one query
        for field in self.form.fields.values():
            if hasattr(field, "queryset"):
                empty = [("", field.empty_label)] if field.empty_label is not None else []
                query = field.queryset.query
                # The same records in the same order: not the SQL text (``str(query)``),
                # which took longer to write than the query took to run.
                key = (
                    query.model,
                    str(query.where),
                    query.order_by,
                    query.low_mark,
                    query.high_mark,
                )
                if key not in read:
                    names, label = CHOICE_LABELS[field.queryset.model]
                    rows = field.queryset.values_list("pk", *names)
                    read[key] = [(pk, label(*values)) for pk, *values in rows]
                field._choices = empty + read[key]


class RecommendationFilterSet(YearChoicesMixin, django_filters.FilterSet):
    """The recommendations register: every filter the register page, its URL and the tracker
    PDF share. ``q`` searches the recommendation, its response, actions and updates."""

    q = django_filters.CharFilter(
        method="search",
        label="Search",
        max_length=200,
        help_text="Words from the recommendation, its response, actions or updates",
    )
    review = django_filters.ModelChoiceFilter(
        queryset=Review.objects.only("pk", "title").order_by("title", "pk"),
        empty_label="Any review",
        error_messages={"invalid_choice": "Select a review from the list."},
    )
    committee = django_filters.ModelChoiceFilter(
        field_name="review__commissioning_committee",
        queryset=Committee.objects.only("pk", "name"),
        label="Committee",
        empty_label="Any committee",
        error_messages={"invalid_choice": "Select a committee from the list."},
    )
    responsible_body = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.only("pk", "name"),
        empty_label="Any body",
        error_messages={"invalid_choice": "Select a responsible body from the list."},
    )
    decision = django_filters.ChoiceFilter(
        choices=[(AWAITING, "Awaiting response"), *Decision.choices],
        method="filter_decision",
        label="Executive response",
        empty_label="Any response",
        error_messages={"invalid_choice": "Select a response from the list."},
    )
    status = django_filters.ChoiceFilter(
        choices=lambda: status_key().all_choices(),  # the council's key, read when shown
        empty_label="Any status",
        error_messages={"invalid_choice": "Select a status from the list."},
    )
    lead_officer = django_filters.ModelChoiceFilter(
        queryset=Officer.objects.only("pk", "name", "job_title"),
        empty_label="Any lead officer",
        error_messages={"invalid_choice": "Select a lead officer from the list."},
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=Officer.objects.only("pk", "name", "job_title"),
        method="filter_owner",
        label="Action owner",
        empty_label="Any action owner",
        help_text="Recommendations with an action this officer owns",
        error_messages={"invalid_choice": "Select an action owner from the list."},
    )
    overdue = StrictBooleanFilter(method="filter_overdue", label="Only with overdue actions")
    year = YearFilter(field_name="review__municipal_year")
    archived = StrictBooleanFilter(
        method="filter_archived", label="Include archived recommendations"
    )
    sort = NullsLastOrderingFilter(
        fields=(
            ("reference", "reference"),
            ("review__title", "review"),
            ("number", "number"),
            ("status", "status"),
            ("latest_update_date", "updated"),
        ),
        label="Sort by",
    )

    class Meta:
        fields = []

    def search(self, queryset, name, value):
        words = value.split()
        for word in words[:10]:
            queryset = queryset.filter(
                Q(text__icontains=word)
                | Q(reference__icontains=word)
                | Q(response_text__icontains=word)
                | Q(
                    pk__in=ActionPlanItem.objects.filter(action__icontains=word).values(
                        "recommendation_id"
                    )
                )
                | Q(
                    pk__in=Update.objects.current()
                    .filter(text__icontains=word)
                    .values("recommendation_id")
                )
            )
        return queryset

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("archived"):
            queryset = queryset.filter(archived_at__isnull=True)
        return super().filter_queryset(queryset)

    def filter_archived(self, queryset, name, value):
        return queryset  # applied in filter_queryset, so the default leaves archived ones out

    def filter_decision(self, queryset, name, value):
        return queryset.filter(decision="" if value == AWAITING else value)

    def filter_owner(self, queryset, name, value):
        """Recommendations with an action ``value`` owns (each once, however many)."""
        return queryset.filter(
            pk__in=ActionPlanItem.objects.filter(owner=value).values("recommendation_id")
        )

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        return queryset.filter(
            pk__in=ActionPlanItem.objects.overdue(today).values("recommendation_id")
        )


class ReviewFilterSet(YearChoicesMixin, django_filters.FilterSet):
    """The reviews register: committee, status, municipal year and free text."""

    q = django_filters.CharFilter(method="search", label="Search", max_length=200)
    committee = django_filters.ModelChoiceFilter(
        field_name="commissioning_committee",
        queryset=Committee.objects.only("pk", "name"),
        label="Committee",
        empty_label="Any committee",
    )
    status = django_filters.ChoiceFilter(
        choices=ReviewStatus.choices,
        empty_label="Any status",
        error_messages={"invalid_choice": "Select a status from the list."},
    )
    year = YearFilter(field_name="municipal_year")

    class Meta:
        fields = []

    def search(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(scope__icontains=word)
                | Q(objectives__icontains=word)
                | Q(members__councillor__name__icontains=word)
            )
        return queryset.distinct()
