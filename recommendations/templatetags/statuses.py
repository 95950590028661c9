"""A status as a GOV.UK tag: the words always, the colour as well (never colour alone). A
status's words and colour are the council's key's (``recommendations.models.status_key``);
a mark's colour is one of ``MARK_COLOURS``."""

from django import template
from django.utils.html import format_html

from recommendations.models import status_key
from recommendations.statuses import MARK_COLOURS

register = template.Library()


@register.simple_tag
def status_tag(status: str, label: str = "") -> str:
    """``{% status_tag rec.status %}``: the status in its words and colour from the key (or
    ``label`` in its colour, as the key prints meanings). A tag, not an included template: a
    register page shows fifty and a meeting page a hundred. The key is read once a request."""
    entry = status_key().entry(status)
    return format_html(
        '<strong class="govuk-tag app-status-tag govuk-tag--{}" data-status="{}">{}</strong>',
        entry.colour,
        status,
        label or entry.label or status,
    )


@register.simple_tag
def status_label(status: str) -> str:
    """``{% status_label update.reported_status %}``: a status in words, from the key."""
    return status_key().label(status)


@register.simple_tag
def mark_tag(mark: str, label: str) -> str:
    """``{% mark_tag "overdue" "Action overdue" %}``: a mark beside a status or in its place
    (one of ``MARK_COLOURS``), in words and colour."""
    return format_html(
        '<strong class="govuk-tag app-status-tag govuk-tag--{}">{}</strong>',
        MARK_COLOURS[mark],
        label,
    )
