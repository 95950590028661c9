"""Recommendation pages: the register, a recommendation (now or as at a date) and its
history; adding, editing, closing and archiving a recommendation."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from reviews.models import (
    Review,
)
from scrutiny.editing import attempt, confirm_with_reason, edit_record, gone_on_post
from scrutiny.formats import british_date, minute_text
from scrutiny.permissions import (
    can_edit_action,
    can_edit_update,
    can_post_update,
    require_register_editor,
)
from scrutiny.services import record_saver

from .. import services
from ..filtersets import RecommendationFilterSet
from ..forms import (
    ArchiveForm,
    CloseForm,
    RecommendationForm,
)
from ..history import history_entries
from ..models import (
    ActionPlanItem,
    Recommendation,
    TargetDateRevision,
    Update,
    status_key,
)
from ..plan import load_plan
from ..registers import recommendation_rows
from .common import (
    PAGE_SIZE,
    as_at_parameter,
    page_of_history,
    query_without_page,
    sort_links,
)

REGISTER_COLUMNS = {
    "reference": "Reference",
    "review": "Review",
    "status": "Status",
    "updated": "Latest update",
}


@require_safe
def recommendation_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    base = Recommendation.objects.for_register(today)
    filterset = RecommendationFilterSet(request.GET, queryset=base)
    filterset.read_choices_once()
    valid = filterset.is_valid()
    page = _page_of_register(filterset.qs if valid else base.none(), base, request)
    context = {
        "filterset": filterset,
        "filter_errors": not valid,
        "page": page,
        "query": query_without_page(request),
        "sort_links": sort_links(request, REGISTER_COLUMNS),
        "status_key": status_key(),
        "has_filters": any(v for k, v in request.GET.items() if k not in {"page", "sort"}),
    }
    return render(
        request, "recommendations/recommendation_list.html", context, status=200 if valid else 400
    )


def _page_of_register(results, base, request: HttpRequest):
    """A page of the register. The filters (a free-text search reads four tables) run once,
    for the matching primary keys in the register's order; then only the page's rows are read
    with what a row prints (``registers.recommendation_rows``)."""
    ids = list(results.values_list("pk", flat=True))
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = recommendation_rows(base, page.object_list)
    return page


@require_safe
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    as_at, as_at_error = as_at_parameter(request)
    recommendations = Recommendation.objects.filter(pk=pk)
    review = None
    if as_at is not None:
        # The review as it is now (names are today's); the plan holds it as it stood.
        review = get_object_or_404(recommendations.select_related("review")).review
        plan = load_plan(recommendations, as_at=as_at)
        if not plan.recommendations:
            as_at_error = f"This recommendation was not in the register on {british_date(as_at)}."
            as_at = None
    if as_at is None:
        # The plan reads the recommendation with its review: no query of its own first.
        plan = load_plan(recommendations)
        if not plan.recommendations:
            raise Http404("No such recommendation.")
    recommendation = plan.recommendations[0]
    review = review or recommendation.review
    revisions = TargetDateRevision.objects.filter(action__recommendation_id=pk).select_related(
        "revised_by"
    )
    if as_at is not None:
        revisions = revisions.filter(created_at__date__lte=as_at)
    revisions_by_action = {}
    for revision in revisions:
        revisions_by_action.setdefault(revision.action_id, []).append(revision)
    for action in recommendation.action_list:
        action.revision_list = revisions_by_action.get(action.pk, [])
        action.user_can_edit = as_at is None and can_edit_action(request.user, action)
    can_update = as_at is None and (
        can_post_update(request.user, recommendation)
        or any(a.user_can_edit for a in recommendation.action_list)
    )
    editable_updates = (
        {u.pk for u in recommendation.update_list if can_edit_update(request.user, u)}
        if as_at is None
        else set()
    )
    context = {
        "recommendation": recommendation,
        "review": review,
        "can_update": can_update,
        "editable_updates": editable_updates,
        "as_at": as_at,
        "as_at_error": as_at_error,
        "as_at_value": request.GET.get("as_at", ""),
        "today": timezone.localdate(),
        "status_key": status_key(),
    }
    return render(
        request,
        "recommendations/recommendation_detail.html",
        context,
        status=400 if as_at_error else 200,
    )


@require_safe
def recommendation_history(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = get_object_or_404(Recommendation.objects.select_related("review"), pk=pk)
    entries = history_entries(
        [
            (Recommendation, Recommendation.history.filter(id=pk), "Recommendation"),
            (ActionPlanItem, ActionPlanItem.history.filter(recommendation_id=pk), "Action"),
            (Update, Update.history.filter(recommendation_id=pk), "Update"),
            (
                TargetDateRevision,
                TargetDateRevision.history.filter(
                    action_id__in=ActionPlanItem.history.filter(recommendation_id=pk).values("id")
                ),
                "Target date revision",
            ),
        ]
    )
    page = page_of_history(entries, request)
    return render(
        request,
        "recommendations/history.html",
        {
            "record": recommendation,
            "page": page,
            "back_url": recommendation.get_absolute_url(),
            "title": f"{recommendation.review.title}: recommendation {recommendation.number}",
        },
    )


@require_http_methods(["GET", "POST"])
def recommendation_create(request: HttpRequest, review_pk: int) -> HttpResponse:
    require_register_editor(request.user)
    review = get_object_or_404(Review, pk=review_pk)
    next_number = (
        review.recommendations.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    recommendation = Recommendation(review=review, number=next_number)
    return edit_record(
        request,
        form_class=RecommendationForm,
        instance=recommendation,
        template="forms/edit.html",
        context={
            "heading": "Add a recommendation",
            "caption": review.title,
            "back_url": review.get_absolute_url(),
        },
        success_url=review.get_absolute_url(),
        success_message="Added recommendation {obj.number}.",
        form_kwargs={"initial": {"number": next_number}},
        save=record_saver(request.user),
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(Recommendation, heading="Edit the recommendation")
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_register_editor(request.user)
    recommendation = get_object_or_404(Recommendation.objects.select_related("review"), pk=pk)
    return edit_record(
        request,
        form_class=RecommendationForm,
        instance=recommendation,
        template="forms/edit.html",
        context={
            "heading": f"Edit recommendation {recommendation.number}",
            "caption": recommendation.review.title,
            "back_url": recommendation.get_absolute_url(),
        },
        success_url="",
        success_message="Saved recommendation {obj.number}.",
        save=record_saver(request.user),
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(Recommendation, heading="Close the recommendation")
def recommendation_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_register_editor(request.user)
    recommendation = get_object_or_404(Recommendation.objects.select_related("review"), pk=pk)
    form = CloseForm(
        request.POST or None,
        recommendation=recommendation,
        initial={"version": recommendation.version},
    )
    heading = f"Close recommendation {recommendation.number}"
    if request.method == "POST" and form.is_valid():
        closed, refused = attempt(
            request,
            form,
            lambda: services.recommendation_close(
                recommendation=recommendation,
                meeting=form.cleaned_data["meeting"],
                minute_reference=form.cleaned_data["minute_reference"],
                user=request.user,
                version=form.cleaned_data["version"],
            ),
            context={"heading": heading},
            field_map={
                "closed_at_meeting": "meeting",
                "closure_minute_reference": "minute_reference",
            },
        )
        if refused is not None:
            return refused
        if closed is not None:
            messages.success(request, f"Closed recommendation {closed.number}.")
            return redirect(closed.get_absolute_url())
    return render(
        request,
        "forms/edit.html",
        {
            "form": form,
            "heading": f"Close recommendation {recommendation.number}",
            "caption": recommendation.review.title,
            "intro": "Record that the committee agreed to close this recommendation.",
            "back_url": recommendation.get_absolute_url(),
            "submit_label": "Close the recommendation",
        },
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(Recommendation, heading="Reopen the recommendation")
def recommendation_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Reopen a closed recommendation, with the reason: a correction, kept on the record and
    in the history."""
    require_register_editor(request.user)
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review", "closed_at_meeting__committee"), pk=pk
    )
    heading = f"Reopen recommendation {recommendation.number}"
    if not recommendation.is_closed:
        messages.info(request, f"Recommendation {recommendation.number} is not closed.")
        return redirect(recommendation)
    return confirm_with_reason(
        request,
        record=recommendation,
        ask=(
            "Why is this recommendation being reopened?",
            "For example: the closure was recorded against the wrong recommendation. Shown on "
            "the recommendation and kept in the history of changes.",
            "Give the reason the recommendation is reopened.",
        ),
        write=lambda reason, version: services.recommendation_reopen(
            recommendation=recommendation, reason=reason, user=request.user, version=version
        ),
        context={
            "heading": heading,
            "caption": recommendation.review.title,
            "intro": f"It was closed by {recommendation.closed_at_meeting}, "
            f"{minute_text(recommendation.closure_minute_reference)}. Reopening clears the "
            "closure; its status is worked out again, and the history keeps the closure.",
            "back_url": recommendation.get_absolute_url(),
            "submit_label": "Reopen the recommendation",
        },
        done=lambda reopened: (
            f"Reopened recommendation {reopened.number}.",
            reopened.get_absolute_url(),
        ),
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(Recommendation, heading="Archive the recommendation")
def recommendation_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """Archive (or restore) a recommendation; deleting is for administrators, in the admin."""
    require_register_editor(request.user)
    recommendation = get_object_or_404(Recommendation.objects.select_related("review"), pk=pk)
    restore = recommendation.is_archived
    verb = "Restore" if restore else "Archive"
    form = ArchiveForm(request.POST or None, initial={"version": recommendation.version})
    if restore:
        form.fields["reason"].label = "Why is this recommendation being restored?"
    if request.method == "POST" and form.is_valid():
        done, refused = attempt(
            request,
            form,
            lambda: services.recommendation_archive(
                recommendation=recommendation,
                reason=form.cleaned_data["reason"],
                user=request.user,
                restore=restore,
                version=form.cleaned_data["version"],
            ),
            context={"heading": f"{verb} recommendation {recommendation.number}"},
        )
        if refused is not None:
            return refused
        if done is not None:
            messages.success(
                request,
                f"{'Restored' if restore else 'Archived'} recommendation {done.number}.",
            )
            return redirect(done.get_absolute_url())
    return render(
        request,
        "forms/edit.html",
        {
            "form": form,
            "heading": f"{verb} recommendation {recommendation.number}",
            "caption": recommendation.review.title,
            "intro": "It is restored to the registers."
            if restore
            else "It leaves the registers and the dashboard; the history of changes keeps it.",
            "back_url": recommendation.get_absolute_url(),
            "submit_label": f"{verb} the recommendation",
        },
    )
