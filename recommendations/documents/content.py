"""What a committee document says: the front matter, the numbered paragraphs and the table,
read through :func:`recommendations.plan.load_plan` (now, or as at a date from the history).

Everything shown is prepared as plain values, so the PDF templates only lay it out: the
document-level text here, the table's blocks and rows in ``table.py``, typed text and names in
``text.py``.
"""

import datetime
from collections import Counter

from django.conf import settings
from django.utils.text import slugify

from recommendations.models import status_key
from recommendations.plan import load_plan
from recommendations.rounds.reads import missing_returns
from reviews.models import AgendaItem, Meeting, Review
from scrutiny.formats import british_date

from .models import DocumentKind
from .spec import DocumentSpec, Selection
from .table import recommendation_block, status_display
from .text import clean_text, contact, distinct, member, person


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
    # The meeting's update round: what was asked and not returned (a section after the table).
    update_round = None
    if spec.kind == DocumentKind.MEETING_TRACKER:
        update_round = missing_returns(to_meeting.pk, as_at=spec.as_at)
    since_text = (
        f"the committee's previous meeting on {british_date(previous.date)}"
        if previous
        else "the committee's first meeting"
    )

    blocks = []
    last_review = None
    for rec in recs:
        block = recommendation_block(rec, position, since, since_text)
        if spec.kind != DocumentKind.ACTION_PLAN and rec.review_id != last_review:
            review = rec.review
            year = f" ({review.municipal_year})" if review.municipal_year else ""
            block.review_heading = f"{clean_text(review.title)}{year}"
            last_review = rec.review_id
        blocks.append(block)

    counts = Counter(rec.status for rec in recs)
    key = status_key()
    in_key = [entry.code for entry in key.by_category]
    summary = [
        {**status_display(value), "count": counts[value]}
        for value in in_key + sorted(set(counts) - set(in_key))
        if counts.get(value)
    ]
    printed_key = [status_display(entry.code) for entry in key.entries]
    key_rows = [printed_key[i : i + 2] for i in range(0, len(printed_key), 2)]
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
        "status_key": printed_key,
        "status_key_rows": key_rows,
        "is_tracker": spec.kind != DocumentKind.ACTION_PLAN,
        "since_meeting": since is not None,
        "update_round": update_round,
        "created": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "filename": _filename(appendix, short, "as at", position.isoformat()),
        "pad_page": False,
    }
