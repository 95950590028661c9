from django.urls import path

from . import views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/new/", views.committee_edit, name="committee_create"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("reviews/<int:pk>/receipt/", views.review_receipt, name="review_receipt"),
    path("reviews/<int:pk>/extension/", views.review_extension, name="review_extension"),
]
