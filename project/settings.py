"""Claimwatch settings: everything that differs between machines comes from the environment.

Development needs no configuration at all (SQLite in WAL mode, a filesystem Celery
broker under var/). Production is DJANGO_DEBUG=0 and then refuses to start without a
secret key and allowed hosts. See README.md for the full table of variables.
"""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from .env import env_bool, env_int, env_list, env_str, required

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CLAIMWATCH_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", True)

if DEBUG:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = required("DJANGO_SECRET_KEY", env_str("DJANGO_SECRET_KEY"))
    ALLOWED_HOSTS = required("DJANGO_ALLOWED_HOSTS", env_list("DJANGO_ALLOWED_HOSTS", []))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "claims",
    "ingest",
    "measures",
    "editorial",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # HTML and JSON compress 5-10x (the dashboard's 300 KB to ~40 KB); static files are
    # served pre-compressed by WhiteNoise, which sits after this and sets Content-Encoding.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Each generation number read from the cache once a request, not once per cache key.
    "ingest.generation.per_request",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"

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
                "django.template.context_processors.csp",
                "ingest.context_processors.bundled_loading",
            ],
        },
    },
]

# Database: SQLite (WAL) by default, anything dj-database-url understands otherwise.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # A page's queries read tens of rows through an index. When the planner still picks a
        # parallel plan (its row estimates go wrong at 100k claims), starting the workers costs
        # 40-80 ms for 5 ms of work on a small server; every core is better used by another request.
        parallel = env_int("DB_PARALLEL_WORKERS_PER_GATHER", 0)
        # JIT compiles a plan whose estimated cost is high, which at 100k claims is often one
        # misestimated for a page that reads a few thousand rows: 30 ms of compiling for 5 of work.
        jit = "on" if env_bool("DB_JIT", False) else "off"
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c max_parallel_workers_per_gather={parallel} -c jit={jit}")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "claimwatch.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server read while the Celery worker writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A file, not :memory:, so a real Celery worker process can share the test database.
            "TEST": {"NAME": str(VAR_DIR / "test-claimwatch.sqlite3")},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
WHITENOISE_USE_FINDERS = DEBUG  # development serves straight from static/, no collectstatic
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
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

# Content Security Policy: scripts only from our origin and by nonce, never inline
# handlers. Plotly writes inline style attributes, hence 'unsafe-inline' for styles only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],  # blob: for plotly's PNG export of a chart as shown
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Security headers; the HTTPS ones only bite in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

LOGIN_URL = "/accounts/login/"

# The site's public address: permalinks, canonical links, citations and Atom ids use it,
# so they do not change with the Host header a request happened to carry. Production
# defaults to https:// and the first allowed host; a wildcard host must name it.
_default_site = "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
CLAIMWATCH_SITE_URL = env_str("CLAIMWATCH_SITE_URL", _default_site).rstrip("/")
if not DEBUG and "*" in CLAIMWATCH_SITE_URL:
    required("CLAIMWATCH_SITE_URL", "")

# The cache carries live ingest progress from the worker to the web process, so it
# must be shared between processes: Redis when configured, files under var/ otherwise.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL:
    # Cache errors are logged misses (project/cache.py), and short socket timeouts keep an
    # unreachable server from holding every request up.
    _cache_timeout = env_int("CLAIMWATCH_CACHE_TIMEOUT_MS", 500) / 1000
    CACHES = {
        "default": {
            "BACKEND": "project.cache.ResilientRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery. The embedded default is kombu's filesystem transport under var/, so a real
# worker and beat run with no broker server; redis:// and amqp:// URLs work unchanged.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
_broker_dir = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("in", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "in"),
        "data_folder_out": str(_broker_dir / "in"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # kombu polls the folder once a second by default, so 80 small tasks spent ~40 s
        # waiting; 50 ms costs a few directory listings a second and makes them immediate.
        "polling_interval": env_int("CLAIMWATCH_BROKER_POLL_MS", 50) / 1000,
    }
# A message a worker took but never acknowledged (the worker was killed) comes back after
# this long. Redelivering a run that is still alive is harmless (its heartbeat is fresh,
# so the copy is dropped), so this can be much shorter than the longest run.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://", "sentinel://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CLAIMWATCH_BROKER_VISIBILITY_SECONDS", 300)}
CELERY_RESULT_BACKEND = None  # results live in IngestRun rows, not in the broker
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_DEFAULT_QUEUE = env_str("CLAIMWATCH_CELERY_QUEUE", "claimwatch")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# django-celery-beat does not support Django 6.1, so the schedule is static: one task
# wakes up every minute and dispatches the data sources whose own interval is due.
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-sources": {
        "task": "ingest.tasks.dispatch_due_sources",
        "schedule": env_int("CLAIMWATCH_DISPATCH_SECONDS", 60),
    },
    # A run whose worker died (no heartbeat) is retried once or failed with the reason.
    "reap-stale-runs": {
        "task": "ingest.tasks.reap_stale_runs",
        "schedule": env_int("CLAIMWATCH_REAP_SECONDS", 60),
    },
}

CLAIMWATCH_INGEST_MAX_BYTES = env_int("CLAIMWATCH_INGEST_MAX_BYTES", 50 * 1024 * 1024)
CLAIMWATCH_INGEST_TIMEOUT = env_int("CLAIMWATCH_INGEST_TIMEOUT", 30)
# Source URLs may not point into our own network (SSRF) unless the operator says so here:
# ALLOW_PRIVATE lifts the check for every inward range, ALLOWED_NETWORKS for the CIDRs listed.
# A setting, not a per-source option, so admin access cannot point ingest inward.
# A running ingest beats this often; silent for STALE seconds, its worker counts as dead.
CLAIMWATCH_INGEST_HEARTBEAT_SECONDS = env_int("CLAIMWATCH_INGEST_HEARTBEAT_SECONDS", 15)
CLAIMWATCH_INGEST_STALE_SECONDS = env_int("CLAIMWATCH_INGEST_STALE_SECONDS", 4 * CLAIMWATCH_INGEST_HEARTBEAT_SECONDS)
CLAIMWATCH_INGEST_ALLOW_PRIVATE = env_bool("CLAIMWATCH_INGEST_ALLOW_PRIVATE", False)
CLAIMWATCH_INGEST_ALLOWED_NETWORKS = env_list("CLAIMWATCH_INGEST_ALLOWED_NETWORKS", [])
# Folders besides ingest/snapshots/ that data source paths may point into (after symlinks).
CLAIMWATCH_INGEST_FILE_ROOTS = env_list("CLAIMWATCH_INGEST_FILE_ROOTS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
