"""Test fixtures: two tenants created once per run, and helpers to act inside them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from tests.factories import make_owner, make_token
from twinproject.accounts.models import User
from twinproject.tenancy.models import Tenant
from twinproject.tenancy.services import tenant_provision, tenant_public_ensure


@dataclass(frozen=True)
class TenantFixture:
    tenant: Tenant
    host: str
    owner_username: str
    owner_token: str


def _provision(schema: str) -> TenantFixture:
    result = tenant_provision(
        schema_name=schema, name=schema.title(), domain=f"{schema}.localhost", owner_username=f"{schema}-owner"
    )
    assert result.token_key is not None
    return TenantFixture(result.tenant, f"{schema}.localhost", result.owner.username, result.token_key)


@pytest.fixture(scope="session")
def tenants(django_db_setup, django_db_blocker) -> dict[str, TenantFixture]:
    """Tenant schemas cost about a second each to migrate: made once for the whole run."""
    with django_db_blocker.unblock():
        tenant_public_ensure(domain="localhost")
        made = {name: _provision(name) for name in ("alpha", "beta")}
        connection.set_schema_to_public()
    return made


@pytest.fixture(autouse=True)
def _public_schema_between_tests() -> Iterator[None]:
    """A request leaves the connection in its tenant's schema; each test starts in public."""
    connection.set_schema_to_public()
    yield
    connection.set_schema_to_public()


@pytest.fixture
def tenant_a(tenants, db) -> Iterator[TenantFixture]:
    with tenant_context(tenants["alpha"].tenant):
        yield tenants["alpha"]


@pytest.fixture
def tenant_b(tenants, db) -> TenantFixture:
    return tenants["beta"]


@pytest.fixture
def owner(tenant_a) -> User:
    return User.objects.get(username=tenant_a.owner_username)


@pytest.fixture
def other_owner(tenant_a) -> User:
    return make_owner(username="other-owner")


@pytest.fixture
def api(tenants) -> Callable[..., Client]:
    """``api(tenant_fixture, token=...)``: a client that speaks to that tenant's host."""

    def build(target: TenantFixture, token: str | None = None) -> Client:
        headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
        return Client(HTTP_HOST=target.host, **headers)

    return build


@pytest.fixture
def token_for() -> Callable[[User], str]:
    return lambda user: make_token(user)
