"""What a committee document says: the front matter, the numbered paragraphs and the table,
read through :func:`recommendations.plan.load_plan` (now, or as at a date from the history).

Everything shown is prepared as plain values, so the PDF templates only lay it out: the
document-level text here, the table's blocks and rows in ``table.py``, typed text and names in
``text.py``.
"""

import datetime
from collections import Counter

from django.conf import settings
from django.utils.text import Truncator, slugify

from recommendations.models import status_key
from recommendations.plan import load_plan
from recommendations.rounds.reads import missing_returns
from reviews.models import AgendaItem, Meeting, Review
from scrutiny.formats import british_date

from .models import DocumentKind
from .spec import PEOPLE, DocumentSpec, Selection
from .table import (
    AWAITING_RESPONSE,
    awaiting_display,
    printed_columns,
    recommendation_block,
    status_display,
)
from .text import clean_text, contact, distinct, keep_dates, member, person

# The front matter of a tracker across reviews, whose people are each review's.
VARIOUS = "Various (see table)"
NOT_RECORDED = "Not recorded"
CROWDED_COLUMNS = 9  # more columns than this, and words may break inside (pdf.css)
RUNNING_TITLE_CHARS = 80  # one line of the running header (9pt) on a portrait page


def register_people(recs: list, reviews: list) -> dict[str, str]:
    """The front matter's lead officer, lead member and contact officer as the register gives
    them: for one review, its recommendations' lead officers and Cabinet Members and its
    contact officer (else its scrutiny officer); across reviews, "Various (see table)"."""
    if len({review.pk for review in reviews}) > 1:
        return dict.fromkeys(PEOPLE, VARIOUS)
    review = reviews[0] if reviews else None
    contact_officer = None
    if review is not None:
        contact_officer = (
            review.contact_officer if review.contact_officer_id else review.scrutiny_officer
        )
    return {
        "lead_officer": distinct(person(rec.lead_officer) for rec in recs) or NOT_RECORDED,
        "lead_member": distinct(member(rec.lead_member) for rec in recs) or NOT_RECORDED,
        "contact_officer": contact(contact_officer) or NOT_RECORDED,
    }


def register_people_of(queryset, review=None) -> dict[str, str]:
    """The front matter's people for the recommendations of ``queryset`` (of ``review``, for
    an action plan) as the register gives them now: what the export page offers to correct.
    One query for an action plan, two for a tracker."""
    if review is None:
        review_ids = queryset.order_by().values_list("review_id", flat=True).distinct()
        if len(review_ids[:2]) > 1:
            return dict.fromkeys(PEOPLE, VARIOUS)
    recs = list(
        queryset.select_related(
            "lead_officer", "lead_member", "review__contact_officer", "review__scrutiny_officer"
        ).order_by("number", "pk")
    )
    reviews = [review] if review is not None else [recs[0].review] if recs else []
    return register_people(recs, reviews)


def _status_of(value: str) -> dict:
    return awaiting_display() if value == AWAITING_RESPONSE else status_display(value)


def _filename(*parts: str) -> str:
    return (slugify("-".join(p for p in parts if p))[:120].strip("-") or "document") + ".pdf"


def build_content(spec: DocumentSpec, selection: Selection) -> dict:
    """The context of ``documents/pdf.html`` for ``spec``. A fixed number of queries."""
    position = spec.position_date
    queryset = selection.queryset.select_related(
        "review__scrutiny_officer",
        "review__contact_officer",
        "review__commissioning_committee",
        "response_meeting__committee",
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
    # The meeting's update round: what was asked and not returned (a section after the table).
    update_round = None
    if spec.kind == DocumentKind.MEETING_TRACKER:
        update_round = missing_returns(to_meeting.pk, as_at=spec.as_at)
    since_text = (
        f"the committee's previous meeting on {british_date(previous.date)}"
        if previous
        else "the committee's first meeting"
    )

    columns = printed_columns(spec.columns, since_meeting=since is not None)
    chars = {column.key: column.chars_per_line for column in columns}
    blocks = []
    last_review = None
    for rec in recs:
        block = recommendation_block(rec, position, since, since_text, chars)
        if spec.kind != DocumentKind.ACTION_PLAN and rec.review_id != last_review:
            review = rec.review
            year = f" ({review.municipal_year})" if review.municipal_year else ""
            block.review_heading = f"{clean_text(review.title)}{year}"
            last_review = rec.review_id
        blocks.append(block)

    # The summary of progress is the status key too: every status of the council's key, in
    # its order, with what it means and how many recommendations have it (and any status a
    # recommendation has that the key no longer lists), so the key is on the front page.
    counts = Counter(block.status["value"] for block in blocks)
    in_key = [entry.code for entry in status_key().entries]
    if counts.get(AWAITING_RESPONSE):
        in_key.insert(0, AWAITING_RESPONSE)
    summary = [
        {**_status_of(value), "count": counts.get(value, 0)}
        for value in in_key + sorted(set(counts) - set(in_key))
    ]
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
    phrases = [
        column.column.phrase if column.key != "update" or since is not None else "the latest update"
        for column in columns
    ]
    background.append(
        "The table gives, for each recommendation, "
        + ", ".join(phrases[:-1])
        + f" and {phrases[-1]}. Statuses are always given in words; the key is in section 2."
    )
    if update_round and update_round["requested"]:
        asked = update_round["requested"]
        missing = update_round["missing"]
        background.append(
            f"Before this meeting the lead officers were asked for updates on {asked} "
            f"item{'s' if asked != 1 else ''}, by {british_date(update_round['deadline'])}: "
            f"{update_round['returned']} returned"
            + (
                f" ({update_round['waiting']} awaiting the scrutiny officer's review)"
                if update_round["waiting"]
                else ""
            )
            + (
                f". The {missing} not returned are listed after the table."
                if missing > 1
                else ". The one not returned is listed after the table."
                if missing
                else "."
            )
        )
    if overdue_count:
        background.append(
            f"{overdue_count} recommendation{'s have' if overdue_count != 1 else ' has'} "
            f"an action past its target date and not achieved, marked “Overdue”."
        )

    people = register_people(recs, [review] if review is not None else reviews)
    for name in PEOPLE:  # as the officer corrected them on the export page
        people[name] = clean_text(getattr(spec, name)) or people[name]
    front = []
    if to_meeting:
        front.append(("Committee", to_meeting.committee.name))
        front.append(("Date", british_date(to_meeting.date)))
    if agenda_item:
        front.append(("Agenda item", clean_text(str(agenda_item))))
    front.append(("Wards", clean_text(spec.wards) or "All"))
    front.append(("Subject", subject))
    front.append(("Lead officer", people["lead_officer"]))
    front.append(("Lead member", people["lead_member"]))
    front.append(("Contact officer", people["contact_officer"]))

    # Dates on the front page are kept on one line too.
    purpose = keep_dates(purpose)
    background = [keep_dates(paragraph) for paragraph in background]
    front = [(label, keep_dates(value)) for label, value in front]

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
        # The running header of the table's pages: short, so it takes one line.
        "running_title": Truncator(f"{appendix}: {short}" if appendix else short).chars(
            RUNNING_TITLE_CHARS
        ),
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
        "columns": columns,
        "column_count": len(columns),
        # So many columns that a date or a long word may not fit its column: let it break
        # rather than run over the next one.
        "crowded": len(columns) > CROWDED_COLUMNS,
        "reference_column": "reference" in spec.columns,
        "is_tracker": spec.kind != DocumentKind.ACTION_PLAN,
        "since_meeting": since is not None,
        "update_round": update_round,
        "created": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "filename": _filename(appendix, short, "as at", position.isoformat()),
        "pad_page": False,
    }
