"""The project's one error shape: ``{"error": {"code", "message", "fields"}}``.

Domain exceptions (``DomainError`` subclasses in each app's ``errors.py``) and
DRF's own exceptions are mapped here, so every endpoint answers alike. Django's
own 400/403/404/500 handlers (``handler400`` … below, named in both URL
modules) answer in the same shape, except under the admin, which keeps its HTML.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A rule of the domain was broken; carries an HTTP status and a stable code."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code


class NotFoundError(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class ConflictError(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flatten(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {key: _flatten_value(value) for key, value in detail.items()}
    return {"non_field_errors": _flatten_value(detail)}


def _flatten_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _flatten_value(inner) for key, inner in value.items()}
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return [str(item) for item in value]
        return [_flatten_value(item) for item in value]
    return [str(value)]


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", "The request is not valid.", _flatten(exc.detail))
    elif isinstance(exc, exceptions.Throttled):
        # DRF rounds the wait up, but a wait of 0 would invite an immediate retry.
        wait = max(1, int(exc.wait or 0))
        response["Retry-After"] = str(wait)
        body = error_body("throttled", f"Too many requests; try again in {wait} second{'s' if wait != 1 else ''}.")
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = error_body(str(code), str(detail))
    response.data = body
    return response


# Paths that answer in HTML; everything else is API and answers in the error shape.
HTML_PATH_PREFIXES = ("/admin/",)


def is_html_path(request: HttpRequest) -> bool:
    return request.path.startswith(HTML_PATH_PREFIXES)


def error_response(
    request: HttpRequest, *, status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> HttpResponse:
    """The error shape for API paths; a small HTML page under the admin."""
    if is_html_path(request):
        return HttpResponse(f"<h1>{status}</h1><p>{escape(message)}</p>", status=status, content_type="text/html")
    return JsonResponse(error_body(code, message, fields), status=status)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return error_response(request, status=413, code="too_large", message="The request body is too large.")
    if is_html_path(request):
        return defaults.bad_request(request, exception)
    return error_response(request, status=400, code="bad_request", message="The request is not valid.")


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_html_path(request):
        return defaults.permission_denied(request, exception)
    return error_response(
        request, status=403, code="permission_denied", message="You do not have permission to do this."
    )


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_html_path(request):
        return defaults.page_not_found(request, exception)
    return error_response(request, status=404, code="not_found", message="No such endpoint or object.")


def handler500(request: HttpRequest) -> HttpResponse:
    if is_html_path(request):
        return defaults.server_error(request)
    return error_response(request, status=500, code="server_error", message="An unexpected error occurred.")
