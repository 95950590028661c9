"""Local sign-in that holds (issue 15, point 2): lock-out after repeated failures
(django-axes), sign-ins logged, a password policy, password reset by email, an idle session
timeout, ``Cache-Control: no-store`` and a second factor (TOTP, django-otp) for
administrators. The settings are one block at the end of ``scrutiny/settings.py``; the
README's "Signing in" says what a council can change."""
