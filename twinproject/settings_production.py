"""Production settings: HTTPS only, secure cookies, HSTS, a cache the workers share.

``DJANGO_SETTINGS_MODULE=twinproject.settings_production``; ``manage.py check
--deploy --fail-level WARNING`` passes with it. Required in the environment:
``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS`` (``.example.com`` admits every
tenant's subdomain), ``DJANGO_CSRF_TRUSTED_ORIGINS`` (``https://*.example.com``)
and ``DATABASE_URL``. Behind a TLS-terminating proxy that sets
``X-Forwarded-Proto``, set ``DJANGO_BEHIND_TLS_PROXY=1``.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from twinproject.env import env_bool, env_int, env_str
from twinproject.settings import *  # noqa: F403
from twinproject.settings import BASE_DIR


def _required_list(name: str) -> list[str]:
    values = [item.strip() for item in env_str(name).split(",") if item.strip()]
    if not values:
        raise ImproperlyConfigured(f"The environment variable {name} must list at least one value.")
    return values


if env_bool("DJANGO_DEBUG", False):
    raise ImproperlyConfigured("DJANGO_DEBUG must be off with the production settings.")
DEBUG = False

ALLOWED_HOSTS = _required_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _required_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS everywhere. /healthz and /readyz answer before the redirect, so probes may use plain HTTP.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that overwrites this header: otherwise clients could claim HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Login throttling and the chat rate limits count in the cache; a file cache is shared by
# every worker process on the machine (Django's default cache is per process). With
# several machines, point them all at one shared cache (Redis, Memcached) instead.
# The file cache lists its folder on every write and, past MAX_ENTRIES, drops a random
# third of its entries, counts included: more entries keep more clients' counts but make
# every chat request slower (about 1 ms per 300 entries measured here). Expired entries
# stay until then, so the folder sits near MAX_ENTRIES.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache")),
        "OPTIONS": {"MAX_ENTRIES": env_int("DJANGO_CACHE_MAX_ENTRIES", 300)},
    }
}
