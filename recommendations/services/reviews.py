"""Writes to a review that reach its recommendations: adding those pasted from the report,
recording the executive's response to all of them, and saving the review so that its
monitoring committees and generated references stay true."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from reviews import meeting_rules
from reviews import services as review_services
from reviews.models import Committee, Councillor, Meeting, Review
from scrutiny.audit import acting_as
from scrutiny.formats import british_date

from ..models import Recommendation, Update
from ..models.references import clash_message
from . import records


@dataclass
class PastedRecommendation:
    """One recommendation as read from a pasted list and confirmed by the officer."""

    number: int
    text: str
    paragraph_reference: str = ""
    responsible_body: Committee | None = None
    reference: str = ""  # typed by the officer; blank: the council's scheme gives it


def recommendations_add_from_paste(
    *,
    review: Review,
    items: list[PastedRecommendation],
    user,
    reference_prefix: str | None = None,
    review_version: int | None = None,
) -> list[Recommendation]:
    """Add the recommendations pasted from the report, all or none: a rule broken by any of
    them raises ``ValidationError`` (naming its number) and nothing is saved. A reference
    another recommendation holds is refused naming it, the recommendation holding it and what
    to do (``models.references.clash_message``).

    ``reference_prefix``, when given and not the review's, is first given to the review (the
    way to tell its references per review from another review's of the same municipal year),
    with ``review_version`` the version of the review the officer saw (see ``review_update``),
    in the same transaction."""
    added = []
    with transaction.atomic(), acting_as(user):
        prefix = (reference_prefix or "").strip()
        if reference_prefix is not None and prefix != review.reference_prefix:
            review.reference_prefix = prefix
            review_update(
                review=review,
                user=user,
                reason=f"Reference prefix “{prefix}” given while pasting recommendations"
                if prefix
                else "Reference prefix removed while pasting recommendations",
                version=review_version,
            )
        for item in items:
            recommendation = Recommendation(
                review=review,
                number=item.number,
                text=item.text.strip(),
                paragraph_reference=item.paragraph_reference.strip(),
                responsible_body=item.responsible_body,
            )
            # Given now (save() would, or gives a number of the year), so that validation
            # sees a reference already in use.
            recommendation.set_reference(item.reference)
            try:
                recommendation.full_clean()
            except ValidationError as error:
                raise ValidationError(
                    [f"Recommendation {item.number}: {m}" for m in error.messages]
                ) from None
            recommendation.save(reason="Pasted from the report")
            added.append(recommendation)
    return added


@dataclass
class Response:
    """The executive's response to one recommendation, as typed on the responses page, with
    the version of the recommendation the officer saw."""

    recommendation_id: int
    version: int
    decision: str
    text: str = ""


class StaleResponses(Exception):
    """Recommendations saved by someone else since the responses page was opened."""

    def __init__(self, current: list[Recommendation]):
        super().__init__(f"{len(current)} recommendation(s) changed since the page was opened")
        self.current = current


def review_record_responses(
    *,
    review: Review,
    responses: list[Response],
    meeting: Meeting | None,
    date: datetime.date | None,
    user,
) -> int:
    """Record the executive's response to the recommendations of a review, all or none.

    If any recommendation changed since the page was shown, :class:`StaleResponses` lists
    them (as saved now) and nothing is saved; a rule broken by any response raises
    ``ValidationError`` and nothing is saved. A response left without a decision, or the same
    as saved, is not a change. The first responses given date the review's response. Returns
    how many responses changed.
    """
    changed = 0
    with transaction.atomic(), acting_as(user):
        locked = {r.pk: r for r in Recommendation.objects.select_for_update().filter(review=review)}
        missing = [r for r in responses if r.recommendation_id not in locked]
        if missing:
            raise ValidationError(
                "A recommendation on this page has been removed from the review: open the "
                "page again."
            )
        stale = [
            locked[r.recommendation_id]
            for r in responses
            if locked[r.recommendation_id].is_stale(r.version)
        ]
        if stale:
            raise StaleResponses(stale)
        # The meeting fits the review (an executive body, or a body some recommendation is
        # addressed to, on or after receipt); each response is then held to its own body.
        meeting_rules.check_response(
            meeting,
            date,
            review=review,
            responsible_bodies=[r.responsible_body_id for r in locked.values()],
            field="meeting",
            date_field="date",
        )
        for response in responses:
            current = locked[response.recommendation_id]
            text = response.text.strip()
            if not response.decision or (
                response.decision == current.decision and text == current.response_text
            ):
                continue
            try:
                records.recommendation_respond(
                    recommendation=current,
                    decision=response.decision,
                    response_text=text,
                    date=date,
                    meeting=meeting,
                    user=user,
                )
            except ValidationError as refused:
                raise ValidationError(
                    [f"Recommendation {current.number}: {m}" for m in refused.messages]
                ) from None
            changed += 1
        review = Review.objects.select_for_update().get(pk=review.pk)  # keep others' edits
        if review.response_given_on is None and changed:
            review.response_meeting = meeting
            review.response_given_on = date
            review.full_clean()
            review.save(reason="Executive response recorded")
    return changed


def review_update(
    *,
    review: Review,
    user,
    members: list[Councillor] | None = None,
    chair: Councillor | None = None,
    monitoring: list[Committee] | None = None,
    reason: str = "",
    version: int | None = None,
) -> Review:
    """Save a review (``reviews.services.review_save``) and make its recommendations'
    generated references follow its report date and prefix, in one transaction.

    A committee stops monitoring the review (another commissioning committee, or one no longer
    named as also monitoring it) only if none of the review's updates was reported to its
    meetings and none of its recommendations was closed at one: those records would no longer
    fit ``reviews.meeting_rules``. Otherwise ``ValidationError`` says which, and nothing is
    saved."""
    with transaction.atomic():
        before = _monitoring_ids(review.pk) if review.pk else set()
        review_services.review_save(
            review=review,
            user=user,
            members=members,
            chair=chair,
            monitoring=monitoring,
            reason=reason,
            version=version,
        )
        if before:
            _refuse_stranded_meetings(review, before - _monitoring_ids(review.pk))
        references_follow_review(review=review, user=user)
    return review


def _monitoring_ids(review_pk: int) -> set[int]:
    """The ids of the committees monitoring the review, as saved."""
    saved = Review.objects.filter(pk=review_pk).values_list("commissioning_committee", flat=True)
    named = Review.monitoring_committees.through.objects.filter(review_id=review_pk)
    return set(
        Committee.objects.filter(
            Q(pk__in=saved) | Q(pk__in=named.values("committee_id"))
        ).values_list("pk", flat=True)
    )


def _refuse_stranded_meetings(review: Review, removed: set[int]) -> None:
    if not removed:
        return
    updates = (
        Update.objects.current()
        .filter(recommendation__review=review, reported_to__committee__in=removed)
        .select_related("reported_to__committee", "recommendation")
        .order_by("date", "pk")
    )
    closures = Recommendation.objects.filter(
        review=review, closed_at_meeting__committee__in=removed
    ).select_related("closed_at_meeting__committee")
    records = [
        (
            u.reported_to.committee,
            f"the update of {british_date(u.date)} on recommendation {u.recommendation.number}",
        )
        for u in updates
    ] + [
        (r.closed_at_meeting.committee, f"the closure of recommendation {r.number}")
        for r in closures
    ]
    if not records:
        return
    committees = sorted({str(c) for c, _ in records})
    what = "; ".join(text for _, text in records[:5]) + ("; and more" if len(records) > 5 else "")
    if len(committees) == 1:
        who, verb, its, it = committees[0], "monitors", "its", "it"
    else:
        who, verb, its, it = " and ".join(committees), "monitor", "their", "them"
    raise ValidationError(
        {
            "monitoring_committees": f"{who} still {verb} this review: {its} meetings hold "
            f"{what}. Keep {it} as the commissioning committee or tick {it} as a committee "
            "that also monitors the review."
        }
    )


def references_follow_review(*, review: Review, user) -> int:
    """Generated references follow the review's report date and prefix: each recommendation
    whose generated reference changes is saved again, with history. Per review ("2016/17 R3")
    they follow the date, the prefix and the number; a number of the year ("OS 24-25/07")
    stays unless the report moves to another municipal year, where the next free number of
    that year is given; one still to be given is given once the report is agreed. References
    an officer typed stay. A new reference already used by another recommendation is refused
    with a ``ValidationError`` naming it and the recommendation holding it, and nothing is
    saved. Returns how many changed."""
    changing = []
    for recommendation in Recommendation.objects.filter(
        review=review, reference_is_generated=True
    ).select_related("response_meeting"):
        recommendation.review = review
        if recommendation.number_outside_its_year():
            changing.append(recommendation)
            continue
        if recommendation.reference_number is not None:
            continue  # a number of the year stays
        if (
            recommendation.generated_reference() != recommendation.reference
            or recommendation.needs_number()
        ):
            changing.append(recommendation)
    if not changing:
        return 0
    per_review = {
        rec.generated_reference(): rec
        for rec in changing
        if rec.reference_number is None and not rec.needs_number()
    }
    taken = (
        Recommendation.objects.filter(reference__in=[new for new in per_review if new])
        .exclude(pk__in=[rec.pk for rec in changing])
        .select_related("review")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            "The recommendations' references would change to ones already in use: "
            + clash_message(taken.reference, taken, typed=False, review=review, can_type=False)
        )
    with transaction.atomic(), acting_as(user):
        for recommendation in changing:
            old = recommendation.reference or "none"
            if recommendation.number_outside_its_year():
                recommendation.renumber()
            recommendation.refresh_reference()
            recommendation.save(
                reason=f"Reference follows the review's report date: {old} to "
                f"{recommendation.reference or 'none'}"
            )
    return len(changing)
