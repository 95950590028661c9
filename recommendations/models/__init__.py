"""Recommendations, the executive's response, the action plan and progress updates, and the
council's reference scheme: one module per record (``recommendation``, ``actions``,
``updates``, ``references``), imported here so Django finds them and code imports them from
``recommendations.models``."""

from ..statuses import (  # the status key lives in recommendations.statuses; also importable here
    MARK_COLOURS,
    STATUS_COLOURS,
    STATUS_MEANINGS,
    Decision,
    ProgressStatus,
    RecommendationStatus,
    TagColour,
    status_colour,
)
from .actions import ActionPlanItem, TargetDateRevision
from .imports import TrackerImport
from .key import StatusKeyEntry, forget_status_key, status_in_use, status_key
from .recommendation import Recommendation
from .references import ReferenceScheme, ReferenceSchemeKind
from .updates import Update

__all__ = [
    "MARK_COLOURS",
    "STATUS_COLOURS",
    "STATUS_MEANINGS",
    "ActionPlanItem",
    "Decision",
    "ProgressStatus",
    "Recommendation",
    "RecommendationStatus",
    "ReferenceScheme",
    "ReferenceSchemeKind",
    "StatusKeyEntry",
    "TagColour",
    "TargetDateRevision",
    "TrackerImport",
    "Update",
    "forget_status_key",
    "status_colour",
    "status_in_use",
    "status_key",
]
