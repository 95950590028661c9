"""What a row of each register shows, made ready to print: the recommendations register and the
reviews register list fifty rows a page. Looking each value up in the template, through four
model instances a row, with a filter or a tag for each cell, was most of the time of those
pages (``bench/profile_page.py``); a row here is a named tuple of what its cells print, and one
tag draws a page of them (``templatetags/registers.py``)."""

import datetime
from collections.abc import Iterable
from functools import partial
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from reviews.models import Review, ReviewStatus, ReviewType
from scrutiny.formats import british_date
from scrutiny.links import pk_url

from .statuses import Decision
from .templatetags.statuses import status_tag

# The words of a recommendation's text a row of the register shows (as ``truncatewords``).
EXCERPT_WORDS = 24
DECISIONS = dict(Decision.choices)
REVIEW_TYPES = dict(ReviewType.choices)
REVIEW_STATUSES = dict(ReviewStatus.choices)


# --- the recommendations register -----------------------------------------------------------


class RecommendationRow(NamedTuple):
    """A row of the recommendations register."""

    url: str
    label: str  # its reference, else "Recommendation 3"
    review_url: str
    review_title: str
    excerpt: str  # the first words of its text
    body: str  # the responsible body's name ("" for none)
    lead_officer: str  # the lead officer's name ("" for none)
    response: str  # the executive's decision in words, or "Awaiting response"
    status_tag: SafeString  # the status in its words and colour (the council's key)
    has_overdue_action: bool
    latest_update: str  # the date of the latest update, or "None"


# What a row reads: only the columns it prints (on PostgreSQL each value not read is a
# conversion saved), with the annotations of ``RecommendationQuerySet.for_register``.
RECOMMENDATION_ROW = (
    "id",
    "number",
    "reference",
    "text",
    "decision",
    "status",
    "review_id",
    "review__title",
    "responsible_body__name",
    "lead_officer__name",
    "latest_update_date",
    "has_overdue_action",
)


def recommendation_rows(register: QuerySet, keys: Iterable[int]) -> list[RecommendationRow]:
    """The rows of the recommendations with these keys, in their order (one query):
    ``register`` is ``Recommendation.objects.for_register(today)``. A key no longer found (the
    record deleted in between) is left out."""
    keys = list(keys)
    if not keys:
        return []
    found = {row[0]: row for row in register.filter(pk__in=keys).values_list(*RECOMMENDATION_ROW)}
    recommendation_url = partial(pk_url, "recommendation_detail")
    review_url = partial(pk_url, "review_detail")
    tags: dict[str, SafeString] = {}  # a page shows a few statuses, fifty times
    rows = []
    for key in keys:
        if key not in found:
            continue
        (pk, number, reference, text, decision, status, review_id, review_title, body, lead,
         latest, overdue) = found[key]  # fmt: skip
        rows.append(
            RecommendationRow(
                url=recommendation_url(pk),
                label=reference or f"Recommendation {number}",
                review_url=review_url(review_id),
                review_title=review_title,
                excerpt=Truncator(text).words(EXCERPT_WORDS, truncate=" …"),
                body=body or "",
                lead_officer=lead or "",
                response=DECISIONS.get(decision, decision) or "Awaiting response",
                status_tag=tags.get(status) or tags.setdefault(status, status_tag(status)),
                has_overdue_action=bool(overdue),
                latest_update=british_date(latest) or "None",
            )
        )
    return rows


# --- the reviews register -------------------------------------------------------------------


class ReviewRow(NamedTuple):
    """A row of the reviews register."""

    url: str
    title: str
    review_type: str  # in words
    committee: str
    municipal_year: str
    status: str  # in words
    response_deadline: str  # British date ("" for none)
    is_response_overdue: bool
    recommendation_count: int


def review_rows(reviews: Iterable[Review], today: datetime.date) -> list[ReviewRow]:
    """The rows of these reviews (read with their committee and ``recommendation_count``, as
    ``reviews_register`` reads them), in their order. The deadline is the review's own rule
    (``Review.response_deadline``)."""
    review_url = partial(pk_url, "review_detail")
    return [
        ReviewRow(
            url=review_url(review.pk),
            title=review.title,
            review_type=REVIEW_TYPES.get(review.review_type, review.review_type),
            committee=review.commissioning_committee.name,
            municipal_year=review.municipal_year,
            status=REVIEW_STATUSES.get(review.status, review.status),
            response_deadline=british_date(review.response_deadline),
            is_response_overdue=review.is_response_overdue(today),
            recommendation_count=review.recommendation_count,
        )
        for review in reviews
    ]
