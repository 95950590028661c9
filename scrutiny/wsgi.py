"""WSGI entry point for production servers (gunicorn scrutiny.wsgi) and ``runserver``."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
application = get_wsgi_application()


def _announce_files() -> None:
    """Say where this server writes its files, the one folder its settings name, and where
    its email goes (by default a folder under it, so no mail server is needed)."""
    from django.conf import settings

    from scrutiny.mail import delivery_description

    print(f"Scrutiny tracker: files are written under {settings.VAR_DIR}", file=sys.stderr)
    print(f"Scrutiny tracker: {delivery_description()}", file=sys.stderr)


_announce_files()
