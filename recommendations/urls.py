from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/history/", views.review_history, name="review_history"),
    path("recommendations/", views.recommendation_list, name="recommendation_list"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path(
        "recommendations/<int:pk>/history/",
        views.recommendation_history,
        name="recommendation_history",
    ),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
]

from . import views_forms  # noqa: E402

urlpatterns += [
    path("reviews/new/", views_forms.review_edit, name="review_create"),
    path("reviews/<int:pk>/edit/", views_forms.review_edit, name="review_edit"),
    path(
        "reviews/<int:review_pk>/recommendations/new/",
        views_forms.recommendation_create,
        name="recommendation_create",
    ),
    path(
        "reviews/<int:review_pk>/recommendations/paste/",
        views_forms.recommendation_paste,
        name="recommendation_paste",
    ),
    path(
        "reviews/<int:review_pk>/responses/", views_forms.review_responses, name="review_responses"
    ),
    path(
        "recommendations/<int:pk>/edit/",
        views_forms.recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "recommendations/<int:pk>/close/",
        views_forms.recommendation_close,
        name="recommendation_close",
    ),
    path(
        "recommendations/<int:recommendation_pk>/actions/new/",
        views_forms.action_create,
        name="action_create",
    ),
    path(
        "recommendations/<int:recommendation_pk>/updates/new/",
        views_forms.update_create,
        name="update_create",
    ),
    path(
        "recommendations/<int:pk>/archive/",
        views_forms.recommendation_archive,
        name="recommendation_archive",
    ),
    path("actions/<int:pk>/edit/", views_forms.action_edit, name="action_edit"),
    path("actions/<int:pk>/target/", views_forms.action_revise_target, name="action_revise_target"),
    path("actions/<int:pk>/remove/", views_forms.action_remove, name="action_remove"),
]
