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
