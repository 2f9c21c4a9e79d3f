"""GET /twins/ and /twins/{id} for the owner, and the twin pages of the admin."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone

from specs.models import Twin
from tests.factories import make_owner, make_twin
from twinproject.accounts.models import ApiToken


def test_the_owner_lists_their_twins_with_pagination(api, tenant_a, owner, django_assert_max_num_queries):
    made = [make_twin(owner=owner, name=f"Twin {n:02d}") for n in range(3)]
    client = api(tenant_a, tenant_a.owner_token)
    client.get("/twins/")  # the host's tenant is now cached in this process
    # tenant switch, token, count, page
    with django_assert_max_num_queries(4):
        response = client.get("/twins/?limit=2")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [row["id"] for row in body["results"]] == [str(t.id) for t in made[:2]]
    assert body["next"] is not None
    assert set(body["results"][0]) == {"id", "name", "slug", "status", "owner", "created_at", "updated_at"}


def test_the_owner_reads_one_twin_including_a_paused_one(api, tenant_a, owner):
    twin = make_twin(owner=owner, name="Paused", status=Twin.Status.PAUSED)
    response = api(tenant_a, tenant_a.owner_token).get(f"/twins/{twin.id}")
    assert response.status_code == 200
    assert response.json()["status"] == "paused"
    assert response.json()["owner"] == owner.username


def test_an_unknown_twin_id_is_404_in_the_error_shape(api, tenant_a):
    response = api(tenant_a, tenant_a.owner_token).get("/twins/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "No twin with this id is visible to you.", "fields": {}}
    }


def test_without_a_token_the_api_answers_401(api, tenant_a):
    response = api(tenant_a).get("/twins/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Token"


def test_a_revoked_token_is_refused(api, tenant_a, owner, token_for):
    key = token_for(owner)
    ApiToken.objects.filter(user=owner).update(revoked_at=timezone.now())
    assert api(tenant_a, key).get("/twins/").status_code == 401


def test_an_unknown_host_gets_404_in_the_error_shape(db, tenants):
    response = Client(HTTP_HOST="nowhere.localhost").get("/twins/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_host"


def _admin(tenant_fixture, user) -> Client:
    client = Client(HTTP_HOST=tenant_fixture.host)
    client.force_login(user)
    return client


def test_the_admin_shows_an_owner_only_their_own_twins(tenant_a, owner):
    make_twin(owner=owner, name="Mine in admin")
    make_twin(owner=make_owner(), name="Someone else's")
    page = _admin(tenant_a, owner).get("/admin/specs/twin/")
    assert page.status_code == 200
    assert "Mine in admin" in page.content.decode()
    assert "Someone else&#x27;s" not in page.content.decode()


def test_an_owner_cannot_open_another_owners_twin_in_the_admin(tenant_a, owner):
    theirs = make_twin(owner=make_owner())
    response = _admin(tenant_a, owner).get(f"/admin/specs/twin/{theirs.id}/change/")
    assert response.status_code == 302  # the admin redirects away from objects it cannot find


def test_a_twin_added_in_the_admin_belongs_to_the_owner(tenant_a, owner):
    response = _admin(tenant_a, owner).post(
        "/admin/specs/twin/add/", {"name": "Fresh", "slug": "fresh", "status": "active"}
    )
    assert response.status_code == 302
    assert Twin.objects.get(slug="fresh").owner == owner


def test_an_owners_login_does_not_work_on_another_tenants_admin(tenant_a, tenant_b, owner):
    client = Client(HTTP_HOST=tenant_b.host)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": tenant_a.owner_username, "password": "irrelevant"}
    )
    assert response.status_code == 200  # the login form again
    assert "_auth_user_id" not in client.session


def test_tenants_are_managed_only_on_the_operators_host(tenant_a, owner):
    assert _admin(tenant_a, owner).get("/admin/tenancy/tenant/").status_code == 403
