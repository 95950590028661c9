"""Lines of the record pages (meetings, dashboard) written in Python: one tag for a whole
list, where a template loop resolves each variable of each line through the template engine
(a scrutiny committee's meeting page lists well over a hundred updates)."""

import html
import re

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from scrutiny.audit import person_name
from scrutiny.formats import british_date, british_datetime
from scrutiny.links import pk_url

from .statuses import status_tag

register = template.Library()


@register.simple_tag
def update_lines(lines, with_date: bool = False) -> str:
    """``{% update_lines lines with_date=True %}``: a meeting page's list of updates
    (``querysets.UpdateLine``), each linking to the update on its recommendation, with its
    review, its date if asked, and the start of its text."""
    escape = html.escape
    items = "".join(
        f'<li><a class="govuk-link" href="{escape(line.url)}">{escape(line.reference)}</a>, '
        f"{escape(line.review_title)}"
        + (f" ({british_date(line.date)})" if with_date else "")
        + f": {escape(line.excerpt)}</li>"
        for line in lines
    )
    # Every value in them is escaped.
    return mark_safe(f'<ul class="govuk-list govuk-list--spaced">{items}</ul>')


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


# --- the dashboard's tables of actions ---------------------------------------------------------


def _row(cells: list[str]) -> str:
    """A table row as the dashboard's template wrote it: each cell on its own line."""
    return (
        '\n    <tr class="govuk-table__row">\n'
        + "".join(f"      {c}\n" for c in cells)
        + ("    </tr>\n  ")
    )


def _action_cells(action, labelled: bool) -> tuple[str, str, str]:
    """The recommendation (linking to the action), action and owner cells of a line of the
    dashboard's tables of actions (``labelled``: with the labels a narrow screen shows)."""

    def label(text: str) -> str:
        return f'<span class="app-stack-table__label">{text}</span>' if labelled else ""

    rec = action.recommendation
    words = Truncator(action.action).words(20, truncate=" …") or "(no action recorded)"
    owner = action.owner.name if action.owner else ""
    return (
        f'<td class="govuk-table__cell">{label("Recommendation")}<a class="govuk-link" '
        f'href="{html.escape(action.get_absolute_url())}">{html.escape(rec.reference or rec.label)}'
        f'</a><br><span class="govuk-body-s">{html.escape(rec.review.title)}</span></td>',
        f'<td class="govuk-table__cell{" app-long-text" if labelled else ""}">{label("Action")}'
        f"{html.escape(words)}</td>",
        f'<td class="govuk-table__cell">{label("Owner")}{html.escape(owner or "Not assigned")}'
        "</td>",
    )


@register.simple_tag
def overdue_action_rows(actions) -> str:
    """``{% overdue_action_rows overdue_actions %}``: the rows of the dashboard's table of
    overdue actions (recommendation, action, owner, target date and timeline, status)."""
    return mark_safe(  # every value in them is escaped
        "".join(
            _row(
                [
                    *_action_cells(action, labelled=False),
                    f'<td class="govuk-table__cell">{british_date(action.target_date)}<br>'
                    f'<span class="govuk-body-s">{html.escape(action.timeline)}</span></td>',
                    f'<td class="govuk-table__cell">{status_tag(action.status)}</td>',
                ]
            )
            for action in actions
        )
    )


@register.simple_tag
def due_action_rows(actions) -> str:
    """``{% due_action_rows due_before_meeting %}``: the rows of the dashboard's table of
    actions due by the next meeting (as ``reads.overdue_and_due`` gives them, with the
    meeting)."""
    return mark_safe(  # every value in them is escaped
        "".join(
            _row(
                [
                    *_action_cells(action, labelled=True),
                    '<td class="govuk-table__cell"><span class="app-stack-table__label">Target '
                    f"date</span>{british_date(action.target_date)}<br>"
                    f"{status_tag(action.status)}</td>",
                    '<td class="govuk-table__cell"><span class="app-stack-table__label">Next '
                    'meeting</span><a class="govuk-link" href="'
                    f'{pk_url("meeting_detail", action.next_meeting_id)}">'
                    f"{html.escape(action.next_meeting_committee)}, "
                    f"{british_date(action.next_meeting_date)}</a></td>",
                ]
            )
            for action in actions
        )
    )


@register.simple_tag
def history_entry_title(entry) -> str:
    """``{% history_entry_title entry %}``: the heading of a history entry: what changed, how,
    by whom and when (the moment in local time, as the ``date:'c'`` filter writes it)."""
    when = timezone.localtime(entry.when) if timezone.is_aware(entry.when) else entry.when
    return mark_safe(  # every value in it is escaped
        f'<h2 class="govuk-summary-card__title">{html.escape(str(entry.record_label))}: '
        f"{html.escape(entry.action.lower())} by {html.escape(person_name(entry.user))}, "
        f'<time datetime="{when.isoformat()}">{british_datetime(when)}</time></h2>'
    )
