"""Pages of the update round: opening it from a meeting, the round's page, the officer's review
of each return, and the reply page (by link, with no account, or signed in from My actions)."""

from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from recommendations.models import status_key
from reviews.models import Meeting
from scrutiny.editing import (
    StaleEdit,
    add_errors,
    confirm_form,
    gone_on_post,
    render_conflict,
    submit_form,
)
from scrutiny.permissions import require_register_editor

from . import services
from .access import Refusal, refusal_for, request_for_token
from .emails import render_message
from .forms import AddItemForm, ForwardForm, ReplyItemForm, ReviewReturnForm, RoundForm
from .models import (
    EmailKind,
    RequestItem,
    Return,
    ReturnState,
    UpdateRequest,
    UpdateRound,
)
from .reads import (
    ITEM_STATES,
    item_name,
    request_page_url,
    round_page,
    round_state_counts,
)

# --- the officer's pages -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open an update round for a meeting: the deadline, the covering message, and the items
    it will ask for, by owner (and those with no owner, to add once the round is open)."""
    require_register_editor(request.user)
    meeting = get_object_or_404(Meeting.objects.select_related("committee"), pk=pk)
    existing = UpdateRound.objects.filter(meeting=meeting).first()
    if existing is not None:
        return redirect(existing)
    form = RoundForm(request.POST or None, initial={"deadline": services.default_deadline(meeting)})
    response = submit_form(
        request,
        form=form,
        write=lambda: services.round_open(
            meeting=meeting,
            user=request.user,
            deadline=form.cleaned_data["deadline"],
            covering_text=form.cleaned_data["covering_text"],
        ),
        heading="Open an update round",
        done=lambda opened: (
            "The update round is open. Check the items, then preview and send the requests.",
            opened.get_absolute_url(),
        ),
    )
    if response is not None:
        return response
    candidates = services.round_candidates(meeting)
    return render(
        request,
        "rounds/round_open.html",
        {"meeting": meeting, "form": form, "candidates": candidates, "nav_section": "meetings"},
    )


def _round(pk: int) -> UpdateRound:
    return get_object_or_404(UpdateRound.objects.select_related("meeting__committee"), pk=pk)


RECENT_EMAILS = 50  # the log at the foot of the round's page; each owner's dates are above


@require_http_methods(["GET", "HEAD"])
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round: per owner and item, where each stands, filterable by state; the emails sent."""
    require_register_editor(request.user)
    update_round = _round(pk)
    state = request.GET.get("state", "")
    if state not in ITEM_STATES:
        state = ""
    counts = round_state_counts(update_round)
    return render(
        request,
        "rounds/round_detail.html",
        {
            "round": update_round,
            "meeting": update_round.meeting,
            "page": round_page(update_round, state=state, page=request.GET.get("page")),
            "query": urlencode({"state": state}) if state else "",
            "state": state,
            "states": [(key, label, counts[key]) for key, label in ITEM_STATES.items()],
            "emails": update_round.emails.select_related("request__owner")[:RECENT_EMAILS],
            "email_count": update_round.emails.count(),
            "nav_section": "meetings",
        },
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(UpdateRound, heading="Edit the update round")
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the round's deadline or covering message, seeing the email as owners get it."""
    require_register_editor(request.user)
    update_round = _round(pk)
    form = RoundForm(
        request.POST or None,
        initial={"deadline": update_round.deadline, "covering_text": update_round.covering_text},
    )
    response = submit_form(
        request,
        form=form,
        write=lambda: services.round_update(
            update_round=update_round,
            deadline=form.cleaned_data["deadline"],
            covering_text=form.cleaned_data["covering_text"],
            user=request.user,
        ),
        heading="Deadline and covering message",
        done=lambda saved: (
            "The deadline and covering message are saved.",
            saved.get_absolute_url(),
        ),
    )
    if response is not None:
        return response
    first = update_round.requests.select_related("owner", "round__meeting").first()
    preview = render_message(first, EmailKind.REQUEST, "(the owner's own link)") if first else None
    return render(
        request,
        "rounds/round_edit.html",
        {"round": update_round, "form": form, "preview": preview, "nav_section": "meetings"},
    )


def _queue(request: HttpRequest, owner_request: UpdateRequest, kind: str) -> HttpResponse:
    """Queue the email of ``kind`` to the owner of ``owner_request``; back to the round."""
    try:
        services.request_send(request=owner_request, user=request.user, kind=kind)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        done = "Reminder" if kind == EmailKind.REMINDER else "Request"
        messages.success(request, f"{done} sent to {owner_request.owner.name}.")
    return redirect(request_page_url(owner_request))


@require_POST
@gone_on_post(UpdateRound, heading="Send the update round")
def round_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the request to every owner not yet sent one."""
    require_register_editor(request.user)
    update_round = _round(pk)
    try:
        queued, skipped = services.round_send_all(update_round=update_round, user=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect(update_round)
    messages.success(request, f"{queued} request{'s' if queued != 1 else ''} sent.")
    if skipped:
        names = ", ".join(r.owner.name for r in skipped)
        messages.warning(request, f"Not sent (no email address): {names}.")
    return redirect(update_round)


@require_POST
@gone_on_post(UpdateRound, heading="Close the update round")
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_register_editor(request.user)
    update_round = _round(pk)
    services.round_close(update_round=update_round, user=request.user)
    messages.success(request, "The update round is closed: its reply links no longer work.")
    return redirect(update_round)


@require_http_methods(["GET", "POST"])
@gone_on_post(UpdateRound, heading="Add an item to the round")
def round_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a recommendation, or one of its actions, to the round, naming whom to ask."""
    require_register_editor(request.user)
    update_round = _round(pk)
    form = AddItemForm(
        request.POST or None,
        recommendations=services.monitored_recommendations(update_round.meeting),
    )
    return confirm_form(
        request,
        form=form,
        write=lambda: services.round_add_item(
            update_round=update_round,
            recommendation=form.cleaned_data["recommendation"],
            action_number=form.cleaned_data.get("action_number"),
            owner=form.cleaned_data["owner"],
            user=request.user,
        ),
        context={
            "heading": "Add an item to the update round",
            "caption": str(update_round.meeting),
            "back_url": update_round.get_absolute_url(),
            "submit_label": "Add item",
            "nav_section": "meetings",
        },
        done=lambda added: (f"Added: {added}.", update_round.get_absolute_url()),
    )


@require_POST
@gone_on_post(RequestItem, heading="Take an item out of the round")
def round_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    require_register_editor(request.user)
    item = get_object_or_404(
        RequestItem.objects.select_related("request__round", "request__owner"), pk=pk
    )
    try:
        services.round_remove_item(item=item, user=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, f"Taken out of the round: {item}.")
    return redirect(request_page_url(item.request))


def _request(pk: int) -> UpdateRequest:
    return get_object_or_404(
        UpdateRequest.objects.select_related("round__meeting__committee", "owner"), pk=pk
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(UpdateRequest, heading="Send the request")
def request_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview one owner's email and send it (or a reminder, once sent: "remind now")."""
    require_register_editor(request.user)
    owner_request = _request(pk)
    kind = EmailKind.REQUEST if owner_request.sent_at is None else EmailKind.REMINDER
    if request.method == "POST":
        return _queue(request, owner_request, kind)
    subject, text, _html = render_message(owner_request, kind, "(the owner's own link)")
    return render(
        request,
        "rounds/request_preview.html",
        {
            "owner_request": owner_request,
            "round": owner_request.round,
            "kind": kind,
            "subject": subject,
            "text": text,
            "nav_section": "meetings",
        },
    )


@require_POST
@gone_on_post(UpdateRequest, heading="Remind the owner")
def request_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Remind now: a reminder to this owner at once, logged."""
    require_register_editor(request.user)
    return _queue(request, _request(pk), EmailKind.REMINDER)


@require_POST
@gone_on_post(UpdateRequest, heading="Revoke the request")
def request_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require_register_editor(request.user)
    owner_request = _request(pk)
    services.request_revoke(request=owner_request, user=request.user)
    messages.success(
        request,
        f"The links sent to {owner_request.owner.name} no longer work. The next email sent "
        "to them carries a new one.",
    )
    return redirect(request_page_url(owner_request))


def _decide(request: HttpRequest, reply: Return, data: dict) -> Return:
    """The officer's decision on ``reply`` from the review form's cleaned ``data``."""
    if data["decision"] == "send_back":
        return services.return_send_back(
            reply=reply,
            comment=data["returned_comment"],
            user=request.user,
            version=data["version"],
        )
    return services.return_accept(
        reply=reply,
        user=request.user,
        version=data["version"],
        edited=services.ReturnInput.from_form(data) if data["decision"] == "edit" else None,
        edit_reason=data["edit_reason"],
    )


@require_http_methods(["GET", "POST"])
@gone_on_post(Return, heading="Review the update")
def return_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer's review of one return: accept, edit and accept, or send back."""
    require_register_editor(request.user)
    reply = get_object_or_404(
        Return.objects.select_related(
            "item__request__round__meeting__committee",
            "item__request__owner",
            "item__recommendation__review",
            "item__action",
            "written_by",
        ),
        pk=pk,
    )
    update_round = reply.item.request.round
    has_action = reply.item.action_id is not None
    initial = {
        "text": reply.text,
        "reported_status": reply.reported_status,
        "status_reason": reply.status_reason,
        "proposed_target_date": reply.proposed_target_date,
        "proposed_date_reason": reply.proposed_date_reason,
        "version": reply.version,
    }
    form = ReviewReturnForm(
        request.POST or None, initial=initial, keep=reply.reported_status, has_action=has_action
    )
    decidable = reply.state == ReturnState.SUBMITTED
    if decidable:
        response = submit_form(
            request,
            form=form,
            write=lambda: _decide(request, reply, form.cleaned_data),
            heading="Review the update",
            done=lambda decided: (
                f"Sent back to {reply.written_by.name}, who is emailed."
                if decided.state == ReturnState.RETURNED
                else "Accepted: it is now the update reported to the meeting.",
                request_page_url(reply.item.request),
            ),
        )
        if response is not None:
            return response
    elif request.method == "POST":
        form.add_error(None, "This update has already been decided.")
    return render(
        request,
        "rounds/return_review.html",
        {
            "reply": reply,
            "round": update_round,
            "form": form,
            "decidable": decidable,
            "status_label": status_key().label(reply.reported_status),
            "nav_section": "meetings",
        },
    )


# --- the owner's reply page --------------------------------------------------------------


def _refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    return render(
        request,
        "rounds/reply_refused.html",
        {"heading": refusal.heading, "message": refusal.message},
        status=refusal.status,
    )


@login_not_required
@never_cache  # the page is one owner's: no shared cache may keep it
@require_http_methods(["GET", "POST"])
def reply_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """The reply page a link opens, with no account: that owner's items and nothing else."""
    owner_request, refusal = request_for_token(request, token)
    if refusal is not None:
        return _refused(request, refusal)
    return _reply_page(request, owner_request, user=None, here=reverse("round_reply", args=[token]))


def _signed_in_request(request: HttpRequest, pk: int) -> UpdateRequest:
    owner_request = _request(pk)
    if owner_request.owner.user_id != request.user.pk:
        raise Http404("No such request")
    return owner_request


@never_cache
@require_http_methods(["GET", "POST"])
def reply_signed_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The same reply page for an owner who signs in (from My actions)."""
    owner_request = _signed_in_request(request, pk)
    refusal = refusal_for(owner_request)
    if refusal is not None:
        return _refused(request, refusal)
    return _reply_page(
        request, owner_request, user=request.user, here=reverse("round_reply_mine", args=[pk])
    )


def _item_forms(items, data=None):
    forms = []
    for item in items:
        reply = getattr(item, "reply", None)
        editable = reply is None or reply.state in (ReturnState.DRAFT, ReturnState.RETURNED)
        initial = {}
        if reply is not None:
            initial = {
                "text": reply.text,
                "reported_status": reply.reported_status,
                "status_reason": reply.status_reason,
                "proposed_target_date": reply.proposed_target_date,
                "proposed_date_reason": reply.proposed_date_reason,
                "version": reply.version,
            }
        form = ReplyItemForm(
            data if editable else None,
            prefix=f"item-{item.pk}",
            initial=initial,
            has_action=item.action_id is not None,
            keep=reply.reported_status if reply else "",
        )
        forms.append({"item": item, "reply": reply, "form": form, "editable": editable})
    return forms


def _reply_page(request, owner_request: UpdateRequest, *, user, here: str) -> HttpResponse:
    items = list(
        owner_request.items.select_related("recommendation__review", "action", "reply").order_by(
            "recommendation__review_id", "recommendation__number", "action__number", "pk"
        )
    )
    if request.method == "GET":
        _note_opened(owner_request)
        rows = _item_forms(items)
        forward = ForwardForm(prefix="forward")
        return _render_reply(request, owner_request, rows, forward, here)
    if request.POST.get("do") == "forward":
        return _forward(request, owner_request, items, user=user, here=here)
    submit = request.POST.get("do") == "submit"
    rows = _item_forms(items, request.POST)
    editable = [row for row in rows if row["editable"]]
    valid = all(row["form"].is_valid() for row in editable)
    saved = 0
    problem = ""
    if valid:
        try:
            with transaction.atomic():
                for row in editable:
                    data = row["form"].cleaned_data
                    entry = services.ReturnInput.from_form(data)
                    if not any(
                        [entry.text.strip(), entry.reported_status, entry.proposed_target_date]
                    ):
                        continue
                    try:
                        services.return_save(
                            item=row["item"],
                            data=entry,
                            written_by=owner_request.owner,
                            submit=submit,
                            user=user,
                            version=data.get("version") if row["reply"] else None,
                        )
                    except ValidationError as error:
                        add_errors(row["form"], error)
                        raise
                    saved += 1
                if saved == 0:
                    raise ValidationError("Write an update on at least one item.")
        except StaleEdit as stale:
            row = next(r for r in editable if r["item"].pk == stale.current.item_id)
            return render_conflict(
                request,
                form=row["form"],
                current=stale.current,
                context={"heading": f"Your update on {row['item']}"},
            )
        except ValidationError as error:
            if not any(row["form"].errors for row in editable):
                problem = " ".join(error.messages)
            valid = False
    if valid:
        if submit:
            messages.success(
                request,
                "Thank you: your update has been sent to the scrutiny team. They will tell you "
                "if they need anything more.",
            )
        else:
            messages.success(
                request,
                f"Your draft is saved. Come back to this page to finish it before "
                f"{services.deadline_text(owner_request.round)}.",
            )
        return redirect(here)
    return _render_reply(
        request, owner_request, rows, ForwardForm(prefix="forward"), here, problem=problem
    )


def _forward(request, owner_request, items, *, user, here):
    forward = ForwardForm(request.POST, prefix="forward")
    if forward.is_valid():
        try:
            colleague = services.request_forward(
                request=owner_request,
                name=forward.cleaned_data["name"],
                email=forward.cleaned_data["email"],
                by=owner_request.owner,
                user=user,
            )
        except ValidationError as error:
            add_errors(forward, error)
        else:
            return render(
                request,
                "rounds/reply_refused.html",
                {
                    "heading": "Request forwarded",
                    "message": f"We have emailed {colleague.owner.name} a link to give the "
                    "update. This link no longer works for you.",
                    "done": True,
                },
            )
    return _render_reply(request, owner_request, _item_forms(items), forward, here)


def _note_opened(owner_request: UpdateRequest) -> None:
    """Record the first opening, and the last at most every ten minutes (not every view)."""
    last = owner_request.last_opened_at
    if last is None or (timezone.now() - last).total_seconds() > 600:
        services.request_opened(request=owner_request)


def _render_reply(request, owner_request, rows, forward, here, problem: str = ""):
    return render(
        request,
        "rounds/reply.html",
        {
            "owner_request": owner_request,
            "round": owner_request.round,
            "meeting": owner_request.round.meeting,
            "rows": rows,
            "forward": forward,
            "here": here,
            "any_editable": any(row["editable"] for row in rows),
            "problem": problem,
            "error_forms": [
                (SimpleNamespace(label=item_name(row["item"])), row["form"])
                for row in rows
                if row["form"].errors
            ]
            + (
                [(SimpleNamespace(label="Forward to a colleague"), forward)]
                if forward.is_bound and forward.errors
                else []
            ),
        },
    )
