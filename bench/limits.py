"""Benchmark of bounded work per user (issue 15, point 5; recommendations/documents/limits.py).

    .venv/bin/python bench/limits.py

On the database bench/pdf.py builds (a temporary folder: the demonstration data; the
production settings' file cache for the documents), it prints:

- eight identical downloads of the Merton plan sent at once from eight threads (each its own
  signed-in client): how many renders they made (one, with the lock) and how long the last
  one waited;
- one councillor asking for one new document after another (each "as at" a different date):
  how many were made before the limit refused them, and what a refusal costs (the HTML is
  built to find the content key; nothing is rendered);
- a cached download, with the limits in place, for comparison;
- what the per-user lock around a counted request's check and count costs.
"""

import concurrent.futures
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pdf import build_database, setup_django  # noqa: E402

THREADS = 8


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-limits-") as var_dir:
        build_database(var_dir)
        setup_django(var_dir)
        import datetime
        from unittest import mock

        from django.conf import settings
        from django.contrib.auth.models import Group, User
        from django.db import connections
        from django.test import Client
        from django.test.utils import override_settings
        from django.urls import reverse

        from recommendations.documents import pdfs
        from reviews.models import Review
        from scrutiny import roles

        settings.ALLOWED_HOSTS = ["*"]
        review = Review.objects.get(title="Shared and outsourced services in Merton")
        base = reverse("documents_review_plan", args=[review.pk])
        users = []
        for i in range(THREADS):
            user, _ = User.objects.get_or_create(username=f"bench-cllr-{i}")
            user.groups.add(Group.objects.get_or_create(name=roles.COUNCILLOR)[0])
            users.append(user)
        real = pdfs.html_to_pdf
        renders = []

        def counted(*args, **kwargs):
            renders.append(1)
            return real(*args, **kwargs)

        # 1. Identical downloads at once.
        barrier = threading.Barrier(THREADS)

        def download(user):
            client = Client()
            client.force_login(user)
            try:
                barrier.wait(timeout=60)
                start = time.perf_counter()
                status = client.get(f"{base}?as_at=2017-07-06").status_code
                return status, time.perf_counter() - start
            finally:
                connections.close_all()

        pdfs.documents_cache().clear()
        with (
            mock.patch.object(pdfs, "html_to_pdf", side_effect=counted),
            concurrent.futures.ThreadPoolExecutor(max_workers=THREADS) as pool,
        ):
            results = [f.result() for f in [pool.submit(download, u) for u in users]]
        statuses = sorted({status for status, _ in results})
        waits = [seconds for _, seconds in results]
        print(
            f"{THREADS} identical downloads at once: statuses {statuses}, {len(renders)} "
            f"render(s); slowest {max(waits):.2f} s, median {statistics.median(waits):.2f} s "
            f"(load average {os.getloadavg()[0]:.1f})"
        )

        # 2. One councillor asking for new documents one after another.
        limit = 10
        renders.clear()
        client = Client()
        client.force_login(users[0])
        made, refused_at, refusal_seconds = 0, None, []
        with (
            override_settings(DOCUMENTS_RENDERS_PER_USER_PER_HOUR=limit),
            mock.patch.object(pdfs, "html_to_pdf", side_effect=counted),
        ):
            for day in range(limit + 5):
                as_at = datetime.date(2017, 7, 6) + datetime.timedelta(days=day)
                start = time.perf_counter()
                status = client.get(f"{base}?as_at={as_at.isoformat()}").status_code
                seconds = time.perf_counter() - start
                if status == 200:
                    made += 1
                elif status == 429:
                    refused_at = refused_at or day + 1
                    refusal_seconds.append(seconds)
        print(
            f"one councillor, {limit + 5} new documents in a row with a limit of {limit} an "
            f"hour: {made} made, refused from request {refused_at} on; {len(renders)} "
            f"renders; a refusal takes {statistics.median(refusal_seconds) * 1000:.0f} ms "
            "(median)"
        )

        # 3. A cached download with the limits in place.
        times = []
        for _ in range(10):
            start = time.perf_counter()
            assert client.get(f"{base}?as_at=2017-07-06").status_code == 200
            times.append(time.perf_counter() - start)
        print(f"a cached download: {statistics.median(times) * 1000:.0f} ms (median of 10)")

        # 4. What the per-user lock around the check and the count costs a counted request.
        from recommendations.documents import limits

        times = []
        for _ in range(200):
            start = time.perf_counter()
            with limits.counting_for(users[0]):
                pass
            times.append(time.perf_counter() - start)
        print(
            f"the per-user lock (taken and let go, {type(pdfs.documents_cache()).__name__}): "
            f"{statistics.median(times) * 1000:.2f} ms (median of 200)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
