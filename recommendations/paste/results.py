"""What the parser returns: its limits, its messages, the result, and the warnings that every
shape gives about the paste as a whole (numbering, lines left out)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Longer pastes are refused (a list of recommendations is never this long).
MAX_PASTE_CHARS = 200_000
#: An item longer than this is still parsed, with a warning.
LONG_TEXT_CHARS = 10_000
#: A table has at most this many columns; tabs beyond them are read as spaces.
MAX_COLUMNS = 40
#: At most this many ignored lines are returned.
MAX_IGNORED_LINES = 1_000

SHAPES = (
    "recommendation_paragraph",
    "recommendation_bullet",
    "table",
    "numbered",
    "lettered",
    "unrecognised",
)

NOT_RECOGNISED = (
    "No recommendations were recognised: paste the list as it appears in the report, for "
    'example "1. That ...", "(a) ...", "Recommendation 1: that ..." or a table with a header '
    "row, or enter the recommendations one by one."
)
INTERNAL_ERROR = (
    "The pasted text could not be read. Enter the recommendations one by one, or paste a "
    "shorter part of the report."
)


@dataclass
class ParsedRecommendation:
    number: int
    text: str
    paragraph_reference: str = ""
    responsible_body: str = ""
    extra_columns: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParseResult:
    recommendations: list[ParsedRecommendation]
    shape: str
    warnings: list[str]
    ignored_lines: list[str]


def _result(
    recommendations: list[ParsedRecommendation],
    shape: str,
    warnings: list[str],
    ignored: list[str],
) -> ParseResult:
    if len(ignored) > MAX_IGNORED_LINES:
        warnings.append(
            f"{len(ignored) - MAX_IGNORED_LINES:,} more lines were left out and are not listed"
        )
        ignored = ignored[:MAX_IGNORED_LINES]
    return ParseResult(recommendations, shape, warnings, ignored)


def _numbering_warnings(recs: list[ParsedRecommendation], label) -> list[str]:
    whole: list[str] = []
    seen: set[int] = set()
    previous: int | None = None
    for rec in recs:
        n = rec.number
        if previous is None:
            if n != 1:
                rec.warnings.insert(0, f"Numbering starts at {label(n)}, not {label(1)}")
        elif n in seen:
            message = f"Duplicate number {label(n)}"
            rec.warnings.insert(0, message)
            if message not in whole:
                whole.append(message)
        elif n > previous + 1:
            rec.warnings.insert(0, f"Numbering jumps from {label(previous)} to {label(n)}")
        elif n <= previous:
            rec.warnings.insert(0, f"Numbering goes back from {label(previous)} to {label(n)}")
        seen.add(n)
        previous = n
    return whole


def _left_out_warning(count: int) -> list[str]:
    if not count:
        return []
    if count == 1:
        return [
            "1 line after the first recommendation was left out (see the ignored lines): "
            "check that it is not part of a recommendation"
        ]
    return [
        f"{count} lines after the first recommendation were left out (see the ignored "
        "lines): check that they are not part of a recommendation"
    ]
