"""Owners manage a twin's knowledge documents over the API; nobody else sees them."""

from __future__ import annotations

import json

from runtime.models import KnowledgeSource
from runtime.services import knowledge_document_create
from tests.factories import make_owner, make_twin


def _url(twin, document=None) -> str:
    base = f"/twins/{twin.id}/knowledge"
    return f"{base}/{document.id}" if document else base


def test_the_owner_adds_lists_edits_and_deletes_a_document(api, tenant_a, owner):
    twin = make_twin(owner=owner)
    client = api(tenant_a, tenant_a.owner_token)
    created = client.post(_url(twin), {"title": "Thesis", "body": "I back boring businesses."}, "application/json")
    assert created.status_code == 201
    doc_id = created.json()["id"]
    assert created.json()["kind"] == "document"

    listed = client.get(_url(twin)).json()
    assert [row["id"] for row in listed["results"]] == [doc_id]

    patched = client.patch(f"{_url(twin)}/{doc_id}", json.dumps({"approved": False}), "application/json")
    assert patched.status_code == 200 and patched.json()["approved"] is False
    assert KnowledgeSource.objects.get(pk=doc_id).approved is False

    assert client.delete(f"{_url(twin)}/{doc_id}").status_code == 204
    assert not KnowledgeSource.objects.filter(pk=doc_id).exists()


def test_a_document_without_a_body_is_refused_with_field_errors(api, tenant_a, owner):
    twin = make_twin(owner=owner)
    response = api(tenant_a, tenant_a.owner_token).post(_url(twin), {"title": "x"}, "application/json")
    assert response.status_code == 400
    assert "body" in response.json()["error"]["fields"]
    assert not KnowledgeSource.objects.filter(twin=twin).exists()


def test_another_owner_sees_none_of_my_knowledge(api, tenant_a, owner, token_for):
    twin = make_twin(owner=owner)
    doc = knowledge_document_create(twin=twin, title="Private", body="notes")
    stranger = api(tenant_a, token_for(make_owner()))
    assert stranger.get(_url(twin)).status_code == 404
    assert stranger.get(_url(twin, doc)).status_code == 404
    assert stranger.delete(_url(twin, doc)).status_code == 404
    assert KnowledgeSource.objects.filter(pk=doc.pk).exists()


def test_another_tenants_owner_cannot_reach_my_knowledge(api, tenant_a, tenant_b, owner):
    twin = make_twin(owner=owner)
    doc = knowledge_document_create(twin=twin, title="Private", body="notes")
    assert api(tenant_b, tenant_b.owner_token).get(_url(twin, doc)).status_code == 404
    assert api(tenant_a, tenant_b.owner_token).get(_url(twin, doc)).status_code == 401
