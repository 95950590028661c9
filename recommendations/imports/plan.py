"""The preview of an import: every row of the tracker as it will be saved, with the problems
of each named, worked out from the sheet, the officer's mapping and what the register holds
(read in a fixed number of queries, whatever the size of the file). Nothing is written here:
``services.imports.tracker_import`` saves a plan the officer confirmed.

How rows become records:

- a row names a recommendation (its text, and a reference or number where the tracker gives
  one); a row with no recommendation text or reference but an action or an update carries on
  the recommendation above it (a cell merged down several rows reads the same);
- recommendations group into reviews by the review's title where a column gives it, else by
  origin committee and the date the report was agreed;
- each row's action, timeline and target date make an action of the plan, its update and
  status the update on it (or, with no action, on the recommendation as a whole); a status
  with no update is held on the recommendation, or is the action's;
- what the register holds already is matched, not added again: a recommendation by its
  reference (or, with none, by its review and text), an action by its wording, an update by
  its text. So importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Lower

from reviews.models import Committee, CommitteeKind, Councillor, Officer, Review
from scrutiny.formats import british_date

from ..models import Recommendation, status_key
from ..statuses import Decision, RecommendationStatus
from . import values
from .columns import LABELS, Layout
from .sheet import Sheet

# The people and bodies a tracker names that the register may not know, by kind.
KINDS = {
    "committee": "committee",
    "body": "responsible body",
    "officer": "officer",
    "councillor": "councillor",
}


@dataclass
class Row:
    """One row of the tracker as it will be saved."""

    number: int  # as the spreadsheet numbers it
    cells: dict[str, str]  # field -> the cell as text, for the preview and the problems file
    review_title: str = ""
    committee: str = ""
    date_agreed: datetime.date | None = None
    reference: str = ""  # typed by the council; blank: the scheme gives it
    rec_number: int | None = None
    text: str = ""
    paragraph: str = ""
    area: str = ""
    body: str = ""
    decision: str = ""
    response_text: str = ""
    executive_date: datetime.date | None = None
    lead_officer: str = ""
    executive_member: str = ""
    action: str = ""
    action_number: int | None = None  # the action's number within its recommendation
    timeline: str = ""
    target_date: datetime.date | None = None
    update: str = ""
    update_date: datetime.date | None = None
    status: str = ""
    status_reason: str = ""
    closed_on: datetime.date | None = None  # the committee's closure, with its minute
    closure_minute: str = ""
    carries_on: bool = False  # carries on the recommendation of the row above
    carries_on_row: int | None = None  # which row's
    existing_id: int | None = None  # the recommendation already in the register
    problems: list[str] = field(default_factory=list)  # the row cannot be saved
    notes: list[str] = field(default_factory=list)  # saved, but read this
    skipped: str = ""  # a blank or repeated heading row, left out (said why)

    @property
    def decision_label(self) -> str:
        return Decision(self.decision).label if self.decision else ""

    @property
    def can_save(self) -> bool:
        return not self.problems and not self.skipped


@dataclass
class Plan:
    filename: str
    rows: list[Row]
    unknown: dict[str, list[str]]  # kind -> names the register does not know
    notes: list[str]
    register: Register | None = None

    @property
    def saved_rows(self) -> list[Row]:
        return [r for r in self.rows if r.can_save]

    @property
    def refused_rows(self) -> list[Row]:
        return [r for r in self.rows if r.problems and not r.skipped]

    @property
    def skipped_rows(self) -> list[Row]:
        return [r for r in self.rows if r.skipped]

    @property
    def recommendations_new(self) -> int:
        return len({_rec_key(r) for r in self.saved_rows if r.existing_id is None})

    @property
    def recommendations_matched(self) -> int:
        return len({r.existing_id for r in self.saved_rows if r.existing_id})

    def problems_csv(self) -> str:
        """The rows that cannot be saved, as CSV (UTF-8 with a BOM, so Excel opens it): the
        row number, the problems, and the row's cells as read."""
        fields = [f for f in LABELS if any(f in r.cells for r in self.refused_rows)]
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["Row", "Problems", *[LABELS[f] for f in fields]])
        for row in self.refused_rows:
            writer.writerow(
                [row.number, " ".join(row.problems), *[row.cells.get(f, "") for f in fields]]
            )
        return "\ufeff" + out.getvalue()


def _lower(name: str) -> str:
    return " ".join(name.lower().split())


class Names:
    """The committees (by name and short name), officers and councillors of the register, by
    name in lower case, read once (three queries): what a tracker's names are matched to."""

    def __init__(self):
        self.committees = {}
        for committee in Committee.objects.all():
            self.committees.setdefault(_lower(committee.name), committee)
            if committee.short_name:
                self.committees.setdefault(_lower(committee.short_name), committee)
        self.officers = {}
        for officer in Officer.objects.all():
            self.officers.setdefault(_lower(officer.name), officer)
        self.councillors = {_lower(c.name): c for c in Councillor.objects.all()}


class Register(Names):
    """What the register holds that a plan needs, read once: its names, and the reviews and
    recommendations the file may name again."""

    def __init__(self, *, references: set[str], titles: set[str]):
        super().__init__()
        self.by_reference = {
            r.reference: r
            for r in Recommendation.objects.filter(reference__in=references).select_related(
                "review__commissioning_committee"
            )
        }
        self.reviews = {}
        for review in (
            Review.objects.annotate(lower_title=Lower("title"))
            .filter(lower_title__in=[t.lower() for t in titles])
            .select_related("commissioning_committee")
        ):
            self.reviews.setdefault(
                (_lower(review.title), review.commissioning_committee.name.lower()), review
            )
        self.by_text = {}
        self.numbers: dict[int, set[int]] = {}
        for rec in Recommendation.objects.filter(Q(review__in=list(self.reviews.values()))).only(
            "pk", "review_id", "number", "text", "reference"
        ):
            self.by_text[(rec.review_id, _lower(rec.text))] = rec
            self.numbers.setdefault(rec.review_id, set()).add(rec.number)

    def committee(self, name: str):
        return self.committees.get(_lower(name))


def _cells(row: list[object], mapping: list[str]) -> dict[str, object]:
    found = {}
    for index, name in enumerate(mapping):
        if name and index < len(row) and row[index] not in (None, ""):
            found[name] = row[index]
    return found


def _number_from(value: str) -> int | None:
    match = re.search(r"(\d{1,4})\s*$", value)
    return int(match.group(1)) if match and 0 < int(match.group(1)) < 10000 else None


_HEADED = re.compile(r"^\s*recommendation\s+(\d{1,4})\b[\s.:)\u2013-]*", re.I)


def build_plan(
    sheet: Sheet,
    layout: Layout,
    mapping: list[str],
    *,
    default_committee: Committee | None = None,
) -> Plan:
    """Every row of ``sheet`` below the headings read through ``mapping`` (one field or ""
    per column), checked against the register."""
    key = status_key()
    header = [values.one_line(c) for c in sheet.rows[layout.header_index]] if sheet.rows else []
    raw_rows = []
    for index in range(layout.header_index + 1, len(sheet.rows)):
        raw_rows.append((sheet.numbers[index], sheet.rows[index]))
    references, titles = set(), set()
    for _, cells in raw_rows:
        got = _cells(cells, mapping)
        if "reference" in got:
            references.add(values.one_line(got["reference"]))
        titles.add(_review_title(got, sheet.filename, default_committee))
    register = Register(references=references, titles=titles)

    rows: list[Row] = []
    previous: Row | None = None
    for number, cells in raw_rows:
        got = _cells(cells, mapping)
        shown = {name: values.text(v) for name, v in got.items()}
        row = Row(number=number, cells=shown)
        rows.append(row)
        if not any(values.one_line(c) for c in cells):
            row.skipped = "Blank row."
            continue
        if [values.one_line(c) for c in cells[: len(header)]] == header[: len(cells)]:
            row.skipped = "Repeats the headings."
            continue
        _read_row(row, got, key, sheet.filename, default_committee)
        if row.carries_on:
            if previous is None:
                row.problems.append(
                    "No recommendation: the row has no recommendation text or reference, and "
                    "no recommendation above it to carry on."
                )
            else:
                _carry_on(row, previous)
        else:
            previous = row
    _match(rows, register)
    by_number = {r.number: r for r in rows}
    for row in rows:
        source = by_number.get(row.carries_on_row) if row.carries_on_row else None
        if source is not None and source.problems and not row.problems:
            row.problems.append(
                f"It carries on the recommendation of row {source.number}, which cannot be saved."
            )
        elif source is not None:
            row.existing_id = source.existing_id
    _number(rows, register)
    unknown = _unknown(rows, register)
    notes = list(sheet.notes)
    if any(r.update and r.update_date is None for r in rows if r.can_save):
        notes.append(
            "Updates with no date of their own (the file has no update date, or the cell is "
            "empty) are dated the day of the import."
        )
    return Plan(
        filename=sheet.filename,
        rows=rows,
        unknown=unknown,
        notes=notes,
        register=register,
    )


def _review_title(got: dict, filename: str, default_committee) -> str:
    if got.get("review") not in (None, ""):
        return values.one_line(got["review"])[:300]
    committee = values.one_line(got.get("committee")) or (
        default_committee.name if default_committee else ""
    )
    agreed = values.date(got.get("date_agreed"))
    if agreed:
        return f"{committee or 'Scrutiny'}: recommendations agreed on {british_date(agreed)}"
    return f"{committee or 'Scrutiny'}: recommendations imported from {filename}"[:300]


def _read_row(row: Row, got: dict, key, filename: str, default_committee) -> None:
    text = values.text(got.get("recommendation"))
    reference = values.one_line(got.get("reference"))
    headed = _HEADED.match(text)
    if headed:
        row.rec_number = int(headed.group(1))
        text = text[headed.end() :].strip()
    given = values.one_line(got.get("rec_number"))
    if re.fullmatch(r"\d{1,4}(\.0)?", given) and int(float(given)) > 0:
        row.rec_number = int(float(given))
    if reference:
        if re.fullmatch(r"\d{1,4}(\.0)?", reference):
            row.rec_number = row.rec_number or int(float(reference))
        else:
            row.reference = reference[:40]
            if len(reference) > 40:
                row.problems.append(
                    f"The reference “{reference[:60]}…” is longer than 40 characters."
                )
            row.rec_number = row.rec_number or _number_from(reference)
    row.text = text
    if not text and not reference:
        if any(
            got.get(f) not in (None, "")
            for f in ("action", "action_number", "update", "timeline", "target_date", "status")
        ):
            row.carries_on = True
        else:
            row.problems.append("No recommendation: the row has no recommendation text.")
    row.review_title = _review_title(got, filename, default_committee)
    row.committee = values.one_line(got.get("committee"))[:200] or (
        default_committee.name if default_committee else ""
    )
    if not row.committee and not row.carries_on:
        row.problems.append(
            "No origin committee: the review needs the committee that commissioned it. Choose "
            "the committee for rows that name none, or map the column that names it."
        )
    row.paragraph = values.one_line(got.get("paragraph"))[:50]
    row.area = values.one_line(got.get("area"))[:200]
    row.body = values.one_line(got.get("responsible_body"))[:200]
    row.lead_officer = values.name(got.get("lead_officer"))[:200]
    row.executive_member = values.name(got.get("executive_member"))[:200]
    row.action = values.text(got.get("action"))
    numbered = values.one_line(got.get("action_number"))
    if re.fullmatch(r"\d{1,4}(\.0)?", numbered) and int(float(numbered)) > 0:
        row.action_number = int(float(numbered))
    row.timeline = values.one_line(got.get("timeline"))
    row.update = values.text(got.get("update"))
    row.response_text = values.text(got.get("response_text"))
    _dates(row, got)
    _decision(row, got)
    _status(row, got, key)
    _closure(row, got, key)


def _dates(row: Row, got: dict) -> None:
    for name, label in (
        ("date_agreed", "date agreed"),
        ("executive_date", "executive date"),
        ("update_date", "update date"),
        ("closed_on", "closing date"),
    ):
        written = got.get(name)
        if written in (None, ""):
            continue
        found = values.date(written)
        if found is None:
            row.notes.append(
                f"The {label} “{values.one_line(written)}” is not a date: it is left out."
            )
        setattr(row, name, found)
    target = got.get("target_date")
    if target not in (None, ""):
        found = values.date(target)
        if found is not None:
            row.target_date = found
        else:
            written = values.one_line(target)
            if not row.timeline:
                row.timeline = written
                row.notes.append(
                    f"The target date “{written}” is not a date: it is kept as the timeline."
                )
            else:
                row.notes.append(
                    f"The target date “{written}” is not a date: it is left out (the timeline "
                    f"says “{row.timeline}”)."
                )
    if len(row.timeline) > 200:
        row.notes.append("The timeline is longer than 200 characters: it is cut short.")
        row.timeline = row.timeline[:200]
    elif row.timeline and values.date(row.timeline) and row.target_date is None:
        row.target_date = values.date(row.timeline)


def _decision(row: Row, got: dict) -> None:
    written = got.get("decision")
    if written in (None, ""):
        return
    code, rest = values.decision(written)
    if not code:
        row.notes.append(
            f"The decision “{values.one_line(written)[:80]}” names none of accepted, accepted in "
            "principle, partially accepted, rejected or noted: it is kept as the response text."
        )
        row.response_text = row.response_text or rest
        return
    if rest and not row.response_text:
        row.response_text = rest
    day = row.executive_date
    if day is None:
        row.notes.append(
            f"The decision “{values.one_line(written)[:80]}” has no executive date: the "
            "executive response is left out (map the column giving its date)."
        )
        return
    if row.date_agreed and day < row.date_agreed:
        row.notes.append(
            f"The executive date {british_date(day)} is before the report was agreed "
            f"({british_date(row.date_agreed)}): the executive response is left out."
        )
        return
    row.decision = code
    if code != "accepted" and not row.response_text:
        row.response_text = f"{values.one_line(written)} (as recorded in the council's tracker)"


def _status(row: Row, got: dict, key) -> None:
    written = got.get("status")
    if written in (None, ""):
        return
    read = values.status(written, key)
    if read.problem:
        row.notes.append(read.problem)
        return
    if read.note:
        row.notes.append(read.note)
    row.status = read.code
    row.status_reason = values.text(got.get("status_reason")) or read.reason
    if key.requires_reason(read.code) and not row.status_reason:
        row.status_reason = f"As recorded in the council's tracker: “{values.one_line(written)}”"
        row.notes.append(
            f"“{key.label(read.code)}” needs its reason and the tracker gives none: the "
            f"reason saved is “{row.status_reason}”."
        )


def _closure(row: Row, got: dict, key) -> None:
    """A closure where the row gives its date and minute: recorded through the closure service
    (a "Closed" status then adds nothing). A "Closed" status without them is noted."""
    row.closure_minute = values.one_line(got.get("closure_minute"))[:50]
    closed = values.one_line(got.get("status")).lower() in {
        "closed",
        key.label(key.code_for(RecommendationStatus.CLOSED)).lower(),
    }
    if row.closed_on and row.closure_minute:
        if row.executive_date and row.closed_on < row.executive_date:
            row.notes.append(
                f"The closing date {british_date(row.closed_on)} is before the executive's "
                "response: the closure is left out."
            )
            row.closed_on, row.closure_minute = None, ""
            return
        if closed:
            row.status = row.status_reason = ""
            row.notes = [n for n in row.notes if "comes only from the committee" not in n]
        return
    if row.closed_on or row.closure_minute:
        row.notes.append(
            "A closure needs both its date and its minute reference: the closure is left out."
        )
    row.closed_on, row.closure_minute = None, ""


def _carry_on(row: Row, previous: Row) -> None:
    for name in (
        "review_title",
        "committee",
        "date_agreed",
        "reference",
        "rec_number",
        "text",
        "paragraph",
        "area",
        "body",
        "decision",
        "response_text",
        "executive_date",
        "executive_member",
    ):
        setattr(row, name, getattr(previous, name))
    row.lead_officer = row.lead_officer or previous.lead_officer
    row.carries_on_row = previous.number


def _rec_key(row: Row):
    if row.reference:
        return ("ref", row.reference)
    return ("text", _lower(row.review_title), _lower(row.committee), _lower(row.text))


def _match(rows: list[Row], register: Register) -> None:
    """Recommendations already in the register (imported before, or typed in): matched, and
    a reference held by a different recommendation named as a problem."""
    first_text: dict[str, str] = {}
    for row in rows:
        if not row.can_save:
            continue
        if row.reference:
            held = register.by_reference.get(row.reference)
            if held is not None:
                if _lower(held.text) == _lower(row.text) or row.carries_on:
                    row.existing_id = held.pk
                else:
                    row.problems.append(
                        f"The reference {row.reference} is already used by recommendation "
                        f"{held.number} of “{held.review.title}” (“{_short(held.text)}”): "
                        "references are unique across the council. Change the reference in "
                        "the file, or leave it blank for the council's scheme to give one."
                    )
                continue
            earlier = first_text.setdefault(row.reference, _lower(row.text))
            if earlier != _lower(row.text) and not row.carries_on:
                row.problems.append(
                    f"The reference {row.reference} is given to another recommendation higher "
                    "up the file: references are unique across the council."
                )
            continue
        committee = register.committee(row.committee)
        review = register.reviews.get(
            (
                _lower(row.review_title),
                committee.name.lower() if committee else _lower(row.committee),
            )
        )
        if review is not None:
            held = register.by_text.get((review.pk, _lower(row.text)))
            if held is not None:
                row.existing_id = held.pk


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _number(rows: list[Row], register: Register) -> None:
    """Each new recommendation its number in its review: as the tracker gives it, else the
    next free one; a number already taken in the review is replaced by the next free one."""
    used: dict[tuple, set[int]] = {}
    given: dict[tuple, int] = {}
    for row in rows:
        if not row.can_save or row.existing_id:
            continue
        review = (_lower(row.review_title), _lower(row.committee))
        key = _rec_key(row)
        if key in given:
            row.rec_number = given[key]
            continue
        if review not in used:
            committee = register.committee(row.committee)
            found = register.reviews.get(
                (_lower(row.review_title), committee.name.lower() if committee else "")
            )
            used[review] = set(register.numbers.get(found.pk, set())) if found else set()
        taken = used[review]
        wanted = row.rec_number
        if wanted is None or wanted in taken:
            free = max(taken, default=0) + 1
            if wanted is not None:
                row.notes.append(
                    f"Recommendation number {wanted} is already taken in this review: it will "
                    f"be recommendation {free}."
                )
            wanted = free
        taken.add(wanted)
        given[key] = row.rec_number = wanted


def _unknown(rows: list[Row], register: Register) -> dict[str, list[str]]:
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for row in rows:
        if not row.can_save:
            continue
        if row.committee and register.committee(row.committee) is None:
            found["committee"].add(row.committee)
        if row.body and register.committee(row.body) is None:
            found["body"].add(row.body)
        if row.lead_officer and _lower(row.lead_officer) not in register.officers:
            found["officer"].add(row.lead_officer)
        if row.executive_member and _lower(row.executive_member) not in register.councillors:
            found["councillor"].add(row.executive_member)
    found["body"] -= found["committee"]
    return {kind: sorted(names, key=str.lower) for kind, names in found.items() if names}


def body_kind(name: str) -> str:
    """The kind of a responsible body added by an import, from its name."""
    lowered = name.lower()
    if "cabinet member" in lowered or "portfolio" in lowered:
        return CommitteeKind.EXECUTIVE_MEMBER
    if "cabinet" in lowered or "executive" in lowered:
        return CommitteeKind.EXECUTIVE
    if "management team" in lowered or "cmt" in lowered.split() or "officer" in lowered:
        return CommitteeKind.OFFICER
    if lowered.strip() in {"council", "full council"}:
        return CommitteeKind.FULL_COUNCIL
    if "scrutiny" in lowered or "panel" in lowered or "commission" in lowered:
        return CommitteeKind.SCRUTINY
    return CommitteeKind.EXECUTIVE
