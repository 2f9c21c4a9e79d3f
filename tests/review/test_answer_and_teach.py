"""Answer and teach: the owner's answer resolves the item, reaches the visitor and becomes a learning input."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError

from learning.models import LearningInput
from learning.services import learning_input_create
from review.models import ReviewItem
from review.services import review_item_answer_and_teach
from runtime.models import Message, ResponseAudit
from tests.review.conftest import ESCALATE
from tests.review.test_queue_api import item_url
from twinproject.errors import DomainError

ANSWER = "Yes: Maya has Tuesday at 3pm free. She will email you an invite today."


def _post(client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def visitor(api, tenant_a, chat_key):
    return api(tenant_a, chat_key)


@pytest.fixture
def owner_api(api, tenant_a):
    return api(tenant_a, tenant_a.owner_token)


@pytest.fixture
def escalated(visitor, chat_twin) -> tuple[str, ReviewItem]:
    """A visitor's conversation (started with the chat key) whose first turn was escalated."""
    base = f"/twins/{chat_twin.pk}/conversations"
    conversation_id = _post(visitor, base).json()["id"]
    reply = _post(visitor, f"{base}/{conversation_id}/messages", {"content": ESCALATE}).json()
    return conversation_id, ReviewItem.objects.get(pk=reply["metadata"]["review_item_id"])


def test_answer_and_teach_resolves_the_item_teaches_the_twin_and_answers_the_visitor(
    owner_api, visitor, owner, chat_twin, escalated
):
    conversation_id, item = escalated
    response = _post(owner_api, item_url(item, "answer-and-teach"), {"answer": ANSWER, "review_note": "Booked."})
    assert response.status_code == 200
    body = response.json()

    item.refresh_from_db()
    assert (item.status, item.resolved_by, item.review_note) == ("resolved", owner, "Booked.")
    assert body["item"]["status"] == "resolved"

    learning_input = LearningInput.objects.get(source_review_item=item)
    assert (learning_input.input_type, learning_input.status) == ("add_faq_answer", "pending")
    assert learning_input.payload == {"question": ESCALATE, "answer": ANSWER, "template": None}
    assert (learning_input.twin, learning_input.created_by, learning_input.review_note) == (chat_twin, owner, "Booked.")
    assert str(learning_input.source_conversation_id) == conversation_id
    assert learning_input.source_message_id == item.message_id
    assert learning_input.base_version.version == "1.0.0"
    assert body["learning_input"]["id"] == str(learning_input.pk)
    assert body["learning_input"]["payload"]["answer"] == ANSWER

    answer = Message.objects.get(conversation_id=conversation_id, is_owner_answer=True)
    assert (answer.role, answer.content, answer.sequence, answer.reply_to_id) == ("twin", ANSWER, 3, item.message_id)
    assert answer.structured_output == {
        "schema": "reply.owner_answer.v1",
        "answer": ANSWER,
        "in_reply_to": str(item.message_id),
    }
    audit = ResponseAudit.objects.get(message=answer)
    assert (audit.realizer_backend, audit.action, audit.routing_decision) == ("owner", "answer", None)
    assert body["owner_answer"]["id"] == str(answer.pk)

    polled = visitor.get(f"/twins/{chat_twin.pk}/conversations/{conversation_id}").json()
    assert polled["message_count"] == 3
    last = polled["messages"][-1]
    assert (last["role"], last["content"], last["is_owner_answer"]) == ("twin", ANSWER, True)


def test_the_visitor_chats_on_after_the_owners_answer(owner_api, visitor, chat_twin, escalated):
    conversation_id, item = escalated
    assert _post(owner_api, item_url(item, "answer-and-teach"), {"answer": ANSWER}).status_code == 200
    url = f"/twins/{chat_twin.pk}/conversations/{conversation_id}/messages"
    reply = _post(visitor, url, {"content": "Does Maya hold office hours?"})
    assert reply.status_code == 201
    sequences = list(Message.objects.filter(conversation_id=conversation_id).values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5]


def test_answering_an_item_that_is_no_longer_pending_is_a_409_and_changes_nothing(owner_api, escalated):
    conversation_id, item = escalated
    assert _post(owner_api, item_url(item, "resolve"), {"status": "dismissed"}).status_code == 200
    response = _post(owner_api, item_url(item, "answer-and-teach"), {"answer": ANSWER})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "review_item_not_pending"
    assert not LearningInput.objects.exists()
    assert Message.objects.filter(conversation_id=conversation_id).count() == 2
    item.refresh_from_db()
    assert item.status == "dismissed"


@pytest.mark.parametrize("body", [{}, {"answer": ""}, {"answer": "   "}, {"answer": "x" * 4001}])
def test_an_answer_must_be_given_and_fit_an_faq_entry(owner_api, escalated, body):
    _conversation_id, item = escalated
    response = _post(owner_api, item_url(item, "answer-and-teach"), body)
    assert response.status_code == 400
    assert "answer" in response.json()["error"]["fields"]
    item.refresh_from_db()
    assert item.status == "pending" and not LearningInput.objects.exists()


def test_answer_and_teach_is_all_or_nothing(owner, chat_twin, escalated):
    conversation_id, item = escalated
    # A learning input already made from this item: one per item, so the second one fails, and with it the rest.
    learning_input_create(
        twin=chat_twin,
        input_type="add_faq_answer",
        payload={"question": "q", "answer": "a"},
        actor=owner,
        source_review_item=item,
    )
    with pytest.raises((IntegrityError, DomainError)):
        review_item_answer_and_teach(item=item, actor=owner, answer=ANSWER)
    item.refresh_from_db()
    assert item.status == "pending"
    assert Message.objects.filter(conversation_id=conversation_id).count() == 2
    assert LearningInput.objects.count() == 1
