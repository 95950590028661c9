"""Officers keep the register: recommendations, responses, the action plan and updates.

Every view checks permission on the server for every method (scrutiny.permissions); every
write is one service function (``services``, ``reviews.services``, ``scrutiny.services``),
run through ``scrutiny.editing`` so that an edit made against an old version is refused
(409, the user's input kept), a record removed meanwhile says so (410), and a rule's refusal
shows on the form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from reviews.forms import ReviewForm
from reviews.models import Committee, Officer, Review
from scrutiny.editing import add_errors, attempt, edit_record, safe_next
from scrutiny.formats import british_date
from scrutiny.forms import parse_id
from scrutiny.permissions import (
    can_edit_action,
    can_post_update,
    is_register_editor,
    require_register_editor,
)
from scrutiny.services import record_saver

from . import services
from .forms import (
    ActionForm,
    ArchiveForm,
    CloseForm,
    PasteForm,
    PreviewFormSet,
    RecommendationForm,
    RemoveActionForm,
    ResponseForm,
    ResponseMeetingForm,
    ReviseTargetForm,
    UpdateForm,
)
from .models import ActionPlanItem, Recommendation
from .paste import parse_recommendations
from .services import PastedRecommendation, Response, StaleResponses

# --- reviews ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Set up or edit a review; its recommendations' generated references follow."""
    require_register_editor(request.user)
    review = get_object_or_404(Review, pk=pk) if pk else Review()

    def save(*, form, record, reason):
        return services.review_update(
            review=record,
            members=list(form.cleaned_data.get("members") or []),
            chair=form.cleaned_data.get("chair"),
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


# --- recommendations --------------------------------------------------------------------------


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
def recommendation_paste(request: HttpRequest, review_pk: int) -> HttpResponse:
    """Paste the list from the report, check what was understood, then add them."""
    require_register_editor(request.user)
    review = get_object_or_404(Review, pk=review_pk)
    committees = list(Committee.objects.all())
    existing = set(review.recommendations.values_list("number", flat=True))
    context = {"review": review, "back_url": review.get_absolute_url()}
    step = request.POST.get("step", "paste") if request.method == "POST" else "paste"

    if step == "confirm":
        formset = PreviewFormSet(request.POST, committees=committees, existing_numbers=existing)
        if formset.is_valid():
            chosen = [
                PastedRecommendation(
                    number=f.cleaned_data["number"],
                    text=f.cleaned_data["text"],
                    paragraph_reference=f.cleaned_data["paragraph_reference"],
                    responsible_body=f.cleaned_data["responsible_body"],
                )
                for f in formset.forms
                if f.cleaned_data.get("include")
            ]
            try:
                services.recommendations_add_from_paste(
                    review=review, items=chosen, user=request.user
                )
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            except IntegrityError:  # a number or reference taken at the same moment
                formset._non_form_errors = formset.error_class(
                    [
                        "These could not be added: another recommendation took one of their "
                        "numbers or references just now. Check the list and add them again."
                    ]
                )
            else:
                messages.success(
                    request, f"Added {len(chosen)} recommendation{'s' if len(chosen) != 1 else ''}."
                )
                return redirect(review.get_absolute_url())
        return render(
            request, "recommendations/paste_preview.html", {**context, "formset": formset}
        )

    form = PasteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = parse_recommendations(
            form.cleaned_data["text"], known_bodies=[c.name for c in committees]
        )
        by_name = {c.name.lower(): c for c in committees} | {
            c.short_name.lower(): c for c in committees if c.short_name
        }
        initial = []
        for item in result.recommendations:
            body = item.responsible_body.strip().lower()
            match = by_name.get(body) or next(
                (
                    c
                    for name, c in by_name.items()
                    if body and (name.endswith(body) or body in name)
                ),
                None,
            )
            initial.append(
                {
                    "include": item.number not in existing,
                    "number": item.number,
                    "text": item.text,
                    "paragraph_reference": item.paragraph_reference,
                    "responsible_body": match.pk if match else None,
                    "body_written": item.responsible_body,
                    "warnings": item.warnings,
                }
            )
        if not initial:
            form.add_error(
                "text",
                "No recommendations were recognised. Check the list starts "
                "with numbers or “Recommendation 1”, or add them one at a time.",
            )
        else:
            formset = PreviewFormSet(
                initial=initial, committees=committees, existing_numbers=existing
            )
            for f, data in zip(formset.forms, initial, strict=True):
                f.body_written = data["body_written"]
                f.parse_warnings = data["warnings"]
            return render(
                request,
                "recommendations/paste_preview.html",
                {**context, "formset": formset, "result": result},
            )
    return render(
        request,
        "forms/edit.html",
        {
            **context,
            "form": form,
            "heading": "Paste recommendations",
            "caption": review.title,
            "submit_label": "Check what was understood",
        },
    )


@require_http_methods(["GET", "POST"])
def review_responses(request: HttpRequest, review_pk: int) -> HttpResponse:
    """Record the executive's response to every recommendation of a review on one page."""
    require_register_editor(request.user)
    review = get_object_or_404(Review, pk=review_pk)
    recommendations = list(review.recommendations.all())
    bound = request.method == "POST"
    meeting_form = ResponseMeetingForm(
        request.POST if bound else None,
        initial={"meeting": review.response_meeting_id or review.report_received_meeting_id},
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


@require_http_methods(["GET", "POST"])
def recommendation_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_register_editor(request.user)
    recommendation = get_object_or_404(Recommendation.objects.select_related("review"), pk=pk)
    form = CloseForm(request.POST or None, initial={"version": recommendation.version})
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


# --- the action plan ----------------------------------------------------------------------------


def _action_for_user(request: HttpRequest, pk: int) -> ActionPlanItem:
    """The action, if this user may edit it (403 otherwise; 404 if there is none)."""
    action = get_object_or_404(
        ActionPlanItem.objects.select_related("recommendation__review", "owner"), pk=pk
    )
    if not can_edit_action(request.user, action):
        raise PermissionDenied("You can edit only the actions you own.")
    return action


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, recommendation_pk: int) -> HttpResponse:
    require_register_editor(request.user)
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review"), pk=recommendation_pk
    )
    number = (
        recommendation.actions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    action = ActionPlanItem(recommendation=recommendation, number=number)
    return edit_record(
        request,
        form_class=ActionForm,
        instance=action,
        template="forms/edit.html",
        context={
            "heading": "Add an action",
            "caption": f"{recommendation.review.title}, recommendation {recommendation.number}",
            "back_url": recommendation.get_absolute_url(),
        },
        success_url=recommendation.get_absolute_url(),
        success_message="Added action {obj.number}.",
        form_kwargs={"initial": {"number": number}},
        save=record_saver(request.user),
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for_user(request, pk)
    lead_only = not is_register_editor(request.user)
    return edit_record(
        request,
        form_class=ActionForm,
        instance=action,
        template="forms/edit.html",
        context={
            "heading": f"Edit action {action.number}",
            "caption": f"{action.recommendation.review.title}, "
            f"recommendation {action.recommendation.number}",
            "back_url": action.get_absolute_url(),
        },
        success_url="",
        success_message="Saved action {obj.number}.",
        form_kwargs={"lead_officer_only": lead_only},
        save=record_saver(request.user),
    )


@require_http_methods(["GET", "POST"])
def action_revise_target(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for_user(request, pk)
    form = ReviseTargetForm(
        request.POST or None,
        initial={"version": action.version},
        first_target=action.target_date is None,
    )
    if request.method == "POST" and form.is_valid():
        revised, refused = attempt(
            request,
            form,
            lambda: services.action_revise_target_date(
                action=action,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
                user=request.user,
                version=form.cleaned_data["version"],
            ),
            context={"heading": f"Revise the target date of action {action.number}"},
            field_map={"target_date": "new_date"},
        )
        if refused is not None:
            return refused
        if revised is not None:
            messages.success(request, f"Revised the target date of action {revised.number}.")
            return redirect(revised.get_absolute_url())
    return render(
        request,
        "forms/edit.html",
        {
            "form": form,
            "heading": f"Revise the target date of action {action.number}",
            "caption": f"Now {british_date(action.target_date)}"
            if action.target_date
            else "No target date yet",
            "intro": "The first target date and every revision are kept, so the slippage shows.",
            "back_url": action.get_absolute_url(),
        },
    )


@require_http_methods(["GET", "POST"])
def action_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an action from the plan: the history keeps it, with the reason."""
    require_register_editor(request.user)
    action = get_object_or_404(
        ActionPlanItem.objects.select_related("recommendation__review"), pk=pk
    )
    form = RemoveActionForm(request.POST or None, initial={"version": action.version})
    if request.method == "POST" and form.is_valid():
        recommendation, refused = attempt(
            request,
            form,
            lambda: services.action_remove(
                action=action,
                reason=form.cleaned_data["reason"],
                user=request.user,
                version=form.cleaned_data["version"],
            ),
            context={"heading": f"Remove action {action.number}"},
        )
        if refused is not None:
            return refused
        if recommendation is not None:
            messages.success(request, f"Removed action {action.number}. The history keeps it.")
            return redirect(recommendation.get_absolute_url())
    return render(
        request,
        "forms/edit.html",
        {
            "form": form,
            "heading": f"Remove action {action.number}",
            "caption": action.action[:120],
            "intro": "The action leaves the plan; the history of changes keeps it and your reason.",
            "back_url": action.get_absolute_url(),
            "submit_label": "Remove the action",
        },
    )


# --- updates ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def update_create(request: HttpRequest, recommendation_pk: int) -> HttpResponse:
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review", "lead_officer"), pk=recommendation_pk
    )
    actions = recommendation.actions.select_related("owner")
    editor = is_register_editor(request.user)
    if not editor:
        actions = [a for a in actions if can_edit_action(request.user, a)]
        if not actions and not can_post_update(request.user, recommendation):
            raise PermissionDenied("You can post updates only on actions you own.")
        allowed = ActionPlanItem.objects.filter(pk__in=[a.pk for a in actions])
        whole = can_post_update(request.user, recommendation)
    else:
        allowed = recommendation.actions.all()
        whole = True
    initial = {"date": timezone.localdate()}
    if parse_id(request.GET.get("action")):
        initial["action"] = parse_id(request.GET["action"])
    form = UpdateForm(
        request.POST or None, actions=allowed, action_required=not whole, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        officer = Officer.objects.filter(user=request.user).first()
        try:
            services.update_post(
                recommendation=recommendation,
                action=action,
                text=form.cleaned_data["text"],
                date=form.cleaned_data["date"],
                reported_status=form.cleaned_data["reported_status"],
                reported_to=form.cleaned_data["reported_to"],
                author=officer,
                user=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Posted the update.")
            return redirect(safe_next(request, recommendation.get_absolute_url() + "#updates"))
    return render(
        request,
        "forms/edit.html",
        {
            "form": form,
            "heading": "Post an update",
            "caption": f"{recommendation.review.title}, recommendation {recommendation.number}",
            "back_url": recommendation.get_absolute_url(),
            "submit_label": "Post the update",
            "next": safe_next(request, ""),
        },
    )
