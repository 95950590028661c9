"""A status as a GOV.UK tag: the words always, the colour as well (never colour alone)."""

from django import template
from django.utils.html import format_html

register = template.Library()

# The GOV.UK tag colour of each status (the key's "amber" is GOV.UK's yellow tag).
TAG_COLOURS = {
    "achieved": "green",
    "on_track": "yellow",
    "off_track": "red",
    "paused": "purple",
    "not_accepted": "orange",
    "closed": "blue",
}


@register.simple_tag
def status_tag(status: str, label: str = "") -> str:
    """``{% status_tag rec.status rec.get_status_display %}``. A tag, not an included
    template: a register page shows fifty and a meeting page a hundred."""
    colour = TAG_COLOURS.get(status, "grey")
    return format_html(
        '<strong class="govuk-tag app-status-tag govuk-tag--{}" data-status="{}">{}</strong>',
        colour,
        status,
        label or status,
    )
