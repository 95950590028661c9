"""Settings for the scrutiny recommendations tracker.

Everything that differs between a laptop and production comes from the environment, read
through the helpers below, which refuse a value they cannot understand instead of guessing.
With no environment but ``DEBUG=true`` (what ``make run`` sets) the product runs on an SQLite
file in ``var/``; without it, the settings are production's and want a strong ``SECRET_KEY``.

Every file the app writes is under one folder, ``VAR_DIR`` (default ``var/`` in the checkout):
the embedded SQLite database, the documents cache, the collected static files and, until a
mail server is configured, the emails (``var/mail/``). A server says which folder it is, and
where its email goes, at start-up (``scrutiny/wsgi.py``).
"""

import datetime
import json
import os
import re
import tempfile
from email.utils import formataddr, parseaddr
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no setting; anything other than a recognised word is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (use true or false).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Read a whole-number setting, refusing text and values below ``minimum``."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# --- Safe defaults (issue 15): DEBUG only when asked for, a strong key in production -------
# A server is a production server unless DEBUG=true says otherwise (`make run` says so).
DEBUG = env_bool("DEBUG", False)
# Whether this is a development configuration, as started (DEBUG=true): what load_demo asks,
# since the test runner turns DEBUG itself off while the suite runs.
DEVELOPMENT = DEBUG

VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var").resolve()

# Keys a production start refuses whatever their length: the development key this repository
# once carried, and the words people put in an example file.
WEAK_SECRET_KEYS = {
    "django-insecure-development-only-key-not-for-production-use-0123456789",
    "changeme",
    "change-me",
    "secret",
    "secret_key",
    "secretkey",
    "password",
    "development",
}
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_CHARACTERS = 5  # different characters, as Django's own deploy check counts


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is not fit for a production server, or None when it is."""
    if not key:
        return "SECRET_KEY is not set"
    if key.strip().lower() in WEAK_SECRET_KEYS or key.startswith("django-insecure-"):
        return "SECRET_KEY is a well-known example value"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"SECRET_KEY is {len(key)} characters long, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_CHARACTERS or any(
        len(key.replace(c, "")) < len(key) // 2 for c in set(key)
    ):
        return "SECRET_KEY repeats too few characters (it is not random)"
    return None


def development_secret_key(var_dir: Path) -> str:
    """A development server's key: generated once and kept under VAR_DIR (never in the
    repository), so sessions survive a restart of `make run`."""
    from django.core.management.utils import get_random_secret_key

    path = var_dir / "development-secret-key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG:
    _problem = secret_key_problem(SECRET_KEY)
    if _problem:
        raise ImproperlyConfigured(
            f"{_problem}. A production server (DEBUG is not true) refuses to start without a "
            f"strong key: set SECRET_KEY to at least {SECRET_KEY_MIN_LENGTH} random characters, "
            "e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(64))' "
            "(or set DEBUG=true on a development machine)."
        )
elif not SECRET_KEY:
    SECRET_KEY = development_secret_key(VAR_DIR)
# --- end of safe defaults -------------------------------------------------------------------

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The council's own name: in the page header, the PDFs and the e-mail signature.
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Demonstration Borough Council")

# Section 9FE of the Local Government Act 2000 gives the executive two months, beginning with
# the day it received a scrutiny report, to respond (counted in reviews/dates.py). A council
# whose constitution says eight weeks sets RESPONSE_PERIOD_WEEKS=8 (and
# RESPONSE_PERIOD_MONTHS=0).
RESPONSE_PERIOD_MONTHS = env_int("RESPONSE_PERIOD_MONTHS", 2)
RESPONSE_PERIOD_WEEKS = env_int("RESPONSE_PERIOD_WEEKS", 0)
RESPONSE_PERIOD_DAYS = env_int("RESPONSE_PERIOD_DAYS", 0)
if not (RESPONSE_PERIOD_MONTHS or RESPONSE_PERIOD_WEEKS or RESPONSE_PERIOD_DAYS):
    raise ImproperlyConfigured("The response period is zero: set RESPONSE_PERIOD_MONTHS or _WEEKS.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "reviews",
    "recommendations",
    "recommendations.documents",
    "recommendations.rounds",
    "csp",
    "scrutiny.accounts",
]

MIDDLEWARE = [
    "scrutiny.requestlog.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "scrutiny.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "scrutiny.context_processors.council",
            ],
            # The project package's own tags (it is not an app): British dates, countdowns;
            # the GOV.UK error summary.
            "libraries": {
                "register": "scrutiny.templatetags.register",
                "govuk": "scrutiny.templatetags.govuk",
            },
        },
    },
]
# Widgets are drawn with the project's templates (templates/govuk/widgets/), through the
# engine above; Django's own widget templates come from the django.forms app.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "scrutiny.wsgi.application"

if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the default SQLite file lives here


def database_settings(url: str) -> dict[str, object]:
    """The database of ``DATABASE_URL``, with its connections as production wants them.

    On PostgreSQL each gunicorn worker keeps its connection open between requests
    (``CONN_MAX_AGE``, 600 s by default) and checks it at the start of each request that uses
    it (``CONN_HEALTH_CHECKS``, on by default), so a connection that died meanwhile (the server
    restarted, or the connection was ended) is replaced before the request uses it. Opening a
    connection for every request (``CONN_MAX_AGE=0``) costs a TCP and authentication round trip
    each time. ``DATABASE_POOL=true`` takes connections from psycopg's pool instead (checked
    the same way when they are taken), at most ``DATABASE_POOL_MAX_SIZE`` a process: for
    gunicorn's threaded workers; with its sync workers (the default) one connection a worker
    is all a pool would hold, and persistent connections measured as fast (README "Production
    database connections"). SQLite keeps Django's default: a connection per request."""
    database = dj_database_url.parse(url)
    postgresql = database["ENGINE"] == "django.db.backends.postgresql"
    pool = env_bool("DATABASE_POOL", False)
    if pool and not postgresql:
        raise ImproperlyConfigured("DATABASE_POOL=true needs a PostgreSQL DATABASE_URL.")
    if pool:
        if env_int("CONN_MAX_AGE", 0):
            raise ImproperlyConfigured(
                "DATABASE_POOL=true and CONN_MAX_AGE are two ways of keeping connections: "
                "set one (leave CONN_MAX_AGE unset with the pool)."
            )
        size = env_int("DATABASE_POOL_MAX_SIZE", 4, minimum=1)
        database["CONN_MAX_AGE"] = 0
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env_int("DATABASE_POOL_MIN_SIZE", 1), size),
            "max_size": size,
            # A request waits at most this long for a free connection, then fails (a 500).
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
        }
    else:
        database["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 600 if postgresql else 0)
    database["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", True)
    return database


DATABASES = {
    "default": database_settings(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'scrutiny.sqlite3'}")
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer rather than failing at once when two requests save together, and take
    # the write lock when a transaction begins, so a version check and its save cannot
    # interleave with another request's (see scrutiny/editing.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # A file, not memory, for the test database: tests that race requests from threads need
    # real locking between connections. It is a temporary file, never under the checkout.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(tempfile.gettempdir()) / f"scrutiny-test-{os.getpid()}.sqlite3"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# (The password policy is in "Local sign-in" below.)
# Django's model backend, reading the account with its officer record (see scrutiny/auth.py).
AUTHENTICATION_BACKENDS = ["scrutiny.auth.AccountBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # keeps WhiteNoise quiet in development

# History: the user comes from the request (middleware) or, in a management command, from
# the --user option or the named system user (see scrutiny.audit).
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True
SYSTEM_USERNAME = os.environ.get("SYSTEM_USERNAME", "system")

# --- Security headers and cookies (issue 15): strict outside DEBUG, so `check --deploy` with
# nothing but SECRET_KEY and ALLOWED_HOSTS set has nothing to report.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A form sent without its token: the service's own page, in words (scrutiny/csrf.py).
CSRF_FAILURE_VIEW = "scrutiny.csrf.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=1)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a proxy that ends TLS, the header it sets to say the request came over HTTPS, as
# "Header-Name: value" (default "X-Forwarded-Proto: https"; "none" when there is no proxy:
# the header must then never be trusted).
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https").strip()
if _proxy_header.lower() not in {"", "none"}:
    _name, _sep, _value = _proxy_header.partition(":")
    if not (_sep and _name.strip() and _value.strip()):
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={_proxy_header!r} is not 'Header-Name: value' "
            "(e.g. 'X-Forwarded-Proto: https'), or 'none'."
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _name.strip().upper().replace("-", "_"),
        _value.strip(),
    )

# Content-Security-Policy (django-csp) on every page: scripts and styles only from this site
# (the one inline script, GOV.UK Frontend's body class in templates/base.html, carries the
# request's nonce), no framing by any other site, forms post only here.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# --- end of security headers ----------------------------------------------------------------

# --- Logs (scrutiny/requestlog.py): one line per event with the request's id; JSON lines in
# production (LOG_FORMAT=json), readable text on a development machine (LOG_FORMAT=text).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not json or text.")
from scrutiny.requestlog import logging_config  # noqa: E402

LOGGING = logging_config(
    level=os.environ.get("LOG_LEVEL", "WARNING").upper(), json_lines=LOG_FORMAT == "json"
)
# --- end of logs ----------------------------------------------------------------------------

# --- Health (scrutiny/health.py, /health/): the workers are unwell when a task has waited
# longer than this many seconds to be taken.
HEALTH_MAX_TASK_WAIT_SECONDS = env_int("HEALTH_MAX_TASK_WAIT_SECONDS", 300, minimum=1)
# --- end of health --------------------------------------------------------------------------

# --- Background tasks (Django's tasks framework, the django-tasks backport) ----------------
# Tasks are kept in the database and run by worker processes: `manage.py db_worker`, beside
# the web server (`make run` starts one; production runs it supervised, see the README).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Committee documents (recommendations/documents/) ---------------------------------------
# Made PDFs are cached by content key in a file cache shared by the web processes and the
# task workers; larger documents are made by a background task, so no web request waits on
# WeasyPrint for long.
CACHES = globals().get("CACHES") or {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Where it is comes from CACHE_URL (scrutiny/caches.py): by default the database's cache table
# on PostgreSQL (so app servers behind a load balancer share it and keep nothing on their own
# disks) and a file cache under VAR_DIR on SQLite (one machine).
from scrutiny.caches import cache_from_url  # noqa: E402

CACHE_URL = os.environ.get("CACHE_URL", "").strip() or (
    "db://scrutiny_cache"
    if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
    else f"file://{VAR_DIR / 'cache' / 'documents'}"
)
CACHES["documents"] = cache_from_url(CACHE_URL) | {"TIMEOUT": None}
if "redis" not in CACHES["documents"]["BACKEND"]:  # Redis evicts by its own maxmemory policy
    CACHES["documents"]["OPTIONS"] = {
        "MAX_ENTRIES": env_int("DOCUMENTS_CACHE_ENTRIES", 500, minimum=10)
    }
DOCUMENTS_CACHE_SECONDS = env_int("DOCUMENTS_CACHE_DAYS", 30, minimum=1) * 24 * 3600
# A document of more recommendations than this is made in the background ...
DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = env_int("DOCUMENTS_SYNC_MAX_RECOMMENDATIONS", 30)
# ... and so is one estimated (from the recent background tasks) to take longer than this many
# seconds: the user sees a page saying it is being made rather than a blank screen.
DOCUMENTS_SYNC_MAX_SECONDS = env_int("DOCUMENTS_SYNC_MAX_SECONDS", 4, minimum=1)
# Bounded work per user (recommendations/documents/limits.py): at most this many new documents
# made for one account in an hour (a download found in the cache is not counted) ...
DOCUMENTS_RENDERS_PER_USER_PER_HOUR = env_int("DOCUMENTS_RENDERS_PER_USER_PER_HOUR", 30, minimum=1)
# ... and at most this many of theirs waiting or being made in the background at once.
DOCUMENTS_QUEUED_PER_USER = env_int("DOCUMENTS_QUEUED_PER_USER", 3, minimum=1)
# A request for a document another request is making waits this long for it, then is sent to
# the background task.
DOCUMENTS_RENDER_WAIT_SECONDS = env_int("DOCUMENTS_RENDER_WAIT_SECONDS", 10, minimum=1)
# --- end of committee documents -------------------------------------------------------------

# --- Email (scrutiny/mail.py sends; the README's "Email" says how a council chooses) --------
# EMAIL_DELIVERY chooses where messages go: "file" (the default: one file a message under
# VAR_DIR/mail, so a checkout runs with no mail server), "console", "smtp" (the council's
# relay, EMAIL_HOST and the rest) or "notify" (GOV.UK Notify, through one email template whose
# subject is ((subject)) and whose body is ((body))). Not "EMAIL": many shells already set
# that to their user's own address.
EMAIL_DELIVERIES = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "notify": "scrutiny.notify.NotifyEmailBackend",
}
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def email_settings(var_dir: Path, council_name: str) -> dict[str, object]:
    """The email settings the environment asks for, refusing an incomplete choice at start
    rather than at the first message (which a background task would send, out of sight)."""
    delivery = os.environ.get("EMAIL_DELIVERY", "file").strip().lower() or "file"
    if delivery not in EMAIL_DELIVERIES:
        raise ImproperlyConfigured(
            f"EMAIL_DELIVERY={delivery!r} is not one of {', '.join(EMAIL_DELIVERIES)}."
        )
    from_email = os.environ.get("DEFAULT_FROM_EMAIL", "").strip()
    if from_email and "@" not in parseaddr(from_email)[1]:
        raise ImproperlyConfigured(
            f"DEFAULT_FROM_EMAIL={from_email!r} is not an email address "
            '(e.g. "Scrutiny <scrutiny@council.gov.uk>").'
        )
    if delivery == "smtp" and not from_email:
        raise ImproperlyConfigured(
            "EMAIL_DELIVERY=smtp sends real email: set DEFAULT_FROM_EMAIL to the address it "
            "comes from (one the council's mail server accepts)."
        )
    values: dict[str, object] = {
        "EMAIL_BACKEND": EMAIL_DELIVERIES[delivery],
        "DEFAULT_FROM_EMAIL": from_email or formataddr((council_name, "scrutiny@localhost")),
        # Seconds before a mail server or Notify is given up on: a worker never hangs.
        "EMAIL_TIMEOUT": env_int("EMAIL_TIMEOUT", 30, minimum=1),
        "EMAIL_FILE_PATH": str(var_dir / "mail"),
    }
    if delivery == "smtp":
        use_tls = env_bool("EMAIL_USE_TLS", False)
        use_ssl = env_bool("EMAIL_USE_SSL", False)
        if use_tls and use_ssl:
            raise ImproperlyConfigured(
                "EMAIL_USE_TLS (STARTTLS, usually port 587) and EMAIL_USE_SSL (usually port "
                "465) are alternatives: set one of them."
            )
        user = os.environ.get("EMAIL_HOST_USER", "")
        password = os.environ.get("EMAIL_HOST_PASSWORD", "")
        if bool(user) != bool(password):
            raise ImproperlyConfigured(
                "EMAIL_HOST_USER and EMAIL_HOST_PASSWORD go together: set both, or neither "
                "for a relay that needs no sign-in."
            )
        values |= {
            "EMAIL_HOST": os.environ.get("EMAIL_HOST", "").strip() or "localhost",
            "EMAIL_PORT": env_int("EMAIL_PORT", 465 if use_ssl else 587 if use_tls else 25),
            "EMAIL_HOST_USER": user,
            "EMAIL_HOST_PASSWORD": password,
            "EMAIL_USE_TLS": use_tls,
            "EMAIL_USE_SSL": use_ssl,
        }
    if delivery == "notify":
        key = os.environ.get("NOTIFY_API_KEY", "").strip()
        template = os.environ.get("NOTIFY_TEMPLATE_ID", "").strip().lower()
        if not re.fullmatch(rf".+-{_UUID}-{_UUID}", key):
            raise ImproperlyConfigured(
                "EMAIL_DELIVERY=notify needs NOTIFY_API_KEY: the API key from GOV.UK Notify "
                "(API integration, Create an API key), its name followed by two long codes."
                if not key
                else "NOTIFY_API_KEY is not a GOV.UK Notify API key (its name followed by two "
                "long codes): copy the whole key."
            )
        if not re.fullmatch(_UUID, template):
            raise ImproperlyConfigured(
                "EMAIL_DELIVERY=notify needs NOTIFY_TEMPLATE_ID: the ID of the council's Notify "
                "email template whose subject is ((subject)) and whose body is ((body))."
            )
        values |= {"NOTIFY_API_KEY": key, "NOTIFY_TEMPLATE_ID": template}
    return values


globals().update(email_settings(VAR_DIR, COUNCIL_NAME))
# --- end of email ---------------------------------------------------------------------------
# --- The update round (recommendations/rounds/) ---------------------------------------------
# Emails carry links back to the product: SITE_URL is its address as owners reach it.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# The reply page needs no account, so it is rate limited: requests per link and per address
# within the window (a counter in the default cache).
REPLY_RATE_LIMIT_PER_LINK = env_int("REPLY_RATE_LIMIT_PER_LINK", 60, minimum=1)
REPLY_RATE_LIMIT_PER_ADDRESS = env_int("REPLY_RATE_LIMIT_PER_ADDRESS", 200, minimum=1)
REPLY_RATE_LIMIT_WINDOW_SECONDS = env_int("REPLY_RATE_LIMIT_WINDOW_SECONDS", 600, minimum=1)
# --- end of the update round ----------------------------------------------------------------

# Importing a council's tracker (recommendations/imports/): the largest upload, the most rows
# and the longest cell read, and the most a workbook may unpack to. An upload waits for the
# officer's confirmation in VAR_DIR/imports/ and is removed once imported (or after a day).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10_000_000, minimum=1)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000, minimum=1)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 32_767, minimum=1)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 200_000_000, minimum=1)
# A confirmed import of more rows than this is saved in the background (a django-tasks task,
# run by ``manage.py db_worker``): its page says so, refreshing until it is done.
IMPORT_SYNC_MAX_ROWS = env_int("IMPORT_SYNC_MAX_ROWS", 300, minimum=0)
# Uploads up to the import's limit stay in memory until written under VAR_DIR: nothing is
# written to the system's temporary folder.
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1_000_000
# Uploads are held in memory only (never in the system's temporary folder): a larger upload
# reaches no view at all, and the import page says it was over the limit.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]


# --- Committee calendars (reviews/calendar.py) ----------------------------------------------
# A committee's iCalendar feed is fetched with this timeout (seconds), and a feed or uploaded
# .ics file larger than this many bytes is refused.
CALENDAR_FEED_TIMEOUT = env_int("CALENDAR_FEED_TIMEOUT", 15, minimum=1)
CALENDAR_FEED_MAX_BYTES = env_int("CALENDAR_FEED_MAX_BYTES", 2_000_000, minimum=10_000)
# --- end of committee calendars -------------------------------------------------------------

# --- Single sign-on over OpenID Connect (scrutiny/sso.py; the README's "Single sign-on") -----
# Off unless OIDC_RP_CLIENT_ID is set. Then the sign-in page also offers "Sign in with <council>
# account" (Microsoft Entra ID or any OpenID provider), through mozilla-django-oidc; the local
# form stays, for the break-glass administrator. The provider's endpoints come from its
# discovery document (OIDC_DISCOVERY_URL, read on first use and kept for an hour) unless each
# is given (OIDC_OP_AUTHORIZATION_ENDPOINT, _TOKEN_, _USER_, _JWKS_, _LOGOUT_ENDPOINT and
# OIDC_OP_ISSUER). ID tokens must be signed with RS256 by a key from the provider's JWKS.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "").strip()
for _endpoint in ("AUTHORIZATION", "TOKEN", "USER", "JWKS", "LOGOUT"):
    globals()[f"OIDC_OP_{_endpoint}_ENDPOINT"] = os.environ.get(
        f"OIDC_OP_{_endpoint}_ENDPOINT", ""
    ).strip()
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "").strip()
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile email")
# The claim that names a person for good (Entra ID's object id "oid"; else "sub").
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "oid").strip() or "oid"
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups").strip() or "groups"
# The button's words: "Sign in with <OIDC_ACCOUNT_NAME> account".
OIDC_ACCOUNT_NAME = os.environ.get("OIDC_ACCOUNT_NAME", "").strip() or COUNCIL_NAME
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, minimum=1)  # seconds to wait for the provider
OIDC_LEEWAY_SECONDS = env_int("OIDC_LEEWAY_SECONDS", 60)  # clock difference allowed
OIDC_STORE_ID_TOKEN = True  # kept in the session for sign-out at the provider
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
OIDC_OP_LOGOUT_URL_METHOD = "scrutiny.sso.provider_logout_url"


def oidc_group_roles(raw: str) -> dict[str, list[str]]:
    """OIDC_GROUP_ROLES: a JSON object from a group's id (or name, as the provider sends it) to
    a role of scrutiny/roles.py, or a list of them; refused at start if it cannot be read."""
    from scrutiny import roles

    if not raw.strip():
        return {}
    try:
        mapping = json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"OIDC_GROUP_ROLES is not JSON: {error}.") from None
    if not isinstance(mapping, dict):
        raise ImproperlyConfigured('OIDC_GROUP_ROLES must be a JSON object: {"group": "role"}.')
    result = {}
    for group, wanted in mapping.items():
        names = [wanted] if isinstance(wanted, str) else wanted
        if not isinstance(names, list) or not all(n in roles.ALL_ROLES for n in names):
            raise ImproperlyConfigured(
                f"OIDC_GROUP_ROLES maps {group!r} to {wanted!r}: each role must be one of "
                f"{', '.join(roles.ALL_ROLES)}."
            )
        result[str(group)] = list(names)
    return result


OIDC_GROUP_ROLES = oidc_group_roles(os.environ.get("OIDC_GROUP_ROLES", ""))


def oidc_check(values: dict) -> None:
    """With SSO on, refuse at start a configuration that could sign nobody in."""
    if not values["OIDC_RP_CLIENT_ID"]:
        return
    needed = ["OIDC_RP_CLIENT_SECRET"]
    if not values["OIDC_DISCOVERY_URL"]:
        needed += [f"OIDC_OP_{e}_ENDPOINT" for e in ("AUTHORIZATION", "TOKEN", "JWKS")]
        needed += ["OIDC_OP_ISSUER"]
    missing = [name for name in needed if not values[name]]
    if missing:
        raise ImproperlyConfigured(
            f"OIDC_RP_CLIENT_ID is set (single sign-on on) but {', '.join(missing)} is not "
            "(OIDC_DISCOVERY_URL gives the provider's endpoints and issuer)."
        )
    if not values["OIDC_GROUP_ROLES"]:
        raise ImproperlyConfigured(
            "Single sign-on is on but OIDC_GROUP_ROLES maps no group to a role: nobody could "
            "sign in with it."
        )


oidc_check(globals())
# Inert while SSO is off: it answers only the provider's callback.
AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "scrutiny.sso.SSOBackend"]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("scrutiny.sso.context")
# --- end of single sign-on ------------------------------------------------------------------

# --- Local sign-in (scrutiny/signin/; the README's "Signing in") ----------------------------
# Lock-out after repeated failures (django-axes), sign-ins logged, the password policy, reset
# by email, the idle timeout, no-store, and a second factor (TOTP, django-otp) for
# administrators.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp", "scrutiny.signin"]
# After the account and the messages are read (the idle timeout leaves a message).
_AFTER = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1
MIDDLEWARE[_AFTER:_AFTER] = [
    "django_otp.middleware.OTPMiddleware",
    "scrutiny.signin.middleware.IdleTimeoutMiddleware",
    "scrutiny.signin.middleware.SecondFactorMiddleware",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "scrutiny.signin.middleware.NoStoreMiddleware",
)
# An account in no role sees nothing of the register: refused before it is asked for a second
# factor (the Django admin asks anyone), a signed-out visitor is still sent to sign in.
MIDDLEWARE.insert(
    MIDDLEWARE.index("scrutiny.signin.middleware.SecondFactorMiddleware"),
    "scrutiny.signin.middleware.RoleRequiredMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # django-axes asks to be last
# django-axes's backend first: it refuses a locked account or address before any password is
# checked.
AUTHENTICATION_BACKENDS.insert(0, "axes.backends.AxesStandaloneBackend")

# An account, or a client address, is locked after AXES_FAILURE_LIMIT wrong passwords within
# AXES_COOLOFF_MINUTES, for that many minutes; an administrator unlocks it sooner (the admin's
# Access attempts, or `manage.py axes_reset_username NAME`).
# Behind a proxy every request comes from the proxy's address: TRUSTED_PROXY_COUNT says how
# many proxies (nginx, a load balancer) stand in front, each appending to X-Forwarded-For, and
# the client's address is then read from that header (scrutiny/requestlog.py client_address,
# for the lock-out, the logs and the reply links' rate limit alike). 0, the default: the
# header is ignored, since any client can send it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "scrutiny.requestlog.request_client_address"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# A try while locked does not start the wait again, so the page's "N minutes" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "scrutiny.signin.views.lockout_response"
AXES_USERNAME_CALLABLE = "scrutiny.signin.views.axes_username"
AXES_VERBOSE = False
# Whom the lock-out and sign-in pages tell people to contact.
SIGNIN_HELP_CONTACT = os.environ.get("SIGNIN_HELP_CONTACT", "").strip() or (
    "democracy services (the scrutiny team)"
)

PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 12, minimum=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 2, minimum=1) * 3600

# A session unused for SESSION_IDLE_MINUTES is signed out (the sign-in page says why); the
# last activity is written to the session at most once a minute. The cookie ends with the
# browser.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_IDLE_STAMP_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Administrators (superusers and the Administrators role), and anyone in the Django admin,
# give a code from an authenticator app after their password. A sign-in backend listed here
# (a provider that asks for its own second factor) is not asked again.
OTP_TOTP_ISSUER = COUNCIL_NAME + " scrutiny tracker"
# The admin never shows an authenticator app's secret or QR code (it lists the apps and
# removes a lost one, as an account event: scrutiny/accounts/admin.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SIGNIN_SECOND_FACTOR_EXEMPT_BACKENDS: list[str] = []
LOGGING["loggers"] = {
    **LOGGING.get("loggers", {}),
    "scrutiny.signin": {"handlers": ["console"], "level": "INFO", "propagate": False},
}
# --- end of local sign-in ---------------------------------------------------------------------
# --- The audit trail (scrutiny/hashchain.py, scrutiny/accounts/) ----------------------------
# Every password change (by its holder, an administrator, a reset link or a command) is
# recorded as an account event by this validator's password_changed hook; it validates nothing.
AUTH_PASSWORD_VALIDATORS = [
    *AUTH_PASSWORD_VALIDATORS,
    {"NAME": "scrutiny.accounts.validators.PasswordChangeAudit"},
]
# --- end of the audit trail -----------------------------------------------------------------
