"""What a tracker's cells mean: text kept as written (lines and bullets), dates (Excel dates,
or text; "June 2017", "Late 2017", "Ongoing" are timelines, not dates), statuses as the
council's key words them, the executive's decisions, and people's names."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from scrutiny.formats import parse_written_date

from ..statuses import Decision, ProgressStatus, StatusKey

# Bullets as Word and Excel write them: en and em dashes too, and Word's private-use symbols.
BULLETS = "•·▪◦‣●○■□\u2013\u2014*-\uf0b7\uf0a7\uf076\uf0d8"


def text(value) -> str:
    """A cell as text, its lines kept; bullets ("•", "·", Word's private-use ones...) become
    "- " as in a pasted list; a number that is whole is written without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    lines = []
    for line in str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.rstrip().replace("\t", " ")
        stripped = line.lstrip()
        if stripped[:1] and stripped[0] in BULLETS and (len(stripped) == 1 or stripped[1] in " \t"):
            line = "- " + stripped[1:].strip()
        lines.append(line)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def one_line(value) -> str:
    return " ".join(text(value).split())


def date(value) -> datetime.date | None:
    """A date from an Excel date, an Excel serial number, or text such as "7 July 2016",
    "07/07/2016" (day first, as in Britain) or "2016-07-07"; None when it is not one."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial date (1954 to 2119)
            return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
        return None
    written = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", one_line(value), flags=re.I).replace(",", "")
    written = written.replace("Sept ", "Sep ")
    if not written or len(written) > 40:
        return None
    found = parse_written_date(written)
    return found if found is not None and 1950 <= found.year <= 2100 else None


def name(value) -> str:
    """A person's name as a cell gives it, without "Cllr"/"Councillor" and spare spaces."""
    written = one_line(value)
    return re.sub(r"^(cllr\.?|councillor)\s+", "", written, flags=re.I).strip()


# --- decisions -------------------------------------------------------------------------------

_DECISIONS = (
    (
        r"partial(ly)? accepted|accepted in part|partly accepted|partially agreed|part agreed",
        Decision.PARTIALLY_ACCEPTED,
    ),
    (r"accepted in principle|agreed in principle", Decision.ACCEPTED_IN_PRINCIPLE),
    (r"not accepted|rejected|declined|not agreed|refused", Decision.REJECTED),
    (r"noted|referred", Decision.NOTED),
    (r"accepted|agreed|approved|yes", Decision.ACCEPTED),
)


def decision(value) -> tuple[str, str]:
    """(the decision, any text after it): "Accepted. The council will ..." gives
    ("accepted", "The council will ..."); ("", the text) when no decision is named first."""
    written = text(value).strip()
    lowered = written.lower()
    for pattern, code in _DECISIONS:
        match = re.match(rf"\s*({pattern})\b[\s.,:;\u2013-]*", lowered)
        if match:
            return str(code), written[match.end() :].strip()
    return "", written


# --- statuses --------------------------------------------------------------------------------

# Words councils use, by the category of the key they fall in.
_STATUS_WORDS = (
    (
        r"complete|completed|done|implemented|achieved|green|g|finished|delivered|closed",
        ProgressStatus.ACHIEVED,
    ),
    (r"on hold|paused|deferred|suspended|postponed|purple", ProgressStatus.PAUSED),
    (r"not started|not yet started|not begun|grey|gray|none", ProgressStatus.NOT_STARTED),
    (
        r"off track|red|r|behind|delayed|overdue|unacceptable progress|at risk|slipped",
        ProgressStatus.OFF_TRACK,
    ),
    (
        r"on track|amber|a|in progress|ongoing|progressing|started|acceptable progress|underway"
        r"|under way|yellow",
        ProgressStatus.ON_TRACK,
    ),
)


@dataclass
class StatusRead:
    code: str = ""
    reason: str = ""
    note: str = ""  # what the preview says about it (a status not in the key, mapped)
    problem: str = ""  # not understood


def status(value, key: StatusKey) -> StatusRead:
    """The council's status a tracker's words give. A label or code of the key is that
    status; other words map to the first offered status of their category ("Complete" →
    Achieved), with a note; words in brackets are the reason ("On hold (budget)" → Paused,
    reason "budget"). "Closed" and "Not accepted" come only from the committee's closure and
    the executive's decision, so are read as Achieved and left out respectively."""
    written = one_line(value)
    if not written:
        return StatusRead()
    reason = ""
    bracket = re.match(r"^(.*?)\s*[(\[](.+?)[)\]]\s*$", written)
    if bracket:
        written, reason = bracket.group(1).strip(), bracket.group(2).strip()
    else:
        dash = re.match(r"^(.*?)\s*[\u2013:-]\s+(.+)$", written)
        if dash:
            written, reason = dash.group(1).strip(), dash.group(2).strip()
    lowered = written.lower()
    for entry in key.entries:
        if lowered in {entry.label.lower(), entry.code} and entry.category in ProgressStatus.values:
            return StatusRead(code=entry.code, reason=reason)
    if lowered in {"not accepted", "rejected"}:
        return StatusRead(problem=_not_progress(written))
    for pattern, category in _STATUS_WORDS:
        if re.fullmatch(rf"({pattern})", lowered):
            code = key.code_for(category)
            note = (
                f"“{one_line(value)}” is not in the council's key: it will be saved as "
                f"“{key.label(code)}”"
            )
            if lowered == "closed":
                note += (
                    " (“Closed” comes only from the committee's closure: record it on the "
                    "recommendation)"
                )
            if reason:
                note += f", with the reason “{reason}”"
            return StatusRead(code=code, reason=reason, note=note + ".")
    return StatusRead(
        problem=f"The status “{one_line(value)}” is neither in the council's key nor a word "
        "for one: the row is imported without a status."
    )


def _not_progress(written: str) -> str:
    return (
        f"The status “{written}” comes from the record, not from progress (the committee's "
        "closure, the executive's decision): the row is imported without a status."
    )
