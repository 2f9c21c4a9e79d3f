"""Refuse request bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` with 413, before any work is done.

Django enforces the limit only when ``request.body`` or ``request.POST`` is read
(and then answers 400); DRF's parsers read the body as a stream and skip the
check entirely. Checking the declared ``Content-Length`` up front covers both
(DRF reads no body at all from a request that declares none).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from twinproject.errors import error_response


def too_large_response(request: HttpRequest) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_response(
        request,
        status=413,
        code="too_large",
        message=f"The request body is larger than {limit} bytes.",
    )


class BodySizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return too_large_response(request)
        return self.get_response(request)
