"""Review pages: the reviews register, a review (now or as at a date) and its history; setting
up and editing a review, pasting its recommendations from the report, and recording the
executive's response to all of them on one page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from reviews.forms import ReviewForm
from reviews.models import (
    Review,
    ReviewMember,
    attach_meetings,
)
from scrutiny.editing import edit_record, gone_on_post, safe_next
from scrutiny.formats import british_date
from scrutiny.permissions import (
    require_register_editor,
)

from .. import reads, services
from ..filtersets import ReviewFilterSet
from ..forms import (
    ResponseForm,
    ResponseMeetingForm,
)
from ..history import history_entries
from ..models import (
    Recommendation,
    status_key,
)
from ..plan import load_plan, review_as_at
from ..registers import review_rows
from ..services import Response, StaleResponses
from .common import (
    PAGE_SIZE,
    as_at_parameter,
    page_of_history,
    query_without_page,
)

# What a row of the reviews register shows, with what its response deadline is worked out
# from. The committee is the only record joined: on PostgreSQL, planning the query of a
# review with all its meetings and their committees (nine tables) took 12 ms.
REVIEW_ROW = (
    "id",
    "title",
    "review_type",
    "municipal_year",
    "status",
    "report_received_on",
    "extended_deadline",
    "response_given_on",
    "commissioning_committee__id",
    "commissioning_committee__name",
)


def reviews_register(*fields: str):
    """The reviews register's rows in its order, each with its number of recommendations
    (``fields``: what is read besides ``REVIEW_ROW``). The page and its export read this."""
    counts = (
        Recommendation.objects.filter(review=OuterRef("pk"))
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Review.objects.select_related("commissioning_committee")
        .only(*REVIEW_ROW, *fields)
        .annotate(recommendation_count=Coalesce(Subquery(counts), 0))
        .order_by("-municipal_year", "title", "pk")
    )


@require_safe
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = reviews_register()
    filterset = ReviewFilterSet(request.GET, queryset=reviews)
    filterset.read_choices_once()
    valid = filterset.is_valid()
    page = Paginator(filterset.qs if valid else reviews.none(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = review_rows(page.object_list, timezone.localdate())
    context = {
        "filterset": filterset,
        "filter_errors": not valid,
        "page": page,
        "query": query_without_page(request),
    }
    return render(
        request, "recommendations/review_list.html", context, status=200 if valid else 400
    )


@require_safe
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    as_at, as_at_error = as_at_parameter(request)
    try:
        # As at a date, the meetings shown are those of the review as it stood: read below.
        review = Review.objects.get_with_framework(pk=pk, meetings=as_at is None)
    except Review.DoesNotExist:
        raise Http404("No such review.") from None
    recommendations = Recommendation.objects.filter(review=review)
    shown, plan = review, None
    if as_at is not None:
        plan = load_plan(recommendations, as_at=as_at)
        # The plan holds the review as it stood, with its meetings, when it had any
        # recommendation then; if not, the review is read alone.
        shown = plan.reviews.get(review.pk)
        if shown is None:
            shown = review_as_at(review.pk, as_at)
            if shown is not None:
                attach_meetings([shown])
        if shown is None:
            as_at_error = f"This review was not in the register on {british_date(as_at)}."
            as_at, plan, shown = None, None, review
            attach_meetings([review])
        else:
            shown.commissioning_committee = review.commissioning_committee
            shown.scrutiny_officer = review.scrutiny_officer
            shown.contact_officer = review.contact_officer
    context = {
        "review": shown,
        "current_review": review,
        # Now: what each card shows, read alone; as at a date: the plan as it stood.
        "recommendations": (
            plan.recommendations if plan is not None else reads.review_cards(recommendations)
        ),
        "members": review.members.select_related("councillor"),
        "combined_reviews": review.combined_reviews.all(),
        "as_at": as_at,
        "as_at_error": as_at_error,
        "as_at_value": request.GET.get("as_at", ""),
        "status_key": status_key(),
        "today": timezone.localdate(),
    }
    return render(
        request, "recommendations/review_detail.html", context, status=400 if as_at_error else 200
    )


@require_safe
def review_history(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review, pk=pk)

    entries = history_entries(
        [
            (Review, Review.history.filter(id=review.pk), "Review"),
            (ReviewMember, ReviewMember.history.filter(review_id=review.pk), "Membership"),
            (
                Recommendation,
                Recommendation.history.filter(review_id=review.pk),
                "Recommendation",
            ),
        ]
    )
    page = page_of_history(entries, request)
    return render(
        request,
        "recommendations/history.html",
        {
            "record": review,
            "page": page,
            "back_url": review.get_absolute_url(),
            "title": review.title,
        },
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(Review, heading="Edit the review")
def review_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Set up or edit a review; its recommendations' generated references follow."""
    require_register_editor(request.user)
    review = get_object_or_404(Review, pk=pk) if pk else Review()

    def save(*, form, record, reason):
        return services.review_update(
            review=record,
            members=list(form.cleaned_data.get("members") or []),
            chair=form.cleaned_data.get("chair"),
            monitoring=list(form.cleaned_data.get("monitoring_committees") or []),
            user=request.user,
            reason=reason,
            version=form.seen_version,
        )

    return edit_record(
        request,
        form_class=ReviewForm,
        instance=review,
        template="forms/edit.html",
        context={
            "heading": "Edit the review" if pk else "Set up a review",
            "caption": review.title if pk else "",
            "back_url": review.get_absolute_url() if pk else reverse("review_list"),
        },
        success_url="",
        success_message="Saved the review “{obj.title}”.",
        save=save,
    )


@require_http_methods(["GET", "POST"])
def review_responses(request: HttpRequest, review_pk: int) -> HttpResponse:
    """Record the executive's response to every recommendation of a review on one page."""
    require_register_editor(request.user)
    review = get_object_or_404(Review, pk=review_pk)
    recommendations = list(review.recommendations.all())
    bound = request.method == "POST"
    # The meeting of a response already recorded is shown; the receipt's is not guessed (an
    # officer who gave only a date got a second error, about a meeting they had not chosen).
    meeting_form = ResponseMeetingForm(
        request.POST if bound else None,
        review=review,
        initial={"meeting": review.response_meeting_id},
    )
    forms_by_rec = []
    for rec in recommendations:
        form = ResponseForm(
            request.POST if bound else None,
            prefix=f"rec-{rec.pk}",
            initial={
                "decision": rec.decision,
                "response_text": rec.response_text,
                "version": rec.version,
            },
        )
        forms_by_rec.append((rec, form))
    status = 200
    stale = []
    if bound and meeting_form.is_valid() and all(f.is_valid() for _, f in forms_by_rec):
        meeting = meeting_form.cleaned_data["meeting"]
        date = meeting_form.cleaned_data["date"] or (meeting.date if meeting else None)
        responses = [
            Response(
                recommendation_id=rec.pk,
                version=form.cleaned_data["version"],
                decision=form.cleaned_data["decision"],
                text=form.cleaned_data["response_text"],
            )
            for rec, form in forms_by_rec
        ]
        try:
            changed = services.review_record_responses(
                review=review, responses=responses, meeting=meeting, date=date, user=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                meeting_form.add_error("meeting", message)
        except StaleResponses as refused:
            fresh = {r.pk: r for r in refused.current}
            stale = [rec for rec, _ in forms_by_rec if rec.pk in fresh]
            status = 409
            for rec, form in forms_by_rec:
                if rec.pk in fresh:
                    form.data = form.data.copy()
                    form.data[f"{form.prefix}-version"] = fresh[rec.pk].version
                    form.stale_current = fresh[rec.pk]
        else:
            messages.success(request, f"Saved the executive's response ({changed} changed).")
            return redirect(safe_next(request, review.get_absolute_url()))
    elif bound:
        status = 200
    return render(
        request,
        "recommendations/responses.html",
        {
            "review": review,
            "meeting_form": meeting_form,
            "forms_by_rec": forms_by_rec,
            "back_url": review.get_absolute_url(),
            "has_errors": bound and (meeting_form.errors or any(f.errors for _, f in forms_by_rec)),
            "stale": stale if status == 409 else [],
        },
        status=status,
    )
