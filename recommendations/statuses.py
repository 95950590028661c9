"""The vocabulary of statuses: the fixed categories the rules read (``ProgressStatus``,
``RecommendationStatus``), the GOV.UK tag palette, the executive's decisions, the default key
and ``StatusKey``, the council's key as read. Plain vocabulary (no models): the key itself is
``recommendations.models.StatusKeyEntry``, an administrator's to set, read through
``recommendations.models.status_key()``."""

from collections.abc import Callable
from typing import NamedTuple

from django.db import models


class ProgressStatus(models.TextChoices):
    """Progress of an action, as reported in an update. Always shown in words and colour."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "Acceptable progress"
    OFF_TRACK = "off_track", "Unacceptable progress"
    ACHIEVED = "achieved", "Achieved"
    PAUSED = "paused", "Paused"


class RecommendationStatus(models.TextChoices):
    """Implementation status of a recommendation: the progress statuses plus the two ends a
    recommendation can reach without its actions (not accepted; closed by the committee)."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "Acceptable progress"
    OFF_TRACK = "off_track", "Unacceptable progress"
    ACHIEVED = "achieved", "Achieved"
    PAUSED = "paused", "Paused"
    NOT_ACCEPTED = "not_accepted", "Not accepted"
    CLOSED = "closed", "Closed"


class TagColour(models.TextChoices):
    """The fixed palette of GOV.UK tag colours (``govuk-tag--yellow``). A status's colour is
    one of these, and each place that colours statuses defines a class for every one, by
    colour, not by status: the web's tags (GOV.UK Frontend), the dashboard's chart
    (``app-chart__bar--yellow`` in static/scss/_chart.scss) and the PDFs (``status--yellow``
    in documents/pdf.css). The label is the colour in words, as the PDFs' key prints it."""

    GREY = "grey", "grey"
    GREEN = "green", "green"
    TURQUOISE = "turquoise", "turquoise"
    BLUE = "blue", "blue"
    LIGHT_BLUE = "light-blue", "light blue"
    PURPLE = "purple", "purple"
    PINK = "pink", "pink"
    RED = "red", "red"
    ORANGE = "orange", "orange"
    YELLOW = "yellow", "yellow"


# The fill and text colour (hex) of each tag colour as the documents print it (pdf.css,
# ``.status--<colour>``), for the files not drawn from that stylesheet: the Word documents and
# the Excel exports, so a status reads the same on paper, in Word and in Excel.
TAG_PRINT_COLOURS: dict[str, tuple[str, str]] = {
    "grey": ("E5E6E7", "282D30"),
    "green": ("CCE2D8", "005A30"),
    "turquoise": ("D4ECEA", "10403C"),
    "blue": ("BBD4EA", "0C2D4A"),
    "light-blue": ("E8F1F8", "0C2D4A"),
    "purple": ("DBD5E9", "3D2375"),
    "pink": ("F9E1EC", "6B1C40"),
    "red": ("F4CDC6", "942514"),
    "orange": ("FCD6C3", "6E3619"),
    "yellow": ("FFF7BF", "594D00"),
}


class KeyEntry(NamedTuple):
    """One status of the council's key (``recommendations.models.StatusKeyEntry`` as read):
    the ``code`` records store, the words and colour it is shown with, the meaning printed in
    the key, and the fixed category (a ``RecommendationStatus`` value) the rules read."""

    code: str
    label: str
    category: str
    colour: str
    meaning: str
    order: int
    requires_reason: bool = False
    offered: bool = True


# Today's key, which the migration that made the key configurable writes into the table: the
# labels, colours and meanings the pages and documents showed before, in the order the key
# printed them (achieved first). Each category has one status, whose code is the category's.
DEFAULT_KEY: tuple[KeyEntry, ...] = (
    KeyEntry(
        "achieved", "Achieved", "achieved", "green", "Achieved: monitoring no longer needed", 1
    ),
    KeyEntry(
        "on_track",
        "Acceptable progress",
        "on_track",
        "yellow",
        "Acceptable progress: keep monitoring",
        2,
    ),  # the PDFs' key said "amber"
    KeyEntry("off_track", "Unacceptable progress", "off_track", "red", "Unacceptable progress", 3),
    KeyEntry("not_started", "Not started", "not_started", "grey", "Not started", 4),
    KeyEntry("paused", "Paused", "paused", "purple", "Paused", 5, requires_reason=True),
    KeyEntry(
        "not_accepted", "Not accepted", "not_accepted", "orange", "Not accepted by the executive", 6
    ),
    KeyEntry("closed", "Closed", "closed", "blue", "Closed by the committee", 7),
)

# The default key's colours and meanings by code (what the pages showed before the key was
# the council's). Pages read the council's key: ``recommendations.models.status_key()``.
STATUS_COLOURS: dict[str, TagColour] = {e.code: TagColour(e.colour) for e in DEFAULT_KEY}
STATUS_MEANINGS: dict[str, str] = {e.code: e.meaning for e in DEFAULT_KEY}

# Marks shown as tags beside a status or in its place: not statuses, but coloured from the
# same palette, here.
MARK_COLOURS: dict[str, TagColour] = {
    "overdue": TagColour.RED,
    "archived": TagColour.GREY,
    "withdrawn": TagColour.GREY,  # a withdrawn published document
    "no_action": TagColour.ORANGE,  # accepted, but no action agreed
    "awaiting_response": TagColour.GREY,  # no executive response yet (the documents' status)
}

PROGRESS_CATEGORIES: tuple[str, ...] = tuple(ProgressStatus.values)
CATEGORY_ORDER: dict[str, int] = {value: i for i, value in enumerate(RecommendationStatus.values)}


class StatusKey:
    """The council's status key, read once: each status by its code, and the lookups the
    pages, documents, forms and rules need. Lists come in the order of the fixed categories
    (``RecommendationStatus``), and within a category in the key's order; the key itself is
    printed in the key's order. A code no entry has (a status removed from the key) is shown
    in words made from the code, in grey."""

    def __init__(self, entries):
        self.entries: list[KeyEntry] = sorted(entries, key=lambda e: (e.order, e.code))
        self.by_code: dict[str, KeyEntry] = {e.code: e for e in self.entries}
        self.by_category: list[KeyEntry] = sorted(
            self.entries, key=lambda e: (CATEGORY_ORDER.get(e.category, 99), e.order, e.code)
        )

    def entry(self, code: str) -> KeyEntry:
        found = self.by_code.get(code)
        if found is not None:
            return found
        category = code if code in CATEGORY_ORDER else ""
        label = (code or "").replace("_", " ").capitalize()
        return KeyEntry(code, label, category, TagColour.GREY, label, 999)

    def label(self, code: str) -> str:
        return self.entry(code).label

    def colour(self, code: str) -> str:
        return self.entry(code).colour

    def category(self, code: str) -> str:
        return self.entry(code).category

    def requires_reason(self, code: str) -> bool:
        return bool(code) and self.entry(code).requires_reason

    def code_for(self, category: str) -> str:
        """The status a rule's result is shown as: the first status of ``category`` in the
        key's order that is offered (else the first of it; else the category's own value)."""
        of_category = [e for e in self.entries if e.category == category]
        offered = [e for e in of_category if e.offered]
        return (offered or of_category or [KeyEntry(category, "", category, "", "", 0)])[0].code

    def codes_in(self, *categories: str) -> list[str]:
        """Every code of the key in ``categories`` (for filtering records by category)."""
        codes = [e.code for e in self.entries if e.category in categories]
        return codes + [c for c in categories if c not in self.by_code]

    def all_choices(self) -> list[tuple[str, str]]:
        """(code, label) of every status of the key, retired ones too (for filters)."""
        return [(e.code, e.label) for e in self.by_category]

    def choices(self, *, progress_only: bool = False, keep: str = "") -> list[tuple[str, str]]:
        """(code, label) of the statuses offered, progress statuses only if ``progress_only``;
        ``keep`` (a record's present status) stays offered even if no longer offered."""
        return [
            (e.code, e.label)
            for e in self.by_category
            if (e.offered or e.code == keep)
            and (not progress_only or e.category in PROGRESS_CATEGORIES)
        ]


def status_colour(status: str) -> TagColour:
    """The default key's tag colour of a status (grey for anything else)."""
    return STATUS_COLOURS.get(status, TagColour.GREY)


class Decision(models.TextChoices):
    """The executive's decision on a recommendation."""

    ACCEPTED = "accepted", "Accepted"
    ACCEPTED_IN_PRINCIPLE = "accepted_in_principle", "Accepted in principle"
    PARTIALLY_ACCEPTED = "partially_accepted", "Partially accepted"
    REJECTED = "rejected", "Rejected"
    NOTED = "noted", "Noted or referred elsewhere"

    @classmethod
    def needing_action(cls) -> list[str]:
        """Decisions that commit the executive to act, so an action plan item is expected."""
        return [cls.ACCEPTED, cls.ACCEPTED_IN_PRINCIPLE, cls.PARTIALLY_ACCEPTED]


def derived_status(
    *,
    closed: bool,
    decision: str,
    set_by_officer: str,
    action_statuses: Callable[[], list[str]],
    reported_status: Callable[[], str] = lambda: "",
    key: StatusKey | None = None,
) -> str:
    """A recommendation's implementation status in force. The rule, first match wins, read on
    the fixed categories of the council's ``key`` (the default key if None):

    1. closed by the committee (closure recorded) → Closed;
    2. rejected by the executive → Not accepted;
    3. an officer holds a status (a progress status only) → that status;
    4. no actions → the status reported by the latest update on the recommendation as a
       whole that gave one, else Not started;
    5. every action achieved → Achieved;
    6. any action with unacceptable progress → Unacceptable progress;
    7. any action achieved or with acceptable progress → Acceptable progress;
    8. any action paused → Paused;
    9. otherwise → Not started.

    A category is shown as its first status in the key (``StatusKey.code_for``). Overdue is
    not a status: it depends on today's date and is computed where shown.
    ``action_statuses`` and ``reported_status`` are called only when the rule needs them.
    """
    key = key or StatusKey(DEFAULT_KEY)
    if closed:
        return key.code_for(RecommendationStatus.CLOSED)
    if decision == Decision.REJECTED:
        return key.code_for(RecommendationStatus.NOT_ACCEPTED)
    if set_by_officer and key.category(set_by_officer) in PROGRESS_CATEGORIES:
        return set_by_officer
    codes = action_statuses()
    if not codes:
        return reported_status() or key.code_for(RecommendationStatus.NOT_STARTED)
    statuses = {key.category(code) for code in codes}
    if statuses == {ProgressStatus.ACHIEVED}:
        return key.code_for(RecommendationStatus.ACHIEVED)
    if ProgressStatus.OFF_TRACK in statuses:
        return key.code_for(RecommendationStatus.OFF_TRACK)
    if statuses & {ProgressStatus.ON_TRACK, ProgressStatus.ACHIEVED}:
        return key.code_for(RecommendationStatus.ON_TRACK)
    if ProgressStatus.PAUSED in statuses:
        return key.code_for(RecommendationStatus.PAUSED)
    return key.code_for(RecommendationStatus.NOT_STARTED)
