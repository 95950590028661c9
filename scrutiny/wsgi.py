"""WSGI entry point for production servers (gunicorn scrutiny.wsgi) and ``runserver``."""

import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
application = get_wsgi_application()


def _announce_files() -> None:
    """Say where this server writes its files: the one folder its settings name."""
    from django.conf import settings

    print(f"Scrutiny tracker: files are written under {settings.VAR_DIR}", file=sys.stderr)


_announce_files()
