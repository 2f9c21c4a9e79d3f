"""Settings for Twin Runtime. Everything that differs between machines comes from the environment."""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from twinproject.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key" if DEBUG else None)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [".localhost", "localhost", "127.0.0.1"])

# Shared apps live in the public schema.
SHARED_APPS = [
    "django_tenants",  # schema switching, migrate_schemas
    "twinproject.tenancy",  # tenants and their domains: the directory every request starts from
    "django.contrib.contenttypes",  # needed by auth in the public schema
    "django.contrib.auth",  # the platform operator's own login
    "twinproject.accounts",  # the operator's user rows; tenants get their own copy below
    "django.contrib.admin",  # the operator's admin at the bare host
    "django.contrib.sessions",  # admin sessions for the operator
    "django.contrib.messages",  # admin messages
    "django.contrib.staticfiles",  # admin assets
    "rest_framework",  # no tables; API machinery used by every tenant
    "drf_spectacular",  # no tables; the OpenAPI schema and its Swagger UI template
    "drf_spectacular_sidecar",  # no tables; Swagger UI's assets, served locally instead of from a CDN
]

# Tenant apps get one copy of their tables per tenant schema.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "twinproject.accounts",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "specs",
    "runtime",
    "review",
    "learning",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenancy.Tenant"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
PUBLIC_SCHEMA_URLCONF = "twinproject.urls_public"
ROOT_URLCONF = "twinproject.urls"
# The search_path (and the RLS tenant setting with it) is issued once per tenant
# switch instead of once per cursor; the backend re-issues it after a rollback.
TENANT_LIMIT_SET_CALLS = True
TENANT_CACHE_SECONDS = env_int("TENANT_CACHE_SECONDS", 60)

AUTH_USER_MODEL = "accounts.User"

# The first three answer before the tenant middleware looks the host up: health
# probes on any host, 503 while the database is down (the host lookup queries
# it), and 413 for an oversized body without touching the database.
MIDDLEWARE = [
    "twinproject.health.HealthMiddleware",
    "twinproject.outage.DatabaseOutageMiddleware",
    "twinproject.limits.BodySizeLimitMiddleware",
    "twinproject.tenancy.middleware.TenantFromHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
            ],
        },
    },
]

WSGI_APPLICATION = "twinproject.wsgi.application"


def _database_url() -> str:
    url = env_str("DATABASE_URL", "")
    if url:
        return url
    # Unset: the embedded server of `make run` / `make test` (see twinproject/devdb.py).
    from twinproject.devdb import server

    return server().url()


def _database() -> dict:
    config = dj_database_url.parse(
        _database_url(),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
    if not config["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL.")
    config["ENGINE"] = "twinproject.db"
    config.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
    config["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", f"test_{config['NAME']}")}
    return config


DATABASES = {"default": _database()}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
ORIGINAL_BACKEND = "django.db.backends.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["twinproject.accounts.authentication.OwnerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["twinproject.accounts.permissions.IsOwner"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["twinproject.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "twinproject.openapi.TwinAutoSchema",
    "EXCEPTION_HANDLER": "twinproject.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
    # Client addresses for the chat rate limits: REMOTE_ADDR, unless this many proxies in
    # front append to X-Forwarded-For (without it a client could name any address there).
    "NUM_PROXIES": env_int("DJANGO_NUM_PROXIES", 0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Twin Runtime API",
    "DESCRIPTION": (
        "The API of a tenant's host (`acme.localhost`). Authenticate with `Authorization: Token <key>`; "
        'every 4xx and 5xx answer has the shape `{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs are public, and a stale token must not make them fail.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True},
    # Two `kind` enums: named here, or both would be renamed `<Serializer>KindEnum`.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "specs.models.PersonaSpecEvent.Kind",
        "KnowledgeSourceKind": "runtime.models.KnowledgeSource.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "twinproject.openapi.attach_error_responses",
    ],
    # tests/api/test_openapi.py validates the schema; `check --deploy` need not generate it again.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# Request bodies: larger ones answer 413 (twinproject/limits.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
# Seconds a client is told to wait (Retry-After) while the database is unavailable.
DB_UNAVAILABLE_RETRY_AFTER = env_int("DB_UNAVAILABLE_RETRY_AFTER", 5)

# Admin login throttling (twinproject/login_throttle.py): this many failures for one
# username from one address within the window lock that pair out for the lockout.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = env_int("LOGIN_FAILURE_WINDOW", 15 * 60)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

# Routing thresholds (DESIGN.md, "The routing policy").
ROUTER_CLARIFY_THRESHOLD = env_float("ROUTER_CLARIFY_THRESHOLD", 0.62, low=0.0, high=1.0)
ROUTER_REVIEW_THRESHOLD = env_float("ROUTER_REVIEW_THRESHOLD", 0.75, low=0.0, high=1.0)

# The owner review queue (review/services.py): how long a reviewer's claim on an item lasts.
REVIEW_CLAIM_SECONDS = env_int("REVIEW_CLAIM_SECONDS", 15 * 60)
if REVIEW_CLAIM_SECONDS < 1:
    raise ImproperlyConfigured(f"REVIEW_CLAIM_SECONDS must be at least 1, not {REVIEW_CLAIM_SECONDS}.")

# Chat turns (runtime/services.py): limits answered with a clear 400.
CHAT_MAX_MESSAGE_CHARS = env_int("CHAT_MAX_MESSAGE_CHARS", 8000)
CHAT_MAX_PINNED_CHARS = env_int("CHAT_MAX_PINNED_CHARS", 20000)
# Earlier messages of a conversation the router sees.
CHAT_HISTORY_TURNS = env_int("CHAT_HISTORY_TURNS", 12)

_RATE = re.compile(r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$")


def _env_rate(name: str, default: str) -> str | None:
    """A request rate such as ``60/min`` (per s, min, hour or day); ``off`` for no limit."""
    raw = env_str(name, default).strip().lower()
    if raw == "off":
        return None
    if not _RATE.match(raw):
        raise ImproperlyConfigured(f"{name} must be a rate such as 60/min (or off), not {raw!r}.")
    return raw


# Chat abuse limits (runtime/throttles.py), counted in the default cache: over them, 429 with
# Retry-After. Starting a conversation and sending a message count; reads do not. Without a
# CACHES setting Django's cache is local memory, per process: each worker then allows the
# full rate. settings_production.py sets a cache the workers share.
CHAT_RATE_PER_KEY = _env_rate("CHAT_RATE_PER_KEY", "60/min")  # one visitor chat key, all its visitors
CHAT_RATE_PER_IP = _env_rate("CHAT_RATE_PER_IP", "120/min")  # one client address, chatting with any key
CHAT_RATE_PER_OWNER = _env_rate("CHAT_RATE_PER_OWNER", "240/min")  # an owner chatting with their own twins

# The realizer (runtime/realizer.py): "builtin" (offline, deterministic) or "openai", any
# OpenAI-compatible chat-completions server, falling back to the built-in one on any failure.
REALIZER_BACKEND = env_str("REALIZER_BACKEND", "builtin")
if REALIZER_BACKEND not in ("builtin", "openai"):
    raise ImproperlyConfigured(f"REALIZER_BACKEND must be builtin or openai, not {REALIZER_BACKEND!r}.")
REALIZER_OPENAI_BASE_URL = env_str("REALIZER_OPENAI_BASE_URL", "http://127.0.0.1:8001/v1")
REALIZER_OPENAI_MODEL = env_str("REALIZER_OPENAI_MODEL", "gpt-4o-mini")
REALIZER_OPENAI_API_KEY = env_str("REALIZER_OPENAI_API_KEY", "")
REALIZER_TIMEOUT_SECONDS = env_float("REALIZER_TIMEOUT_SECONDS", 20.0, low=0.1, high=600.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
