"""Which column of a council's tracker is which: the fields an import fills, the headings
councils give them (wording and order vary: "Rec No", "Recommendation text", "Responsible
officer", "Progress", "RAG"...), finding the heading row under any title rows, and the guess
the officer confirms or changes."""

from __future__ import annotations

import re
from dataclasses import dataclass

# (field, label, headings as councils write them, normalised: lower case, words only). The
# export of the registers writes headings from the same vocabulary (the labels, in words).
FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "reference",
        "Reference",
        (
            "reference",
            "ref",
            "ref no",
            "rec no",
            "rec ref",
            "recommendation no",
            "recommendation ref",
            "recommendation reference",
            "no",
            "number",
            "rec",
            "item",
            "item no",
            "id",
        ),
    ),
    (
        "review",
        "Review",
        (
            "review",
            "review title",
            "title",
            "task group",
            "topic",
            "review name",
            "scrutiny review",
            "report",
            "report title",
            "task and finish group",
            "review group",
        ),
    ),
    (
        "committee",
        "Origin committee",
        (
            "committee",
            "origin committee",
            "originating committee",
            "commissioning committee",
            "origin",
            "scrutiny committee",
            "source",
            "panel",
            "scrutiny panel",
            "committee or body",
        ),
    ),
    (
        "date_agreed",
        "Date agreed",
        (
            "date agreed",
            "agreed",
            "date",
            "date of meeting",
            "meeting date",
            "report date",
            "date of recommendation",
            "date recommended",
            "date made",
            "report agreed",
            "date report agreed",
        ),
    ),
    (
        "area",
        "Service area",
        (
            "area",
            "service area",
            "service",
            "department",
            "directorate",
            "portfolio",
            "theme",
        ),
    ),
    (
        "recommendation",
        "Recommendation",
        (
            "recommendation",
            "recommendations",
            "recommendation text",
            "text",
            "recommendation made",
            "description",
            "recommendation details",
            "recommendation wording",
        ),
    ),
    (
        "rec_number",
        "Recommendation number",
        ("recommendation number", "number within the review"),
    ),
    ("paragraph", "Paragraph", ("paragraph", "paragraph reference", "para", "report paragraph")),
    (
        "responsible_body",
        "Responsible body",
        (
            "responsible body",
            "decision maker",
            "decision making body",
            "addressed to",
            "body responsible",
        ),
    ),
    (
        "executive_date",
        "Executive date",
        (
            "executive date",
            "cabinet date",
            "date of cabinet",
            "date of executive",
            "response date",
            "date of response",
            "executive response date",
            "date considered by cabinet",
            "cabinet meeting",
            "date of executive response",
            "responded on",
        ),
    ),
    (
        "decision",
        "Decision",
        (
            "decision",
            "executive decision",
            "cabinet decision",
            "accepted",
            "response",
            "executive response",
            "cabinet response",
            "accepted rejected",
            "agreed by cabinet",
            "accepted or rejected",
            "accepted not accepted",
        ),
    ),
    (
        "response_text",
        "Executive response text",
        (
            "response text",
            "reason",
            "reasons",
            "executive response text",
            "reason for decision",
            "response reason",
            "cabinet comments",
            "executive comments",
        ),
    ),
    (
        "lead_officer",
        "Lead officer",
        (
            "lead officer",
            "responsible officer",
            "officer",
            "owner",
            "action owner",
            "lead",
            "contact officer",
            "officer responsible",
            "responsible",
            "accountable officer",
            "responsible person",
            "lead officers",
        ),
    ),
    (
        "executive_member",
        "Executive member",
        (
            "executive member",
            "cabinet member",
            "portfolio holder",
            "lead member",
            "lead cabinet member",
            "cabinet lead",
            "responsible cabinet member",
        ),
    ),
    (
        "action",
        "Action",
        (
            "action",
            "action agreed",
            "actions",
            "agreed action",
            "action plan",
            "proposed action",
            "actions agreed",
            "planned action",
            "agreed actions",
        ),
    ),
    ("action_number", "Action number", ("action number", "number of the action")),
    (
        "timeline",
        "Timeline",
        (
            "timeline",
            "timescale",
            "timescales",
            "when",
            "by when",
            "timeframe",
            "time frame",
        ),
    ),
    (
        "target_date",
        "Target date",
        (
            "target date",
            "target",
            "due date",
            "due",
            "completion date",
            "target completion date",
            "date due",
            "expected completion",
            "deadline",
            "target for completion",
        ),
    ),
    (
        "update",
        "Update",
        (
            "update",
            "latest update",
            "progress",
            "progress update",
            "action taken",
            "update action taken",
            "comments",
            "position",
            "current position",
            "progress to date",
            "commentary",
            "notes",
            "latest position",
            "update on progress",
            "progress made",
        ),
    ),
    (
        "update_date",
        "Update date",
        (
            "update date",
            "date of update",
            "date updated",
            "last updated",
            "as at",
            "updated",
        ),
    ),
    (
        "status_reason",
        "Status reason",
        ("status reason", "reason for status", "reason for the status"),
    ),
    (
        "closed_on",
        "Closed on",
        ("closed on", "date closed", "closure date", "date of closure"),
    ),
    (
        "closure_minute",
        "Closure minute",
        ("closure minute", "closure minute reference", "minute of closure"),
    ),
    (
        "status",
        "Status",
        (
            "status",
            "rag",
            "rag status",
            "rating",
            "progress status",
            "current status",
            "implementation status",
            "red amber green",
            "rag rating",
        ),
    ),
)

LABELS: dict[str, str] = {name: label for name, label, _ in FIELDS}
SYNONYMS: dict[str, tuple[str, ...]] = {name: words for name, _, words in FIELDS}
HEADER_SEARCH_ROWS = 30
# A second column headed like a field already given goes to its neighbour: "Decision" then
# "Response" are the decision and the response's text.
SECOND_CHOICE = {"decision": "response_text", "date_agreed": "executive_date"}


def normalise(text: object) -> str:
    """A heading as compared: lower case, words and digits only, single spaces."""
    words = re.sub(r"[^a-z0-9]+", " ", str(text or "").lower().replace("&", " and "))
    return " ".join(words.split())


def _best(heading: str) -> tuple[int, str | None]:
    """(how long a heading of the vocabulary it holds, which field), exact matches first."""
    if not heading or len(heading) > 80:
        return 0, None
    best = (0, None)
    for name, words in SYNONYMS.items():
        for word in words:
            if heading == word:
                return 1000 + len(word), name
            if re.search(rf"(^| ){re.escape(word)}( |$)", heading) and len(word) > best[0]:
                best = (len(word), name)
    return best


def field_for(heading: object, parent: object = None) -> str | None:
    """The field a column headed ``heading`` (under the group heading ``parent``, where a
    second header row sits above) most likely holds, or None."""
    child = normalise(heading)
    score, name = _best(child)
    if parent:
        combined = normalise(f"{parent} {heading}")
        parent_score, parent_name = _best(combined)
        if parent_score > score and parent_name:
            return parent_name
    return name


@dataclass
class Layout:
    """Where the headings are (0-based index into the sheet's rows) and what they say."""

    header_index: int
    headings: list[str]
    parents: list[str]


def _text(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def find_layout(rows: list[list[object]]) -> Layout:
    """The heading row: of the first rows, the one whose cells name most fields (a title row
    or a group heading row above it is passed over); the row above it, if filled, gives each
    column's group heading."""
    best_index, best_score = 0, -1
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [_text(c) for c in row]
        if not any(cells):
            continue
        named = {field_for(c) for c in cells if c and not _looks_like_data(c)} - {None}
        if len(named) > best_score:
            best_index, best_score = index, len(named)
    width = max((len(r) for r in rows), default=0)
    headings = [_text(c) for c in rows[best_index]] + [""] * width
    parents = [""] * width
    if best_index > 0:
        above = [_text(c) for c in rows[best_index - 1]]
        above += [""] * (width - len(above))
        columns = [i for i, h in enumerate(headings[:width]) if h]
        one_title = len({above[i] for i in columns}) == 1 and all(above[i] for i in columns)
        if any(above) and not one_title:  # group headings, not one title merged across
            parents = above
    return Layout(best_index, headings[:width], parents[:width])


def _looks_like_data(text: str) -> bool:
    return len(text) > 80


def guess_mapping(layout: Layout) -> list[str]:
    """One field (or "") per column: the best guess from its heading, each field given to
    one column only (the first whose heading fits it best)."""
    guesses = [
        field_for(h, p) if h else None for h, p in zip(layout.headings, layout.parents, strict=True)
    ]
    taken: set[str] = set()
    mapping = []
    for guess in guesses:
        if guess in taken:
            guess = SECOND_CHOICE.get(guess)
        if guess and guess not in taken:
            taken.add(guess)
            mapping.append(guess)
        else:
            mapping.append("")
    return mapping
