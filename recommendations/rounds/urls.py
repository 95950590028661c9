"""URLs of the update round: the officer's pages under /rounds/, and the reply page that a
link opens (/reply/<token>/, no account) or that an owner reaches signed in."""

from django.urls import path

from . import views

urlpatterns = [
    path("meetings/<int:pk>/update-round/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/send/", views.round_send, name="round_send"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/items/add/", views.round_item_add, name="round_item_add"),
    path("rounds/items/<int:pk>/remove/", views.round_item_remove, name="round_item_remove"),
    path("rounds/requests/<int:pk>/", views.request_preview, name="round_request_preview"),
    path("rounds/requests/<int:pk>/remind/", views.request_remind, name="round_request_remind"),
    path("rounds/requests/<int:pk>/revoke/", views.request_revoke, name="round_request_revoke"),
    path("rounds/returns/<int:pk>/", views.return_review, name="round_return_review"),
    path("my-actions/requests/<int:pk>/", views.reply_signed_in, name="round_reply_mine"),
    path("reply/<str:token>/", views.reply_by_link, name="round_reply"),
]
