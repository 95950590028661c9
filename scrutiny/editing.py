"""Editing records: the one version check, and the pages a refused edit gets.

Every write is a service function (``*/services.py``) that takes the version the user saw;
the service calls :func:`lock_for_edit`, which reads the record again holding its row
(``select_for_update`` on PostgreSQL; SQLite runs every transaction as ``BEGIN IMMEDIATE``,
see settings) and refuses a stale version with :class:`StaleEdit`, or a record removed
meanwhile with :class:`RecordGone`. So of several submissions made against one version
exactly one wins. The views run the service through :func:`attempt`, which turns those
refusals into pages that keep what the user typed: the 409 page beside the record as it now
stands, or a page saying the record has gone.
"""

import string
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from .audit import person_name
from .formats import british_date, british_datetime
from .forms import ReasonForm
from .hashchain import hold_audit_lock


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back to: the ``next`` parameter when it is a local URL, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def conflict_rows(
    form, current, field_map: dict | None = None, *, reasons: bool = False
) -> list[dict]:
    """(label, the user's value, the saved value) for each field of ``form``; ``field_map``
    names the record's attribute where a form field is called something else. The reason for
    a change is not a field of the record, so it is not compared (the form keeps it) unless
    ``reasons`` asks for everything typed."""
    field_map = field_map or {}
    skipped = {"version"} if reasons else {"version", "change_reason", "reason"}
    rows = []
    for name, field in form.fields.items():
        if name in skipped or field.widget.is_hidden:
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


class StaleEdit(Exception):
    """The record was saved by someone else after the user opened it."""

    def __init__(self, current):
        super().__init__(f"{current} was saved since it was opened")
        self.current = current


class RecordGone(Exception):
    """The record was removed after the user opened it."""

    def __init__(self, model, pk=None):
        super().__init__(f"The {model._meta.verbose_name} no longer exists")
        self.model = model
        self.pk = pk


def lock_for_edit(model, pk, version: int | None = None):
    """The record ``pk`` as saved now, its row held until the transaction ends.

    Raises :class:`RecordGone` if it no longer exists, and :class:`StaleEdit` if ``version``
    (the version the user saw; None for a write that saw none, such as a command) is not the
    saved one. Call it inside ``transaction.atomic()``.
    """
    # Only the record's own row: a manager that joins nullable relations (select_related)
    # could not be locked on PostgreSQL ("FOR UPDATE cannot be applied to the nullable side
    # of an outer join").
    # The audit trail's lock first, always before any row: see scrutiny.hashchain.
    hold_audit_lock(model._default_manager.db)
    current = model._default_manager.select_for_update(of=("self",)).filter(pk=pk).first()
    if current is None:
        raise RecordGone(model, pk)
    if version is not None and current.is_stale(version):
        raise StaleEdit(current)
    return current


def add_errors(form, error: ValidationError, field_map: dict | None = None) -> None:
    """Put a service's ``ValidationError`` on the form: on the field it names (through
    ``field_map``, record attribute -> form field) where the form has it, else on the form."""
    field_map = field_map or {}
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, errors in error.message_dict.items():
        target = field_map.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def attempt(
    request: HttpRequest,
    form,
    write: Callable[[], Any],
    *,
    context: dict,
    field_map: dict | None = None,
) -> tuple[Any, HttpResponse | None]:
    """Run ``write`` (a service call) in a transaction, for a submitted ``form``.

    Returns ``(result, None)`` when it saved; ``(None, page)`` when the record changed or
    went meanwhile (the page keeps the user's input); ``(None, None)`` when a rule refused it
    (its message is on the form, for the caller to show the form again). ``context`` is the
    page's (its ``heading`` names the record); ``field_map`` maps the record's attributes to
    the form's fields where their names differ.
    """
    try:
        with transaction.atomic():
            return write(), None
    except StaleEdit as stale:
        conflict_map = {v: k for k, v in (field_map or {}).items()}
        return None, render_conflict(
            request,
            form=form,
            current=stale.current,
            context=context,
            field_map=conflict_map,
        )
    except RecordGone as gone:
        return None, render_gone(request, form=form, model=gone.model, context=context)
    except ValidationError as error:
        add_errors(form, error, field_map)
    except IntegrityError:
        # A rule the form could not see (two people adding number 5 at once, say): nothing
        # was saved; say so rather than fail.
        form.add_error(
            None,
            "This could not be saved because it conflicts with another record "
            "(a number or reference already in use). Check the values and try again.",
        )
    return None, None


def record_name(model) -> str:
    """What the council calls a record of ``model``: its ``record_name`` where the model's
    verbose name is not the council's word ("action" for an action plan item)."""
    return getattr(model, "record_name", None) or str(model._meta.verbose_name)


def what_happened(model, pk) -> str:
    """What became of record ``pk`` of ``model``, from its history, for a user whose write
    found it gone: "This action was removed by Ann Smith on 14 January 2017, 09:05.", or
    withdrawn (a record kept but out of reach of the page), or "no longer exists"."""
    what = record_name(model)
    history = getattr(model, "history", None)
    row = None
    if history is not None and pk is not None:
        row = (
            history.filter(id=pk)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .first()
        )
    if row is None:
        return f"This {what} no longer exists."
    by = f"by {person_name(row.history_user)} on {british_datetime(row.history_date)}"
    if row.history_type == "-":
        return f"This {what} was removed {by}."
    if getattr(row, "withdrawn_at", None):
        return f"This {what} was withdrawn {by}."
    return f"This {what} was changed {by}, so this can no longer be done to it."


# Submitted fields that are not what the user typed.
_NOT_TYPED = {"csrfmiddlewaretoken", "version", "next", "replaces"}


def typed_rows(data) -> list[dict]:
    """(label, text) for each non-empty field the user submitted, when there is no form to
    name them (a page that found its record gone before it built the form)."""
    rows = []
    for name in data:
        if name in _NOT_TYPED:
            continue
        text = "\n".join(value for value in data.getlist(name) if value.strip())
        if text:
            rows.append({"label": name.replace("_", " ").capitalize(), "mine": text})
    return rows


def render_gone(request, *, form=None, model, pk=None, context: dict) -> HttpResponse:
    """HTTP 410: the record was removed (or withdrawn) after the user opened it; the page says
    who did it and when, and what the user typed is shown in boxes to copy, rather than lost."""
    if form is not None:
        rows = [
            row
            for row in conflict_rows(form, None, reasons=True)
            if row["mine"]  # only what the user typed, the reason included
        ]
    else:
        rows = typed_rows(request.POST)
    happened = what_happened(model, pk)
    context = {
        **context,
        "what": record_name(model),
        "happened": happened,
        "gone_as": "withdrawn" if " was withdrawn " in happened else "removed",
        "rows": rows,
    }
    return render(request, "forms/gone.html", context, status=410)


def gone_on_post(model, *, heading: str, pk_kwarg: str = "pk"):
    """For a view of record ``pk`` of ``model`` that writes on POST: a POST that finds the
    record gone (removed, or withdrawn out of the view's reach, by another user after this one
    opened the page: the view's lookup raised ``Http404``, or a service's lock raised
    :class:`RecordGone` where no :func:`attempt` caught it) gets the 410 page saying what
    happened, with what was typed, instead of a bare "not found". A GET still gets the 404.
    ``pk_kwarg`` names the URL argument that holds the record's id."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except RecordGone as gone:  # a service's lock found it gone, outside attempt()
                return render_gone(
                    request, model=gone.model, pk=gone.pk, context={"heading": heading}
                )
            except Http404:
                if request.method != "POST":
                    raise
                return render_gone(
                    request, model=model, pk=kwargs.get(pk_kwarg), context={"heading": heading}
                )

        return wrapped

    return decorator


def edit_record(
    request: HttpRequest,
    *,
    form_class,
    instance,
    template: str,
    context: dict,
    success_url: str,
    success_message: str,
    save: Callable,
    form_kwargs: dict | None = None,
) -> HttpResponse:
    """The whole life of an edit (or create) form for one audited record.

    ``save(form=..., record=..., reason=...)`` calls the service that writes it (with the
    version the form carried); a stale or removed record, or a refusal by a rule, is shown
    through :func:`attempt`. ``success_message`` is formatted with the saved record as
    ``obj``; a date in it is written ``{obj.response_deadline:british}`` ("14 January 2017",
    by ``british_date``).
    """
    form_kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, **form_kwargs)
        if form.is_valid():
            reason = form.cleaned_data.get("change_reason", "")
            record = form.save(commit=False)
            saved, refused = attempt(
                request,
                form,
                lambda: save(form=form, record=record, reason=reason),
                context=context,
            )
            if refused is not None:
                return refused
            if saved is not None:
                messages.success(request, _MESSAGE.format(success_message, obj=saved))
                return redirect(safe_next(request, success_url or saved.get_absolute_url()))
    else:
        form = form_class(instance=instance, **form_kwargs)
    return render(
        request,
        template,
        {**context, "form": form, "next": safe_next(request, "")},
    )


def confirm_with_reason(
    request: HttpRequest,
    *,
    record,
    ask: tuple[str, str, str],
    write: Callable[[str, int], Any],
    context: dict,
    done: Callable[[Any], tuple[str, str]],
) -> HttpResponse:
    """The page of a write confirmed with a reason (reopen, withdraw): a
    :class:`~scrutiny.forms.ReasonForm` for ``record`` asking ``ask`` (its label, hint and the
    message when the reason is missing). On a valid POST ``write(reason, version)`` (the
    service) runs through :func:`attempt`, then ``done(result)`` gives (the success message,
    where to go). ``context`` is the page's (``heading``, ``caption``, ``intro``,
    ``back_url``, ``submit_label``), shown with the form on GET and on a refusal."""
    label, hint, missing = ask
    form = ReasonForm(
        request.POST or None,
        initial={"version": record.version},
        label=label,
        help_text=hint,
        required=missing,
    )
    return confirm_form(
        request,
        form=form,
        write=lambda: write(form.cleaned_data["reason"], form.cleaned_data["version"]),
        context=context,
        done=done,
    )


def confirm_form(
    request: HttpRequest,
    *,
    form,
    write: Callable[[], Any],
    context: dict,
    done: Callable[[Any], tuple[str, str]],
) -> HttpResponse:
    """The page of a one-step write on ``form``: on a valid POST ``write`` (the service) runs
    through :func:`attempt`, then ``done(result)`` gives (the success message, where to go);
    otherwise the form is shown with ``context`` (``heading``, ``caption``, ``intro``,
    ``back_url``, ``submit_label``)."""
    response = submit_form(request, form=form, write=write, heading=context["heading"], done=done)
    if response is not None:
        return response
    return render(request, "forms/edit.html", {**context, "form": form})


def submit_form(
    request: HttpRequest,
    *,
    form,
    write: Callable[[], Any],
    heading: str,
    done: Callable[[Any], tuple[str, str]],
) -> HttpResponse | None:
    """The write half of :func:`confirm_form`, for a view with a page of its own: on a valid
    POST, ``write`` runs through :func:`attempt` and ``done(result)`` gives (the success
    message, where to redirect), or the 409/410 page is returned. None when the view is to show
    its page: a GET, an invalid form, or a refusal whose message is now on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    result, refused = attempt(request, form, write, context={"heading": heading})
    if refused is not None:
        return refused
    if result is None:
        return None
    message, url = done(result)
    messages.success(request, message)
    return redirect(url)


class _MessageFormatter(string.Formatter):
    """``str.format`` for success messages, where ``{obj.date:british}`` writes the date as
    ``british_date`` does (``%-d`` is not portable, and the rule is written once)."""

    def format_field(self, value, format_spec):
        if format_spec == "british":
            return british_date(value)
        return super().format_field(value, format_spec)


_MESSAGE = _MessageFormatter()
