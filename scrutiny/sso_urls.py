"""Single sign-on's pages (scrutiny/sso.py): they answer 404 while it is not configured."""

from django.urls import path

from . import sso

urlpatterns = [
    path("sign-in/", sso.SignInView.as_view(), name="sso_login"),
    path("callback/", sso.CallbackView.as_view(), name="sso_callback"),
    path("sign-out/", sso.SignOutView.as_view(), name="sso_logout"),
]
