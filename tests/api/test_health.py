"""/healthz and /readyz answer on every host, before tenants, HTTPS redirects and authentication."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize("host", ["alpha.localhost", "nowhere.localhost", "10.1.2.3:8000"])
def test_healthz_answers_on_any_host_without_the_database(tenants, db, host, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("host", ["localhost", "nowhere.localhost", "10.1.2.3:8000"])
def test_readyz_reports_the_database_and_migrations(tenants, db, host):
    response = Client(HTTP_HOST=host).get("/readyz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_probes_accept_head_and_refuse_writes_in_the_error_shape(tenants, db):
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.head("/healthz").status_code == 200
    response = client.post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_probes_are_not_redirected_to_https(tenants, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.get("/healthz").status_code == 200
    assert client.get("/twins/").status_code == 301
