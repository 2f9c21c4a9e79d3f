"""One error shape for every 4xx and 5xx of the API; the admin keeps its HTML."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from specs.models import PersonaSpec
from tests.factories import make_twin


@pytest.fixture
def crash_urls(settings):
    settings.ROOT_URLCONF = "tests.api.urls"


@pytest.fixture
def twin(owner):
    return make_twin(owner=owner)


def _owner_client(tenant_a) -> Client:
    return Client(HTTP_HOST=tenant_a.host, HTTP_AUTHORIZATION=f"Token {tenant_a.owner_token}")


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    return body["error"]


def test_an_unknown_path_on_a_tenant_host_is_404_in_the_error_shape(tenant_a):
    _error(Client(HTTP_HOST=tenant_a.host).get("/no/such/thing"), 404, "not_found")


def test_an_unknown_path_on_the_bare_host_is_404_in_the_error_shape(tenants, db):
    _error(Client(HTTP_HOST="localhost").get("/twins/"), 404, "not_found")


def test_the_admin_keeps_its_html_404(tenant_a, owner):
    client = Client(HTTP_HOST=tenant_a.host)
    client.force_login(owner)
    response = client.get("/admin/specs/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unexpected_error_is_500_in_the_error_shape(tenant_a, crash_urls):
    response = Client(HTTP_HOST=tenant_a.host, raise_request_exception=False).get("/test/crash")
    error = _error(response, 500, "server_error")
    assert "bug" not in error["message"]


def test_an_unexpected_error_under_the_admin_stays_html(tenant_a, crash_urls):
    response = Client(HTTP_HOST=tenant_a.host, raise_request_exception=False).get("/admin/test/crash")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_an_unsupported_method_is_405_in_the_error_shape(tenant_a):
    _error(_owner_client(tenant_a).delete("/twins/"), 405, "method_not_allowed")


def test_malformed_json_is_400_in_the_error_shape(tenant_a, twin):
    response = _owner_client(tenant_a).post(
        f"/twins/{twin.id}/persona-specs", '{"notes": "unfinished', content_type="application/json"
    )
    assert "JSON parse error" in _error(response, 400, "parse_error")["message"]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ('{"spec": {"metadata": {"note": "a\\u0000b"}}}', "NUL"),
        ('{"spec": {"metadata": {"a\\u0000": 1}}}', "NUL"),
        ('{"notes": "\\ud800"}', "surrogates"),
        ('{"spec": {"metadata": {"big": 1e400}}}', "finite"),
        ('{"spec": {"metadata": ' + "[" * 100 + "]" * 100 + "}}", "nested"),
        ("[" * 100_000 + "]" * 100_000, "nested"),
    ],
    ids=["nul-in-value", "nul-in-key", "lone-surrogate", "infinite-number", "deep", "deeper-than-the-parser"],
)
def test_json_that_postgres_cannot_store_is_400_not_500(tenant_a, twin, raw, reason):
    response = _owner_client(tenant_a).post(f"/twins/{twin.id}/persona-specs", raw, content_type="application/json")
    assert reason in _error(response, 400, "parse_error")["message"]
    assert not PersonaSpec.objects.filter(twin=twin).exists()


def test_a_body_over_the_limit_is_413_before_any_work(tenant_a, twin, settings, django_assert_num_queries):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = _owner_client(tenant_a)
    url = f"/twins/{twin.id}/persona-specs"
    client.get("/twins/")  # the host's tenant is cached now
    with django_assert_num_queries(0):
        response = client.post(url, json.dumps({"notes": "x" * 2000}), content_type="application/json")
    assert "1024 bytes" in _error(response, 413, "too_large")["message"]
    assert not PersonaSpec.objects.filter(twin=twin).exists()
    assert client.post(url, json.dumps({"notes": "x" * 500}), content_type="application/json").status_code == 201


def test_an_oversized_admin_post_is_413_in_html(tenant_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = Client(HTTP_HOST=tenant_a.host).post("/admin/login/", {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=201", "limit"),
        ("limit=0", "limit"),
        ("limit=-5", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
    ],
)
def test_a_page_size_out_of_range_is_400_naming_the_range(tenant_a, twin, query, field):
    error = _error(_owner_client(tenant_a).get(f"/twins/?{query}"), 400, "invalid")
    expected = "Must be an integer from 1 to 200." if field == "limit" else "Must be an integer of at least 0."
    assert error["fields"] == {field: [expected]}


def test_the_largest_page_size_is_served(tenant_a, twin):
    response = _owner_client(tenant_a).get("/twins/?limit=200&offset=0")
    assert response.status_code == 200
    assert response.json()["count"] == 1
