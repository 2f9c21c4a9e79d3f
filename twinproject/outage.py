"""Answer 503 with ``Retry-After`` quickly while PostgreSQL is unreachable.

The middleware is placed before the tenant middleware, which itself queries the
database on a cache miss. Django converts an exception raised anywhere inside
the chain into a response before it reaches an outer middleware, so the
exception is not caught here: ``got_request_exception`` (sent for every
uncaught exception, with the exception still being handled) marks the request,
and this middleware swaps the resulting 500 for a 503.

Recovery needs nothing from us: Django closes a connection that raised an
operational error at the end of the request, the next request opens a new one
(``connect_timeout`` bounds how long that may take) and ``CONN_HEALTH_CHECKS``
drops a persistent connection that died while idle.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from twinproject.errors import error_response

logger = logging.getLogger(__name__)

_MARK = "_database_unavailable"
DATABASE_ERRORS = (OperationalError, InterfaceError)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    response = error_response(
        request,
        status=503,
        code="database_unavailable",
        message="The database is unavailable; please retry shortly.",
    )
    response["Retry-After"] = str(settings.DB_UNAVAILABLE_RETRY_AFTER)
    return response


@receiver(got_request_exception, dispatch_uid="twinproject.outage.mark")
def _mark_database_error(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        setattr(request, _MARK, True)


class DatabaseOutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except DATABASE_ERRORS:
            # Only reached when this middleware is called directly, outside Django's handler.
            setattr(request, _MARK, True)
            response = None
        if getattr(request, _MARK, False):
            logger.warning("Database unavailable: %s %s answered 503", request.method, request.path)
            return unavailable_response(request)
        return response
