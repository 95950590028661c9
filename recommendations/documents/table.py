"""The table of a committee document: a block for each recommendation, with a row for each
of its actions (or the recommendation as a whole), their timelines, lead officers, updates and
statuses, and an estimate of each row's height so the PDF keeps short blocks on one page."""

import datetime
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from recommendations.models import ActionPlanItem, Recommendation, Update, status_key
from recommendations.statuses import Decision, TagColour
from scrutiny.formats import british_date

from .text import clean_text, paragraphs, person

# Roughly how much of each column's text a landscape page holds (8pt Arial, see pdf.css): a
# row estimated longer than a page may break inside; any other row is kept on one page.
LINES_PER_PAGE = 44
CHARS_PER_LINE = {"rec": 34, "response": 13, "action": 37, "timeline": 15, "lead": 14, "update": 42}


def estimated_lines(text: str, column: str) -> int:
    """Lines ``text`` takes in ``column`` of the table (an estimate: a paragraph's characters
    over the column's width, each paragraph at least a line, and a line for its spacing)."""
    width = CHARS_PER_LINE[column]
    return sum(len(line) // width + 2 for line in clean_text(text).split("\n"))


def status_display(value: str) -> dict:
    """A status as printed, from the council's key: its words, its GOV.UK tag colour
    (pdf.css has a ``status--`` class for each), the colour in words, and its meaning."""
    entry = status_key().entry(value)
    colour = entry.colour if entry.colour in TagColour.values else TagColour.GREY
    return {
        "value": value,
        "label": entry.label,
        "colour": colour,
        "colour_words": TagColour(colour).label,
        "meaning": entry.meaning,
    }


@dataclass
class UpdateView:
    date: str
    text: SafeString
    author: str
    is_new: bool = False


@dataclass
class Row:
    """A line of the table within a recommendation's block: one action (or the
    recommendation as a whole), with its timeline, lead officer and updates."""

    action: SafeString
    action_number: str = ""
    timeline: str = ""
    target: str = ""
    revision: str = ""
    overdue: bool = False
    action_status: str = ""
    status_reason: str = ""  # the reason given for the action's status, "Paused: ..."
    lead_officer: str = ""
    updates: list[UpdateView] = field(default_factory=list)
    update_note: str = ""
    previous: UpdateView | None = None
    lines: int = 0  # estimated height, in lines of the tallest cell

    @property
    def long(self) -> bool:
        """Longer than a page: it may break inside (every other row is kept whole)."""
        return self.lines > LINES_PER_PAGE


@dataclass
class Block:
    """A recommendation and its rows: the unit the table keeps on one page where it can."""

    number: int
    reference: str
    paragraph_reference: str
    text: SafeString
    responsible_body: str
    decision: str
    response_text: SafeString
    response_when: str
    status: dict
    rows: list[Row]
    status_reason: str = ""
    review_heading: str = ""
    overdue: bool = False
    lines: int = 0

    @property
    def long(self) -> bool:
        """Longer than a page: it starts where it falls and runs over (a shorter block is
        moved whole to the next page rather than split)."""
        return self.lines > LINES_PER_PAGE

    @property
    def span(self) -> int:
        return len(self.rows)

    @property
    def first_row(self) -> Row:
        return self.rows[0]

    @property
    def other_rows(self) -> list[Row]:
        return self.rows[1:]


def _update_view(update: Update, since: datetime.date | None = None) -> UpdateView:
    return UpdateView(
        date=british_date(update.date),
        text=paragraphs(update.text),
        author=update.author.name_as_author() if update.author_id and update.author else "",
        is_new=since is not None and update.date > since,
    )


def _updates_cell(row: Row, updates: list[Update], since: datetime.date | None, since_text: str):
    """Fill a row's update cell: the latest update, or (for a meeting) every update since the
    committee's previous meeting, with the last earlier one when there is none."""
    shown = []
    if since is None:
        if updates:
            shown = [updates[0]]
            row.updates = [_update_view(updates[0])]
        else:
            row.update_note = "No update yet."
    else:
        shown = [u for u in updates if u.date > since]
        row.updates = [_update_view(u, since) for u in shown]
        if not shown:
            row.update_note = f"No update since {since_text}."
            earlier = [u for u in updates if u.date <= since]
            if earlier:
                shown = [earlier[0]]
                row.previous = _update_view(earlier[0])
    row.lines = max(row.lines, sum(estimated_lines(u.text, "update") + 1 for u in shown))


def _timeline(action: ActionPlanItem, position: datetime.date) -> dict:
    target = ""
    if action.target_date:
        target = f"Target date: {british_date(action.target_date)}"
    revision = ""
    if action.target_revision_count:
        revision = action.slippage_text
        if action.first_target_date and action.first_target_date != action.target_date:
            revision += f" (first agreed: {british_date(action.first_target_date)})"
    return {
        "timeline": clean_text(action.timeline),
        "target": target,
        "revision": revision,
        "overdue": action.is_overdue(position) and not action.recommendation_closed,
    }


def recommendation_block(
    rec: Recommendation,
    position: datetime.date,
    since: datetime.date | None,
    since_text: str,
) -> Block:
    lead = person(rec.lead_officer)
    rows = []
    rec_updates = [u for u in rec.update_list if u.action_id is None]
    for action in rec.action_list:
        action.recommendation_closed = rec.is_closed
        row = Row(
            action=paragraphs(action.action) or mark_safe("<p>No action recorded in the plan.</p>"),
            action_number=str(action.number) if len(rec.action_list) > 1 else "",
            lead_officer=person(action.owner) or lead,
            action_status=status_key().label(action.status) if action.status else "",
            status_reason=(
                f"{status_key().label(action.status)}: {clean_text(action.status_reason)}"
                if action.status_reason
                else ""
            ),
            lines=max(
                estimated_lines(action.action, "action"),
                estimated_lines(action.timeline, "timeline") + 4,
            ),
            **_timeline(action, position),
        )
        _updates_cell(row, action.update_list, since, since_text)
        rows.append(row)
    if rec_updates or not rows:
        if rows:
            text = "The recommendation as a whole."
        elif rec.decision in Decision.needing_action():
            text = "No action agreed yet."
        elif rec.decision:
            text = "No action: not accepted as an action for the executive."
        else:
            text = "Awaiting the executive response."
        row = Row(action=mark_safe(f"<p>{escape(text)}</p>"), lead_officer=lead)
        _updates_cell(row, rec_updates, since, since_text)
        rows.append(row)

    response_when = ""
    if rec.response_meeting_id and rec.response_meeting:
        response_when = str(rec.response_meeting)
    elif rec.response_date:
        response_when = british_date(rec.response_date)
    body = rec.responsible_body.name if rec.responsible_body_id and rec.responsible_body else ""
    if rec.responsible_body_note:
        body = f"{body} ({clean_text(rec.responsible_body_note)})" if body else ""
    lines = max(
        sum(row.lines for row in rows),
        estimated_lines(rec.text, "rec") + 6,
        estimated_lines(rec.response_text, "response") + 4,
    )
    return Block(
        number=rec.number,
        reference=clean_text(rec.reference or ""),
        paragraph_reference=clean_text(rec.paragraph_reference),
        text=paragraphs(rec.text),
        responsible_body=body,
        decision=rec.get_decision_display() if rec.decision else "Awaiting response",
        response_text=paragraphs(rec.response_text),
        response_when=response_when,
        status=status_display(rec.status),
        status_reason=clean_text(rec.status_reason_shown),
        rows=rows,
        overdue=any(r.overdue for r in rows),
        lines=lines,
    )
