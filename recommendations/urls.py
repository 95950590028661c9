"""The recommendations app's URLs, by page family (see ``views``)."""

from django.urls import path

from .views import (
    actions,
    backup,
    dashboard,
    exports,
    imports,
    meetings,
    mine,
    paste,
    people,
    recommendations,
    reviews,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # A signed-in officer's own actions and the recommendations they lead.
    path("my-actions/", mine.my_actions, name="my_actions"),
    # Reviews: the register, a review and its history; setting one up; its recommendations
    # pasted from the report; the executive's response to all of them.
    path("reviews/", reviews.review_list, name="review_list"),
    path("reviews/export.xlsx", exports.review_export_xlsx, name="review_export_xlsx"),
    path("reviews/export.csv", exports.review_export_csv, name="review_export_csv"),
    path("reviews/new/", reviews.review_edit, name="review_create"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:pk>/edit/", reviews.review_edit, name="review_edit"),
    path("reviews/<int:pk>/history/", reviews.review_history, name="review_history"),
    path(
        "reviews/<int:review_pk>/recommendations/paste/",
        paste.recommendation_paste,
        name="recommendation_paste",
    ),
    path("reviews/<int:review_pk>/responses/", reviews.review_responses, name="review_responses"),
    # Recommendations: the register, a recommendation and its history; add, edit, close,
    # reopen, archive.
    path("recommendations/", recommendations.recommendation_list, name="recommendation_list"),
    # The registers as spreadsheets, with the page's filters (the CSV: ?list=actions|updates).
    path(
        "recommendations/export.xlsx",
        exports.recommendation_export_xlsx,
        name="recommendation_export_xlsx",
    ),
    path(
        "recommendations/export.csv",
        exports.recommendation_export_csv,
        name="recommendation_export_csv",
    ),
    path(
        "reviews/<int:review_pk>/recommendations/new/",
        recommendations.recommendation_create,
        name="recommendation_create",
    ),
    path(
        "recommendations/<int:pk>/",
        recommendations.recommendation_detail,
        name="recommendation_detail",
    ),
    path(
        "recommendations/<int:pk>/history/",
        recommendations.recommendation_history,
        name="recommendation_history",
    ),
    path(
        "recommendations/<int:pk>/edit/",
        recommendations.recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "recommendations/<int:pk>/close/",
        recommendations.recommendation_close,
        name="recommendation_close",
    ),
    path(
        "recommendations/<int:pk>/reopen/",
        recommendations.recommendation_reopen,
        name="recommendation_reopen",
    ),
    path(
        "recommendations/<int:pk>/archive/",
        recommendations.recommendation_archive,
        name="recommendation_archive",
    ),
    # A council's existing tracker imported from a spreadsheet: upload, then check and import.
    path("recommendations/import/", imports.tracker_import_upload, name="tracker_import_upload"),
    path(
        "recommendations/import/<int:pk>/",
        imports.tracker_import_detail,
        name="tracker_import_detail",
    ),
    # The action plan and updates (posted, corrected, withdrawn).
    path(
        "recommendations/<int:recommendation_pk>/actions/new/",
        actions.action_create,
        name="action_create",
    ),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/target/", actions.action_revise_target, name="action_revise_target"),
    path("actions/<int:pk>/remove/", actions.action_remove, name="action_remove"),
    path(
        "recommendations/<int:recommendation_pk>/updates/new/",
        actions.update_create,
        name="update_create",
    ),
    path("updates/<int:pk>/edit/", actions.update_edit, name="update_edit"),
    path("updates/<int:pk>/withdraw/", actions.update_withdraw, name="update_withdraw"),
    # The administrator's full backup of the register (a zip of CSVs, streamed).
    path("backup/", backup.backup, name="backup"),
    path("backup/download/", backup.backup_download, name="backup_download"),
    # Meetings.
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    # The history of people and agenda items (their lists and forms: reviews.people).
    path("officers/<int:pk>/history/", people.officer_history, name="officer_history"),
    path("councillors/<int:pk>/history/", people.councillor_history, name="councillor_history"),
    path("partners/<int:pk>/history/", people.partner_history, name="partner_history"),
    path("agenda-items/<int:pk>/history/", people.agenda_item_history, name="agenda_item_history"),
]
