from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "scrutiny.signin"
    label = "signin"
    verbose_name = "Signing in"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import log

        user_logged_in.connect(log.signed_in, dispatch_uid="signin-signed-in")
        user_login_failed.connect(log.sign_in_failed, dispatch_uid="signin-failed")
