"""Django calls every password validator's ``password_changed`` whenever a password is set
and saved: by the user, by an administrator in the admin, through a reset link, by a command.
This one validates nothing; it records the change as an account event."""

from simple_history.models import HistoricalRecords

from scrutiny.audit import history_user


class PasswordChangeAudit:
    def validate(self, password, user=None):
        return None

    def get_help_text(self):
        return ""

    def password_changed(self, password, user=None):
        from .services import password_changed

        if user is None or user.pk is None:
            return
        request = getattr(HistoricalRecords.context, "request", None)
        by = history_user(request)
        if by is not None and by.pk == user.pk:
            reason = "Changed by the account holder"
        elif by is not None:
            reason = f"Set by {by.get_full_name() or by.get_username()}"
        elif request is not None:
            by = None
            reason = "Set through a password reset link"
        else:
            reason = "Set outside the web (a command)"
        password_changed(user=user, by=by, reason=reason)
