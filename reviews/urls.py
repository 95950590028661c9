from django.urls import path

from . import people, views

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_edit, name="meeting_create"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("committees/", views.committee_list, name="committee_list"),
    path("committees/new/", views.committee_edit, name="committee_create"),
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("committees/<int:pk>/edit/", views.committee_edit, name="committee_edit"),
    path("committees/<int:pk>/calendar/", views.committee_calendar, name="committee_calendar"),
    path(
        "meetings/<int:meeting_pk>/agenda-items/new/",
        people.agenda_item_edit,
        name="agenda_item_create",
    ),
    path("agenda-items/<int:pk>/edit/", people.agenda_item_edit, name="agenda_item_edit"),
    path("officers/", people.officer_list, name="officer_list"),
    path("officers/new/", people.officer_edit, name="officer_create"),
    path("officers/<int:pk>/edit/", people.officer_edit, name="officer_edit"),
    path("partners/", people.partner_list, name="partner_list"),
    path("partners/new/", people.partner_edit, name="partner_create"),
    path("partners/<int:pk>/edit/", people.partner_edit, name="partner_edit"),
    path("councillors/", people.councillor_list, name="councillor_list"),
    path("councillors/new/", people.councillor_edit, name="councillor_create"),
    path("councillors/<int:pk>/edit/", people.councillor_edit, name="councillor_edit"),
    path("reviews/<int:pk>/receipt/", views.review_receipt, name="review_receipt"),
    path("reviews/<int:pk>/extension/", views.review_extension, name="review_extension"),
]
