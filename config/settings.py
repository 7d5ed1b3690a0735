"""Django settings for Strikewatch.

Everything comes from the environment (or a ``.env`` file beside manage.py),
parsed strictly by django-environ: a malformed value stops start-up with a clear
error instead of being guessed at. ``.env.example`` lists every variable.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


class StrictEnv(environ.Env):
    """django-environ, but a boolean that is not clearly true or false is an error.

    Plain django-environ reads DEBUG=maybe as False; a typo must not silently change
    how the app behaves.
    """

    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})

    def bool(self, var, default=environ.Env.NOTSET):
        raw = self.str(var, default=None)
        if raw is None or raw == "":
            if default is environ.Env.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable")
            return default
        value = raw.strip().lower()
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise ImproperlyConfigured(f"{var}={raw!r} is not a boolean: use true or false")


env = StrictEnv()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core ---
# Off unless set: a deployment that forgets the variable must not show tracebacks and settings
# to the world. `make run` and `make test` set DEBUG=true.
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    # Only ever used when DEBUG is on: production refuses to start without a key, or with this
    # one, or while demo users can log in (config/checks.py).
    default="django-insecure-local-development-only" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "config.apps.ConfigConfig",  # start-up checks (config/checks.py)
    "axes",  # login and token lockout after repeated failures
    "csp",  # Content-Security-Policy header (settings under "Content-Security-Policy")
    "sources",
    "strikes",
    "casualties",
    "linking",
    "datasets",
    "releases",
    "watch",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Public reads to read replicas when DATABASE_REPLICA_URLS is set (a no-op otherwise).
    "config.replicas.ReplicaMiddleware",
    # Attaches the request's user to every history row written during the request (only
    # requests that may write: PGHISTORY_MIDDLEWARE_METHODS below).
    "pghistory.middleware.HistoryMiddleware",
    # Answers a locked-out login with 429 (django-axes; settings under "Login lockout").
    "axes.middleware.AxesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.CSPMiddleware",  # django-csp's, the policy text built once
]

# pghistory's default tracks GET too: inside its context every statement is sent with two
# set_config() calls in front of it (a second result set per query) and the user is loaded for
# it. A GET writes nothing here, and every service that writes names its author in its own
# context (config/history.py), so reads go without (docs/PERFORMANCE.md §18).
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.roles.roles_context",
            ],
        },
    },
]

# --- Database: PostgreSQL only ---
# With no DATABASE_URL, the embedded server started by `make run` / `make test`
# (config/embedded_pg.py) listens on a Unix socket in .pgdata/.
EMBEDDED_PG_DIR = BASE_DIR / ".pgdata"
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "config.pgbackend",
            "NAME": "strikewatch",
            "USER": "postgres",
            "HOST": str(EMBEDDED_PG_DIR),
        }
    }
# Django's backend with a health check that costs no round trip (config/pgbackend/base.py).
DATABASES["default"]["ENGINE"] = "config.pgbackend"
# A Unix-socket directory arrives percent-encoded in the URL's host part.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"].get("HOST", ""))
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Read replicas (config/replicas.py): public reads go to them, everything else to the primary.
for _i, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[])):
    _replica = env.db_url_config(_url)
    _replica.update(
        ENGINE="config.pgbackend",
        HOST=unquote(_replica.get("HOST", "")),
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=True,
        TEST={"MIRROR": "default"},  # the test suite's replicas are the primary itself
    )
    DATABASES[f"replica_{_i}"] = _replica
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["config.replicas.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_HEALTH_SECONDS = env.float("REPLICA_HEALTH_SECONDS", default=1.0)
REPLICA_READ_YOUR_WRITES_SECONDS = env.int("REPLICA_READ_YOUR_WRITES_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "explore"
LOGOUT_REDIRECT_URL = "explore"

# --- I18N ---
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Kyiv")
USE_I18N = True
USE_TZ = True

# --- Static files (front-end packages come from npm into static/vendor) ---
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Security (production values when DEBUG is off) ---
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Celery ---
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
if _xdist_worker := env.str("PYTEST_XDIST_WORKER", default=""):
    # The test suite split over processes (pytest-xdist: gw0, gw1, ...): each process gets the
    # next Redis database, so one's Celery workers never take the other's tasks and a test that
    # empties its broker empties only its own.
    _redis = urlsplit(REDIS_URL)
    _db = int(_redis.path.strip("/") or 0) + int(_xdist_worker.removeprefix("gw"))
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_db}"))
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
# With no Redis (set by `make run` when none answers), tasks run in-process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only when it has finished, and re-queued if its worker
# dies, so a killed worker loses nothing (tasks are idempotent, so a re-run is safe).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ROUTES = {
    "sources.tasks.feed_*": {"queue": "feeds"},
    "sources.tasks.article_fetch": {"queue": "fetch"},
    "linking.tasks.article_extract": {"queue": "extract"},
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BEAT_SCHEDULE = {
    "feeds-poll-due": {"task": "sources.tasks.feeds_poll_due", "schedule": timedelta(minutes=1)},
    "watch-tick": {"task": "watch.tasks.watch_tick", "schedule": timedelta(minutes=1)},
}

# --- as_of snapshots (strikes.asof_snapshots) ---
# A stored copy of the map and timeline summaries every ASOF_SNAPSHOT_HOURS: an as_of answer near
# one corrects it by the attacks changed between, instead of today's tables by every attack
# changed since (docs/PERFORMANCE.md §20). The ASOF_SNAPSHOT_KEEP latest are kept (about 0.2 GB
# each at a million attacks); an older moment takes the path without one: slower, same answer.
ASOF_SNAPSHOT_HOURS = env.float("ASOF_SNAPSHOT_HOURS", default=24.0)
ASOF_SNAPSHOT_KEEP = env.int("ASOF_SNAPSHOT_KEEP", default=14)
CELERY_BEAT_SCHEDULE["asof-snapshot"] = {
    "task": "strikes.tasks.asof_snapshot_take",
    "schedule": timedelta(hours=ASOF_SNAPSHOT_HOURS),
    "options": {"expires": ASOF_SNAPSHOT_HOURS * 3600},
}

# --- Stored GeoJSON days (strikes.api.export_lines, "Days") ---
# A write touching more than a few days (an import, a bulk edit) leaves them stale: read from the
# per-attack lines (same bytes, slower) until this task builds them again.
EXPORT_DAYS_SECONDS = env.float("EXPORT_DAYS_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE["export-days-build"] = {
    "task": "strikes.tasks.export_days_build",
    "schedule": timedelta(seconds=EXPORT_DAYS_SECONDS),
    "options": {"expires": EXPORT_DAYS_SECONDS},
}

# --- REST API ---
PUBLIC_API = env.bool("PUBLIC_API", default=True)
# Absolute links in e-mails and webhooks (no request to take the host from).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# --- Saved searches (watch/) ---
# E-mail goes through Django's mail backend: the console unless an SMTP server is configured.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Strikewatch <noreply@localhost>")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".mail"))  # the file-based backend's folder
# Changes are looked at up to this long ago, so a slow transaction is never missed (as /changes/).
WATCH_OVERLAP_SECONDS = env.int("WATCH_OVERLAP_SECONDS", default=120)
WATCH_WEBHOOK_ALLOWED_HOSTS = env.list("WATCH_WEBHOOK_ALLOWED_HOSTS", default=[])
WATCH_WEBHOOK_TIMEOUT_SECONDS = env.float("WATCH_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WATCH_WEBHOOK_MAX_FAILURES = env.int("WATCH_WEBHOOK_MAX_FAILURES", default=5)
WATCH_DELIVERY_MAX_ATTEMPTS = env.int("WATCH_DELIVERY_MAX_ATTEMPTS", default=8)
WATCH_RETRY_BASE_SECONDS = env.int("WATCH_RETRY_BASE_SECONDS", default=60)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.roles.ReadPublishedOrRole"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="1200/min"),
    },
    "EXCEPTION_HANDLER": "config.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Strikewatch API",
    "DESCRIPTION": "Missile, drone and bomb strikes on towns and cities, with every figure traceable to its source.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI served from our own static files: the docs work with no CDN reachable.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Cache (throttling counters; Redis when reachable, else local memory) ---
CACHES = {
    "default": {
        "BACKEND": env.str("CACHE_BACKEND", default="django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env.str("CACHE_LOCATION", default="strikewatch"),
    }
}

# --- Ingest ---
INGEST_ALLOWED_HOSTS = env.list("INGEST_ALLOWED_HOSTS", default=[])
INGEST_MAX_BYTES = env.int("INGEST_MAX_BYTES", default=5 * 1024 * 1024)
INGEST_CONNECT_TIMEOUT = env.float("INGEST_CONNECT_TIMEOUT", default=5.0)
INGEST_READ_TIMEOUT = env.float("INGEST_READ_TIMEOUT", default=15.0)
INGEST_MAX_REDIRECTS = env.int("INGEST_MAX_REDIRECTS", default=5)
INGEST_USER_AGENT = env.str("INGEST_USER_AGENT", default="Strikewatch/1.0 (+https://github.com/strikewatch)")

# --- Linking ---
LINK_MAX_DISTANCE_KM = env.float("LINK_MAX_DISTANCE_KM", default=25.0)
LINK_DATE_WINDOW_DAYS = env.int("LINK_DATE_WINDOW_DAYS", default=1)

# How far in the future an attack's event time may be: clocks of the analyst's machine and
# the server disagree by a few minutes, an attack cannot have happened later than that.
ATTACK_CLOCK_SKEW_MINUTES = env.int("ATTACK_CLOCK_SKEW_MINUTES", default=10)

# --- Map ---
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

# --- Content-Security-Policy (django-csp) ---
# Scripts and styles only from our own files: no inline script, no eval, nothing from a CDN. The
# one exception is style *attributes* (style-src-attr), which Leaflet's markers and Swagger UI
# write; <style> elements stay forbidden. Images may come from the map's tile server.
_TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILE_URL.replace("{s}", "*")))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", _TILE_ORIGIN],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- API (research API v1) ---
# Throttle rates are read per request (config.throttles), so changing THROTTLE_* needs no code change.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["config.throttles.AnonThrottle", "config.throttles.UserThrottle"]
# An unknown ?format= is a 400 naming the valid formats, not a bare 404.
REST_FRAMEWORK["DEFAULT_CONTENT_NEGOTIATION_CLASS"] = "config.api.StrictContentNegotiation"
# JSON bodies nested too deeply for Python are a 400 (config.api.JSONParser), not a 500.
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "config.api.JSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
# OPTIONS lists each resource's filters and query parameters (config.api.FilterMetadata).
REST_FRAMEWORK["DEFAULT_METADATA_CLASS"] = "config.api.FilterMetadata"
# Behind a reverse proxy, how many X-Forwarded-For hops to trust for the anonymous client's IP.
# Default 0 (no proxy): throttles key on REMOTE_ADDR. DRF's None would trust the whole
# client-supplied header, so rotating X-Forwarded-For would reset the anonymous budget.
REST_FRAMEWORK["NUM_PROXIES"] = env.int("API_NUM_PROXIES", default=0)

# --- Login lockout (django-axes): the login page and POST /api/v1/token/ ---
# After AXES_FAILURE_LIMIT wrong passwords for one username, or from one client address, both
# are refused for AXES_COOLOFF_MINUTES, whatever the password; a success resets the count.
# The address is the socket's (or the one API_NUM_PROXIES trusted proxies give), never a header
# a client can choose (config.api.client_ip).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.api.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
SPECTACULAR_SETTINGS["COMPONENT_SPLIT_REQUEST"] = True
# Every endpoint's schema documents the errors it can answer, and count=on's other shape.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "config.schema.add_common_responses",
]
# GeoJSON Features per piece of the streamed export (memory stays constant in the set's size).
API_EXPORT_CHUNK = env.int("API_EXPORT_CHUNK", default=2000)
# Where this server keeps its files of the stored days' pieces (strikes.api.export_cache): a
# directory of its own, on local disk; empty for none (every piece then read from PostgreSQL).
EXPORT_CACHE_DIR = env.str("EXPORT_CACHE_DIR", default=str(BASE_DIR / ".state" / "export-cache"))

# --- Ingest pipeline (sources) ---
# Whole-fetch deadline: a server trickling bytes cannot hold a worker past this.
INGEST_TOTAL_TIMEOUT = env.float("INGEST_TOTAL_TIMEOUT", default=60.0)
# A fetch, extraction or feed poll not finished this long after it was claimed is presumed dead and
# taken over. Short because a worker renews the leases of the articles it works on every quarter of
# it (sources/services/leases.py): a lost worker's rows are free again within this, not minutes.
INGEST_LEASE_SECONDS = env.int("INGEST_LEASE_SECONDS", default=20)
# A queued article whose task message was sent this long ago is sent again by the sweeper.
INGEST_REQUEUE_SECONDS = env.int("INGEST_REQUEUE_SECONDS", default=900)
# Send stored articles on to extraction and linking (linking.tasks.article_extract).
INGEST_RUN_EXTRACTION = env.bool("INGEST_RUN_EXTRACTION", default=True)
INGEST_BULK_MAX_URLS = env.int("INGEST_BULK_MAX_URLS", default=10000)
# How often beat runs the sweeper: rows of a lost worker wait at most a lease plus this, and
# messages lost with an emptied broker at most this (docs/INGEST.md, "Recovery"). A sweep that
# finds nothing costs a handful of indexed queries and two Redis round trips.
INGEST_SWEEP_SECONDS = env.int("INGEST_SWEEP_SECONDS", default=10)
CELERY_BEAT_SCHEDULE["ingest-requeue-stale"] = {
    "task": "sources.tasks.articles_requeue_stale",
    "schedule": timedelta(seconds=INGEST_SWEEP_SECONDS),
    # A sweep not started by the next one is pointless: dropped instead of piling up.
    "options": {"expires": INGEST_SWEEP_SECONDS},
}

# --- Claims ---
# API schema: the figure categories and claim origins get their own enum names, so they do
# not collide with munition categories and article origins.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "FigureCategoryEnum": "casualties.choices.Category",
        "ClaimOriginEnum": "casualties.choices.ClaimOrigin",
        "MunitionCategoryEnum": "strikes.choices.MunitionCategory",
        # Two choice sets share the field name "grade": an outlet's reliability and an attack's evidence.
        "OutletGradeEnum": "sources.choices.OutletGrade",
        "EvidenceGradeEnum": "strikes.choices.EvidenceGrade",
    }
)

# --- perf ---
# Map and timeline answers are cached under the data version (strikes migration 0004) for
# at most this long; 0 turns the cache off. docs/PERFORMANCE.md says how it stays correct.
API_AGGREGATE_CACHE_SECONDS = env.int("API_AGGREGATE_CACHE_SECONDS", default=60)
# Attack list pages, counts and single attacks (JSON), cached the same way; 0 switches it off.
API_RESPONSE_CACHE_SECONDS = env.int("API_RESPONSE_CACHE_SECONDS", default=60)
