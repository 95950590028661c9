"""Settings for the scrutiny recommendations tracker.

Everything that differs between a laptop and production comes from the environment, read
through the helpers below, which refuse a value they cannot understand instead of guessing.
With no environment at all the product runs on an SQLite file in ``var/`` with DEBUG on.

Every file the app writes is under one folder, ``VAR_DIR`` (default ``var/`` in the checkout):
the embedded SQLite database, the documents cache, the collected static files and, until a
mail server is configured, the emails (``var/mail/``). A server says which folder it is, and
where its email goes, at start-up (``scrutiny/wsgi.py``).
"""

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


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. A production run (DEBUG=false) refuses to start without "
            "one: set SECRET_KEY to a long random value."
        )
    SECRET_KEY = "django-insecure-development-only-key-not-for-production-use-0123456789"

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
    "scrutiny.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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

VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var").resolve()
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the default SQLite file lives here
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'scrutiny.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0),
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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

# Security: strict by default outside DEBUG, so `check --deploy` has nothing to report.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

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
CACHES["documents"] = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": str(VAR_DIR / "cache" / "documents"),
    "TIMEOUT": None,
    "OPTIONS": {"MAX_ENTRIES": env_int("DOCUMENTS_CACHE_ENTRIES", 500, minimum=10)},
}
DOCUMENTS_CACHE_SECONDS = env_int("DOCUMENTS_CACHE_DAYS", 30, minimum=1) * 24 * 3600
# A document of more recommendations than this is made in the background ...
DOCUMENTS_SYNC_MAX_RECOMMENDATIONS = env_int("DOCUMENTS_SYNC_MAX_RECOMMENDATIONS", 30)
# ... and so is one estimated (from the recent background tasks) to take longer than this many
# seconds: the user sees a page saying it is being made rather than a blank screen.
DOCUMENTS_SYNC_MAX_SECONDS = env_int("DOCUMENTS_SYNC_MAX_SECONDS", 4, minimum=1)
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

# --- The audit trail (scrutiny/hashchain.py, scrutiny/accounts/) ----------------------------
# Every password change (by its holder, an administrator, a reset link or a command) is
# recorded as an account event by this validator's password_changed hook; it validates nothing.
AUTH_PASSWORD_VALIDATORS = [
    *AUTH_PASSWORD_VALIDATORS,
    {"NAME": "scrutiny.accounts.validators.PasswordChangeAudit"},
]
# --- end of the audit trail -----------------------------------------------------------------
