"""The tracker's own export read back (issue 14, "a round trip"): a workbook whose sheets are
the register's Recommendations, Actions and Updates lists (``recommendations.exports``), joined
by the recommendation's reference (with its review and number, for one that has none), is
turned into the one table the import reads: each recommendation's row, then a row for each of
its actions and each of its updates, which carry on the recommendation above them (as a
council's tracker with merged cells does).

What each export heading becomes is ``EXPORTED`` below; the columns the export works out (the
latest update, whether an action is overdue, the first target date and the number of
revisions, the meeting an update was reported to) are not read back: the import cannot set
them, and the README lists them.
"""

from __future__ import annotations

from collections.abc import Callable

# The single table's headings: each one the import's column guess reads as its field.
FLAT = (
    "Reference",
    "Review",
    "Recommendation number",
    "Origin committee",
    "Date agreed",
    "Paragraph",
    "Recommendation",
    "Responsible body",
    "Area",
    "Executive date",
    "Decision",
    "Response text",
    "Lead officer",
    "Executive member",
    "Status",
    "Status reason",
    "Closed on",
    "Closure minute",
    "Action",
    "Action number",
    "Timeline",
    "Target date",
    "Update",
    "Update date",
)
JOIN = ("Reference", "Review", "Recommendation number")
SHEETS = ("Recommendations", "Actions", "Updates")

# sheet -> {export heading: the single table's heading}
EXPORTED: dict[str, dict[str, str]] = {
    "Recommendations": {
        **{h: h for h in FLAT[: FLAT.index("Action")] if h != "Response text"},
        "Response": "Response text",
    },
    "Actions": {
        "Action number": "Action number",
        "Action": "Action",
        "Timeline": "Timeline",
        "Target date": "Target date",
        "Owner": "Lead officer",
        "Status": "Status",
        "Status reason": "Status reason",
    },
    "Updates": {
        "Action number": "Action number",
        "Update": "Update",
        "Date": "Update date",
        "Author": "Lead officer",
        "Status": "Status",
        "Status reason": "Status reason",
    },
}


def headings_of(rows: list[list[object]]) -> list[str]:
    return [str(c).strip() if c is not None else "" for c in (rows[0] if rows else [])]


def is_export(titles: list[str], first_rows: dict[str, list[str]]) -> bool:
    """Whether a workbook is the tracker's own export: its sheets named as the export names
    them, each headed by the columns that join them, and the export's other headings."""
    if [t for t in titles if t in SHEETS] != list(SHEETS) or titles[0] != SHEETS[0]:
        return False
    for name in SHEETS:
        headings = first_rows.get(name, [])
        if tuple(headings[:3]) != JOIN:
            return False
        if not set(EXPORTED[name]) <= set(headings):
            return False
    return True


def _key(row: dict) -> tuple:
    return tuple(_plain(row.get(h)) for h in JOIN)


def _plain(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _as_dicts(rows: list[list[object]]) -> list[dict]:
    headings = headings_of(rows)
    found = []
    for row in rows[1:]:
        if not any(c not in (None, "") and str(c).strip() for c in row):
            continue
        found.append({h: (row[i] if i < len(row) else None) for i, h in enumerate(headings) if h})
    return found


def flatten(
    sheets: dict[str, list[list[object]]], held: Callable[[str], bool]
) -> list[list[object]]:
    """The single table (headings first) of an exported workbook's three sheets.

    ``held(status words)`` says whether a recommendation's status is one an officer can hold
    (a progress status of the council's key): the status the export gives a recommendation is
    the one in force, mostly derived from its actions and updates, so it is read back as held
    only where the export gives the reason it is held, or where the recommendation has no
    actions and no updates for it to be derived from. "Closed" and "Not accepted" come back
    from the closure and the decision."""
    recommendations = _as_dicts(sheets["Recommendations"])
    actions: dict[tuple, list[dict]] = {}
    for row in _as_dicts(sheets["Actions"]):
        actions.setdefault(_key(row), []).append(row)
    updates: dict[tuple, list[dict]] = {}
    for row in _as_dicts(sheets["Updates"]):
        updates.setdefault(_key(row), []).append(row)

    def line(row: dict, sheet: str) -> list[object]:
        out = dict.fromkeys(FLAT)
        for heading, flat in EXPORTED[sheet].items():
            if row.get(heading) not in (None, ""):
                out[flat] = row[heading]
        return [out[h] for h in FLAT]

    table: list[list[object]] = [list(FLAT)]
    for rec in recommendations:
        key = _key(rec)
        its_actions, its_updates = actions.get(key, []), updates.get(key, [])
        rec = dict(rec)
        status = _plain(rec.get("Status"))
        derived = bool(its_actions or its_updates) and not _plain(rec.get("Status reason"))
        if status and (derived or not held(status)):
            rec["Status"] = None if not _plain(rec.get("Closed on")) else status
        table.append(line(rec, "Recommendations"))
        for action in its_actions:
            table.append(line(action, "Actions"))
        # Oldest first, as they were posted: the latest status reported is the one in force.
        for update in reversed(its_updates):
            table.append(line(update, "Updates"))
    return table


__all__ = ["EXPORTED", "FLAT", "flatten", "is_export"]
