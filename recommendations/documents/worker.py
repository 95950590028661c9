"""The background worker: ``python -m recommendations.documents.worker``.

Started by ``jobs.start_worker`` when a large document is queued; makes every queued job and
exits. It runs at a lower priority than the web processes, so pages stay quick while it lays
out a long tracker.
"""

import contextlib
import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    with contextlib.suppress(OSError):
        os.nice(10)  # the web processes come first
    import django

    django.setup()
    from recommendations.documents.jobs import process_queue

    process_queue(refresh_connections=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
