"""Lines of the record pages (meetings, dashboard) written in Python: one tag for a whole
list, where a template loop resolves each variable of each line through the template engine
(a scrutiny committee's meeting page lists well over a hundred updates)."""

import html
import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


_NEWLINES = re.compile(r"\r\n|\r")


def _lines(value) -> str:
    """What ``{{ value|linebreaksbr }}`` writes (escaped, each line break a <br>), without
    the template engine's per-call wrappers."""
    return html.escape(_NEWLINES.sub("\n", str(value))).replace("\n", "<br>")


@register.simple_tag
def history_change_rows(entry) -> str:
    """``{% history_change_rows entry %}``: the rows of a history entry's table of changes
    (``history.HistoryEntry``): each field's label, old value (unless the record was created)
    and new value. A recommendation's history page shows fifty entries and a few hundred
    rows."""
    with_old = entry.action != "Created"
    rows = []
    for change in entry.changes:
        old = (
            f'<td class="govuk-table__cell"><del class="app-old">{_lines(change.old)}</del></td>'
            if with_old
            else ""
        )
        label = html.escape(str(change.label))
        rows.append(
            '\n        <tr class="govuk-table__row">\n'
            f'          <th scope="row" class="govuk-table__header">{label}</th>\n'
            f"          {old}\n"
            '          <td class="govuk-table__cell"><ins class="app-new">'
            f"{_lines(change.new)}</ins></td>\n"
            "        </tr>\n      "
        )
    return mark_safe("".join(rows))  # every value in them is escaped
