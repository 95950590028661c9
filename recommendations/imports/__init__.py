"""Importing a council's existing tracker from an .xlsx workbook or a .csv file.

``sheet`` reads the file (with its limits and refusals), ``columns`` finds the headings and
guesses which column is which, ``values`` reads what the cells mean (dates, statuses,
decisions, names), ``plan`` makes the preview of every row as it will be saved, with the
problems of each; ``recommendations.services.tracker_import`` saves it. The officer's pages
are ``recommendations.views.imports``; the bulk migration is ``manage.py import_tracker``.
"""

from .columns import FIELDS, LABELS, find_layout, guess_mapping
from .plan import Plan, Row, build_plan
from .sheet import ImportRefused, Sheet, read_sheet

__all__ = [
    "FIELDS",
    "LABELS",
    "ImportRefused",
    "Plan",
    "Row",
    "Sheet",
    "build_plan",
    "find_layout",
    "guess_mapping",
    "read_sheet",
]
