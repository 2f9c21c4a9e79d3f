"""The owner's closed loop through the API: an escalated question, answered and taught, applied, published,
and answered by the twin itself on the visitor's next message; a guardrail rule and its rollback likewise."""

from __future__ import annotations

import pytest

from runtime.services import knowledge_document_create
from tests.learning.conftest import (
    OWNER_ANSWER,
    OWNER_QUESTION,
    SEED_DOCUMENT,
    SEED_QUESTION,
    inputs_url,
    post,
)


def _ask(visitor, twin, content: str) -> dict:
    conversation = post(visitor, f"/twins/{twin.pk}/conversations").json()["id"]
    response = post(visitor, f"/twins/{twin.pk}/conversations/{conversation}/messages", {"content": content})
    assert response.status_code == 201, response.content
    return response.json()


def _publish(owner_api, twin, version: str) -> None:
    response = post(owner_api, f"/twins/{twin.pk}/persona-specs/{version}/publish")
    assert response.status_code == 200, response.content


def test_an_answer_taught_from_the_review_queue_is_the_twins_own_answer_once_published(visitor, owner_api, chat_twin):
    first = _ask(visitor, chat_twin, OWNER_QUESTION)
    assert first["metadata"]["routing_decision"]["action"] == "escalate"
    item_id = first["metadata"]["review_item_id"]
    assert item_id is not None

    taught = post(
        owner_api, f"/twins/{chat_twin.pk}/owner-review-queue/{item_id}/answer-and-teach", {"answer": OWNER_ANSWER}
    )
    assert taught.status_code == 200, taught.content
    input_id = taught.json()["learning_input"]["id"]

    applied = post(owner_api, f"{inputs_url(chat_twin)}/{input_id}/apply")
    assert applied.status_code == 200, applied.content
    draft = applied.json()["version"]
    assert (draft["version"], draft["status"], draft["source"]) == ("1.0.1", "draft", "learning_input")

    # A draft changes nothing for visitors.
    assert _ask(visitor, chat_twin, OWNER_QUESTION)["metadata"]["routing_decision"]["action"] == "escalate"

    _publish(owner_api, chat_twin, "1.0.1")
    again = _ask(visitor, chat_twin, OWNER_QUESTION)
    assert again["metadata"]["routing_decision"]["action"] == "answer"
    assert again["metadata"]["persona_spec_version"] == "1.0.1"
    assert {"kind": "faq", "title": OWNER_QUESTION} in [
        {"kind": c["kind"], "title": c["title"]} for c in again["metadata"]["citations"]
    ]
    assert "The Mom Test" in again["message"]["content"]


@pytest.fixture
def seed_document(chat_twin):
    return knowledge_document_create(twin=chat_twin, title=SEED_DOCUMENT["title"], body=SEED_DOCUMENT["body"])


def test_a_guardrail_rule_makes_the_twin_refuse_a_topic_and_a_rollback_restores_the_answer(
    visitor, owner_api, chat_twin, seed_document
):
    before = _ask(visitor, chat_twin, SEED_QUESTION)
    assert before["metadata"]["routing_decision"]["action"] == "answer"

    made = post(
        owner_api,
        inputs_url(chat_twin),
        {"input_type": "add_guardrail_refusal_rule", "payload": {"forbidden_topics": ["seed round"]}},
    )
    assert made.status_code == 201, made.content
    applied = post(owner_api, f"{inputs_url(chat_twin)}/{made.json()['id']}/apply")
    _publish(owner_api, chat_twin, applied.json()["version"]["version"])

    refused = _ask(visitor, chat_twin, SEED_QUESTION)
    assert refused["metadata"]["routing_decision"]["action"] == "refuse"
    assert refused["metadata"]["persona_spec_version"] == "1.0.1"

    rollback = post(owner_api, f"/twins/{chat_twin.pk}/persona-specs/1.0.0/rollback")
    assert rollback.status_code == 200, rollback.content
    after = _ask(visitor, chat_twin, SEED_QUESTION)
    assert after["metadata"]["routing_decision"]["action"] == "answer"
    assert after["metadata"]["persona_spec_version"] == "1.0.0"


def test_a_rollback_takes_a_taught_faq_answer_out_of_grounding_again(visitor, owner_api, chat_twin):
    item_id = _ask(visitor, chat_twin, OWNER_QUESTION)["metadata"]["review_item_id"]
    taught = post(
        owner_api, f"/twins/{chat_twin.pk}/owner-review-queue/{item_id}/answer-and-teach", {"answer": OWNER_ANSWER}
    )
    post(owner_api, f"{inputs_url(chat_twin)}/{taught.json()['learning_input']['id']}/apply")
    _publish(owner_api, chat_twin, "1.0.1")
    assert _ask(visitor, chat_twin, OWNER_QUESTION)["metadata"]["routing_decision"]["action"] == "answer"

    post(owner_api, f"/twins/{chat_twin.pk}/persona-specs/1.0.0/rollback")
    after = _ask(visitor, chat_twin, OWNER_QUESTION)
    assert after["metadata"]["persona_spec_version"] == "1.0.0"
    assert after["metadata"]["routing_decision"]["action"] == "escalate"
