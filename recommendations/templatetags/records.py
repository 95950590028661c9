"""Lines of the record pages (meetings, dashboard) written in Python: one tag for a whole
list, where a template loop resolves each variable of each line through the template engine
(a scrutiny committee's meeting page lists well over a hundred updates)."""

from django import template
from django.utils.html import format_html, format_html_join

from scrutiny.formats import british_date

register = template.Library()


@register.simple_tag
def update_lines(lines, with_date: bool = False) -> str:
    """``{% update_lines lines with_date=True %}``: a meeting page's list of updates
    (``querysets.UpdateLine``), each linking to the update on its recommendation, with its
    review, its date if asked, and the start of its text."""
    if with_date:
        items = format_html_join(
            "",
            '<li><a class="govuk-link" href="{}">{}</a>, {} ({}): {}</li>',
            (
                (line.url, line.reference, line.review_title, british_date(line.date), line.excerpt)
                for line in lines
            ),
        )
    else:
        items = format_html_join(
            "",
            '<li><a class="govuk-link" href="{}">{}</a>, {}: {}</li>',
            ((line.url, line.reference, line.review_title, line.excerpt) for line in lines),
        )
    return format_html('<ul class="govuk-list govuk-list--spaced">{}</ul>', items)
