"""What a committee document (or its export page) is about: a review's action plan, a
meeting's tracker, or a selection of the register, with the addresses of its pages. The views
of recommendations/documents/views.py take one of these from the URL and work on it."""

from dataclasses import dataclass, field

from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse

from reviews.models import Meeting, Review

from .models import DocumentKind, PublishedDocument
from .spec import DocumentSpec, filters_from_query


@dataclass
class Target:
    """What a document (or its export page) is about: a review, a meeting or a selection of
    the register."""

    kind: str
    review: Review | None = None
    meeting: Meeting | None = None
    filters: tuple[tuple[str, str], ...] = ()
    filter_labels: list[tuple[str, str]] = field(default_factory=list)

    def spec(self, **options) -> DocumentSpec:
        return DocumentSpec(
            kind=self.kind,
            review_id=self.review.pk if self.review else None,
            meeting_id=self.meeting.pk
            if self.meeting and self.kind != DocumentKind.ACTION_PLAN
            else None,
            filters=self.filters,
            **options,
        )

    @property
    def name(self) -> str:
        if self.kind == DocumentKind.ACTION_PLAN:
            return "action plan"
        return "recommendations tracker"

    @property
    def caption(self) -> str:
        if self.review:
            return self.review.title
        if self.meeting:
            return str(self.meeting)
        return "Recommendations register"

    @property
    def back(self) -> tuple[str, str]:
        if self.review:
            return self.review.get_absolute_url(), self.review.title
        if self.meeting:
            return self.meeting.get_absolute_url(), str(self.meeting)
        query = DocumentSpec(kind=DocumentKind.TRACKER, filters=self.filters).query_string()
        return reverse("recommendation_list") + (f"?{query}" if query else ""), "Recommendations"

    @property
    def nav_section(self) -> str:
        return {
            DocumentKind.ACTION_PLAN: "reviews",
            DocumentKind.MEETING_TRACKER: "meetings",
        }.get(self.kind, "recommendations")

    def _url(self, name: str) -> str:
        if self.kind == DocumentKind.ACTION_PLAN:
            return reverse(f"documents_review_{name}", args=[self.review.pk])
        if self.kind == DocumentKind.MEETING_TRACKER:
            return reverse(f"documents_meeting_{name}", args=[self.meeting.pk])
        query = DocumentSpec(kind=DocumentKind.TRACKER, filters=self.filters).query_string()
        return reverse(f"documents_tracker_{name}") + (f"?{query}" if query else "")

    @property
    def export_url(self) -> str:
        return self._url("export")

    @property
    def download_url(self) -> str:
        return self._url("export_download")

    @property
    def publish_url(self) -> str:
        return self._url("export_publish")


def review_target(pk: int) -> Target:
    review = get_object_or_404(
        Review.objects.select_related(
            "commissioning_committee", "contact_officer", "scrutiny_officer"
        ),
        pk=pk,
    )
    return Target(DocumentKind.ACTION_PLAN, review=review)


def meeting_target(pk: int) -> Target:
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    return Target(DocumentKind.MEETING_TRACKER, meeting=meeting)


def tracker_target(request: HttpRequest) -> Target:
    return Target(DocumentKind.TRACKER, filters=filters_from_query(request.GET))


def replacement_url(document: PublishedDocument) -> str:
    """The export page that publishes the replacement of the withdrawn ``document``: its
    target's, with ``replaces`` (and a tracker's filters) in the address."""
    query = QueryDict(mutable=True)
    if document.kind == DocumentKind.ACTION_PLAN:
        path = reverse("documents_review_export", args=[document.review_id])
    elif document.kind == DocumentKind.MEETING_TRACKER:
        path = reverse("documents_meeting_export", args=[document.meeting_id])
    else:
        path = reverse("documents_tracker_export")
        for key, value in filters_from_query(QueryDict(document.parameters)):
            query.appendlist(key, value)
    query["replaces"] = str(document.pk)
    return f"{path}?{query.urlencode()}"
