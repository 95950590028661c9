"""Officers keep the register: recommendations, responses, the action plan and updates.

Every view checks permission on the server for every method (scrutiny.permissions); every
write goes through ``save()`` or a service function, in a transaction, with the acting user
and the reason on the history rows; an edit made against an old version is refused (409).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from reviews.models import Committee, Officer, Review
from scrutiny.audit import acting_as
from scrutiny.editing import edit_record, render_conflict, safe_next
from scrutiny.formats import british_date
from scrutiny.forms import parse_id
from scrutiny.permissions import (
    can_edit_action,
    can_post_update,
    is_register_editor,
    require_register_editor,
)

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
            chosen = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("include")]
            try:
                with transaction.atomic(), acting_as(request.user):
                    for item in chosen:
                        recommendation = Recommendation(
                            review=review,
                            number=item["number"],
                            text=item["text"].strip(),
                            paragraph_reference=item["paragraph_reference"].strip(),
                            responsible_body=item["responsible_body"],
                        )
                        recommendation.reference = recommendation.generated_reference()
                        recommendation.full_clean()
                        recommendation.save(reason="Pasted from the report")
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
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


def _save_responses(request, review, forms_by_rec, meeting, date, stale: list) -> int:
    """Save every changed response in one transaction, unless any recommendation changed
    since the page was shown (then ``stale`` lists them and nothing is saved). Returns how
    many responses changed. A rule broken by any response raises ValidationError and
    nothing is saved."""
    changed = 0
    with transaction.atomic():
        locked = {r.pk: r for r in Recommendation.objects.select_for_update().filter(review=review)}
        for rec, form in forms_by_rec:
            current = locked.get(rec.pk)
            if current is None or current.is_stale(form.cleaned_data["version"]):
                stale.append(rec)
        if not stale:
            changed = 0
            for rec, form in forms_by_rec:
                decision = form.cleaned_data["decision"]
                text = form.cleaned_data["response_text"].strip()
                current = locked[rec.pk]
                if decision == current.decision and text == current.response_text:
                    continue
                if not decision:
                    continue
                services.recommendation_respond(
                    recommendation=current,
                    decision=decision,
                    response_text=text,
                    date=date,
                    meeting=meeting,
                    user=request.user,
                )
                changed += 1
            review = Review.objects.select_for_update().get(pk=review.pk)  # keep others' edits
            if review.response_given_on is None and changed:
                with acting_as(request.user):
                    review.response_meeting = meeting
                    review.response_given_on = date
                    review.full_clean()
                    review.save(reason="Executive response recorded")
    return changed


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
        stale = []
        try:
            changed = _save_responses(request, review, forms_by_rec, meeting, date, stale)
        except ValidationError as error:
            for message in error.messages:
                meeting_form.add_error("meeting", message)
            stale = None
        if stale == []:
            messages.success(request, f"Saved the executive's response ({changed} changed).")
            return redirect(safe_next(request, review.get_absolute_url()))
        stale = stale or []
        status = 409 if stale else 200
        for rec, form in forms_by_rec:
            if rec in stale:
                fresh = Recommendation.objects.get(pk=rec.pk)
                form.data = form.data.copy()
                form.data[f"{form.prefix}-version"] = fresh.version
                form.stale_current = fresh
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
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            current = Recommendation.objects.select_for_update().get(pk=pk)
            if current.is_stale(form.cleaned_data["version"]):
                return render_conflict(
                    request,
                    form=form,
                    current=current,
                    context={"heading": f"Close recommendation {current.number}"},
                    field_map={
                        "meeting": "closed_at_meeting",
                        "minute_reference": "closure_minute_reference",
                    },
                )
            try:
                services.recommendation_close(
                    recommendation=current,
                    meeting=form.cleaned_data["meeting"],
                    minute_reference=form.cleaned_data["minute_reference"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Closed recommendation {current.number}.")
                return redirect(current.get_absolute_url())
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
        with transaction.atomic():
            current = Recommendation.objects.select_for_update().get(pk=pk)
            if current.is_stale(form.cleaned_data["version"]):
                return render_conflict(
                    request,
                    form=form,
                    current=current,
                    context={"heading": f"{verb} recommendation {current.number}"},
                )
            services.recommendation_archive(
                recommendation=current,
                reason=form.cleaned_data["reason"],
                user=request.user,
                restore=restore,
            )
        messages.success(
            request,
            f"{'Restored' if restore else 'Archived'} recommendation {recommendation.number}.",
        )
        return redirect(recommendation.get_absolute_url())
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
        with transaction.atomic():
            current = ActionPlanItem.objects.select_for_update().get(pk=pk)
            if current.is_stale(form.cleaned_data["version"]):
                return render_conflict(
                    request,
                    form=form,
                    current=current,
                    context={"heading": f"Revise the target date of action {current.number}"},
                    field_map={"new_date": "target_date"},
                )
            try:
                services.action_revise_target_date(
                    action=current,
                    new_date=form.cleaned_data["new_date"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    target = {"target_date": "new_date"}.get(field, field)
                    form.add_error(target if target in form.fields else None, errors)
            else:
                messages.success(request, f"Revised the target date of action {current.number}.")
                return redirect(current.get_absolute_url())
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
        with transaction.atomic(), acting_as(request.user):
            current = ActionPlanItem.objects.select_for_update().get(pk=pk)
            if current.is_stale(form.cleaned_data["version"]):
                return render_conflict(
                    request,
                    form=form,
                    current=current,
                    context={"heading": f"Remove action {current.number}"},
                )
            recommendation = current.recommendation
            current.delete(reason=form.cleaned_data["reason"])
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
            form.add_error(None, error)
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
