"""The chat API: visitors with a chat key, the owner with their token, limits and retries."""

from __future__ import annotations

import json

import pytest

from review.models import ReviewItem
from runtime.models import ChatKey, Conversation, Message
from runtime.services import chat_key_issue, chat_key_revoke, conversation_start
from specs.models import Twin
from tests.factories import make_owner, make_twin
from tests.runtime.conftest import ANSWER, ESCALATE, REFUSE


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), "application/json", **headers)


def _conversations(twin) -> str:
    return f"/twins/{twin.pk}/conversations"


def _messages(twin, conversation_id) -> str:
    return f"/twins/{twin.pk}/conversations/{conversation_id}/messages"


@pytest.fixture
def visitor(api, tenant_a, chat_key):
    return api(tenant_a, chat_key)


def _start(client, twin, **body) -> str:
    response = _post(client, _conversations(twin), body)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_a_visitor_starts_a_conversation_and_gets_the_twins_reply_with_its_metadata(visitor, chat_twin):
    conversation_id = _start(visitor, chat_twin, visitor_id="v-42")
    conversation = Conversation.objects.get(pk=conversation_id)
    assert (conversation.interaction_context, conversation.visitor_id) == ("public_widget", "v-42")
    assert conversation.chat_key.name == "widget" and conversation.created_by is None

    response = _post(visitor, _messages(chat_twin, conversation_id), {"content": ANSWER, "client_message_id": "m1"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"message", "metadata", "user_message"}
    assert set(body["message"]) == {"id", "role", "content", "structured_output", "created_at"}
    assert body["message"]["role"] == "twin" and "Thursday" in body["message"]["content"]
    metadata = body["metadata"]
    assert set(metadata["routing_decision"]) == {
        "intent",
        "confidence",
        "required_inputs_missing",
        "chosen_workflow",
        "output_schema",
        "action",
        "clarifying_questions",
    }
    assert metadata["routing_decision"]["action"] == "answer"
    assert metadata["workflow_intent"] == "answer"
    assert metadata["persona_spec_version"] == "1.0.0"
    assert metadata["citations"][0]["kind"] == "faq" and metadata["review_item_id"] is None
    assert body["user_message"]["client_message_id"] == "m1"


def test_an_escalated_turn_names_its_review_item(visitor, chat_twin):
    conversation_id = _start(visitor, chat_twin)
    body = _post(visitor, _messages(chat_twin, conversation_id), {"content": ESCALATE}).json()
    item = ReviewItem.objects.get(pk=body["metadata"]["review_item_id"])
    assert (item.reason, item.priority, item.status) == ("escalation", "high", "pending")


def test_the_conversation_lists_its_turns_oldest_first_within_the_limit(visitor, chat_twin):
    conversation_id = _start(visitor, chat_twin)
    for content in (ANSWER, REFUSE):
        _post(visitor, _messages(chat_twin, conversation_id), {"content": content})
    url = f"/twins/{chat_twin.pk}/conversations/{conversation_id}"
    body = visitor.get(url).json()
    assert [m["role"] for m in body["messages"]] == ["user", "twin", "user", "twin"]
    assert [m["sequence"] for m in body["messages"]] == [1, 2, 3, 4]
    assert body["messages"][3]["metadata"]["routing_decision"]["action"] == "refuse"
    assert (body["message_count"], body["has_earlier"]) == (4, False)
    latest = visitor.get(url, {"limit": 2}).json()
    assert [m["sequence"] for m in latest["messages"]] == [3, 4] and latest["has_earlier"] is True
    assert visitor.get(url, {"limit": 500}).status_code == 400


def test_a_retry_with_the_idempotency_key_header_returns_the_stored_turn(visitor, chat_twin):
    conversation_id = _start(visitor, chat_twin)
    url = _messages(chat_twin, conversation_id)
    first = _post(visitor, url, {"content": ESCALATE}, HTTP_IDEMPOTENCY_KEY="retry-7")
    again = _post(visitor, url, {"content": ESCALATE}, HTTP_IDEMPOTENCY_KEY="retry-7")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Message.objects.filter(conversation_id=conversation_id).count() == 2
    assert ReviewItem.objects.filter(conversation_id=conversation_id).count() == 1
    clash = _post(visitor, url, {"content": "x", "client_message_id": "other"}, HTTP_IDEMPOTENCY_KEY="retry-7")
    assert clash.status_code == 400 and clash.json()["error"]["code"] == "idempotency_key_mismatch"


def test_the_owner_chats_with_their_own_twin_as_owner_chat(api, tenant_a, chat_twin, owner):
    client = api(tenant_a, tenant_a.owner_token)
    conversation_id = _start(client, chat_twin)
    conversation = Conversation.objects.get(pk=conversation_id)
    assert (conversation.interaction_context, conversation.created_by) == ("owner_chat", owner)
    response = _post(client, _messages(chat_twin, conversation_id), {"content": "What is my favourite book?"})
    assert response.status_code == 201
    assert response.json()["metadata"]["routing_decision"]["action"] in {"clarify", "answer"}


def test_the_owner_reads_a_visitors_conversation_but_cannot_write_in_it(api, tenant_a, visitor, chat_twin):
    conversation_id = _start(visitor, chat_twin)
    owner = api(tenant_a, tenant_a.owner_token)
    assert owner.get(f"/twins/{chat_twin.pk}/conversations/{conversation_id}").status_code == 200
    response = _post(owner, _messages(chat_twin, conversation_id), {"content": "hello"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_your_conversation"
    assert not Message.objects.filter(conversation_id=conversation_id).exists()


def test_a_chat_key_chats_only_with_its_own_twin(visitor, chat_twin, owner):
    other_twin = make_twin(owner=owner)
    assert _post(visitor, _conversations(other_twin), {}).status_code == 404
    foreign = conversation_start(twin=other_twin, interaction_context="public_widget")
    assert _post(visitor, _messages(other_twin, foreign.pk), {"content": "hi"}).status_code == 404
    assert _post(visitor, _messages(chat_twin, foreign.pk), {"content": "hi"}).status_code == 404


def test_a_chat_key_sees_only_the_conversations_it_started(visitor, api, tenant_a, chat_twin, owner):
    _row, second_key = chat_key_issue(twin=chat_twin, actor=owner, name="second")
    theirs = _start(api(tenant_a, second_key), chat_twin)
    assert visitor.get(f"/twins/{chat_twin.pk}/conversations/{theirs}").status_code == 404
    assert _post(visitor, _messages(chat_twin, theirs), {"content": "hi"}).status_code == 404


def test_a_chat_key_can_do_nothing_but_chat(visitor, chat_twin):
    for url in (
        "/twins/",
        f"/twins/{chat_twin.pk}",
        f"/twins/{chat_twin.pk}/persona-specs",
        f"/twins/{chat_twin.pk}/twin-spec/active",
        f"/twins/{chat_twin.pk}/knowledge",
        f"/twins/{chat_twin.pk}/chat-keys",
    ):
        response = visitor.get(url)
        assert response.status_code == 401, url
        assert set(response.json()) == {"error"}
    assert _post(visitor, f"/twins/{chat_twin.pk}/chat-keys", {"name": "mine"}).status_code == 401
    assert ChatKey.objects.filter(twin=chat_twin).count() == 1


def test_a_chat_key_may_not_chat_as_the_owner(visitor, chat_twin):
    response = _post(visitor, _conversations(chat_twin), {"interaction_context": "owner_chat"})
    assert response.status_code == 400 and "interaction_context" in response.json()["error"]["fields"]


def test_a_revoked_chat_key_is_refused_with_401(visitor, chat_twin):
    conversation_id = _start(visitor, chat_twin)
    chat_key_revoke(chat_key=ChatKey.objects.get(twin=chat_twin))
    response = _post(visitor, _messages(chat_twin, conversation_id), {"content": ANSWER})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "This chat key has been revoked."
    assert not Message.objects.filter(conversation_id=conversation_id).exists()


def test_a_bearer_chat_key_works_too(api, tenant_a, chat_twin, chat_key):
    from django.test import Client

    client = Client(HTTP_HOST=tenant_a.host, HTTP_AUTHORIZATION=f"Bearer {chat_key}")
    assert _post(client, _conversations(chat_twin), {}).status_code == 201


def test_a_message_over_the_length_limit_is_refused(visitor, chat_twin, settings):
    settings.CHAT_MAX_MESSAGE_CHARS = 50
    conversation_id = _start(visitor, chat_twin)
    response = _post(visitor, _messages(chat_twin, conversation_id), {"content": "x" * 51})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_long" and "content" in response.json()["error"]["fields"]
    assert not Message.objects.filter(conversation_id=conversation_id).exists()


def test_pinned_context_over_its_limit_is_refused(visitor, chat_twin, settings):
    settings.CHAT_MAX_PINNED_CHARS = 100
    conversation_id = _start(visitor, chat_twin)
    body = {"content": "Summarize this", "pinned_context": {"source_text": "y" * 120}}
    response = _post(visitor, _messages(chat_twin, conversation_id), body)
    assert response.status_code == 400 and "pinned_context" in response.json()["error"]["fields"]


def test_pinned_context_reaches_the_router_and_is_kept_with_the_message(visitor, chat_twin):
    conversation_id = _start(visitor, chat_twin)
    pinned = {"objective": "Close a $2M seed round by October", "constraints": "8 months runway, two founders"}
    body = _post(
        visitor, _messages(chat_twin, conversation_id), {"content": "Plan this for me", "pinned_context": pinned}
    )
    decision = body.json()["metadata"]["routing_decision"]
    assert decision["chosen_workflow"] == "plan" and decision["required_inputs_missing"] == []
    assert Message.objects.get(conversation_id=conversation_id, role="user").metadata == {"pinned_context": pinned}
    assert "Close a $2M seed round by October" in body.json()["message"]["content"]


def test_an_unknown_twin_is_404_and_a_paused_twin_409(visitor, api, tenant_a, chat_twin):
    owner = api(tenant_a, tenant_a.owner_token)
    assert _post(owner, "/twins/00000000-0000-0000-0000-000000000000/conversations", {}).status_code == 404
    conversation_id = _start(visitor, chat_twin)
    Twin.objects.filter(pk=chat_twin.pk).update(status=Twin.Status.PAUSED)
    for response in (
        _post(visitor, _conversations(chat_twin), {}),
        _post(visitor, _messages(chat_twin, conversation_id), {"content": ANSWER}),
    ):
        assert response.status_code == 409 and response.json()["error"]["code"] == "twin_paused"
    assert not Message.objects.filter(conversation_id=conversation_id).exists()


def test_the_owner_creates_lists_and_revokes_chat_keys_and_sees_a_key_once(api, tenant_a, chat_twin):
    owner = api(tenant_a, tenant_a.owner_token)
    created = _post(owner, f"/twins/{chat_twin.pk}/chat-keys", {"name": "site widget"})
    assert created.status_code == 201
    key = created.json()["key"]
    row = ChatKey.objects.get(pk=created.json()["id"])
    assert key.startswith("chk_") and row.prefix == key[:12] and key not in row.digest
    listed = owner.get(f"/twins/{chat_twin.pk}/chat-keys").json()
    assert created.json()["id"] in [k["id"] for k in listed["results"]]
    assert all("key" not in k for k in listed["results"])
    revoked = _post(owner, f"/twins/{chat_twin.pk}/chat-keys/{row.pk}/revoke", {})
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert _post(api(tenant_a, key), _conversations(chat_twin), {}).status_code == 401


def test_another_owner_manages_none_of_my_chat_keys(api, tenant_a, chat_twin, chat_key, token_for):
    stranger = api(tenant_a, token_for(make_owner()))
    key = ChatKey.objects.get(twin=chat_twin)
    assert stranger.get(f"/twins/{chat_twin.pk}/chat-keys").status_code == 404
    assert _post(stranger, f"/twins/{chat_twin.pk}/chat-keys/{key.pk}/revoke", {}).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_another_tenants_chat_key_does_not_open_this_tenant(api, tenant_a, tenant_b, chat_twin, chat_key):
    assert _post(api(tenant_b, chat_key), _conversations(chat_twin), {}).status_code == 401
