"""Tenant isolation three ways: the ORM, HTTP, and raw SQL under row-level security."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import tenant_context

from specs.models import Twin
from tests.factories import make_owner, make_twin
from twinproject.accounts.models import User


@pytest.fixture
def beta_twin(tenant_b, tenant_a):
    with tenant_context(tenant_b.tenant):
        return make_twin(owner=User.objects.get(username=tenant_b.owner_username), name="Beta's twin")


def test_the_orm_in_one_tenant_never_returns_another_tenants_twins(tenant_a, tenant_b, owner, beta_twin):
    mine = make_twin(owner=owner, name="Alpha's twin")
    assert list(Twin.objects.values_list("id", flat=True)) == [mine.id]
    with tenant_context(tenant_b.tenant):
        assert list(Twin.objects.values_list("id", flat=True)) == [beta_twin.id]


def test_an_owner_asking_their_host_for_another_tenants_twin_gets_404(api, tenant_a, beta_twin):
    response = api(tenant_a, tenant_a.owner_token).get(f"/twins/{beta_twin.id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "Beta" not in response.content.decode()


def test_a_token_of_one_tenant_is_refused_on_another_tenants_host(api, tenant_a, tenant_b, beta_twin):
    response = api(tenant_b, tenant_a.owner_token).get("/twins/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    response = api(tenant_b, tenant_a.owner_token).get(f"/twins/{beta_twin.id}")
    assert response.status_code == 401


def test_raw_sql_in_another_schema_with_my_tenant_setting_reads_nothing_and_cannot_insert(
    tenant_a, tenant_b, beta_twin
):
    alpha_id = tenant_a.tenant.pk
    with tenant_context(tenant_b.tenant), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM specs_twin")
        assert cursor.fetchone()[0] == 1  # beta's own setting sees its twin
        beta_owner_id = User.objects.get(username=tenant_b.owner_username).pk
        cursor.execute("SELECT set_config('app.tenant_id', %s, false)", [str(alpha_id)])
        cursor.execute("SELECT count(*) FROM specs_twin")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM accounts_user")
        assert cursor.fetchone()[0] == 0
        for tenant_id_sql in ("DEFAULT", str(alpha_id)):
            with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
                cursor.execute(
                    "INSERT INTO specs_twin (id, tenant_id, owner_id, name, slug, status, created_at, updated_at)"
                    f" VALUES (gen_random_uuid(), {tenant_id_sql}, %s, 'x', 'x', 'active', now(), now())",
                    [beta_owner_id],
                )
    with tenant_context(tenant_b.tenant):
        assert Twin.objects.count() == 1


def test_raw_sql_with_no_tenant_setting_sees_no_rows(tenant_a, owner):
    make_twin(owner=owner)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.tenant_id', '', false)")
        cursor.execute("SELECT count(*) FROM specs_twin")
        assert cursor.fetchone()[0] == 0


def test_another_owner_in_the_same_tenant_sees_none_of_my_twins(api, tenant_a, owner, token_for):
    mine = make_twin(owner=owner)
    stranger = make_owner(username="stranger")
    theirs = make_twin(owner=stranger)
    client = api(tenant_a, token_for(stranger))
    listed = client.get("/twins/").json()
    assert [row["id"] for row in listed["results"]] == [str(theirs.id)]
    assert client.get(f"/twins/{mine.id}").status_code == 404
