"""The production server as a council runs it (scripts/serve's gunicorn with WhiteNoise,
DEBUG off, JSON access log), on loopback over a temporary SQLite database with the
demonstration data: the time of /health/, the sign-in page, a hashed static file and a
signed-in dashboard, one client and then several at once.

    .venv/bin/python bench/serve.py [--requests 50] [--clients 4] [--workers 2]

Figures depend on the machine and its load (printed first); they are for comparing changes.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-only-key_" + "Tq8Wz3Lm6Rb1Xc9Vn4Hy7Kd2Gs5Pf0Je8Ua3Qo6Ci1We4Yt7"


class ProxiedHttps(DefaultCookiePolicy):
    def return_ok_secure(self, cookie, request):  # TLS ends at the proxy in front
        return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "SECRET_KEY": KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "VAR_DIR": str(folder / "var"),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_ACCESS_LOG": str(folder / "access.log"),
    }
    env.pop("DEBUG", None)

    def manage(*command, **extra):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT, env=env | extra, check=True, capture_output=True,
        )  # fmt: skip

    manage("migrate", "--no-input")
    manage("load_demo", DEBUG="true")  # demonstration accounts: set up as a developer would
    manage("collectstatic", "--no-input")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    https = {"X-Forwarded-Proto": "https"}
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        jar = CookieJar(policy=ProxiedHttps())
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def get(path: str) -> bytes:
            request = urllib.request.Request(base + path, headers=https)
            with opener.open(request, timeout=60) as response:
                return response.read()

        page = get("/accounts/login/").decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        origin = base.replace("http://", "https://")
        form = {
            "csrfmiddlewaretoken": token,
            "username": "officer",
            "password": "demo-officer-2026",
        }
        request = urllib.request.Request(
            base + "/accounts/login/",
            data=urllib.parse.urlencode(form).encode(),
            headers=https | {"Referer": origin + "/accounts/login/", "Origin": origin},
        )
        opener.open(request, timeout=60).read()
        dashboard = get("/").decode()
        css = re.search(r'href="(/static/build/app\.[0-9a-f]{12}\.css)"', dashboard).group(1)

        print(f"Load average (1, 5, 15 min) before measuring: {os.getloadavg()}")
        print(f"gunicorn: {args.workers} workers; {args.requests} requests per line\n")
        header = f"{'request':<24} {'clients':>7} {'median ms':>10} {'p95 ms':>8} {'req/s':>7}"
        print(header)
        print("-" * len(header))
        for name, path in [
            ("/health/", "/health/"),
            ("sign-in page", "/accounts/login/"),
            ("static (app.css)", css),
            ("dashboard, signed in", "/"),
        ]:
            for clients in (1, args.clients):
                get(path)  # warm-up

                def timed(_, path=path):
                    started = time.perf_counter()
                    get(path)
                    return time.perf_counter() - started

                started = time.perf_counter()
                with ThreadPoolExecutor(clients) as pool:
                    times = sorted(pool.map(timed, range(args.requests)))
                wall = time.perf_counter() - started
                p95 = times[int(len(times) * 0.95) - 1]
                print(
                    f"{name:<24} {clients:>7} {statistics.median(times) * 1000:>10.1f} "
                    f"{p95 * 1000:>8.1f} {args.requests / wall:>7.1f}"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
