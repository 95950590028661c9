"""Writes to recommendations, actions and updates, and the writes to a review that reach its
recommendations.

Each is a keyword-only function that runs in one transaction, reads the record again holding
its row (refusing, with ``scrutiny.editing.StaleEdit``, an edit made against an older
``version``; None skips that check for writes that saw no version), validates before saving,
saves through ``save()`` (so history rows are written) and records ``user`` on those rows.
Views, commands and imports all call these; none of them writes a record any other way.
"""

from .imports import ImportResult, tracker_import, tracker_import_enqueue
from .key import status_key_entry_save
from .records import (
    KEEP,
    action_remove,
    action_revise_target_date,
    action_save,
    recommendation_archive,
    recommendation_close,
    recommendation_reopen,
    recommendation_respond,
    review_status_follows,
    update_edit,
    update_post,
    update_withdraw,
)
from .reviews import (
    PastedRecommendation,
    Response,
    StaleResponses,
    recommendations_add_from_paste,
    references_follow_review,
    review_record_responses,
    review_update,
)

__all__ = [
    "KEEP",
    "ImportResult",
    "PastedRecommendation",
    "Response",
    "StaleResponses",
    "action_remove",
    "action_revise_target_date",
    "action_save",
    "recommendation_archive",
    "recommendation_close",
    "recommendation_reopen",
    "recommendation_respond",
    "recommendations_add_from_paste",
    "references_follow_review",
    "review_record_responses",
    "review_status_follows",
    "review_update",
    "status_key_entry_save",
    "tracker_import",
    "tracker_import_enqueue",
    "update_edit",
    "update_post",
    "update_withdraw",
]
