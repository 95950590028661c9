from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Accounts and the audit trail's guard: account events (roles given and removed,
    accounts deactivated, passwords changed), the user admin that deactivates rather than
    deletes, and the audit trail's check (``verify_audit``, the Audit page)."""

    name = "scrutiny.accounts"
    label = "accounts"
    verbose_name = "Accounts and audit"
