"""The registers' table rows, each page's drawn by one tag: ``{% recommendation_rows rows %}``
and ``{% review_rows rows %}``, from the rows ``recommendations.registers`` reads. A register
page has fifty rows of five or six cells; drawn by the template language, each value cost a
lookup, an escape and a node of its own (about half the page's template time, by
``bench/profile_page.py``). The markup is the GOV.UK table's, as the templates had it; every
value is escaped as ``escape`` escapes (``html.escape``), a status tag (already HTML) as it is.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from .statuses import mark_tag

register = template.Library()


def _html(value) -> str:
    """A value in HTML: escaped, unless it is HTML already (a status tag)."""
    return value.__html__() if hasattr(value, "__html__") else escape(str(value))


def _cell(label: str, content: str, classes: str = "") -> str:
    """A cell of a stacking register table, with its column's name for narrow screens."""
    return (
        f'<td class="govuk-table__cell{classes}"><span class="app-stack-table__label">{label}'
        f"</span>{content}</td>"
    )


def _link(url: str, text: str, classes: str = "") -> str:
    return f'<a class="govuk-link{classes}" href="{_html(url)}">{_html(text)}</a>'


@register.simple_tag
def recommendation_rows(rows) -> SafeString:
    """The ``<tr>`` of each ``registers.RecommendationRow``: reference, review and
    recommendation, response, status (with "Action overdue" beside it), latest update."""
    overdue = f"<br>{mark_tag('overdue', 'Action overdue')}"
    html = []
    for row in rows:
        people = _html(row.body)
        if row.lead_officer:
            people += f"; lead officer {_html(row.lead_officer)}"
        html.append(
            '<tr class="govuk-table__row">'
            + _cell("Reference", _link(row.url, row.label), " app-nowrap")
            + _cell(
                "Review and recommendation",
                f"{_link(row.review_url, row.review_title, ' govuk-body-s')}<br>"
                f'{_html(row.excerpt)}<br><span class="govuk-body-s">{people}</span>',
                " app-long-text",
            )
            + _cell("Response", _html(row.response))
            + _cell("Status", _html(row.status_tag) + (overdue if row.has_overdue_action else ""))
            + _cell("Latest update", _html(row.latest_update), " app-nowrap")
            + "</tr>"
        )
    return mark_safe("\n".join(html))  # every value escaped above


@register.simple_tag
def review_rows(rows) -> SafeString:
    """The ``<tr>`` of each ``registers.ReviewRow``: review (and its type), committee, year,
    status, response deadline ("Overdue" beside it once passed), number of recommendations."""
    overdue = f" {mark_tag('overdue', 'Overdue')}"
    html = []
    for row in rows:
        html.append(
            '<tr class="govuk-table__row">'
            + _cell(
                "Review",
                f"{_link(row.url, row.title)}<br>"
                f'<span class="govuk-body-s">{_html(row.review_type)}</span>',
                " app-long-text",
            )
            + _cell("Committee", _html(row.committee))
            + _cell("Year", _html(row.municipal_year), " app-nowrap")
            + _cell("Status", _html(row.status))
            + _cell(
                "Response deadline",
                _html(row.response_deadline) + (overdue if row.is_response_overdue else ""),
            )
            + _cell(
                "Recommendations", _html(row.recommendation_count), " govuk-table__cell--numeric"
            )
            + "</tr>"
        )
    return mark_safe("\n".join(html))  # every value escaped above
