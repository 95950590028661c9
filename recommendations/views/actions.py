"""The action plan and progress: adding and editing actions, revising a target date,
removing an action; posting an update, and correcting one (editing or withdrawing it, with the
reason)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from reviews.models import (
    Officer,
)
from scrutiny.editing import (
    add_errors,
    attempt,
    confirm_form,
    confirm_with_reason,
    edit_record,
    gone_on_post,
    safe_next,
)
from scrutiny.formats import british_date
from scrutiny.forms import parse_id
from scrutiny.permissions import (
    can_edit_action,
    can_edit_update,
    can_post_update,
    is_register_editor,
    require_register_editor,
)

from .. import services
from ..forms import (
    ActionForm,
    RemoveActionForm,
    ReviseTargetForm,
    UpdateEditForm,
    UpdateForm,
)
from ..models import (
    ActionPlanItem,
    Recommendation,
    Update,
)


def _action_saver(user):
    """The ``save`` of ``edit_record`` for the action form: ``services.action_save``, which
    asks a lead officer for the reason when they change the wording of an agreed action."""

    def save(*, form, record, reason):
        return services.action_save(
            action=record, user=user, reason=reason, version=form.seen_version
        )

    return save


def _action_for_user(request: HttpRequest, pk: int) -> ActionPlanItem:
    """The action, if this user may edit it (403 otherwise; 404 if there is none)."""
    action = get_object_or_404(
        ActionPlanItem.objects.select_related("recommendation__review", "owner"), pk=pk
    )
    if not can_edit_action(request.user, action):
        raise PermissionDenied("You can edit only the actions you own.")
    return action


@require_http_methods(["GET", "POST"])
@gone_on_post(Recommendation, heading="Add an action", pk_kwarg="recommendation_pk")
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
        save=_action_saver(request.user),
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(ActionPlanItem, heading="Edit the action")
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
        save=_action_saver(request.user),
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(ActionPlanItem, heading="Revise the target date")
def action_revise_target(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for_user(request, pk)
    form = ReviseTargetForm(
        request.POST or None,
        initial={"version": action.version, "timeline": action.timeline},
        first_target=action.target_date is None,
        timeline=action.timeline,
    )
    if request.method == "POST" and form.is_valid():
        revised, refused = attempt(
            request,
            form,
            lambda: services.action_revise_target_date(
                action=action,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
                timeline=form.cleaned_data["timeline"],
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
@gone_on_post(ActionPlanItem, heading="Remove the action")
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


@require_http_methods(["GET", "POST"])
@gone_on_post(Recommendation, heading="Post an update", pk_kwarg="recommendation_pk")
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
    # The user's own officer record: the author a lead officer posts as, and the one a
    # scrutiny officer is offered first (they choose whose update they are entering).
    officer = Officer.objects.filter(user=request.user).first()
    initial = {"date": timezone.localdate(), "author": officer}
    if parse_id(request.GET.get("action")):
        initial["action"] = parse_id(request.GET["action"])
    form = UpdateForm(
        request.POST or None,
        review=recommendation.review,
        actions=allowed,
        action_required=not whole,
        choose_author=editor,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        if editor:
            officer = form.cleaned_data["author"]
        try:
            services.update_post(
                recommendation=recommendation,
                action=action,
                text=form.cleaned_data["text"],
                date=form.cleaned_data["date"],
                reported_status=form.cleaned_data["reported_status"],
                status_reason=form.cleaned_data["status_reason"],
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


def _update_for(request: HttpRequest, pk: int, *, may) -> Update:
    """The update, if ``may(user, update)`` (403 otherwise; 404 if there is none); a withdrawn
    update cannot be corrected again (404: it has left the current pages)."""
    update = get_object_or_404(
        Update.objects.select_related(
            "recommendation__review", "action", "author", "reported_to__committee"
        ),
        pk=pk,
        withdrawn_at__isnull=True,
    )
    if not may(request.user, update):
        raise PermissionDenied(
            "You can correct only your own updates, before they are reported to a meeting. "
            "Ask the scrutiny officer to correct this one."
        )
    return update


def _update_caption(update: Update) -> str:
    on = f", action {update.action.number}" if update.action_id else ""
    return (
        f"{update.recommendation.review.title}, recommendation {update.recommendation.number}"
        f"{on}: update of {british_date(update.date)}"
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(Update, heading="Correct an update")
def update_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct an update, with the reason: scrutiny officers any update, a lead officer their
    own until it is reported to a meeting."""
    update = _update_for(request, pk, may=can_edit_update)
    recommendation = update.recommendation
    editor = is_register_editor(request.user)
    form = UpdateEditForm(
        request.POST or None,
        review=recommendation.review,
        choose_author=editor,
        initial={
            "author": update.author_id,
            "date": update.date,
            "text": update.text,
            "reported_status": update.reported_status,
            "status_reason": update.status_reason,
            "reported_to": update.reported_to_id,
            "version": update.version,
        },
    )
    return confirm_form(
        request,
        form=form,
        write=lambda: services.update_edit(
            update=update,
            text=form.cleaned_data["text"],
            date=form.cleaned_data["date"],
            reported_status=form.cleaned_data["reported_status"],
            status_reason=form.cleaned_data["status_reason"],
            author=form.cleaned_data["author"] if editor else services.KEEP,
            reported_to=form.cleaned_data["reported_to"],
            reason=form.cleaned_data["reason"],
            user=request.user,
            version=form.cleaned_data["version"],
        ),
        context={
            "heading": "Correct an update",
            "caption": _update_caption(update),
            "intro": "The update shows that it was edited, with your reason; the history of "
            "changes keeps what it said before.",
            "back_url": update.get_absolute_url(),
            "submit_label": "Save the correction",
        },
        done=lambda edited: ("Corrected the update.", edited.get_absolute_url()),
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(Update, heading="Withdraw an update")
def update_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw an update posted in error, with the reason (scrutiny officers)."""
    require_register_editor(request.user)
    update = _update_for(request, pk, may=can_edit_update)
    return confirm_with_reason(
        request,
        record=update,
        ask=(
            "Why is this update being withdrawn?",
            "For example: posted on the wrong recommendation. Shown on the recommendation and "
            "kept in the history of changes.",
            "Give the reason the update is being withdrawn.",
        ),
        write=lambda reason, version: services.update_withdraw(
            update=update, reason=reason, user=request.user, version=version
        ),
        context={
            "heading": "Withdraw an update",
            "caption": _update_caption(update),
            "intro": "The update leaves the recommendation's page, the registers, the meeting "
            "pages and the documents. The history of changes keeps it, and the pages “as at” "
            "a date before today still show it. The status of its action is not changed: edit "
            "the action if it should be.",
            "back_url": update.get_absolute_url(),
            "submit_label": "Withdraw the update",
        },
        done=lambda withdrawn: (
            f"Withdrew the update of {british_date(withdrawn.date)}. The history keeps it.",
            withdrawn.recommendation.get_absolute_url() + "#updates",
        ),
    )
