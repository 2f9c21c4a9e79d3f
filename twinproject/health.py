"""``/healthz`` and ``/readyz`` for load balancers and orchestrators, on every host.

They are answered by the first middleware, before the tenant middleware (which
would 404 an unknown host such as a probe's IP address), before the HTTPS
redirect and without authentication:

- ``/healthz``: the process serves requests; touches nothing else.
- ``/readyz``: the database answers and the public schema has no unapplied
  migration; 503 in the error shape, with per-check details, otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from twinproject.errors import error_body
from twinproject.outage import DATABASE_ERRORS

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


def _unapplied_public_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    connection.set_schema_to_public()
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, checks): each check is ``ok`` or says briefly what is wrong."""
    try:
        unapplied = _unapplied_public_migrations()
    except DATABASE_ERRORS as exc:
        logger.warning("Readiness: database unreachable: %s", exc)
        return False, {"database": "unreachable", "migrations": "unknown"}
    if unapplied:
        return False, {"database": "ok", "migrations": f"{unapplied} unapplied in the public schema"}
    return True, {"database": "ok", "migrations": "ok"}


def healthz() -> HttpResponse:
    return JsonResponse({"status": "ok"})


def readyz() -> HttpResponse:
    ready, checks = readiness()
    if ready:
        return JsonResponse({"status": "ok", "checks": checks})
    message = "Not ready: " + ", ".join(f"{name} {state}" for name, state in checks.items() if state != "ok") + "."
    response = JsonResponse({**error_body("not_ready", message), "checks": checks}, status=503)
    response["Retry-After"] = str(settings.DB_UNAVAILABLE_RETRY_AFTER)
    return response


_PROBES: dict[str, Callable[[], HttpResponse]] = {HEALTH_PATH: healthz, READY_PATH: readyz}


class HealthMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = _PROBES.get(request.path_info.rstrip("/") or "/")
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse(error_body("method_not_allowed", "Use GET or HEAD."), status=405)
            response["Allow"] = "GET, HEAD"
            return response
        response = probe()
        response["Cache-Control"] = "no-store"
        return response
