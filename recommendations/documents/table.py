"""The table of a committee document: its columns, and a block for each recommendation, with a
row for each of its actions (or the recommendation as a whole), their timelines, owners,
updates and statuses, and an estimate of each row's height so the PDF keeps short blocks on
one page.

The columns are data (:data:`COLUMNS`): each with its key, heading, share of the width, whether
it has a cell per recommendation or per action, and a function giving the cell as plain text.
The officer chooses which are printed on the export page (``DocumentSpec.columns``); the PDF
template lays out the chosen ones, and any other renderer (Word) can iterate the same list.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from recommendations.models import ActionPlanItem, Recommendation, Update, status_key
from recommendations.statuses import MARK_COLOURS, Decision, TagColour
from scrutiny.formats import british_date

from .text import NBSP, blocks_of, clean_text, keep_dates, member, paragraphs, person

# The table's type (pdf.css: 10pt Arial, line height 1.25) on a landscape A4 page (273 mm of
# width between the margins, 173 mm of height less the repeated header row): about 36 lines
# to a page, and a character about 1.6 mm wide on average (measured on the Merton plan). A
# block estimated taller than a third of a page may break across pages ("Recommendation 3
# (continued)" at the top of the next page); a shorter one is kept whole on one page.
LINES_PER_PAGE = 36
TABLE_WIDTH_MM = 273
CHAR_WIDTH_MM = 1.6
CELL_PADDING_MM = 3

RECOMMENDATION = "recommendation"  # a column with one cell for the whole recommendation
ACTION = "action"  # a column with a cell for each action (row of the block)


@dataclass(frozen=True)
class Column:
    """A column of the table. ``width`` is its share of the table's width (the widths of the
    chosen columns are scaled to fill it); ``per`` says whether it has one cell for the
    recommendation (``RECOMMENDATION``, spanning the block's rows) or one per action
    (``ACTION``); ``text(block, row)`` is the cell as plain text (``row`` is None for a
    recommendation's cell)."""

    key: str
    heading: str
    width: float
    per: str
    text: Callable[["Block", "Row | None"], str]
    default: bool = True  # printed unless the officer unticks it
    required: bool = False  # always printed
    hint: str = ""  # on the export page
    phrase: str = ""  # what it gives, in the document's background paragraph

    @property
    def per_recommendation(self) -> bool:
        return self.per == RECOMMENDATION


def _lines_text(html_blocks: list[tuple[str, list[str]]]) -> str:
    return "\n".join(
        ("• " if kind == "ul" else "") + line for kind, lines in html_blocks for line in lines
    )


def _plain(text: str) -> str:
    """Typed text as plain lines (lists with their bullets)."""
    return _lines_text(blocks_of(text))


def _rec_text(block: "Block", row: "Row | None") -> str:
    heading = f"Recommendation {block.number}"
    if block.reference:
        heading += f" ({block.reference})"
    parts = [heading, block.plain_text]
    if block.paragraph_reference:
        parts.append(f"Report: {block.paragraph_reference}")
    if block.responsible_body:
        parts.append(f"Responsible body: {block.responsible_body}")
    return "\n".join(p for p in parts if p)


def _response_text(block: "Block", row: "Row | None") -> str:
    return "\n".join(p for p in (block.decision, block.plain_response, block.response_when) if p)


def _action_text(row: "Row") -> str:
    parts = []
    if row.action_number:
        parts.append(
            f"Action {row.action_number}" + (f": {row.action_status}" if row.action_status else "")
        )
    parts.append(row.plain_action)
    if row.status_reason:
        parts.append(row.status_reason)
    return "\n".join(p for p in parts if p)


def _timeline_text(row: "Row") -> str:
    parts = [row.timeline, row.target, row.revision, "Overdue" if row.overdue else ""]
    return "\n".join(p for p in parts if p) or "Not set"


def _update_text(row: "Row") -> str:
    parts = []
    for update in row.updates:
        head = ("New " if update.is_new else "") + update.date
        parts.append(head + (f", {update.author}" if update.author else ""))
        parts.append(update.plain)
    if row.update_note:
        parts.append(row.update_note)
    if row.previous:
        parts += [f"Previous update, {row.previous.date}", row.previous.plain]
    return "\n".join(p for p in parts if p)


def _status_text(block: "Block", row: "Row | None") -> str:
    parts = [block.status["label"]]
    if block.status_reason:
        parts.append(f"Reason: {block.status_reason}")
    if block.overdue:
        parts.append("Action overdue")
    return "\n".join(parts)


def _or_not_recorded(value: str) -> str:
    return value or "Not recorded"


# Every column a council may print, in the order printed. The defaults are the table the
# documents have always printed; the others are the columns councils' trackers add.
COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        "Reference",
        9,
        RECOMMENDATION,
        lambda b, r: b.reference,
        phrase="the council's reference",
        default=False,
        hint="The council's reference, “2016/17 R3”, in a column of its own.",
    ),
    Column(
        "recommendation",
        "Recommendation",
        17,
        RECOMMENDATION,
        _rec_text,
        required=True,
        phrase="the body it was addressed to",
    ),
    Column(
        "origin",
        "Origin",
        11,
        RECOMMENDATION,
        lambda b, r: b.origin,
        phrase="the committee that agreed the report and when",
        default=False,
        hint="The committee that agreed the review's report, and the date it did.",
    ),
    Column(
        "service_area",
        "Service area",
        9,
        RECOMMENDATION,
        lambda b, r: _or_not_recorded(b.service_area),
        phrase="the service area",
        default=False,
    ),
    Column(
        "lead_officer",
        "Lead officer",
        10,
        RECOMMENDATION,
        lambda b, r: _or_not_recorded(b.lead_officer),
        phrase="the lead officer",
        default=False,
        hint="The recommendation's lead officer (each action's owner has a column of its own).",
    ),
    Column(
        "executive_member",
        "Executive member",
        10,
        RECOMMENDATION,
        lambda b, r: _or_not_recorded(b.executive_member),
        phrase="the executive member",
        default=False,
        hint="The recommendation's lead Cabinet Member.",
    ),
    Column(
        "decision",
        "Executive decision",
        10,
        RECOMMENDATION,
        lambda b, r: "\n".join(p for p in (b.decision, b.decision_date) if p),
        phrase="the executive's decision and its date",
        default=False,
        hint="The executive's decision and the date it was made.",
    ),
    Column(
        "response",
        "Executive response",
        12.5,
        RECOMMENDATION,
        _response_text,
        phrase="the executive response",
    ),
    Column(
        "action",
        "Action agreed",
        18.5,
        ACTION,
        lambda b, r: _action_text(r),
        phrase="the action agreed",
    ),
    Column(
        "timeline",
        "Timeline",
        12,
        ACTION,
        lambda b, r: _timeline_text(r),
        phrase="its timeline",
    ),
    Column(
        "owner",
        "Action owner",
        9,
        ACTION,
        lambda b, r: _or_not_recorded(r.lead_officer),
        hint="The officer who owns each action.",
        phrase="the action's owner",
    ),
    Column(
        "update",
        "Update",
        19.5,
        ACTION,
        lambda b, r: _update_text(r),
        phrase="the updates",
    ),
    Column(
        "status",
        "Status",
        11.5,
        RECOMMENDATION,
        _status_text,
        required=True,
        phrase="the status",
    ),
)
COLUMNS_BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
DEFAULT_COLUMNS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.default or c.required)


def chosen_columns(keys) -> tuple[str, ...]:
    """The keys of the columns printed: those chosen that exist, the required ones always, in
    the table's order."""
    wanted = set(keys)
    return tuple(c.key for c in COLUMNS if c.required or c.key in wanted)


@dataclass(frozen=True)
class PrintedColumn:
    """A chosen column as the document prints it: the column, its heading, and its share of
    the table's width in per cent (the chosen columns' widths scaled to fill the table)."""

    column: Column
    heading: str
    percent: float

    @property
    def key(self) -> str:
        return self.column.key

    @property
    def per_recommendation(self) -> bool:
        return self.column.per_recommendation

    @property
    def chars_per_line(self) -> int:
        """About how many characters of 10pt text a line of the column holds."""
        width = TABLE_WIDTH_MM * self.percent / 100 - CELL_PADDING_MM
        return max(6, int(width / CHAR_WIDTH_MM))

    def text(self, block: "Block", row: "Row | None" = None) -> str:
        """The cell as plain text (``row`` None for a recommendation's cell)."""
        return self.column.text(block, row)


def printed_columns(keys, *, since_meeting: bool = False) -> list[PrintedColumn]:
    """The columns ``keys`` chooses, with their headings ("Updates" in a meeting's tracker,
    which gives every update since the committee's previous meeting) and widths."""
    columns = [COLUMNS_BY_KEY[key] for key in chosen_columns(keys)]
    total = sum(c.width for c in columns)
    return [
        PrintedColumn(
            column,
            "Updates" if column.key == "update" and since_meeting else column.heading,
            round(column.width * 100 / total, 2),
        )
        for column in columns
    ]


# Characters per line of each default column (the row height estimate of a document printing
# the default columns; ``recommendation_block`` takes the chosen columns' own).
CHARS_PER_LINE: dict[str, int] = {c.key: c.chars_per_line for c in printed_columns(DEFAULT_COLUMNS)}


def estimated_lines(text: str, width: int) -> int:
    """Lines ``text`` takes in a column ``width`` characters wide (an estimate: each
    paragraph's or list item's characters over the width, rounded up, and a line between
    paragraphs)."""
    parts = [line for line in clean_text(text).split("\n") if line.strip()]
    return sum(-(-len(line) // width) for line in parts) + max(0, len(parts) - 1)


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


# A recommendation the executive has not yet responded to is not "Not started": the documents
# print this mark in place of its status (and in their key when one is printed).
AWAITING_RESPONSE = "awaiting_response"


def awaiting_display() -> dict:
    colour = MARK_COLOURS[AWAITING_RESPONSE]
    return {
        "value": AWAITING_RESPONSE,
        "label": "Awaiting response",
        "colour": colour,
        "colour_words": TagColour(colour).label,
        "meaning": "Awaiting the executive response",
    }


def is_awaiting_response(rec: Recommendation) -> bool:
    """No decision recorded and nothing else to report: the executive's response is awaited."""
    return (
        not rec.decision
        and not rec.is_closed
        and status_key().category(rec.status) == "not_started"
    )


@dataclass
class UpdateView:
    date: str
    text: SafeString
    author: str
    is_new: bool = False
    plain: str = ""


@dataclass
class Row:
    """A line of the table within a recommendation's block: one action (or the
    recommendation as a whole), with its timeline, owner and updates."""

    action: SafeString
    action_number: str = ""
    plain_action: str = ""
    timeline: str = ""
    target: str = ""
    revision: str = ""
    overdue: bool = False
    action_status: str = ""
    status_reason: str = ""  # the reason given for the action's status, "Paused: ..."
    lead_officer: str = ""  # the action's owner (else the recommendation's lead officer)
    updates: list[UpdateView] = field(default_factory=list)
    update_note: str = ""
    previous: UpdateView | None = None
    lines: int = 0  # estimated height, in lines of the tallest cell


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
    plain_text: str = ""
    plain_response: str = ""
    decision_date: str = ""
    origin: str = ""  # the committee that agreed the report, and when
    service_area: str = ""
    lead_officer: str = ""  # the recommendation's lead officer
    executive_member: str = ""  # its lead Cabinet Member

    @property
    def long(self) -> bool:
        """Taller than a third of a page: it starts where it falls and its rows may break
        across pages, "(continued)" on the next (a shorter block is moved whole to the next
        page rather than split)."""
        return self.lines > LINES_PER_PAGE // 3

    @property
    def continued_label(self) -> str:
        """What the top of a page says when the block runs on to it."""
        return f"Recommendation{NBSP}{self.number} (continued)"

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
        date=keep_dates(british_date(update.date)),
        text=paragraphs(update.text),
        author=update.author.name_as_author() if update.author_id and update.author else "",
        is_new=since is not None and update.date > since,
        plain=_plain(update.text),
    )


def _updates_cell(
    row: Row, updates: list[Update], since: datetime.date | None, since_text: str, width: int
):
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
    row.lines = max(row.lines, sum(estimated_lines(u.text, width) + 1 for u in shown))


def _timeline(action: ActionPlanItem, position: datetime.date) -> dict:
    target = ""
    if action.target_date:
        target = f"Target date: {keep_dates(british_date(action.target_date))}"
    revision = ""
    if action.target_revision_count:
        revision = action.slippage_text
        if action.first_target_date and action.first_target_date != action.target_date:
            revision += f" (first agreed: {keep_dates(british_date(action.first_target_date))})"
    return {
        "timeline": keep_dates(clean_text(action.timeline)),
        "target": target,
        "revision": revision,
        "overdue": action.is_overdue(position) and not action.recommendation_closed,
    }


def _origin(rec: Recommendation) -> str:
    review = rec.review
    committee = review.commissioning_committee.name if review.commissioning_committee_id else ""
    agreed = keep_dates(british_date(review.report_agreed_on)) if review.report_agreed_on else ""
    return ", ".join(p for p in (committee, agreed) if p)


def recommendation_block(
    rec: Recommendation,
    position: datetime.date,
    since: datetime.date | None,
    since_text: str,
    chars: dict[str, int] | None = None,
) -> Block:
    """The block of ``rec``; ``chars`` gives the characters per line of each printed column
    (for the height estimate; the default columns' if None)."""
    chars = {**CHARS_PER_LINE, **(chars or {})}
    lead = person(rec.lead_officer)
    rows = []
    rec_updates = [u for u in rec.update_list if u.action_id is None]
    for action in rec.action_list:
        action.recommendation_closed = rec.is_closed
        row = Row(
            action=paragraphs(action.action) or mark_safe("<p>No action recorded in the plan.</p>"),
            plain_action=_plain(action.action) or "No action recorded in the plan.",
            action_number=str(action.number) if len(rec.action_list) > 1 else "",
            lead_officer=person(action.owner) or lead,
            action_status=status_key().label(action.status) if action.status else "",
            status_reason=(
                f"{status_key().label(action.status)}: {clean_text(action.status_reason)}"
                if action.status_reason
                else ""
            ),
            lines=max(
                estimated_lines(action.action, chars["action"]),
                estimated_lines(action.timeline, chars["timeline"]) + 3,
            ),
            **_timeline(action, position),
        )
        _updates_cell(row, action.update_list, since, since_text, chars["update"])
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
        row = Row(action=mark_safe(f"<p>{escape(text)}</p>"), plain_action=text, lead_officer=lead)
        _updates_cell(row, rec_updates, since, since_text, chars["update"])
        rows.append(row)

    response_when = ""
    if rec.response_meeting_id and rec.response_meeting:
        response_when = keep_dates(str(rec.response_meeting))
    elif rec.response_date:
        response_when = keep_dates(british_date(rec.response_date))
    decided = rec.response_date or (
        rec.response_meeting.date if rec.response_meeting_id and rec.response_meeting else None
    )
    body = rec.responsible_body.name if rec.responsible_body_id and rec.responsible_body else ""
    if rec.responsible_body_note:
        body = f"{body} ({clean_text(rec.responsible_body_note)})" if body else ""
    lines = max(
        sum(row.lines for row in rows),
        estimated_lines(rec.text, chars["recommendation"]) + 4,
        estimated_lines(rec.response_text, chars.get("response", 20)) + 3,
    )
    awaiting = is_awaiting_response(rec)
    return Block(
        number=rec.number,
        reference=clean_text(rec.reference or ""),
        paragraph_reference=clean_text(rec.paragraph_reference),
        text=paragraphs(rec.text),
        plain_text=_plain(rec.text),
        responsible_body=body,
        decision=rec.get_decision_display() if rec.decision else "Awaiting response",
        decision_date=keep_dates(british_date(decided)) if decided else "",
        response_text=paragraphs(rec.response_text),
        plain_response=_plain(rec.response_text),
        response_when=response_when,
        status=awaiting_display() if awaiting else status_display(rec.status),
        status_reason=clean_text(rec.status_reason_shown),
        rows=rows,
        overdue=any(r.overdue for r in rows),
        lines=lines,
        origin=_origin(rec),
        service_area=clean_text(rec.service_area),
        lead_officer=lead,
        executive_member=member(rec.lead_member),
    )
