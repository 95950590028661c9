"""The council's status key: the progress and implementation statuses, the executive's
decisions, and the colour and meaning each status is shown with. Plain vocabulary (no models):
the models, forms, filters, pages and PDFs all take it from here."""

from collections.abc import Callable

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


# The colour of each status, the one place it is written: the tags, the status key, the
# dashboard's chart and the PDFs all take it from here. Words always stand beside it.
STATUS_COLOURS: dict[str, TagColour] = {
    RecommendationStatus.NOT_STARTED: TagColour.GREY,
    RecommendationStatus.ON_TRACK: TagColour.YELLOW,  # the PDFs' key said "amber"
    RecommendationStatus.OFF_TRACK: TagColour.RED,
    RecommendationStatus.ACHIEVED: TagColour.GREEN,
    RecommendationStatus.PAUSED: TagColour.PURPLE,
    RecommendationStatus.NOT_ACCEPTED: TagColour.ORANGE,
    RecommendationStatus.CLOSED: TagColour.BLUE,
}

# What each status means, printed as the key under tables and in the PDFs, in this order.
STATUS_MEANINGS: dict[str, str] = {
    RecommendationStatus.ACHIEVED: "Achieved: monitoring no longer needed",
    RecommendationStatus.ON_TRACK: "Acceptable progress: keep monitoring",
    RecommendationStatus.OFF_TRACK: "Unacceptable progress",
    RecommendationStatus.NOT_STARTED: "Not started",
    RecommendationStatus.PAUSED: "Paused",
    RecommendationStatus.NOT_ACCEPTED: "Not accepted by the executive",
    RecommendationStatus.CLOSED: "Closed by the committee",
}

# Marks shown as tags beside a status or in its place: not statuses, but coloured from the
# same palette, here.
MARK_COLOURS: dict[str, TagColour] = {
    "overdue": TagColour.RED,
    "archived": TagColour.GREY,
    "withdrawn": TagColour.GREY,  # a withdrawn published document
    "no_action": TagColour.ORANGE,  # accepted, but no action agreed
}


def status_colour(status: str) -> TagColour:
    """The tag colour of a recommendation's or an action's status (grey for anything else)."""
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
    *, closed: bool, decision: str, set_by_officer: str, action_statuses: Callable[[], list[str]]
) -> str:
    """A recommendation's implementation status in force. The rule, first match wins:

    1. closed by the committee (closure recorded) → Closed;
    2. rejected by the executive → Not accepted;
    3. an officer set the status → that status;
    4. no actions → Not started;
    5. every action achieved → Achieved;
    6. any action with unacceptable progress → Unacceptable progress;
    7. any action achieved or with acceptable progress → Acceptable progress;
    8. any action paused → Paused;
    9. otherwise → Not started.

    Overdue is not a status: it depends on today's date and is computed where shown.
    ``action_statuses`` is called only when the rule needs the actions' statuses.
    """
    if closed:
        return RecommendationStatus.CLOSED
    if decision == Decision.REJECTED:
        return RecommendationStatus.NOT_ACCEPTED
    if set_by_officer:
        return set_by_officer
    statuses = set(action_statuses())
    if not statuses:
        return RecommendationStatus.NOT_STARTED
    if statuses == {ProgressStatus.ACHIEVED}:
        return RecommendationStatus.ACHIEVED
    if ProgressStatus.OFF_TRACK in statuses:
        return RecommendationStatus.OFF_TRACK
    if statuses & {ProgressStatus.ON_TRACK, ProgressStatus.ACHIEVED}:
        return RecommendationStatus.ON_TRACK
    if ProgressStatus.PAUSED in statuses:
        return RecommendationStatus.PAUSED
    return RecommendationStatus.NOT_STARTED
