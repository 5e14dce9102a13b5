"""Hibi's one settings file: every knob comes from the environment.

Each value is read through a small helper that refuses a malformed value at
start-up, so a typo in `.env` stops the container with a clear message instead
of running with a surprising default. `.env.example` lists every variable.
"""

import contextlib
import os
import secrets
import sys
import time
import zoneinfo
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no.")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {allowed}.")
    return value


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None


def env_moment(name: str) -> datetime | None:
    """An ISO 8601 moment with its UTC offset (2026-11-23T05:00+09:00), or None if unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a moment with its offset, such as 2026-11-23T05:00+09:00."
        )
    return moment


def env_time_zone(name: str, default: str) -> str:
    value = os.environ.get(name, default)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a time zone name such as Asia/Tokyo."
        ) from None
    return value


def env_country(name: str, default: str) -> str:
    # The package's table of codes, read as text: importing any part of the
    # holidays package costs every process ~20 MB (see schedule/holiday_table.py).
    from schedule.common.holiday_table import country_codes

    value = os.environ.get(name, default).upper()
    if value not in country_codes():
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a country code the holidays package knows (e.g. JP)."
        )
    return value


def read_secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if key_file := os.environ.get("SECRET_KEY_FILE"):
        try:
            key = Path(key_file).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"SECRET_KEY_FILE={key_file!r}: {exc}") from None
        if not key:
            raise ImproperlyConfigured(f"SECRET_KEY_FILE={key_file!r} is empty.")
        return key
    # The key the Docker entrypoint generated on the first start, so that
    # `docker compose exec hibi python manage.py ...` finds it too.
    generated = Path(env_str("DATA_DIR", str(BASE_DIR / "data"))) / "secret_key"
    with contextlib.suppress(OSError):
        if key := generated.read_text().strip():
            return key
    if DEBUG or "pytest" in sys.modules:
        # Development and tests: a throwaway key; sessions end with the process.
        return "dev-only-" + secrets.token_urlsafe(32)
    raise ImproperlyConfigured(
        "Set SECRET_KEY or SECRET_KEY_FILE (the Docker entrypoint writes one to /data)."
    )


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = read_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data"))).resolve()
HOLIDAY_COUNTRY = env_country("HOLIDAY_COUNTRY", "JP")
# `manage.py backup` writes here and keeps the newest BACKUP_KEEP copies.
BACKUP_DIR = Path(env_str("BACKUP_DIR", "") or DATA_DIR / "backups").resolve()
BACKUP_KEEP = env_int("BACKUP_KEEP", 14, minimum=1)
# A read-only DATA_DIR shows up as a clear database error on first use.
with contextlib.suppress(OSError):
    DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    # django.contrib.admin, with Hibi's site (titles, today's summary) as admin.site.
    "schedule.site.sites.HibiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    # django-axes (the sign-in throttle), with its pages named in the parent's language.
    "schedule.site.sites.HibiAxesConfig",
    "django_tasks_db",
    "schedule",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise, looking a static file up when it is first asked for.
    "schedule.site.middleware.StaticFilesOnFirstUse",
    # Refuses writes into a SQLite file deleted or replaced under the server.
    "schedule.site.middleware.WriteGuardMiddleware",
    # A wall's unchanged poll (204) goes no further: what follows is not for it.
    "schedule.wall.middleware.UnchangedPollMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a locked-out login never reaches the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default: one file under DATA_DIR. IMMEDIATE transactions take the
# write lock up front, so two writers wait for each other (up to the timeout)
# instead of failing half-way with "database is locked"; WAL lets the wall's
# reads go on while the admin writes.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "db.sqlite3",
        # Keep each thread's connection: opening SQLite and running the PRAGMAs
        # cost more than the one query of a wall poll.
        "CONN_MAX_AGE": env_int("SQLITE_CONN_MAX_AGE", 600, minimum=0),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            # How long a write waits for another writer: a few seconds, then a
            # clear 503 the wall rides out, instead of a request hanging for long.
            "timeout": env_int(
                "DB_WRITE_TIMEOUT", env_int("SQLITE_TIMEOUT", 5, minimum=1), minimum=1
            ),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Prepared statements kept per connection (Python's default is 128).
            # A statement with a long IN list can hold a megabyte; the wall's
            # own queries are some 25, so 32 keeps them all and bounds the rest.
            "cached_statements": 32,
        },
    }
}
if database_url := os.environ.get("DATABASE_URL"):
    import dj_database_url

    try:
        _postgres: dict[str, Any] = dict(dj_database_url.parse(database_url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    _postgres["CONN_HEALTH_CHECKS"] = True
    # A server that is down or a lock that is held: give up in seconds, as on SQLite.
    _options: dict[str, Any] = _postgres.setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5, minimum=1))
    if "lock_timeout" not in _options.get("options", ""):
        _wait = env_int("DB_WRITE_TIMEOUT", 5, minimum=1)
        _options["options"] = f"{_options.get('options', '')} -c lock_timeout={_wait}s".strip()
    DATABASES["default"] = _postgres


AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: after AXES_FAILURE_LIMIT wrong passwords for one user from
# one address, that pair is refused until the cool-off has passed.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page, in the parent's language.
AXES_LOCKOUT_CALLABLE = "schedule.site.sites.locked_out"
# Whose address is counted. Without a proxy it is the connection's own
# (REMOTE_ADDR); X-Forwarded-For is then ignored, since anyone can write it.
# Behind PROXY_COUNT proxies, each appends the address it was reached from to
# X-Forwarded-For, so the client is the PROXY_COUNT-th entry from the right:
# whatever a client writes there itself stays on the left and is never read.
# django-ipware (which axes asks) counts only the proxies named *in* the header,
# not the last one, which is REMOTE_ADDR: hence PROXY_COUNT - 1. Not strict, so
# that a forged left part does not make ipware drop the header and count the
# proxy instead (which would lock every parent out again). A request without
# the header (a parent on the LAN reaching port 8000 directly) is counted by
# its own address.
PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_META_PRECEDENCE_ORDER: tuple[str, ...]
AXES_IPWARE_PROXY_COUNT: int | None
if PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None

LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "ja", {"ja", "en"})
LANGUAGES = [("ja", "日本語"), ("en", "English")]
# Hibi's own words first; then Japanese for what Django and django-axes show in
# the admin but have not translated yet (kept complete by tests/test_translations.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "overrides"]
TIME_ZONE = env_time_zone("TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or "pytest" in sys.modules
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# /healthz fails when DATA_DIR has less free space than this (megabytes).
HEALTH_MIN_FREE_MB = env_int("HEALTH_MIN_FREE_MB", 50, minimum=0)

# The wall: how often it asks for changes and when it reloads itself.
WALL_POLL_SECONDS = env_int("WALL_POLL_SECONDS", 30, minimum=2)
WALL_RELOAD_HOUR = env_int("WALL_RELOAD_HOUR", 3, minimum=0)
# What each server process may keep of rendered, compressed panels, in KB: a
# changed wall is rendered once and sent to every tablet that asks that minute.
WALL_PANEL_CACHE_KB = env_int("WALL_PANEL_CACHE_KB", 1024, minimum=0)

# A household clock that starts at a chosen moment and may run fast, for the
# old engines' soak and the tablet's path through real minutes and midnights
# (tests/oldengine/, make soak): the server and the wall's script run at the
# same rate. HIBI_CLOCK_START is an ISO moment with its offset; HIBI_CLOCK_EPOCH
# the real instant (Unix seconds) at which the clock shows it, so that every
# process of a test server agrees (default: when the process read its settings).
# Honoured only with DEBUG or HIBI_TEST_CLOCK=1, so a stray variable never moves a
# family's wall; a system check (hibi.W001) and a log line say when it is on.
TEST_CLOCK_ALLOWED = DEBUG or env_bool("HIBI_TEST_CLOCK", False)
TEST_CLOCK_START = env_moment("HIBI_CLOCK_START")
TEST_CLOCK_EPOCH = env_float("HIBI_CLOCK_EPOCH", time.time())
TEST_CLOCK_RATE = env_int("HIBI_CLOCK_RATE", 1, minimum=1)

# The background worker (`manage.py hibi_worker`): Django's tasks framework
# with the tasks kept in the family's own database, so nothing else runs.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# How often the worker's loop looks at the clock, in seconds; the minute's
# nudges and webhooks are queued once per minute whatever this is.
WORKER_TICK_SECONDS = env_int("WORKER_TICK_SECONDS", 10, minimum=1)
# The worker's container health check fails when its last run is older than this.
WORKER_STALE_MINUTES = env_int("WORKER_STALE_MINUTES", 5, minimum=2)

# Calendars in: how often each subscription is fetched, how long fetching and
# reading one may take in all, how big a calendar may be, how many events
# (repeats counted one by one) it may put in the days kept, and how many days
# ahead the wall keeps. A calendar over a limit keeps its last good events.
CALENDAR_SYNC_MINUTES = env_int("CALENDAR_SYNC_MINUTES", 15, minimum=1)
CALENDAR_TIMEOUT_SECONDS = env_int("CALENDAR_TIMEOUT_SECONDS", 10, minimum=1)
CALENDAR_MAX_MB = env_int("CALENDAR_MAX_MB", 5, minimum=1)
CALENDAR_MAX_EVENTS = env_int("CALENDAR_MAX_EVENTS", 3000, minimum=10)
CALENDAR_DAYS_AHEAD = env_int("CALENDAR_DAYS_AHEAD", 14, minimum=1)
# The weather (schedule/weather/): how often the worker looks (warnings each
# time, the forecast when JMA has published a new one or it is this many hours
# old), how long both documents may take in all and how big each may be.
WEATHER_SYNC_MINUTES = env_int("WEATHER_SYNC_MINUTES", 20, minimum=5)
WEATHER_FORECAST_HOURS = env_int("WEATHER_FORECAST_HOURS", 6, minimum=1)
WEATHER_TIMEOUT_SECONDS = env_int("WEATHER_TIMEOUT_SECONDS", 10, minimum=1)
WEATHER_MAX_KB = env_int("WEATHER_MAX_KB", 512, minimum=16)
# Calendars out: how many days ahead a feed lists chores, overrides and notes.
FEED_DAYS_AHEAD = env_int("FEED_DAYS_AHEAD", 400, minimum=7)
# Nudges and webhooks: seconds a call may take, and how often a failed one is tried.
NUDGE_TIMEOUT_SECONDS = env_int("NUDGE_TIMEOUT_SECONDS", 10, minimum=1)
NUDGE_ATTEMPTS = env_int("NUDGE_ATTEMPTS", 5, minimum=1)
# Seconds before the second try; each further try waits twice as long (at most an hour).
NUDGE_RETRY_SECONDS = env_int("NUDGE_RETRY_SECONDS", 60, minimum=1)

# Behind a reverse proxy that terminates HTTPS.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
# The container's health check asks over plain HTTP from inside; a redirect
# to HTTPS would read as "unhealthy".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
# Browsers take the last value they know: Chromium before 61 (the Fire tablets'
# WebView) does not know same-origin and would log an error and send full URLs,
# secret display token included; "origin" before it sends no path either.
SECURE_REFERRER_POLICY = ["origin", "same-origin"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Fields one form may post. A plan at its caps (schedule/common/validation.py: 100 blocks of
# about ten fields plus one per member ticked, 100 date overrides of five) posts
# some 2,000 to 3,500; Django's default of 1,000 refused a full plan well below
# its cap with a bare "Bad Request". Parsing 4,000 fields takes milliseconds.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 4000

# No inline script without a nonce; htmx 1.9 needs no eval.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
