"""The OpenAPI description: the token scheme, the error shape on every operation, list helpers.

The schema is generated from the views (drf-spectacular); annotate each view
with ``extend_schema`` so its request and response bodies are described. A list
endpoint uses ``paginated(Output)`` and ``list_parameters()``. Error responses
are not declared per view: ``attach_error_responses`` adds them to every
operation, all in the one shape of ``twinproject.errors``.
"""

from __future__ import annotations

import functools
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from twinproject.pagination import ListPagination

ERROR_COMPONENT = "Error"
_ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}
# Status → what it means here; every operation documents these.
ERROR_RESPONSES: dict[str, str] = {
    "400": "The request is not valid (malformed JSON, a bad field or query parameter); `fields` says which.",
    "401": "No valid `Authorization: Token <key>` for this host.",
    "403": "Authenticated, but not allowed to do this.",
    "404": "Not found, or not visible to you (another owner's or another tenant's objects look the same).",
    "429": "Too many requests; retry after `Retry-After` seconds.",
    "500": "An unexpected server error.",
    "503": "The database is unavailable; retry after `Retry-After` seconds.",
}
# Only operations that take a body can conflict with the current state or be too large.
WRITE_ERROR_RESPONSES: dict[str, str] = {
    "409": "The request conflicts with the current state (for example a version that already exists).",
    "413": "The request body is larger than the server accepts.",
}
_WRITE_METHODS = {"post", "put", "patch", "delete"}


class OwnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "twinproject.accounts.authentication.OwnerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, str]:
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
        scheme["description"] = (
            "An owner's API token on their tenant's host: `Authorization: Token <key>` "
            "(`Bearer <key>` is accepted too). A token works only on its own tenant's host."
        )
        return scheme


class TwinAutoSchema(AutoSchema):
    """The project's schema class; importing this module also registers ``OwnerTokenScheme``."""

    def get_operation_id(self) -> str:
        # A page envelope is one object to drf-spectacular, which would name the list `…_retrieve`.
        operation_id = super().get_operation_id()
        envelope = getattr(self.get_response_serializers(), "paginated_envelope", False)
        if self.method == "GET" and envelope and operation_id.endswith("_retrieve"):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id


_ERROR_FIELD_DESCRIPTIONS = {
    "code": "Stable and machine-readable: `invalid`, `not_found`, `not_authenticated`, `throttled`, "
    "`database_unavailable`...",
    "message": "For humans; the wording may change.",
    "fields": "Per-field problems, a field name to a list of messages (nested for nested fields); else empty.",
}


def _error_component_schema() -> dict[str, Any]:
    detail = {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {}},
    }
    for name, text in _ERROR_FIELD_DESCRIPTIONS.items():
        detail[name]["description"] = text
    return {
        "type": "object",
        "description": "The one error shape of every 4xx and 5xx answer.",
        "properties": {
            "error": {"type": "object", "properties": detail, "required": ["code", "message", "fields"]},
        },
        "required": ["error"],
    }


def _error_response(status: str, description: str) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}
    if status in ("429", "503"):
        response["headers"] = dict(_RETRY_AFTER)
    if status == "401":
        response["headers"] = {
            "WWW-Authenticate": {"description": "The scheme to use: `Token`.", "schema": {"type": "string"}}
        }
    return response


def attach_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: the error component, and its responses on every operation that lacks them."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = _error_component_schema()
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            wanted = dict(ERROR_RESPONSES)
            if method in _WRITE_METHODS:
                wanted.update(WRITE_ERROR_RESPONSES)
            for status, description in sorted(wanted.items()):
                operation["responses"].setdefault(status, _error_response(status, description))
    return result


@functools.cache
def paginated(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The envelope ``ListPagination`` wraps a page of ``serializer_class`` in, for ``extend_schema``."""
    name = serializer_class.__name__.removesuffix("Serializer")
    return type(
        f"Paginated{name}List",
        (serializers.Serializer,),
        {
            "__doc__": f"One page of {name}.",
            "paginated_envelope": True,
            "count": serializers.IntegerField(help_text="All results, across pages."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, or null on the last."),
            "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null on the first."),
            "results": serializer_class(many=True),
        },
    )


def list_parameters(pagination_class: type[ListPagination] = ListPagination) -> list[OpenApiParameter]:
    """``limit`` and ``offset`` with their ranges, as ``pagination_class`` enforces them."""
    return [
        OpenApiParameter(
            name=param["name"],
            location=OpenApiParameter.QUERY,
            required=False,
            type=param["schema"],
            description=param["description"],
        )
        for param in pagination_class().get_schema_operation_parameters(view=None)
    ]
