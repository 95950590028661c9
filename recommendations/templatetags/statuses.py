"""A status as a GOV.UK tag: the words always, the colour as well (never colour alone). The
colours are those of ``recommendations.statuses.STATUS_COLOURS`` and ``MARK_COLOURS``."""

from django import template
from django.utils.html import format_html

from recommendations.statuses import MARK_COLOURS, status_colour

register = template.Library()


@register.simple_tag
def status_tag(status: str, label: str = "") -> str:
    """``{% status_tag rec.status rec.get_status_display %}``. A tag, not an included
    template: a register page shows fifty and a meeting page a hundred."""
    return format_html(
        '<strong class="govuk-tag app-status-tag govuk-tag--{}" data-status="{}">{}</strong>',
        status_colour(status),
        status,
        label or status,
    )


@register.simple_tag
def mark_tag(mark: str, label: str) -> str:
    """``{% mark_tag "overdue" "Action overdue" %}``: a mark beside a status or in its place
    (one of ``MARK_COLOURS``), in words and colour."""
    return format_html(
        '<strong class="govuk-tag app-status-tag govuk-tag--{}">{}</strong>',
        MARK_COLOURS[mark],
        label,
    )
