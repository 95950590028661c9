"""Saving an edit form: refuse stale edits, keep history with the reason, Post/Redirect/Get.

The version check and the save run in one transaction holding the row (``select_for_update``
on PostgreSQL; SQLite runs every transaction as ``BEGIN IMMEDIATE``, see settings), so of
several submissions made against one version exactly one wins; the others get HTTP 409 and a
page showing their input beside the record as it now stands.
"""

import string
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .audit import acting_as
from .formats import british_date


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back to: the ``next`` parameter when it is a local URL, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def conflict_rows(form, current, field_map: dict | None = None) -> list[dict]:
    """(label, the user's value, the saved value) for each field of ``form``; ``field_map``
    names the record's attribute where a form field is called something else."""
    field_map = field_map or {}
    rows = []
    for name, field in form.fields.items():
        if name in {"version", "change_reason"} or field.widget.is_hidden:
            continue
        mine = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else form.data.get(name)
        attribute = field_map.get(name, name)
        saved = getattr(current, attribute, None)
        if hasattr(current, f"get_{attribute}_display"):
            saved = getattr(current, f"get_{attribute}_display")()
            choices = dict(getattr(field, "choices", []) or [])
            mine = choices.get(mine, mine)
        rows.append(
            {
                "label": field.label or name,
                "mine": _text(mine),
                "saved": _text(saved),
                "differs": _text(mine) != _text(saved),
            }
        )
    return rows


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "all") and callable(value.all):
        return ", ".join(str(v) for v in value.all())
    if isinstance(value, list | tuple) or (
        hasattr(value, "__iter__") and not isinstance(value, str)
    ):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "strftime"):
        return british_date(value)
    return str(value)


def render_conflict(
    request, *, form, current, context: dict, field_map: dict | None = None
) -> HttpResponse:
    """HTTP 409: the user's input (kept, ready to send again) beside the record as saved."""
    latest = current.history.select_related("history_user").first()
    data = form.data.copy()
    data["version"] = current.version  # sending again now means "I have seen the latest"
    form.data = data
    context = {
        **context,
        "form": form,
        "current": current,
        "rows": conflict_rows(form, current, field_map),
        "latest": latest,
    }
    return render(request, "forms/conflict.html", context, status=409)


def edit_record(
    request: HttpRequest,
    *,
    form_class,
    instance,
    template: str,
    context: dict,
    success_url: str,
    success_message: str,
    save: Callable | None = None,
    form_kwargs: dict | None = None,
) -> HttpResponse:
    """The whole life of an edit (or create) form for one audited record.

    ``success_message`` is formatted with the saved record as ``obj``; a date in it is
    written ``{obj.response_deadline:british}`` ("14 January 2017", by ``british_date``).

    ``save(form, obj, reason)`` may replace the default save (``obj.save(reason=...)`` then
    ``form.save_m2m()``); it runs inside the transaction and with the acting user set.
    """
    form_kwargs = form_kwargs or {}
    model = type(instance)
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, **form_kwargs)
        if form.is_valid():
            reason = form.cleaned_data.get("change_reason", "")
            try:
                return _save(
                    request,
                    form,
                    instance,
                    model,
                    reason,
                    save,
                    context,
                    success_url,
                    success_message,
                )
            except ValidationError as exc:
                # A rule that reaches past this record (a review's new report date giving
                # its recommendations references already in use): nothing was saved.
                for message in exc.messages:
                    form.add_error(None, message)
            except IntegrityError:
                # A rule the form could not see (two people adding number 5 at once, say):
                # nothing was saved; say so rather than fail.
                form.add_error(
                    None,
                    "This could not be saved because it conflicts with another record "
                    "(a number or reference already in use). Check the values and try again.",
                )
        status = 200
    else:
        form = form_class(instance=instance, **form_kwargs)
        status = 200
    return render(
        request,
        template,
        {**context, "form": form, "next": safe_next(request, "")},
        status=status,
    )


class _MessageFormatter(string.Formatter):
    """``str.format`` for success messages, where ``{obj.date:british}`` writes the date as
    ``british_date`` does (``%-d`` is not portable, and the rule is written once)."""

    def format_field(self, value, format_spec):
        if format_spec == "british":
            return british_date(value)
        return super().format_field(value, format_spec)


_MESSAGE = _MessageFormatter()


def _save(request, form, instance, model, reason, save, context, success_url, success_message):
    """The transactional part of ``edit_record``: version check, save, message, redirect."""
    with transaction.atomic(), acting_as(request.user):
        if instance.pk:
            current = model.objects.select_for_update().get(pk=instance.pk)
            submitted = form.cleaned_data.get("version")
            if submitted is None or current.is_stale(submitted):
                return render_conflict(request, form=form, current=current, context=context)
            form.instance.version = current.version
        obj = form.save(commit=False)
        if save is not None:
            save(form, obj, reason)
        else:
            obj.save(reason=reason)
            form.save_m2m()
    messages.success(request, _MESSAGE.format(success_message, obj=obj))
    return redirect(safe_next(request, success_url or obj.get_absolute_url()))
