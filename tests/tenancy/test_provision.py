"""The provision_tenant command: creates a tenant, domain, owner and token; safe to repeat."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from twinproject.accounts.models import ApiToken, User
from twinproject.tenancy.models import Domain, Tenant


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("provision_tenant", *args, stdout=out)
    connection.set_schema_to_public()
    return out.getvalue()


def _token_from(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("token   created"))
    return line.split()[-1]


def test_provision_creates_everything_and_the_printed_token_works(tenants, db):
    output = _run("gamma", "--owner", "gina", "--name", "Gamma Ltd")
    assert "tenant  created  gamma (Gamma Ltd)" in output
    assert "domain  created  gamma.localhost" in output
    assert "owner   created  gina" in output
    token = _token_from(output)

    response = Client(HTTP_HOST="gamma.localhost", HTTP_AUTHORIZATION=f"Token {token}").get("/twins/")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_running_provision_again_changes_nothing_and_says_so(tenants, db):
    _run("delta", "--owner", "dora")
    again = _run("delta", "--owner", "dora")
    assert "tenant  exists   delta" in again
    assert "owner   exists   dora" in again
    assert "token   exists" in again and "token   created" not in again
    tenant = Tenant.objects.get(schema_name="delta")
    assert Domain.objects.filter(tenant=tenant).count() == 1
    with tenant_context(tenant):
        assert User.objects.count() == 1
        assert ApiToken.objects.count() == 1


def test_a_domain_of_another_tenant_is_refused_and_nothing_is_created(tenants, db):
    with pytest.raises(CommandError, match="already belongs"):
        _run("epsilon", "--owner", "ed", "--domain", "alpha.localhost")
    assert not Tenant.objects.filter(schema_name="epsilon").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'epsilon'")
        assert cursor.fetchone()[0] == 0


def test_a_new_domain_serves_its_tenant_at_once(tenants, db, api):
    alpha = tenants["alpha"]
    assert Client(HTTP_HOST="alias.localhost").get("/twins/").status_code == 404
    Domain.objects.create(domain="alias.localhost", tenant=alpha.tenant, is_primary=False)
    response = Client(HTTP_HOST="alias.localhost", HTTP_AUTHORIZATION=f"Token {alpha.owner_token}").get("/twins/")
    assert response.status_code == 200
