"""Single sign-on benchmark: the time and queries of a sign-in through the OpenID provider.

    .venv/bin/python bench/sso.py [--runs 20]

A fresh SQLite database in a temporary folder, migrated; the loopback OpenID provider of
tests/oidc_provider.py (127.0.0.1 only); then, through the Django test client, ``--runs`` first
sign-ins (each a new person: the account made, roles set) and as many returning ones (roles
re-set). For each kind it prints the median and 90th percentile of the app's time for the two
requests (sign-in, then the callback, which fetches the token and the JWKS from the provider and
checks the token) and the queries of the callback. It always exits 0 (it is a measurement).
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        os.environ.pop(name, None)
    folder = tempfile.mkdtemp(prefix="bench-sso-")
    os.environ["VAR_DIR"] = folder
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrutiny.settings")
    import django

    django.setup()
    try:
        measure(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(args, folder) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from scrutiny import roles
    from tests.oidc_provider import Provider
    from tests.test_sso import at_provider

    setup_test_environment()
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    with Provider() as provider:
        settings.OIDC_RP_CLIENT_ID = provider.client_id
        settings.OIDC_RP_CLIENT_SECRET = "secret"
        settings.OIDC_DISCOVERY_URL = provider.discovery_url
        settings.OIDC_GROUP_ROLES = {"officers": [roles.SCRUTINY_OFFICER]}

        def sign_in(n: int) -> tuple[float, int]:
            provider.claims = {
                "sub": f"s{n}",
                "oid": f"o{n}",
                "name": f"P {n}",
                "groups": ["officers"],
            }
            client = Client()
            started = time.perf_counter()
            start = client.get("/sso/sign-in/")
            spent = time.perf_counter() - started
            back = at_provider(start["Location"]).headers["Location"]
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                done = client.get(back.removeprefix("http://testserver"))
            spent += time.perf_counter() - started
            assert done.status_code == 302, done.status_code
            return spent * 1000, len(queries)

        sign_in(-1)  # warm-up: discovery read, templates compiled
        print(f"single sign-on, {args.runs} runs, load average {os.getloadavg()[0]:.1f}")
        print(f"{'kind':<12}{'median ms':>11}{'p90 ms':>9}{'queries':>9}")
        for kind in ("first", "returning"):
            results = [sign_in(n) for n in range(args.runs)]
            times = sorted(ms for ms, _ in results)
            p90 = times[int(0.9 * (len(times) - 1))]
            queries = max(q for _, q in results)
            print(f"{kind:<12}{statistics.median(times):>11.1f}{p90:>9.1f}{queries:>9}")


if __name__ == "__main__":
    main()
