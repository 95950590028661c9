"""Issue 15, safe defaults and production serving: a production start refuses a weak key,
`check --deploy` has nothing to say, bandit finds nothing high, the demonstration data stays
off live systems, /health/ tells the load balancer the truth, logs carry the request id, and
gunicorn with WhiteNoise really serves a signed-in page, the static files and the headers."""

import contextlib
import http.cookiejar
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from scrutiny.caches import cache_from_url
from scrutiny.requestlog import JsonFormatter, RequestIdFilter
from scrutiny.settings import database_settings, secret_key_problem

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "Vq3-production-key_" + "k8Zr2Lw9Xt4Nc7Bm1Hs6Pd0Fy5Gj3Qe8Ua2Ro7Ti4We9Yx1"
ENV_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")


def production_env(tmp_path, **extra) -> dict[str, str]:
    """Nothing from the test run's environment but the basics: production is the default."""
    env = {k: os.environ[k] for k in ENV_KEEP if k in os.environ}
    return env | {"VAR_DIR": str(tmp_path / "var")} | extra


def manage(args, env, timeout=180):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- The secret key ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "not set"),
        ("changeme", "well-known"),
        ("django-insecure-development-only-key-not-for-production-use-0123456789", "well-known"),
        ("django-insecure-" + "a1b2c3d4e5" * 6, "well-known"),
        ("short-but-random-Kx9", "fewer than 50"),
        ("ab" * 40, "not random"),
        ("a" * 60 + "bcdefgh", "not random"),
    ],
)
def test_a_weak_key_is_named_for_what_is_wrong_with_it(key, reason):
    assert reason in secret_key_problem(key)


def test_a_long_random_key_is_accepted():
    assert secret_key_problem(GOOD_KEY) is None


@pytest.mark.parametrize("key", [None, "changeme", "x" * 60])
def test_a_production_start_refuses_a_weak_key(tmp_path, key):
    env = production_env(tmp_path, ALLOWED_HOSTS="scrutiny.example.gov.uk")
    if key is not None:
        env["SECRET_KEY"] = key
    result = manage(["check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "refuses to start without a strong key" in result.stderr


def test_debug_is_off_unless_asked_for_and_a_development_key_is_kept_under_var(tmp_path):
    show = ["shell", "-c", "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY)"]
    production = manage(show, production_env(tmp_path, SECRET_KEY=GOOD_KEY))
    assert production.stdout.splitlines()[-1].split() == ["False", GOOD_KEY]
    development = manage(show, production_env(tmp_path, DEBUG="true"))
    debug, key = development.stdout.splitlines()[-1].split()
    assert debug == "True"
    assert secret_key_problem(key) is None
    assert (tmp_path / "var" / "development-secret-key").read_text() == key
    again = manage(show, production_env(tmp_path, DEBUG="true"))
    assert again.stdout.splitlines()[-1].split()[1] == key  # sessions survive a restart


def test_check_deploy_with_only_a_key_and_hosts_has_no_warnings(tmp_path):
    env = production_env(tmp_path, SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="scrutiny.example.gov.uk")
    result = manage(["check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_bandit_finds_nothing_of_high_severity():
    result = subprocess.run(
        [Path(sys.executable).parent / "bandit", "-q", "-r", "scrutiny", "reviews",
         "recommendations", "-x", "*/migrations/*", "--severity-level", "high", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    found = json.loads(result.stdout)["results"]
    assert found == [], [(r["filename"], r["line_number"], r["issue_text"]) for r in found]
    assert result.returncode == 0


def test_load_demo_refuses_a_production_configuration(db, settings):
    from django.contrib.auth.models import User

    settings.DEBUG = settings.DEVELOPMENT = False
    with pytest.raises(CommandError, match="refuses to run on a production configuration"):
        call_command("load_demo")
    assert not User.objects.filter(username="admin").exists()


# --- Headers on every page ----------------------------------------------------------------------


def test_every_page_has_a_content_security_policy_and_the_inline_script_its_nonce(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", policy).group(1)
    assert f'<script nonce="{nonce}">document.body.className' in response.text
    assert "'unsafe-inline'" not in policy


def test_a_request_id_is_given_or_kept_and_returned(client):
    given = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", given)
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"})
    assert kept["X-Request-ID"] == "lb-1234abcd"
    refused = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert refused["X-Request-ID"] != "<script>"


def test_log_lines_are_json_with_the_request_id():
    record = logging.LogRecord("scrutiny", logging.ERROR, __file__, 1, "Made %s", ("x",), None)
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "Made x"
    assert line["level"] == "ERROR"
    assert line["request_id"] == "-"  # outside a request


def test_the_access_log_names_the_client_behind_the_proxy(settings):
    """gunicorn's access line: ``remote`` is the client's address as the lock-out reads it,
    ``peer`` the connection's (the proxy)."""
    import datetime
    from types import SimpleNamespace

    from scrutiny.requestlog import GunicornLogger

    written = []
    logger = SimpleNamespace(
        cfg=SimpleNamespace(accesslog="-", logconfig=None, syslog=False),
        access_log=SimpleNamespace(info=written.append),
    )
    response = SimpleNamespace(headers=[("X-Request-ID", "abc12345")], status_code=200, sent=10)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.4",
    }
    for proxies, remote in [(0, "127.0.0.1"), (1, "203.0.113.4")]:
        settings.TRUSTED_PROXY_COUNT = proxies
        GunicornLogger.access(logger, response, None, environ, datetime.timedelta(seconds=0.01))
        line = json.loads(written[-1])
        assert (line["remote"], line["peer"]) == (remote, "127.0.0.1")


# --- /health/ -------------------------------------------------------------------------------------


def test_health_is_open_says_ok_and_names_no_secrets(client, db):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["workers"]["ok"] is True
    assert "no-store" in response["Cache-Control"]  # as every page the app serves


def test_health_is_503_when_a_task_has_waited_too_long(client, db, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_MAX_TASK_WAIT_SECONDS = 60
    waiting = DBTaskResult.objects.create(
        task_path="recommendations.documents.tasks.make_document",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=None,
    )
    assert client.get("/health/").status_code == 200  # just queued
    waiting.enqueued_at = timezone.now() - timedelta(minutes=5)
    waiting.save(update_fields=["enqueued_at"])
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["workers"]["ok"] is False
    assert body["checks"]["workers"]["oldest_waiting_seconds"] >= 300


def test_health_refuses_a_post(client, db):
    assert client.post("/health/").status_code == 405


# --- The shared cache ---------------------------------------------------------------------------


def test_cache_url_chooses_the_shared_cache(monkeypatch):
    assert cache_from_url("db://scrutiny_cache") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "scrutiny_cache",
    }
    assert cache_from_url("file:///srv/cache")["LOCATION"] == "/srv/cache"
    for bad in ("memcached://x", "db://bad;table", "file://relative"):
        with pytest.raises(ImproperlyConfigured):
            cache_from_url(bad)
    monkeypatch.setitem(sys.modules, "redis", None)  # not installed: said so, not a crash later
    with pytest.raises(ImproperlyConfigured, match="needs the redis package"):
        cache_from_url("redis://127.0.0.1:6379/0")


def test_postgresql_keeps_the_documents_cache_in_the_database(tmp_path):
    show = ["shell", "-c", "from django.conf import settings as s; print(s.CACHES['documents'])"]
    env = production_env(tmp_path, SECRET_KEY=GOOD_KEY, DATABASE_URL="postgres://u:p@h:5/x")
    result = manage(show, env)
    assert "DatabaseCache" in result.stdout and "scrutiny_cache" in result.stdout, result.stderr


# --- gunicorn, for real -------------------------------------------------------------------------


class ProxiedHttps(http.cookiejar.DefaultCookiePolicy):
    """The proxy in front ends TLS: the app's Secure cookies come back over the loopback hop."""

    def return_ok_secure(self, cookie, request):
        return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path):
    """gunicorn with gunicorn.conf.py in ``env`` (whose BIND says where), until it answers;
    yields its base URL and stops it at the end."""
    if not shutil.which("gunicorn", path=str(Path(sys.executable).parent)):
        pytest.fail("gunicorn is a dependency of the product (pyproject.toml): install it")
    log = open(log_path, "w+")  # noqa: SIM115 (closed after the server stops)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://{env['BIND']}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except urllib.error.HTTPError:
                break  # it answers (a redirect to HTTPS counts)
            except OSError:
                assert server.poll() is None, log_path.read_text()
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def gunicorn_server(tmp_path):
    env = production_env(
        tmp_path,
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        BIND=f"127.0.0.1:{free_port()}",
        WEB_CONCURRENCY="1",
    )
    for step in (
        ["migrate", "--no-input", "-v", "0"],
        ["collectstatic", "--no-input", "-v", "0"],
        ["shell", "-c", "from django.contrib.auth.models import Group, User; "
         "u = User.objects.create_user('so', password='correct-horse-9'); "
         "u.groups.add(Group.objects.get(name='Scrutiny officers'))"],
    ):  # fmt: skip
        done = manage(step, env, timeout=300)
        assert done.returncode == 0, done.stderr
    with gunicorn(env, tmp_path / "gunicorn.log") as base:
        yield base, tmp_path / "gunicorn.log"


def test_gunicorn_serves_a_signed_in_page_static_files_and_the_security_headers(gunicorn_server):
    base, log_path = gunicorn_server
    jar = http.cookiejar.CookieJar(policy=ProxiedHttps())

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    https = {"X-Forwarded-Proto": "https"}

    def fetch(path, data=None, headers=None):
        request = urllib.request.Request(
            base + path, data=data, headers={**https, **(headers or {})}
        )
        try:
            return opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            return error

    # Plain HTTP (no proxy header) is sent to HTTPS.
    plain = urllib.request.build_opener(NoRedirect)
    try:
        plain.open(base + "/accounts/login/", timeout=30)
        pytest.fail("plain HTTP was served")
    except urllib.error.HTTPError as error:
        assert error.code == 301
        assert error.headers["Location"].startswith("https://127.0.0.1")

    login = fetch("/accounts/login/")
    assert login.status == 200
    headers = login.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    page = login.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert any(c.name == "csrftoken" and c.secure for c in jar)

    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "so", "password": "correct-horse-9"}
    ).encode()
    origin = base.replace("http://", "https://")
    signed_in = fetch(
        "/accounts/login/",
        data=form,
        headers={"Referer": origin + "/accounts/login/", "Origin": origin},
    )
    assert signed_in.status == 302, signed_in.read()[:2000]
    session = next(c for c in jar if c.name == "sessionid")
    assert session.secure and session.has_nonstandard_attr("HttpOnly")

    dashboard = fetch("/")
    assert dashboard.status == 200
    html = dashboard.read().decode()
    assert "Sign out" in html or "sign out" in html.lower()
    # A signed-in page is never stored by a shared cache (no-store arrives with issue 15's
    # sign-in part; whatever it says, it is never public).
    assert "public" not in (dashboard.headers["Cache-Control"] or "")

    # The stylesheet by its hashed name, from WhiteNoise, cached for ever.
    css = re.search(r'href="(/static/build/app\.[0-9a-f]{12}\.css)"', html).group(1)
    static = fetch(css, headers={"Accept-Encoding": "gzip"})
    assert static.status == 200
    assert "max-age=315360000" in static.headers["Cache-Control"]
    assert "immutable" in static.headers["Cache-Control"]

    health = fetch("/health/")
    assert health.status == 200
    assert json.loads(health.read())["checks"]["database"]["ok"] is True

    # The access log is JSON lines carrying the request id the app gave.
    time.sleep(0.2)
    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any(
        line["path"] == "/accounts/login/" and line["request_id"] == headers["X-Request-ID"]
        for line in access
    ), log_path.read_text()[-3000:]


# --- Database connections (issue 16) -----------------------------------------------------------

CONNECTION_VARIABLES = (
    "CONN_MAX_AGE",
    "CONN_HEALTH_CHECKS",
    "DATABASE_POOL",
    "DATABASE_POOL_MIN_SIZE",
    "DATABASE_POOL_MAX_SIZE",
    "DATABASE_POOL_TIMEOUT",
)
PG_URL = "postgres://u:p@127.0.0.1:5/x"


@pytest.fixture
def connection_env(monkeypatch):
    for name in CONNECTION_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_postgresql_keeps_its_connections_and_checks_them_before_use(connection_env):
    database = database_settings(PG_URL)
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in database.get("OPTIONS", {})
    connection_env.setenv("CONN_MAX_AGE", "0")  # a connection for every request, if wanted
    assert database_settings(PG_URL)["CONN_MAX_AGE"] == 0


def test_sqlite_opens_a_connection_for_each_request_as_before(connection_env, tmp_path):
    assert database_settings(f"sqlite:///{tmp_path / 'x.sqlite3'}")["CONN_MAX_AGE"] == 0


def test_psycopgs_pool_instead_when_asked(connection_env):
    connection_env.setenv("DATABASE_POOL", "true")
    database = database_settings(PG_URL)
    assert database["CONN_MAX_AGE"] == 0  # Django refuses a pool with persistent connections
    assert database["CONN_HEALTH_CHECKS"] is True  # a connection is checked as it is taken
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4, "timeout": 10}
    connection_env.setenv("DATABASE_POOL_MAX_SIZE", "8")
    connection_env.setenv("DATABASE_POOL_MIN_SIZE", "2")
    assert database_settings(PG_URL)["OPTIONS"]["pool"]["max_size"] == 8
    assert database_settings(PG_URL)["OPTIONS"]["pool"]["min_size"] == 2


@pytest.mark.parametrize(
    ("url", "env", "message"),
    [
        ("sqlite:////tmp/x.sqlite3", {"DATABASE_POOL": "true"}, "needs a PostgreSQL"),
        (PG_URL, {"DATABASE_POOL": "true", "CONN_MAX_AGE": "600"}, "set one"),
        (PG_URL, {"DATABASE_POOL": "maybe"}, "not a yes/no value"),
        (PG_URL, {"DATABASE_POOL": "true", "DATABASE_POOL_MAX_SIZE": "0"}, "at least 1"),
        (PG_URL, {"CONN_MAX_AGE": "ten minutes"}, "not a whole number"),
    ],
)
def test_connection_settings_that_cannot_work_stop_the_start(connection_env, url, env, message):
    for name, value in env.items():
        connection_env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=message):
        database_settings(url)


def server_backends(observer, database: str, exclude: int) -> set[int]:
    """The server's connections to ``database``: every client backend but the test's own."""
    rows = observer.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'"
        " AND pid <> pg_backend_pid() AND pid <> %s",
        [database, exclude],
    )
    return {pid for (pid,) in rows}


@pytest.mark.postgresql
@pytest.mark.parametrize("pool", [False, True], ids=["persistent", "pool"])
def test_health_replaces_a_connection_the_database_ended(db, tmp_path, pool):
    """A connection kept between requests can die under the app: PostgreSQL restarted, or an
    administrator ended it (pg_terminate_backend, as here: a client sees a restart the same
    way). The next request checks it first and opens a new one: /health/ says 200 at once."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    dsn = {k: params[k] for k in ("host", "port", "user", "password", "dbname") if params.get(k)}
    url = "postgres://{user}:{password}@{host}:{port}/{dbname}".format(
        **{"password": "", "host": "127.0.0.1", "port": 5432, "user": "postgres"} | dsn
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        ours = cursor.fetchone()[0]
    env = production_env(
        tmp_path,
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=url,
        BIND=f"127.0.0.1:{free_port()}",
        WEB_CONCURRENCY="1",
        **({"DATABASE_POOL": "true"} if pool else {}),
    )

    def health() -> tuple[int, dict]:
        request = urllib.request.Request(base + "/health/", headers={"X-Forwarded-Proto": "https"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    with (
        psycopg.connect(**dsn, autocommit=True) as observer,
        gunicorn(env, tmp_path / "gunicorn.log") as base,
    ):
        assert health()[0] == 200
        kept = server_backends(observer, dsn["dbname"], ours)
        assert kept, "the worker's connection did not outlive the request"
        for pid in kept:
            observer.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            if not server_backends(observer, dsn["dbname"], ours) & kept:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the connections were not ended")
        status, body = health()
        assert (status, body["checks"]["database"]) == (200, {"ok": True}), body
        replaced = server_backends(observer, dsn["dbname"], ours)
        assert replaced and not replaced & kept
        assert health()[0] == 200


def test_check_deploy_warns_of_a_per_process_cache_with_several_processes(tmp_path):
    env = production_env(
        tmp_path,
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="scrutiny.example.gov.uk",
        CACHE_URL="locmem://",
        WEB_CONCURRENCY="3",
    )
    result = manage(["check", "--deploy"], env)
    assert "(scrutiny.W001) CACHE_URL is locmem://" in result.stderr + result.stdout
    assert "3 gunicorn workers (WEB_CONCURRENCY)" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("backend", "workers", "tasks", "warned"),
    [
        ("locmem", "3", "immediate", True),
        ("locmem", "1", "database", True),  # the task workers are other processes
        ("locmem", "1", "immediate", False),  # one process: nothing to share with
        ("file", "9", "database", False),
        ("db", "9", "database", False),
    ],
)
def test_the_per_process_cache_check(settings, monkeypatch, backend, workers, tasks, warned):
    from scrutiny.caches import per_process_cache_check

    backends = {
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
        "file": "django.core.cache.backends.filebased.FileBasedCache",
        "db": "django.core.cache.backends.db.DatabaseCache",
    }
    settings.CACHES = {**settings.CACHES, "documents": {"BACKEND": backends[backend]}}
    settings.TASKS = {
        "default": {
            "BACKEND": {
                "immediate": "django_tasks.backends.immediate.ImmediateBackend",
                "database": "django_tasks_db.DatabaseBackend",
            }[tasks]
        }
    }
    monkeypatch.setenv("WEB_CONCURRENCY", workers)
    assert [m.id for m in per_process_cache_check()] == (["scrutiny.W001"] if warned else [])
