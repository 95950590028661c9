"""URLs of the committee documents (PDF action plans and trackers), under /documents/. Each
download is a PDF, or with ``.docx`` for ``.pdf`` the same document as a Word document."""

from django.urls import path

from . import views

DOCX = {"format": "docx"}

urlpatterns = [
    # The action plan of a review.
    path("reviews/<int:pk>/action-plan.pdf", views.review_plan, name="documents_review_plan"),
    path(
        "reviews/<int:pk>/action-plan.docx",
        views.review_plan,
        DOCX,
        name="documents_review_plan_docx",
    ),
    path("reviews/<int:pk>/export/", views.review_export, name="documents_review_export"),
    path(
        "reviews/<int:pk>/export/download/",
        views.review_export_download,
        name="documents_review_export_download",
    ),
    path(
        "reviews/<int:pk>/export/publish/",
        views.review_export_publish,
        name="documents_review_export_publish",
    ),
    # The tracker of a scrutiny committee's meeting.
    path("meetings/<int:pk>/tracker.pdf", views.meeting_tracker, name="documents_meeting_tracker"),
    path(
        "meetings/<int:pk>/tracker.docx",
        views.meeting_tracker,
        DOCX,
        name="documents_meeting_tracker_docx",
    ),
    path("meetings/<int:pk>/export/", views.meeting_export, name="documents_meeting_export"),
    path(
        "meetings/<int:pk>/export/download/",
        views.meeting_export_download,
        name="documents_meeting_export_download",
    ),
    path(
        "meetings/<int:pk>/export/publish/",
        views.meeting_export_publish,
        name="documents_meeting_export_publish",
    ),
    # A tracker of any selection of the register (its filters on the query string).
    path("recommendations.pdf", views.tracker, name="documents_tracker"),
    path("recommendations.docx", views.tracker, DOCX, name="documents_tracker_docx"),
    path("recommendations/export/", views.tracker_export, name="documents_tracker_export"),
    path(
        "recommendations/export/download/",
        views.tracker_export_download,
        name="documents_tracker_export_download",
    ),
    path(
        "recommendations/export/publish/",
        views.tracker_export_publish,
        name="documents_tracker_export_publish",
    ),
    # Published copies, and documents made by the background task.
    path("published/<int:pk>.pdf", views.published_download, name="documents_published_download"),
    path(
        "published/<int:pk>/withdraw/",
        views.published_withdraw,
        name="documents_published_withdraw",
    ),
    path("jobs/<uuid:pk>/", views.job_detail, name="documents_job_detail"),
    path("jobs/<uuid:pk>.pdf", views.job_download, name="documents_job_download"),
    path("jobs/<uuid:pk>.docx", views.job_download, DOCX, name="documents_job_download_docx"),
]
