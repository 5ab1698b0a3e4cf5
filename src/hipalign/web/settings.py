"""Django settings for hipalign.

Two modes, chosen by HIPALIGN_ENV:
- "local" (default): one person on a laptop. Embedded SQLite in the data folder, a secret key
  generated once and kept in that folder (mode 0600), plain-HTTP cookies on localhost.
- "production": a clinic behind TLS. Refuses to start without a strong SECRET_KEY from the
  environment and explicit ALLOWED_HOSTS; secure, __Host- cookies and HSTS. RELIABILITY.md 2.
"""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

ENV = os.environ.get("HIPALIGN_ENV", "local")
if ENV not in {"local", "production", "test"}:
    raise ImproperlyConfigured(f"HIPALIGN_ENV must be local, production or test (got {ENV!r})")
PRODUCTION = ENV == "production"
DATA_DIR = Path(os.environ.get("HIPALIGN_DATA", Path.cwd() / "data")).resolve()

MIN_SECRET_LENGTH = 50  # Django's own check --deploy threshold


def _secret_key() -> str:
    key = os.environ.get("HIPALIGN_SECRET_KEY", "")
    if PRODUCTION:
        if len(key) < MIN_SECRET_LENGTH or key.startswith("django-insecure") or len(set(key)) < 5:
            raise ImproperlyConfigured(
                "HIPALIGN_SECRET_KEY: production needs a random key of at least "
                f"{MIN_SECRET_LENGTH} characters that does not start with 'django-insecure'; "
                "make one with: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
            )
        return key
    if key:
        return key
    # Local mode: a per-install key, created on first start and never shared between installs.
    DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_key() -> bytes:
    """The HMAC key of the audit chain (services.audit), never stored in the database: whoever
    can write the database cannot then recompute the chain. HIPALIGN_AUDIT_KEY (at least 32
    characters; every server of one install shares it), else a per-install file in the data
    folder (mode 0600), made on first start."""
    key = os.environ.get("HIPALIGN_AUDIT_KEY", "")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured(
                "HIPALIGN_AUDIT_KEY: needs at least 32 random characters; make one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return key.encode()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "audit_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made by an earlier start, or by a server starting beside this one
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


AUDIT_KEY = _audit_key()


def _totp_keys() -> list[str]:
    """Fernet keys for the TOTP seeds at rest (issue 12 item 7), newest first: the first
    encrypts, every one decrypts. Kept apart from the database, so a copy of it holds no seed:
    HIPALIGN_TOTP_KEYS (comma separated) or the data folder's `totp_keys` file (one a line,
    made 0600 on first start). Rotate: put a new key first, run `hipalign totp-rekey`, then
    drop the old one."""
    env = os.environ.get("HIPALIGN_TOTP_KEYS", "")
    if env:
        return [k.strip() for k in env.split(",") if k.strip()]
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "totp_keys"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made by an earlier start, or by a server starting beside this one
    else:
        import base64

        with os.fdopen(fd, "w") as fh:  # a Fernet key: 32 random bytes, url-safe base64
            fh.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    return [k.strip() for k in path.read_text().splitlines() if k.strip()]


TOTP_KEYS = _totp_keys()


def _vapid_key() -> str:
    """The Web Push (VAPID, RFC 8292) signing key, a P-256 private key as base64url of its 32
    raw bytes (issue 18): HIPALIGN_VAPID_PRIVATE_KEY, or the data folder's `vapid_key` file,
    made 0600 on first start. Browsers tie each push subscription to its public half, so a new
    key means every device turns push on again: back it up with the data folder."""
    env = os.environ.get("HIPALIGN_VAPID_PRIVATE_KEY", "").strip()
    if env:
        return env
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "vapid_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made by an earlier start, or by a server starting beside this one
    else:
        import base64

        from cryptography.hazmat.primitives.asymmetric import ec

        number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
        raw = number.to_bytes(32, "big")
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.urlsafe_b64encode(raw).decode().rstrip("=") + "\n")
    return path.read_text().strip()


VAPID_PRIVATE_KEY = _vapid_key()
# The contact the push services see in each signed request (a mailto: or https: URL).
VAPID_SUBJECT = os.environ.get("HIPALIGN_VAPID_SUBJECT", "mailto:operator@localhost")
# The address people reach the app at, for links in emails sent by the worker (no request there
# to take a host from), e.g. https://hip.example.org; without it email reminders carry no links.
PUBLIC_URL = os.environ.get("HIPALIGN_PUBLIC_URL", "").strip().rstrip("/")

# Email (issue 18): off unless HIPALIGN_SMTP_HOST is set; then Django's SMTP backend as the
# default mailer (Django 6.1 MAILERS). Off, the app sends no email at all.
_SMTP_HOST = os.environ.get("HIPALIGN_SMTP_HOST", "").strip()
_SMTP_TLS = os.environ.get("HIPALIGN_SMTP_TLS", "starttls").strip().lower()
if _SMTP_TLS not in {"starttls", "ssl", "none"}:
    raise ImproperlyConfigured(f"HIPALIGN_SMTP_TLS: use starttls, ssl or none (got {_SMTP_TLS!r})")
EMAIL_ENABLED = bool(_SMTP_HOST)
MAILERS: dict[str, dict[str, object]] = (
    {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _SMTP_HOST,
                "port": int(os.environ.get("HIPALIGN_SMTP_PORT", "587")),
                "username": os.environ.get("HIPALIGN_SMTP_USER", ""),
                "password": os.environ.get("HIPALIGN_SMTP_PASSWORD", ""),
                "use_tls": _SMTP_TLS == "starttls",
                "use_ssl": _SMTP_TLS == "ssl",
                "timeout": 20,
            },
        }
    }
    if EMAIL_ENABLED
    # Off: a mailer that refuses every message (web/mail_off.py); the app hands it nothing, since
    # EMAIL_ENABLED gates every send, and Django's checks want a default mailer to exist.
    else {"default": {"BACKEND": "hipalign.web.mail_off.EmailBackend"}}
)
DEFAULT_FROM_EMAIL = os.environ.get("HIPALIGN_EMAIL_FROM", "hipalign <hipalign@localhost>")
DEBUG = False
if PRODUCTION:
    ALLOWED_HOSTS = [h for h in os.environ.get("HIPALIGN_ALLOWED_HOSTS", "").split(",") if h]
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "HIPALIGN_ALLOWED_HOSTS: production needs the host names it serves, comma separated"
        )
else:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"] + [
        h for h in os.environ.get("HIPALIGN_ALLOWED_HOSTS", "").split(",") if h
    ]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks_db",
    "hipalign.adapters.db",
    "hipalign.web",
]

MIDDLEWARE = [
    "hipalign.web.request_log.RequestLogMiddleware",  # first: times and sees every answer
    "hipalign.web.middleware.ProbeMiddleware",  # probes answer by address (no Host check)
    "django.middleware.security.SecurityMiddleware",
    "hipalign.web.middleware.PermissionsPolicyMiddleware",  # above WhiteNoise: static files too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hipalign.web.middleware.ProfileReadOnceMiddleware",  # the profile row once per request
    # Above the refusals (404s, rate limits) so they too read in the person's language.
    "hipalign.web.middleware.PersonLanguageMiddleware",
    "hipalign.web.denials.DeniedAccessAuditMiddleware",  # sees every 403/404 below it
    "hipalign.web.edge.NotFoundAs404Middleware",  # a page's NotFound/Forbidden -> 404, once
    "hipalign.web.throttle.RateLimitMiddleware",
    "hipalign.web.middleware.AbsoluteSessionLimitMiddleware",
    "hipalign.web.middleware.PersonTimeZoneMiddleware",
    "hipalign.web.middleware.MfaRequiredMiddleware",
    "hipalign.web.middleware.BrowserSessionMiddleware",
    "hipalign.web.middleware.JsonLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "hipalign.web.middleware.NoStoreMiddleware",
    # Last, so a locked-out login is answered before any view runs (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hipalign.web.urls"
WSGI_APPLICATION = "hipalign.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "hipalign.web.context.role",
                "hipalign.web.context.unread",
            ],
        },
    },
]


# PostgreSQL (a clinic): persistent connections, checked before reuse so a restarted server
# costs one failed check, not a failed request. 5 minutes keeps a waitress thread's connection
# warm between requests without holding idle sessions forever.
PG_CONN_MAX_AGE_S = 300
PG_CONNECT_TIMEOUT_S = 5  # an unreachable server answers 503 within this, not after minutes
PG_SCHEMES = ("postgres", "postgresql", "pgsql")


def _postgres(url: str) -> dict[str, object]:
    import dj_database_url

    scheme = url.partition("://")[0]
    # Messages name the variable and the scheme, never the URL: it carries the password.
    if scheme not in PG_SCHEMES:
        raise ImproperlyConfigured(
            f"HIPALIGN_DATABASE_URL: scheme {scheme!r} is not supported; use "
            "postgresql://USER:PASSWORD@HOST:PORT/NAME (PostgreSQL 15), or leave it unset for "
            "the embedded SQLite"
        )
    try:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=PG_CONN_MAX_AGE_S, conn_health_checks=True)
        )
    except Exception:
        raise ImproperlyConfigured(
            "HIPALIGN_DATABASE_URL: not a valid postgresql://USER:PASSWORD@HOST:PORT/NAME URL"
        ) from None
    if not config.get("NAME"):
        raise ImproperlyConfigured("HIPALIGN_DATABASE_URL: the database name is missing")
    # Django picks psycopg 3 when it is installed (it is a dependency).
    options: dict[str, Any] = dict(config.get("OPTIONS") or {})
    options.setdefault("connect_timeout", PG_CONNECT_TIMEOUT_S)
    options.setdefault("application_name", "hipalign")
    config["OPTIONS"] = options
    return config


def _database() -> dict[str, object]:
    if os.environ.get("HIPALIGN_DATABASE"):
        raise ImproperlyConfigured(
            "HIPALIGN_DATABASE is not read: set HIPALIGN_DATABASE_URL to a postgresql:// URL, "
            "or leave both unset for the embedded SQLite"
        )
    url = os.environ.get("HIPALIGN_DATABASE_URL", "").strip()
    if url:
        return _postgres(url)
    DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "hipalign.sqlite3",
        # IMMEDIATE: a read-then-write transaction takes the write lock at BEGIN, so concurrent
        # writers wait instead of failing "database is locked" (RELIABILITY.md 3, measured
        # 0 vs 1,495 of 1,600 failures). WAL + FULL: commits survive kill -9 and power loss.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        },
        "TEST": {"NAME": os.environ.get("HIPALIGN_TEST_DB") or None},
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Outcome measures an operator installs (`<id>.toml`, the shipped files' format) beside the
# shipped ones; the pages and API render and score them with no code change (issue 15).
HIPALIGN_MEASURES_DIR = DATA_DIR / "measures"

# Argon2id first; older hashes are upgraded at the next login (RELIABILITY.md 2, ASVS 11.4.2).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENV == "test":
    # Tests create many accounts; hashing speed is not what they check (B1 is in its own test).
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        *PASSWORD_HASHERS,
    ]
# ASVS 6.2: at least 8 characters, no composition rules, common passwords refused.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Offline strength estimate (zxcvbn): repeats, sequences, breached and app-named passwords.
    {"NAME": "hipalign.web.passwords.StrengthValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed log-ins (web/lockout.py): 10 for one account from one address lock it for that address,
# 50 from all addresses together lock it everywhere, each for 30 minutes; `hipalign unlock` lifts it.
AXES_FAILURE_LIMIT = 10
ACCOUNT_FAILURE_LIMIT = 50
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "hipalign.web.lockout.AccountAndAddressHandler"
AXES_USERNAME_CALLABLE = "hipalign.web.lockout.login_username"
AXES_CLIENT_IP_CALLABLE = "hipalign.web.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "hipalign.web.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True  # resets this address's count only; other addresses' stay
AXES_VERBOSE = False
# Proxies in front of the app that append to X-Forwarded-For (a TLS proxy: 1). 0 trusts none and
# uses the connection's address, which behind a proxy is the proxy's for everyone.
TRUSTED_PROXIES = int(os.environ.get("HIPALIGN_TRUSTED_PROXIES", "0"))


def _trusted_proxy(raw: str) -> str:
    """The address of the TLS proxy in front of `hipalign serve` (issue 19). waitress drops
    X-Forwarded-* from any other peer (clear_untrusted_proxy_headers), so without it Django
    never learns a request came over HTTPS: the HTTPS redirect loops and HSTS never appears."""
    import ipaddress

    raw = raw.strip()
    if not raw:
        return ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise ImproperlyConfigured(
            f"HIPALIGN_TRUSTED_PROXY: {raw!r} is not an IP address; give the address the "
            "proxy connects from (127.0.0.1 when it runs on this machine)"
        ) from None


TRUSTED_PROXY = _trusted_proxy(os.environ.get("HIPALIGN_TRUSTED_PROXY", ""))

# Rate limits (web/throttle.py): requests per window and key, django-ratelimit's "N/period"
# ("10/h", "60/10m"). The counters live in the database (web/ratecache.py), so they hold across
# threads and processes. HIPALIGN_RATE_LIMITS="signup=50/h,login_ip=300/10m" changes some (a
# clinic where everyone shares one address); an empty rate ("export=") turns that limit off.
RATE_LIMITS = {
    "signup": "10/h",  # new accounts per client address
    "login_ip": "60/10m",  # log-in attempts per client address (a clinic's shared address)
    # Log-in attempts per account from anywhere. Above ACCOUNT_FAILURE_LIMIT in its cool-off on
    # purpose: a lower one would let anyone keep the owner out with a few requests (issue 12 item
    # 12); the lock stops guessing first, this caps what one account's name can draw.
    "login_account": "100/30m",
    "care_code": "10/15m",  # care codes entered per account
    "care_code_ip": "30/h",  # care codes entered per client address
    "password_reset": "30/h",  # reset-link page views and uses per client address
    "forgot_ip": "10/h",  # "Forgot password" requests per client address (issue 18)
    "forgot_email": "3/h",  # ... per email address asked for, whoever asks
    "email_add": "5/h",  # verification emails asked per account
    "email_verify": "30/h",  # verification-link views and uses per client address
    "import": "5/h",  # account imports per account
    "export": "30/h",  # exports and downloads per account (PDF, calendar, FHIR, JSON)
    "api": "300/m",  # API requests per token (or signed-in account, or address)
    "api_ip": "600/m",  # API requests per client address, tokens or not
    # Messages sent per sender, pages and API together (issue 18): a busy exchange is a few a
    # minute; a script flooding a clinician is not.
    "message": "30/10m",
}


def _rate_limits(text: str) -> dict[str, str]:
    limits = dict(RATE_LIMITS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, rate = part.partition("=")
        if not sep or name not in RATE_LIMITS or not re.fullmatch(r"(\d+/\d*[smhd])?", rate):
            raise ImproperlyConfigured(
                f"HIPALIGN_RATE_LIMITS: {part!r} is not NAME=COUNT/PERIOD (PERIOD s, m, h or d, "
                f"optionally after a number: 10m; empty turns it off); names: {', '.join(RATE_LIMITS)}"
            )
        limits[name] = rate
    return limits


RATE_LIMITS = _rate_limits(os.environ.get("HIPALIGN_RATE_LIMITS", ""))
RATELIMIT_USE_CACHE = "ratelimit"
RATELIMIT_IP_META_KEY = "hipalign.web.lockout.client_ip"
CACHES = {
    # In the database every process shares (issue 19: many `hipalign serve` processes and
    # workers): the export leases (web/views_exports.py) hold across processes too.
    "default": {
        "BACKEND": "hipalign.web.ratecache.AtomicDatabaseCache",
        "LOCATION": "hipalign_cache",
    },
    "ratelimit": {
        "BACKEND": "hipalign.web.ratecache.AtomicDatabaseCache",
        "LOCATION": "hipalign_ratelimit",
        # Culling would drop live counters; expired ones go on their own (window + 5 s).
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# ASVS 4.0.3 L2: 30 minutes idle (the expiry moves with activity: middleware.TOUCH_EVERY_S),
# 12 hours absolute.
SESSION_COOKIE_AGE = 30 * 60
SESSION_ABSOLUTE_S = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = os.environ.get("HIPALIGN_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Monitors on the machine itself probe over plain HTTP; a redirect would read as "down".
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    CSRF_TRUSTED_ORIGINS = [f"https://{h}" for h in ALLOWED_HOSTS]

# Everything is served by the app itself: no other host is ever allowed (issue 3, principle 6).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000  # form and JSON bodies; files stream to disk
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
# "inline": a posture upload is analysed within its request (one person on a laptop);
# "worker": it waits for `hipalign worker` (a clinic).
# Background work (issue 19) goes through Django's Tasks framework (services/kernel/jobs.py).
# HIPALIGN_JOBS=inline (the default: one process) runs a job in the request that made it;
# HIPALIGN_JOBS=worker queues it in the database for `hipalign worker` (django-tasks-db).
# HIPALIGN_POSTURE_JOBS is its older name. HIPALIGN_TASKS_BACKEND names another backend
# (a broker-based one, README "Background work"); its own worker then runs the jobs.
JOBS = os.environ.get("HIPALIGN_JOBS") or os.environ.get("HIPALIGN_POSTURE_JOBS") or "inline"
TASK_BACKENDS = {
    "inline": "django.tasks.backends.immediate.ImmediateBackend",
    "worker": "django_tasks_db.DatabaseBackend",
}
if JOBS not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"HIPALIGN_JOBS: {JOBS!r} is not one of inline, worker")
TASKS = {"default": {"BACKEND": os.environ.get("HIPALIGN_TASKS_BACKEND") or TASK_BACKENDS[JOBS]}}


def _seconds(name: str, default: str) -> list[float]:
    text = os.environ.get(name, default)
    try:
        values = [float(v) for v in text.split(",")]
    except ValueError:
        raise ImproperlyConfigured(f"{name}: {text!r} is not seconds (comma-separated)") from None
    if not values or any(v < 0 for v in values):
        raise ImproperlyConfigured(f"{name}: {text!r}: seconds of zero or more are needed")
    return values


# A job is started at most this often in all (an exception or a crashed worker each count);
# the waits before the 2nd, 3rd, ... try; a worker writes its heartbeat this often, and one
# silent for WORKER_DEAD_S is taken for dead (its running job is tried again).
JOB_MAX_TRIES = int(os.environ.get("HIPALIGN_JOB_MAX_TRIES", "3"))
JOB_BACKOFF_S = _seconds("HIPALIGN_JOB_BACKOFF_S", "30,120,600")
WORKER_BEAT_S = _seconds("HIPALIGN_WORKER_BEAT_S", "10")[0]
WORKER_DEAD_S = _seconds("HIPALIGN_WORKER_DEAD_S", "60")[0]
DATA_UPLOAD_MAX_NUMBER_FILES = 5

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("HIPALIGN_TIME_ZONE", "UTC")
# The pages' languages (issue 20), each in its own name as the picker shows it; the catalogs are
# web/locale/<code>/LC_MESSAGES/django.po, compiled by scripts/assets (web/locale_build.py).
USE_I18N = True
LANGUAGES = [("en", "English"), ("es", "Español")]
# Our catalog before every app's: as an app catalog it came after django.contrib.admin's, whose
# translation of a shared English word won ("Filter" read "Filtro" where ours says "Filtrar").
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = None  # nothing is collected; WhiteNoise reads the package (below)
# No collectstatic step: WhiteNoise serves straight from the installed package.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False


def _emergency_number(raw: str) -> str:
    """The number the emergency card calls (a tel: link), as the person reads it. 112 reaches
    emergency services across the EU and from most mobile phones elsewhere; an operator sets
    the local one (911, 999, 000, ...). Digits, "+" and spaces only, so the link always dials."""
    number = raw.strip() or "112"
    if not re.fullmatch(r"\+?[0-9][0-9 ]{1,19}", number):
        raise ImproperlyConfigured(
            "HIPALIGN_EMERGENCY_NUMBER: use digits, an optional leading + and spaces "
            f"(2 to 20 characters), such as 112 or 911 (got {raw!r})"
        )
    return number


EMERGENCY_NUMBER = _emergency_number(os.environ.get("HIPALIGN_EMERGENCY_NUMBER", ""))

# Seconds of each timed step in the player are divided by this; only tests set it above 1.
PLAYER_SPEEDUP = float(os.environ.get("HIPALIGN_PLAYER_SPEEDUP", "1"))

# Issue 19: every file the app keeps goes through Django's storage API, so a clinic running
# several machines points it at storage they all reach. "default" holds posture uploads and
# overlays, "clinic_media" a clinic's own exercise photos and videos. By default both are
# folders of the data folder (no extra service; `hipalign backup` copies them with the rest);
# HIPALIGN_S3_BUCKET switches both to an S3-compatible bucket through django-storages (the
# optional `s3` extra), README "Files on shared storage". Neither has a public URL: every file
# is served by a view that checks who asks (RELIABILITY.md 4).
FILE_STORES = {"default": "uploads", "clinic_media": "clinic-media"}  # folder or key prefix


def _storages() -> dict[str, dict[str, Any]]:
    stores: dict[str, dict[str, Any]] = {}
    bucket = os.environ.get("HIPALIGN_S3_BUCKET", "").strip()
    for alias, folder in FILE_STORES.items():
        if bucket:
            stores[alias] = {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": bucket,
                    "location": folder,
                    # Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (boto3
                    # reads them itself), never from a settings file.
                    "endpoint_url": os.environ.get("HIPALIGN_S3_ENDPOINT_URL", "").strip() or None,
                    "region_name": os.environ.get("HIPALIGN_S3_REGION", "").strip() or None,
                    "default_acl": "private",
                    "file_overwrite": False,
                    "querystring_auth": True,
                },
            }
        else:
            stores[alias] = {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {
                    "location": DATA_DIR / folder,
                    "base_url": None,
                    "file_permissions_mode": 0o600,  # issue 12.16, whatever the umask
                    "directory_permissions_mode": 0o700,
                },
            }
    stores["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    return stores


STORAGES = _storages()

# /readyz answers 503 below this much free space in the data folder (uploads, SQLite's WAL).
READY_MIN_FREE_BYTES = int(os.environ.get("HIPALIGN_READY_MIN_FREE_MB", "200")) * 1024 * 1024

# One JSON object a line on stdout (issue 19), for journald or a log collector; what goes in
# is chosen in web/request_log.py: never a body, a query string or health data.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "hipalign.web.request_log.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "hipalign": {"handlers": ["console"], "level": "INFO"},
        "waitress": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# W006 warns about the lockout parameters; they are per account and address with a second,
# per-account limit (web/lockout.py), so an attacker rotating addresses still meets a limit.
# W021 (HSTS preload): joining the browsers' preload list is the operator's commitment for the
# whole domain, so it is left to them rather than switched on by the app.
# W040: the log table's covering index (log_day_cover) carries its INCLUDE columns on
# PostgreSQL only; SQLite builds it on the key columns alone, which is all a laptop needs.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "security.W021", "models.W040"]
