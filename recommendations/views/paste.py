"""Pasting a review's recommendations from the report: the list as pasted, then a preview of
what was understood, with the reference each will be given (and any clash with the
recommendation holding it), for the officer to correct before anything is saved."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from reviews.models import Committee, Review
from scrutiny.editing import RecordGone, StaleEdit
from scrutiny.permissions import require_register_editor

from .. import services
from ..forms import PasteForm, PreviewFormSet, ReferencePrefixForm
from ..models import ReferenceScheme
from ..models.references import planned_references
from ..paste import parse_recommendations
from ..services import PastedRecommendation


@require_http_methods(["GET", "POST"])
def recommendation_paste(request: HttpRequest, review_pk: int) -> HttpResponse:
    """Paste the list from the report, check what was understood and the references each
    will be given, then add them."""
    require_register_editor(request.user)
    review = get_object_or_404(Review, pk=review_pk)
    committees = list(Committee.objects.all())
    existing = set(review.recommendations.values_list("number", flat=True))
    scheme = ReferenceScheme.current()
    context = {"review": review, "back_url": review.get_absolute_url(), "scheme": scheme}
    step = request.POST.get("step", "paste") if request.method == "POST" else "paste"

    if step == "confirm":
        formset = PreviewFormSet(request.POST, committees=committees, existing_numbers=existing)
        prefix_form = (
            None if scheme.through_year else ReferencePrefixForm(request.POST, prefix="review")
        )
        if formset.is_valid() and (prefix_form is None or prefix_form.is_valid()):
            chosen = [
                PastedRecommendation(
                    number=f.cleaned_data["number"],
                    text=f.cleaned_data["text"],
                    paragraph_reference=f.cleaned_data["paragraph_reference"],
                    responsible_body=f.cleaned_data["responsible_body"],
                    reference=f.cleaned_data["reference"],
                )
                for f in formset.forms
                if f.cleaned_data.get("include")
            ]
            refused = _add_pasted(request, review, chosen, prefix_form)
            if not refused:
                added = list(review.recommendations.filter(number__in=[c.number for c in chosen]))
                given = ", ".join(r.reference for r in added if r.reference)
                messages.success(
                    request,
                    f"Added {len(chosen)} recommendation{'s' if len(chosen) != 1 else ''}"
                    + (f": {given}." if given else "."),
                )
                return redirect(review.get_absolute_url())
            formset._non_form_errors = formset.error_class(refused)
            review.refresh_from_db()
        _show_references(formset, review, scheme, prefix_form)
        return render(
            request,
            "recommendations/paste_preview.html",
            {**context, **_preview(formset, prefix_form)},
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
            prefix_form = None
            if not scheme.through_year:
                prefix_form = ReferencePrefixForm(
                    prefix="review",
                    initial={
                        "reference_prefix": review.reference_prefix,
                        "review_version": review.version,
                    },
                )
            _show_references(formset, review, scheme, prefix_form)
            return render(
                request,
                "recommendations/paste_preview.html",
                {**context, **_preview(formset, prefix_form), "result": result},
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


def _preview(formset, prefix_form) -> dict:
    return {"formset": formset, "prefix_form": prefix_form}


def _add_pasted(request, review, chosen, prefix_form) -> list[str]:
    """Add the chosen recommendations (and give the review the prefix typed, if changed);
    returns what refused them, in words (nothing: added)."""
    prefix = prefix_form.cleaned_data if prefix_form is not None else {}
    try:
        services.recommendations_add_from_paste(
            review=review,
            items=chosen,
            user=request.user,
            reference_prefix=prefix.get("reference_prefix"),
            review_version=prefix.get("review_version"),
        )
    except ValidationError as error:
        return error.messages
    except StaleEdit as stale:
        return [
            f"The review was changed by someone else since this page was opened: its "
            f"reference prefix is now “{stale.current.reference_prefix}” (you gave "
            f"“{prefix.get('reference_prefix', '')}”). Check the references below, then add "
            "the recommendations again."
        ]
    except RecordGone:
        raise Http404("No such review.") from None
    except IntegrityError:  # a number or reference taken at the same moment
        return [
            "These could not be added: another recommendation took one of their numbers or "
            "references just now. Check the list and add them again."
        ]
    return []


def _show_references(formset, review, scheme, prefix_form) -> None:
    """Put on each item of the preview the reference it will be given, and the clash when
    another recommendation holds it (``models.references.planned_references``); per review,
    by the prefix typed on the page."""
    if prefix_form is not None:
        version_field = prefix_form["review_version"]
        if prefix_form.is_bound:
            review.reference_prefix = _shown(
                prefix_form.data.get(prefix_form.add_prefix("reference_prefix"))
            )[:12].strip()
            prefix_form.data = prefix_form.data.copy()
            prefix_form.data[version_field.html_name] = review.version
    entries = []
    for form in formset.forms:
        number = _value(form, "number")
        try:
            number = int(number) if number not in (None, "") else None
        except (TypeError, ValueError):
            number = None
        typed = _shown(_value(form, "reference")).strip()
        added = bool(_value(form, "include"))
        entries.append((number, typed, added))
    for form, plan in zip(
        formset.forms, planned_references(review, entries, scheme=scheme), strict=True
    ):
        form.planned_reference = plan
        if plan.reference and not plan.typed:
            form.fields["reference"].help_text = f"Leave blank to give it {plan.reference}."
        elif scheme.through_year and not plan.typed:
            form.fields["reference"].help_text = (
                "Leave blank to give it the next number of the municipal year when the "
                "report's agreed date is recorded."
                if review.report_agreed_on is None
                else "Leave blank to give it the next number of the municipal year."
            )
        elif not plan.typed:
            form.fields[
                "reference"
            ].help_text = (
                "Leave blank to give it its reference when the report's agreed date is recorded."
            )


def _shown(value) -> str:
    """Text as submitted, for working out the references to show (not to save: the forms
    refuse what cannot be saved), without the NUL characters a database cannot hold."""
    return str(value or "").replace("\x00", "")


def _value(form, name):
    """A field's value as submitted (a bound form), else as first shown."""
    if form.is_bound:
        return (
            form.cleaned_data.get(name)
            if hasattr(form, "cleaned_data") and name in form.cleaned_data
            else form.data.get(form.add_prefix(name))
        )
    return form.initial.get(name, form.fields[name].initial)
