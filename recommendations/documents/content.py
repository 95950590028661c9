"""What a committee document says: the front matter, the numbered paragraphs and the table,
read through :func:`recommendations.plan.load_plan` (now, or as at a date from the history).

Everything shown is prepared here as plain values, so the PDF templates only lay it out.
Text typed by people is escaped and kept literally (tags, emoji, Welsh letters); control
characters that have no printed form are dropped.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from recommendations.models import ActionPlanItem, Recommendation, Update
from recommendations.plan import load_plan
from recommendations.statuses import (
    STATUS_MEANINGS,
    Decision,
    ProgressStatus,
    RecommendationStatus,
    status_colour,
)
from reviews.models import AgendaItem, Meeting, Review
from scrutiny.formats import british_date

from .models import DocumentKind
from .spec import DocumentSpec, Selection

# Roughly how much of each column's text a landscape page holds (8pt Arial, see pdf.css): a
# row estimated longer than a page may break inside; any other row is kept on one page.
LINES_PER_PAGE = 44
CHARS_PER_LINE = {"rec": 34, "response": 13, "action": 37, "timeline": 15, "lead": 14, "update": 42}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_BLANK_LINES = re.compile(r"\n\s*\n")


def clean_text(text: str) -> str:
    """Text as typed, without control characters that have no printed form."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def paragraphs(text: str) -> SafeString:
    """Typed text as escaped HTML paragraphs (blank lines) and line breaks."""
    text = clean_text(text)
    if not text:
        return mark_safe("")
    parts = [escape(part).replace("\n", "<br>") for part in _BLANK_LINES.split(text)]
    return mark_safe("".join(f"<p>{part}</p>" for part in parts))


def estimated_lines(text: str, column: str) -> int:
    """Lines ``text`` takes in ``column`` of the table (an estimate: a paragraph's characters
    over the column's width, each paragraph at least a line, and a line for its spacing)."""
    width = CHARS_PER_LINE[column]
    return sum(len(line) // width + 2 for line in clean_text(text).split("\n"))


def person(officer) -> str:
    """ "Julia Regan, Head of Democracy Services" """
    if officer is None:
        return ""
    return ", ".join(part for part in (officer.name, officer.job_title) if part)


def contact(officer) -> str:
    """A contact officer as the cover reports give one: name, title, phone, e-mail."""
    if officer is None:
        return ""
    return ", ".join(part for part in (person(officer), officer.phone, officer.email) if part)


def member(councillor) -> str:
    if councillor is None:
        return ""
    name = f"Councillor {councillor.name}"
    return f"{name}, {councillor.role}" if councillor.role else name


def distinct(values, limit: int = 3) -> str:
    """Distinct non-empty values in order, joined; "and 4 others" past ``limit``."""
    seen = list(dict.fromkeys(v for v in values if v))
    if len(seen) > limit:
        rest = len(seen) - limit
        return "; ".join(seen[:limit]) + f"; and {rest} other{'s' if rest != 1 else ''}"
    return "; ".join(seen)


def status_display(value: str) -> dict:
    """A status as printed: its words, its GOV.UK tag colour (pdf.css has a ``status--``
    class for each) and its meaning."""
    colour, meaning = status_colour(value), STATUS_MEANINGS.get(value, value)
    try:
        label = RecommendationStatus(value).label
    except ValueError:
        label = value.replace("_", " ").capitalize()
    return {"value": value, "label": label, "colour": colour, "meaning": meaning}


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
        author=update.author.name if update.author_id and update.author else "",
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


def _block(
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
            action_status=ProgressStatus(action.status).label if action.status else "",
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
        rows=rows,
        overdue=any(r.overdue for r in rows),
        lines=lines,
    )


def _filename(*parts: str) -> str:
    return (slugify("-".join(p for p in parts if p))[:120].strip("-") or "document") + ".pdf"


def build_content(spec: DocumentSpec, selection: Selection) -> dict:
    """The context of ``documents/pdf.html`` for ``spec``. A fixed number of queries."""
    position = spec.position_date
    queryset = selection.queryset.select_related(
        "review__scrutiny_officer", "review__commissioning_committee", "response_meeting__committee"
    )
    plan = load_plan(queryset, as_at=spec.as_at)
    recs = [
        r
        for r in plan.recommendations
        if (spec.include_closed or not r.is_closed)
        and getattr(r, "archived_at", None) is None  # archived ones leave the registers
    ]
    if spec.as_at is None:
        recs.sort(key=lambda r: (r.review_id, r.number, r.pk))

    to_meeting = agenda_item = None
    if spec.agenda_item_id:
        agenda_item = AgendaItem.objects.select_related("meeting__committee").get(
            pk=spec.agenda_item_id
        )
        to_meeting = agenda_item.meeting
    elif spec.to_meeting_id:
        to_meeting = Meeting.objects.select_related("committee").get(pk=spec.to_meeting_id)

    since = previous = None
    if spec.kind == DocumentKind.MEETING_TRACKER:
        previous = (
            Meeting.objects.filter(committee_id=to_meeting.committee_id, date__lt=to_meeting.date)
            .order_by("-date", "-pk")
            .first()
        )
        since = previous.date if previous else datetime.date.min
    since_text = (
        f"the committee's previous meeting on {british_date(previous.date)}"
        if previous
        else "the committee's first meeting"
    )

    blocks = []
    last_review = None
    for rec in recs:
        block = _block(rec, position, since, since_text)
        if spec.kind != DocumentKind.ACTION_PLAN and rec.review_id != last_review:
            review = rec.review
            year = f" ({review.municipal_year})" if review.municipal_year else ""
            block.review_heading = f"{clean_text(review.title)}{year}"
            last_review = rec.review_id
        blocks.append(block)

    counts = Counter(rec.status for rec in recs)
    summary = [
        {**status_display(value), "count": counts[value]}
        for value in RecommendationStatus.values
        if counts.get(value)
    ]
    status_key = [status_display(value) for value in STATUS_MEANINGS]
    key_rows = [status_key[i : i + 2] for i in range(0, len(status_key), 2)]
    overdue_count = sum(1 for b in blocks if b.overdue)

    reviews = list(dict.fromkeys(rec.review for rec in recs))
    review = None
    if spec.kind == DocumentKind.ACTION_PLAN:
        review = plan.reviews.get(spec.review_id) or (reviews[0] if reviews else None)
        if review is None:
            review = Review.objects.select_related(
                "scrutiny_officer", "commissioning_committee"
            ).get(pk=spec.review_id)
    position_text = f"Position as at {british_date(position)}"
    council = settings.COUNCIL_NAME

    # Subject, purpose and title.
    n = len(recs)
    count_text = f"{n} recommendation{'s' if n != 1 else ''}"
    if spec.kind == DocumentKind.ACTION_PLAN:
        subject = f"{clean_text(review.title)}: executive response and action plan"
        purpose = (
            f"This document sets out the executive response and the action plan for the "
            f"{count_text} of the scrutiny review “{clean_text(review.title)}”, with "
            f"progress on each action. It gives the position as at {british_date(position)}."
        )
        short = clean_text(review.title)
    elif spec.kind == DocumentKind.MEETING_TRACKER:
        committee = to_meeting.committee.name
        subject = f"Scrutiny recommendations tracker: {committee}, {british_date(to_meeting.date)}"
        purpose = (
            f"This document sets out progress on the {count_text} of the scrutiny reviews "
            f"the {committee} monitors, with every update received since {since_text} "
            f"(marked “New”). It gives the position as at {british_date(position)}."
        )
        short = f"Recommendations tracker, {committee}"
    else:
        subject = "Scrutiny recommendations tracker"
        chosen = "; ".join(f"{label}: {value}" for label, value in selection.filters)
        purpose = (
            f"This document sets out the executive response, the action plan and progress "
            f"for {count_text} of the recommendations register"
            + (f", chosen by {chosen}" if chosen else "")
            + f". It gives the position as at {british_date(position)}."
        )
        short = "Recommendations tracker"
    if not spec.include_closed:
        purpose += " Recommendations the committee has closed are left out."

    background = []
    if review is not None:
        if review.report_agreed_on:
            committee_name = (
                review.commissioning_committee.name if review.commissioning_committee else ""
            )
            background.append(
                f"The {committee_name or 'committee'} agreed the report of the review on "
                f"{british_date(review.report_agreed_on)}."
            )
        if review.report_received_on:
            background.append(
                f"The executive received the report on {british_date(review.report_received_on)}"
                + (
                    f" and gave its response on {british_date(review.response_given_on)}."
                    if review.response_given_on
                    else "; its response is awaited."
                )
            )
    background.append(
        "The table gives, for each recommendation, the body it was addressed to, the "
        "executive response, the action agreed with its timeline and lead officer, the "
        + ("updates" if since is not None else "latest update")
        + " and the status. Statuses are always given in words; the key is at the end."
    )
    if overdue_count:
        background.append(
            f"{overdue_count} recommendation{'s have' if overdue_count != 1 else ' has'} "
            f"an action past its target date and not achieved, marked “Overdue”."
        )

    officers = [rec.lead_officer for rec in recs]
    scrutiny_officers = [r.scrutiny_officer for r in reviews if r.scrutiny_officer_id]
    if review is not None and review.scrutiny_officer_id:
        scrutiny_officers = [review.scrutiny_officer]
    front = []
    if to_meeting:
        front.append(("Committee", to_meeting.committee.name))
        front.append(("Date", british_date(to_meeting.date)))
    if agenda_item:
        front.append(("Agenda item", clean_text(str(agenda_item))))
    front.append(("Wards", clean_text(spec.wards) or "All"))
    front.append(("Subject", subject))
    front.append(("Lead officer", distinct(person(o) for o in officers) or "Not recorded"))
    front.append(
        ("Lead member", distinct(member(rec.lead_member) for rec in recs) or "Not recorded")
    )
    front.append(
        ("Contact officer", distinct(contact(o) for o in scrutiny_officers) or "Not recorded")
    )

    appendix = clean_text(spec.appendix_label)
    title = f"{appendix}: {subject}" if appendix else subject
    meeting_line = (
        f"{to_meeting.committee.name}, {british_date(to_meeting.date)}" if to_meeting else ""
    )
    return {
        "kind": spec.kind,
        "lang": "en-GB",
        "council": council,
        "title": f"{title}. {position_text}",
        "document_title": title,
        "subject": subject,
        "running_title": f"{appendix}: {short}" if appendix else short,
        "appendix": appendix,
        "meeting_line": meeting_line,
        "position_text": position_text,
        "position": british_date(position),
        "as_at": spec.as_at,
        "front": front,
        "purpose": purpose,
        "background": background,
        "summary": summary,
        "summary_total": n,
        "blocks": blocks,
        "status_key": status_key,
        "status_key_rows": key_rows,
        "is_tracker": spec.kind != DocumentKind.ACTION_PLAN,
        "since_meeting": since is not None,
        "created": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "filename": _filename(appendix, short, "as at", position.isoformat()),
        "pad_page": False,
    }
