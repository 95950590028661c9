"""A meeting page's lists of updates, one line per update, rendered in one pass.

A scrutiny committee's meeting may have a hundred and fifty updates reported to it, each line
with a link, a reference, a review title, a date and an excerpt: as a loop in a template that
is six hundred variable lookups, each localised and escaped; here each value is escaped once.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from scrutiny.formats import british_date

register = template.Library()


@register.simple_tag
def update_lines(updates: list[dict], with_date: bool = False) -> str:
    """``{% update_lines rows %}``: a GOV.UK list of the rows of ``_update_rows`` in the
    meetings view: "<reference>, <review title>: <excerpt>", the reference linking to the
    update on its recommendation's page; ``with_date`` adds the update's date in brackets."""
    # A recommendation's page is the register's address and its number: reversed once.
    register_url = reverse("recommendation_list")
    if with_date:
        lines = format_html_join(
            "",
            '<li><a class="govuk-link" href="{}{}/#update-{}">{}</a>, {} ({}): {}</li>',
            (
                (
                    register_url,
                    row["recommendation_id"],
                    row["pk"],
                    row["reference"],
                    row["review_title"],
                    british_date(row["date"]),
                    row["excerpt"],
                )
                for row in updates
            ),
        )
    else:
        lines = format_html_join(
            "",
            '<li><a class="govuk-link" href="{}{}/#update-{}">{}</a>, {}: {}</li>',
            (
                (
                    register_url,
                    row["recommendation_id"],
                    row["pk"],
                    row["reference"],
                    row["review_title"],
                    row["excerpt"],
                )
                for row in updates
            ),
        )
    return format_html('<ul class="govuk-list govuk-list--spaced">{}</ul>', lines)
