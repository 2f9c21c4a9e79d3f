"""The owner's admin: every turn's lineage on the conversation page; chat keys made and revoked."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from runtime.models import ChatKey, RoutingDecisionRecord
from runtime.services import chat_turn_create
from tests.factories import make_owner
from tests.runtime.conftest import ANSWER, ESCALATE, REFUSE


@pytest.fixture
def admin_client(tenant_a, owner) -> Client:
    client = Client(HTTP_HOST=tenant_a.host)
    client.force_login(owner)
    return client


def test_the_conversation_page_shows_each_turns_decision_audit_and_review_item(admin_client, visitor_conversation):
    for content in (ANSWER, REFUSE, ESCALATE):
        chat_turn_create(conversation=visitor_conversation, content=content)
    page = admin_client.get(f"/admin/runtime/conversation/{visitor_conversation.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    for content in ("Does Maya hold office hours?", "book a call"):
        assert content in html
    for rule in RoutingDecisionRecord.objects.values_list("explanation__rule", flat=True):
        assert f"<code>{rule}</code>" in html
    assert "cites: Does Maya hold office hours?" in html
    assert "review: <strong>Escalation</strong> (high, pending)" in html
    assert "review: <strong>Refusal</strong> (medium, pending)" in html
    assert html.count("via builtin") == 3
    decision = RoutingDecisionRecord.objects.first()
    assert admin_client.get(f"/admin/runtime/routingdecisionrecord/{decision.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/runtime/responseaudit/{decision.audit.pk}/change/").status_code == 200


def test_lineage_is_read_only_in_the_admin(admin_client, visitor_conversation):
    chat_turn_create(conversation=visitor_conversation, content=ANSWER)
    assert admin_client.get("/admin/runtime/conversation/add/").status_code == 403
    decision = RoutingDecisionRecord.objects.get()
    response = admin_client.post(f"/admin/runtime/routingdecisionrecord/{decision.pk}/change/", {"action": "refuse"})
    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.action == "answer"


def test_another_owner_sees_none_of_my_conversations_in_the_admin(tenant_a, visitor_conversation):
    chat_turn_create(conversation=visitor_conversation, content=ANSWER)
    stranger = Client(HTTP_HOST=tenant_a.host)
    stranger.force_login(make_owner())
    listing = stranger.get("/admin/runtime/conversation/").content.decode()
    assert "visitor-1" not in listing
    page = stranger.get(f"/admin/runtime/conversation/{visitor_conversation.pk}/change/", follow=True)
    assert "Does Maya hold office hours?" not in page.content.decode()


def test_a_chat_key_made_in_the_admin_is_shown_once_and_stored_as_a_digest(admin_client, chat_twin):
    response = admin_client.post("/admin/runtime/chatkey/add/", {"twin": chat_twin.pk, "name": "site"}, follow=True)
    assert response.status_code == 200
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    (shown,) = [note for note in notes if "copy it now" in note]
    key = shown.split(" is ")[1].split(" ")[0]
    assert key.startswith("chk_") and sum(key in note for note in notes) == 1
    row = ChatKey.objects.get(twin=chat_twin, name="site")
    assert row.prefix == key[:12] and key not in row.digest and row.created_by.username == "alpha-owner"
    assert key not in admin_client.get(f"/admin/runtime/chatkey/{row.pk}/change/").content.decode()


def test_the_revoke_action_revokes_the_selected_keys(admin_client, chat_twin, chat_key):
    row = ChatKey.objects.get(twin=chat_twin)
    response = admin_client.post(
        "/admin/runtime/chatkey/", {"action": "revoke_selected", "_selected_action": [str(row.pk)]}, follow=True
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.revoked_at is not None
