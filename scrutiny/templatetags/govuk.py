"""Template helpers of the GOV.UK form renderer (see scrutiny/govuk.py)."""

from django import template

from scrutiny.govuk import ErrorItem, error_summary_items

register = template.Library()


@register.simple_tag
def error_items(*sources, message="", target="", field_labels=False, non_field_target=""):
    """``{% error_items form as items %}``: the entries of a GOV.UK error summary, from forms,
    formsets, (record, form) pairs, (input id, message) pairs or messages, in that order, then
    ``message`` (linked to the input whose id is ``target``)."""
    items = error_summary_items(
        *sources, field_labels=bool(field_labels), non_field_target=non_field_target or ""
    )
    if message:
        items.append(ErrorItem(str(message), target or ""))
    return items
