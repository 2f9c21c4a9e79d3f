"""The OpenAPI schema: valid, complete (no view drf-spectacular could not describe), served offline."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import get_resolver
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from tests.factories import make_twin
from twinproject.openapi import ERROR_RESPONSES, WRITE_ERROR_RESPONSES

# Views whose authors are still annotating them with extend_schema; remove an
# entry once its view is described (the test says so when it is).
AWAITING_ANNOTATION: set[str] = set()
# Visitors' chat keys open these, and the owner's token too.
CHAT_PATHS = {
    "/twins/{twin_id}/conversations",
    "/twins/{twin_id}/conversations/{conversation_id}",
    "/twins/{twin_id}/conversations/{conversation_id}/messages",
}


def _generate() -> tuple[dict, list[str]]:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    messages = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    return schema, messages


@pytest.fixture(scope="module")
def generated() -> tuple[dict, list[str]]:
    return _generate()


def _operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _served_views() -> dict[str, set[str]]:
    """View class name → the OpenAPI paths it serves, from the tenant URLconf."""
    served: dict[str, set[str]] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
            elif view_class := getattr(pattern.callback, "view_class", None):
                path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
                served.setdefault(view_class.__name__, set()).add(path)

    walk(get_resolver("twinproject.urls").url_patterns, "")
    return served


def _awaiting(message: str, served: dict[str, set[str]]) -> bool:
    """Whether a generator message is about a view still awaiting annotation (by name or path)."""
    for name in AWAITING_ANNOTATION:
        if f"[{name}]" in message or any(f"'{path}'" in message for path in served.get(name, ())):
            return True
    return False


def test_the_schema_is_valid_openapi_3(generated):
    schema, _messages = generated
    validate_schema(schema)
    assert schema["info"]["title"] == "Twin Runtime API"
    assert schema["openapi"].startswith("3.")


def test_every_view_is_described_without_warnings(generated):
    _schema, messages = generated
    served = _served_views()
    unexpected = [m for m in messages if not _awaiting(m, served)]
    assert not unexpected, "drf-spectacular could not fully describe:\n" + "\n".join(unexpected)
    done = {name for name in AWAITING_ANNOTATION & set(served) if not any(f"[{name}]" in m for m in messages)}
    assert not done, f"Described now: remove {sorted(done)} from AWAITING_ANNOTATION"


def test_every_operation_documents_the_error_shape(generated):
    schema, _messages = generated
    assert "Error" in schema["components"]["schemas"]
    operations = list(_operations(schema))
    assert len(operations) >= 2
    for path, method, operation in operations:
        wanted = set(ERROR_RESPONSES) | (set(WRITE_ERROR_RESPONSES) if method in {"post", "patch", "put"} else set())
        assert wanted <= set(operation["responses"]), (
            f"{method.upper()} {path} lacks {wanted - set(operation['responses'])}"
        )
        for status in wanted:
            response = operation["responses"][status]
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        assert "Retry-After" in operation["responses"]["503"]["headers"]
        assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_owner_endpoints_require_the_token_scheme(generated):
    schema, _messages = generated
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["tokenAuth"]["description"],
    }
    for path, method, operation in _operations(schema):
        if path in CHAT_PATHS:
            assert operation["security"] == [{"chatKeyAuth": []}, {"tokenAuth": []}], f"{method.upper()} {path}"
        else:
            assert operation["security"] == [{"tokenAuth": []}], f"{method.upper()} {path}"
    assert schema["components"]["securitySchemes"]["chatKeyAuth"]["name"] == "Authorization"


def test_a_list_is_described_as_a_page_with_bounded_limit(generated):
    schema, _messages = generated
    operation = schema["paths"]["/twins/"]["get"]
    assert operation["operationId"] == "twins_list"
    limit = next(p for p in operation["parameters"] if p["name"] == "limit")
    assert limit["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}
    page = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][page]["properties"]) == {"count", "next", "previous", "results"}


def test_every_documented_page_size_limit_is_enforced(generated, api, tenant_a, owner):
    """A list that documents a maximum `limit` refuses one over it (400), as `ListPagination` does."""
    schema, _messages = generated
    twin = make_twin(owner=owner)
    client = api(tenant_a, tenant_a.owner_token)
    checked = []
    for path, method, operation in _operations(schema):
        limit = next((p for p in operation.get("parameters", []) if p["name"] == "limit"), None)
        if method != "get" or limit is None or "maximum" not in limit["schema"]:
            continue
        if set(re.findall(r"{(\w+)}", path)) - {"twin_id"}:
            continue  # needs objects this test does not make
        url = path.replace("{twin_id}", str(twin.pk))
        assert client.get(url, {"limit": limit["schema"]["maximum"]}).status_code == 200, url
        response = client.get(url, {"limit": limit["schema"]["maximum"] + 1})
        assert response.status_code == 400, url
        assert set(response.json()["error"]["fields"]) == {"limit"}, url
        checked.append(path)
    assert {"/twins/", "/twins/{twin_id}/knowledge", "/twins/{twin_id}/chat-keys"} <= set(checked)


def test_the_schema_is_served_without_a_token_even_a_bad_one(tenants, db):
    response = Client(HTTP_HOST="alpha.localhost").get("/api/schema/?format=json", HTTP_AUTHORIZATION="Token stale")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Twin Runtime API"
    assert "/twins/" in response.json()["paths"]


def test_swagger_ui_loads_only_local_assets(tenants, db):
    page = Client(HTTP_HOST="alpha.localhost").get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} would need the network"
        assert finders.find(asset.removeprefix("/static/")), f"{asset} is not shipped"
    assert "cdn" not in html.lower()


def test_the_bare_host_serves_no_api_schema(tenants, db):
    response = Client(HTTP_HOST="localhost").get("/api/schema/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
