"""Load test of the production server: gunicorn (gunicorn.conf.py, DEBUG off) on PostgreSQL
with a ten-year council, driven by signed-in clients at once.

    .venv/bin/python bench/load.py                     # a throwaway PostgreSQL, 60 s, 8 clients
    .venv/bin/python bench/load.py --reviews 20        # a smaller council, for a quick look
    .venv/bin/python bench/load.py --reuse --database-url postgres://postgres@127.0.0.1:5432/bench_x
    .venv/bin/python bench/load.py --connections persistent,pool,per-request --seconds 30

Without ``--database-url`` it starts a PostgreSQL server of its own on loopback (initdb in a
temporary folder, a free port, as ``scripts/with-postgres.sh`` does; fsync off, for the
build's sake) and stops it at the end. The council is built by ``bench/council.py`` (the same
sizes and options as ``bench/pages.py``; ``--reuse`` measures a database a ``bench/pages.py
--keep`` run kept). Two of its accounts are given a password: the councillor and the scrutiny
officer, the roles that read every page below.

The server is the production one: the static files collected and the cache table created under
a temporary ``VAR_DIR``, then gunicorn with ``gunicorn.conf.py`` (``--workers``, default its
own: two a core plus one, at most 8), a strong random ``SECRET_KEY``, ``ALLOWED_HOSTS=127.0.0.1``
and the requests marked as HTTPS from the proxy (``X-Forwarded-Proto``), as nginx sends them.
Each client signs in through the sign-in page (its CSRF token, its session cookie), half of them
as the councillor and half as the officer, requests every page type once (a warm-up, not
counted), then for ``--seconds`` asks for one page after another, no pause between, a page type
drawn by weight each time (records drawn from a sample of the council). It prints, per page
type, the requests, requests per second, the 50th, 95th and 99th percentile and the errors (any
answer but 200, or no answer); the gunicorn workers' CPU per request; and the load average at the
start and end. Targets: no errors, 99th percentile at most 500 ms; MISSED where missed. It
always exits 0: it is a measurement, and on two shared cores an indicative one.

``--connections`` runs the same load once per way of connecting to the database, one after
another on the same database: ``persistent`` (the settings' default on PostgreSQL: CONN_MAX_AGE
600 with health checks), ``pool`` (DATABASE_POOL=true: psycopg's pool) and ``per-request``
(CONN_MAX_AGE=0, the default before issue 16).
"""

import argparse
import contextlib
import glob
import http.client
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import council_client  # noqa: E402

TARGET_P99_MS = 500.0
CONNECTIONS = {
    "persistent": {},
    "pool": {"DATABASE_POOL": "true"},
    "per-request": {"CONN_MAX_AGE": "0"},
}
ENV_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
# How often each page type is asked for, out of the weights' sum: the pages people read most.
WEIGHTS = {
    "dashboard": 14,
    "reviews register (filters)": 9,
    "recommendations register (filters)": 16,
    "review page": 12,
    "recommendation page": 16,
    "review history": 6,
    "recommendation history": 8,
    "meeting page": 8,
    "action plan PDF (small)": 3,
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to drive the load")
    parser.add_argument("--clients", type=int, default=8, help="signed-in clients at once")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: its default)")
    parser.add_argument(
        "--connections",
        default="persistent",
        help="comma-separated: " + ", ".join(CONNECTIONS) + " (one run each, in that order)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="a PostgreSQL server (a throwaway database is made on it, unless --reuse); "
        "default: a PostgreSQL server of this run's own",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the council already in "
        "--database-url (kept by bench/pages.py --keep or bench/load.py --keep)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database (needs "
                        "--database-url: this run's own server is removed)")  # fmt: skip
    parser.add_argument("--reviews", type=int, default=200)
    parser.add_argument("--recommendations-per-review", type=int, default=10)
    parser.add_argument("--actions-per-recommendation", type=int, default=3)
    parser.add_argument("--updates-per-recommendation", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a page")
    args = parser.parse_args()
    args.modes = [m.strip() for m in args.connections.split(",") if m.strip()]
    unknown = [m for m in args.modes if m not in CONNECTIONS]
    if unknown or not args.modes:
        parser.error(f"--connections: choose from {', '.join(CONNECTIONS)}")
    if args.keep and not args.database_url:
        parser.error("--keep needs --database-url: this run's own server is removed at the end")
    if args.reuse and not args.database_url:
        parser.error("--reuse needs --database-url (the database a --keep run kept)")
    # What bench/pages.py's council_client reads.
    args.use_database_as_is = False
    args.conn_max_age = 600
    return args


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a PostgreSQL server of its own -----------------------------------------------------------


@contextlib.contextmanager
def postgres_server():
    """initdb into a temporary folder and a server on 127.0.0.1 (a free port), as
    scripts/with-postgres.sh does; yields the URL of its ``postgres`` database. Stopped and
    removed at the end, however the run ends."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("PostgreSQL is not installed: apt-get install -y postgresql")
    pgbin = Path(found[-1]).parent
    pgdata = tempfile.mkdtemp(prefix="bench-load-pg-")
    port = free_port()
    as_owner = []
    if os.getuid() == 0:  # the server refuses to run as root
        shutil.chown(pgdata, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]

    def pg(*command):
        subprocess.run([*as_owner, *command], cwd="/", check=True, capture_output=True)

    try:
        pg(pgbin / "initdb", "-D", pgdata, "-A", "trust", "-U", "postgres")
        pg(pgbin / "pg_ctl", "-D", pgdata, "-l", f"{pgdata}/log", "-w",
           "-o", f"-h 127.0.0.1 -p {port} -k {pgdata} -F", "start")  # fmt: skip
        print(f"PostgreSQL of this run on 127.0.0.1:{port} (fsync off)")
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            pg(pgbin / "pg_ctl", "-D", pgdata, "-m", "fast", "-w", "stop")
        shutil.rmtree(pgdata, ignore_errors=True)


# --- the council: accounts and the pages to ask for ---------------------------------------------


def accounts() -> list[tuple[str, str]]:
    """The council's councillor and scrutiny officer, each given a new random password
    (through the sign-in service, as a password reset would)."""
    from django.contrib.auth.models import User

    from scrutiny.signin.services import set_password

    signed = []
    for username in ("bench-councillor", "bench-officer"):
        password = secrets.token_urlsafe(18)
        set_password(
            user=User.objects.get(username=username),
            password=password,
            reason="bench/load.py: an account for the load test",
        )
        signed.append((username, password))
    return signed


def choose_urls(seed: int) -> dict[str, list[str]]:
    """Each page type's URLs: the registers with their filters, and a sample of the council's
    records (the heaviest of bench/pages.py among them)."""
    from django.db.models import Count

    from bench.pages import choose_pages
    from recommendations.models import Recommendation
    from reviews.models import CommitteeKind, Meeting, Review

    heavy = dict(choose_pages())
    rng = random.Random(seed)

    def sample(pks, n):
        pks = sorted(pks)
        return rng.sample(pks, min(n, len(pks)))

    reviews = sample(Review.objects.values_list("pk", flat=True), 40)
    recs = sample(Recommendation.objects.values_list("pk", flat=True), 120)
    meetings = sample(
        Meeting.objects.filter(committee__kind=CommitteeKind.SCRUTINY).values_list("pk", flat=True),
        30,
    )
    small = (
        Review.objects.filter(response_given_on__isnull=False)
        .annotate(n=Count("recommendations"))
        .filter(n__gt=0)
        .order_by("n", "pk")
        .first()
    )
    return {
        "dashboard": ["/"],
        "reviews register (filters)": [
            heavy["reviews register"],
            heavy["reviews register, filtered"],
            "/reviews/?status=monitoring",
        ],
        "recommendations register (filters)": [
            heavy["recommendations register"],
            heavy["recommendations, search+filters"],
            heavy["recommendations, page 20"],
            "/recommendations/?status=off_track",
        ],
        "review page": [heavy["review page"]] + [f"/reviews/{pk}/" for pk in reviews],
        "recommendation page": [heavy["recommendation page"]]
        + [f"/recommendations/{pk}/" for pk in recs],
        "review history": [heavy["review history"]]
        + [f"/reviews/{pk}/history/" for pk in reviews[:10]],
        "recommendation history": [heavy["recommendation history"]]
        + [f"/recommendations/{pk}/history/" for pk in recs[:30]],
        "meeting page": [heavy["meeting page (scrutiny)"]]
        + [f"/meetings/{pk}/" for pk in meetings],
        "action plan PDF (small)": [f"/documents/reviews/{small.pk}/action-plan.pdf"],
    }


# --- the production server ----------------------------------------------------------------------


def production_env(database_url: str, var_dir: Path, port: int, workers: int, mode: str):
    """Nothing from this process's environment but the basics: production is the default."""
    env = {k: os.environ[k] for k in ENV_KEEP if k in os.environ}
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "VAR_DIR": str(var_dir),
        "BIND": f"127.0.0.1:{port}",
        "PYTHON": sys.executable,
    }
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env | CONNECTIONS[mode]


def prepare_server(env: dict[str, str]) -> None:
    """What scripts/serve does before gunicorn (the database is already migrated): the cache
    table (the documents cache on PostgreSQL) and the static files WhiteNoise serves."""
    for command in (["createcachetable"], ["collectstatic", "--no-input", "--verbosity", "0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT, env=env, check=True, capture_output=True,
        )  # fmt: skip


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path):
    """gunicorn with gunicorn.conf.py, until it answers /healthz; stopped at the end."""
    with open(log_path, "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            host, port = env["BIND"].split(":")
            for _ in range(600):
                if server.poll() is not None:
                    raise SystemExit(f"gunicorn stopped:\n{log_path.read_text()[-3000:]}")
                try:
                    Client(host, int(port), 5).get("/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            yield server
        finally:
            server.terminate()
            server.wait(timeout=60)


def children_cpu_seconds(parent: int | None) -> float:
    """CPU time (user and system) of a process's children, from /proc: gunicorn's workers, or
    the PostgreSQL server's backends (None: a server elsewhere, not counted). Those still running
    and those that ended (a connection per request: a backend each), and the parent's own."""
    if parent is None:
        return 0.0
    total = 0
    for stat in glob.glob("/proc/[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:  # the parent's pid
                total += int(fields[11]) + int(fields[12])  # utime, stime
            elif Path(stat).parent.name == str(parent):  # its own, and its ended children's
                total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK")


def postmaster_pid() -> int | None:
    """The PostgreSQL server's process, when it runs on this machine (its data directory's
    postmaster.pid is readable here); None otherwise."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('data_directory')")
        data = Path(cursor.fetchone()[0])
    connection.close()
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int((data / "postmaster.pid").read_text().split()[0])
        if Path(f"/proc/{pid}").exists():
            return pid
    return None


# --- a client -------------------------------------------------------------------------------------


class Client:
    """One browser: its cookies, a connection per request (gunicorn's sync workers close it),
    each request marked as HTTPS by the proxy in front."""

    def __init__(self, host: str, port: int, timeout: float):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.origin = f"https://{host}:{port}"

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        """(status, headers, body, milliseconds to the last byte)."""
        all_headers = {"X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            started = time.perf_counter()
            connection.request(method, path, body, all_headers)
            response = connection.getresponse()
            content = response.read()
            elapsed = (time.perf_counter() - started) * 1000
        finally:
            connection.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.headers, content, elapsed

    def get(self, path: str):
        return self.request("GET", path)

    def sign_in(self, username: str, password: str) -> None:
        """Through the sign-in page, as a person would: its form's CSRF token, then the post."""
        status, _, page, _ = self.get("/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise SystemExit(f"The sign-in page answered {status} without a form")
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token.group(1).decode(), "username": username,
             "password": password}
        ).encode()  # fmt: skip
        status, _, _, _ = self.request(
            "POST",
            "/accounts/login/",
            form,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": self.origin + "/accounts/login/",
                "Origin": self.origin,
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"Signing in as {username} failed: HTTP {status}")


# --- the load -------------------------------------------------------------------------------------


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page_type: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.times.setdefault(page_type, []).append(ms)
            if error:
                self.errors.setdefault(page_type, []).append(error)


def ask(client: Client, url: str) -> tuple[float, str | None]:
    started = time.perf_counter()
    try:
        status, _, _, ms = client.get(url)
    except (OSError, http.client.HTTPException) as exc:
        return (time.perf_counter() - started) * 1000, f"{type(exc).__name__}: {exc} ({url})"
    return ms, None if status == 200 else f"HTTP {status} ({url})"


def drive(clients, urls, seconds: float, seed: int) -> tuple[Results, float]:
    """Every client asks for page after page until the time is up; returns the results and
    the time the load ran for."""
    results = Results()
    types = list(WEIGHTS)
    weights = [WEIGHTS[t] for t in types]
    start = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def run(number: int, client: Client) -> None:
        rng = random.Random(seed * 1000 + number)
        start.wait()
        while time.perf_counter() < deadline[0]:
            page_type = rng.choices(types, weights)[0]
            results.add(page_type, *ask(client, rng.choice(urls[page_type])))

    threads = [
        threading.Thread(target=run, args=(n, c), daemon=True) for n, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def percentile(ordered: list[float], p: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, min(len(ordered) - 1, int(-(-len(ordered) * p // 100)) - 1))]


def report(results: Results, duration: float) -> int:
    """Print the table; returns how many lines missed a target."""
    header = (
        f"{'page type':<36} {'requests':>8} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6}  verdict"
    )
    print(header)
    print("-" * len(header))
    everything = sorted(t for times in results.times.values() for t in times)
    rows = [(t, sorted(results.times.get(t, []))) for t in WEIGHTS] + [("all", everything)]
    missed = 0
    for page_type, times in rows:
        if page_type == "all":
            print("-" * len(header))
            errors = sum(len(e) for e in results.errors.values())
        else:
            errors = len(results.errors.get(page_type, []))
        if not times:
            print(f"{page_type:<36} {0:>8}  (not asked for)")
            continue
        p99 = percentile(times, 99)
        problems = (["errors"] if errors else []) + (["p99"] if p99 > TARGET_P99_MS else [])
        missed += bool(problems) and page_type != "all"
        print(
            f"{page_type:<36} {len(times):>8} {len(times) / duration:>6.1f} "
            f"{percentile(times, 50):>7.0f} {percentile(times, 95):>7.0f} {p99:>7.0f} "
            f"{errors:>6}  {'MISSED (' + ', '.join(problems) + ')' if problems else 'ok'}"
        )
    for page_type, errors in results.errors.items():
        print(f"  {page_type}: {len(errors)} errors, the first: {errors[0]}")
    return missed


def run_mode(args, mode: str, database_url: str, folder: Path, urls, users) -> None:
    port = free_port()
    env = production_env(database_url, folder / "var", port, args.workers, mode)
    settings = ", ".join(f"{k}={v}" for k, v in CONNECTIONS[mode].items())
    print(
        f"\n== {mode} connections ({settings or 'the default: CONN_MAX_AGE=600, health checks'});"
        f" gunicorn workers: {args.workers or 'gunicorn.conf.py default'}"
    )
    with gunicorn(env, folder / f"gunicorn-{mode}.log") as server:
        clients = [Client("127.0.0.1", port, args.timeout) for _ in range(args.clients)]
        for number, client in enumerate(clients):
            client.sign_in(*users[number % len(users)])
        warm = Results()
        for client in clients:  # every page type once: each worker's templates and caches
            for page_type, choices in urls.items():
                warm.add(page_type, *ask(client, choices[0]))
        postmaster = postmaster_pid()
        cpu_before = [
            children_cpu_seconds(server.pid),
            children_cpu_seconds(postmaster),
            time.process_time(),
        ]
        load_start = os.getloadavg()
        results, duration = drive(clients, urls, args.seconds, args.seed)
        load_end = os.getloadavg()
        cpu, db_cpu, client_cpu = (
            after - before
            for after, before in zip(
                [
                    children_cpu_seconds(server.pid),
                    children_cpu_seconds(postmaster),
                    time.process_time(),
                ],
                cpu_before,
                strict=True,
            )
        )
    print(f"Load average (1, 5, 15 min) at the start: {load_start}")
    print(
        f"{args.clients} signed-in clients (councillor and scrutiny officer) for "
        f"{duration:.1f} s; targets: no errors, p99 <= {TARGET_P99_MS:.0f} ms\n"
    )
    missed = report(results, duration)
    total = sum(len(t) for t in results.times.values())
    warm_errors = [e for errors in warm.errors.values() for e in errors]
    per_request = 1000 / max(total, 1)
    print(
        f"\nCPU, in seconds and ms a request: gunicorn workers {cpu:.1f} s "
        f"({cpu * per_request:.0f} ms), PostgreSQL "
        + (f"{db_cpu:.1f} s ({db_cpu * per_request:.0f} ms)" if postmaster else "(elsewhere)")
        + f", these clients {client_cpu:.1f} s ({client_cpu * per_request:.0f} ms)"
    )
    if warm_errors:
        print(f"{len(warm_errors)} errors in the warm-up, the first: {warm_errors[0]}")
    print(f"Load average (1, 5, 15 min) at the end: {load_end}")
    print(
        f"{mode}: {total / duration:.1f} requests a second; "
        + (
            f"{missed} page types MISSED a target."
            if missed
            else "every page type met the targets."
        )
    )


def main() -> int:
    args = parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    os.environ["VAR_DIR"] = str(folder / "var-build")  # this process's own files
    try:
        with contextlib.ExitStack() as stack:
            if not args.database_url:
                args.database_url = stack.enter_context(postgres_server())
            if not args.database_url.startswith(("postgres://", "postgresql://")):
                raise SystemExit("The load test measures PostgreSQL: --database-url postgres://")
            _council, _client = stack.enter_context(council_client(args))
            from django.db import connection, connections

            database_url = os.environ["DATABASE_URL"]  # the council's database
            users = accounts()
            urls = choose_urls(args.seed)
            connections.close_all()
            print(f"Database: {connection.vendor} ({urllib.parse.urlsplit(database_url).path})")
            first = production_env(database_url, folder / "var", 0, args.workers, args.modes[0])
            prepare_server(first)
            for mode in args.modes:
                run_mode(args, mode, database_url, folder, urls, users)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
