"""Which turns reach the owner's review queue (DESIGN.md, "Review queue")."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from review.enqueue import review_reason_for
from review.models import ReviewItem
from runtime.services import chat_turn_create, conversation_start
from tests.runtime.conftest import ANSWER, CLARIFY, ESCALATE, REFUSE


def _reason(action, confidence=0.9, rule="x", previous_action=None, previous_rule=None):
    return review_reason_for(
        action=action,
        confidence=confidence,
        rule=rule,
        previous_action=previous_action,
        previous_rule=previous_rule,
        threshold=0.75,
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"action": "escalate"}, ("escalation", "high")),
        ({"action": "refuse"}, ("refusal", "medium")),
        ({"action": "answer", "confidence": 0.74}, ("low_confidence", "medium")),
        ({"action": "answer", "confidence": 0.75}, None),
        ({"action": "clarify"}, None),
        ({"action": "clarify", "previous_action": "answer"}, None),
        ({"action": "clarify", "previous_action": "clarify"}, ("clarification_loop", "low")),
        ({"action": "clarify", "previous_action": "clarify", "rule": "clarify.owner_knowledge"}, None),
        ({"action": "clarify", "previous_action": "clarify", "previous_rule": "clarify.owner_knowledge"}, None),
    ],
)
def test_the_enqueue_rules(kwargs, expected):
    assert _reason(**kwargs) == expected


@pytest.mark.parametrize(
    ("content", "reason", "priority"), [(ESCALATE, "escalation", "high"), (REFUSE, "refusal", "medium")]
)
def test_escalated_and_refused_turns_are_queued_once_linked_to_their_turn(
    visitor_conversation, content, reason, priority
):
    turn = chat_turn_create(conversation=visitor_conversation, content=content)
    item = ReviewItem.objects.get(conversation=visitor_conversation)
    assert (item.reason, item.priority, item.status) == (reason, priority, "pending")
    assert item.message_id == turn.user_message.pk
    assert item.routing_decision.message_id == turn.user_message.pk
    assert item.payload["message"] == content and item.payload["reply"] == turn.twin_message.content


def test_a_confident_answer_is_not_queued(visitor_conversation):
    chat_turn_create(conversation=visitor_conversation, content=ANSWER)
    assert not ReviewItem.objects.exists()


def test_an_answer_below_the_review_threshold_is_queued_as_low_confidence(visitor_conversation, settings):
    settings.ROUTER_REVIEW_THRESHOLD = 1.0
    turn = chat_turn_create(conversation=visitor_conversation, content=ANSWER)
    item = ReviewItem.objects.get(message=turn.user_message)
    assert (item.reason, item.priority) == ("low_confidence", "medium")


def test_a_conversation_that_clarifies_twice_in_a_row_is_queued_once(visitor_conversation):
    chat_turn_create(conversation=visitor_conversation, content=CLARIFY)
    assert not ReviewItem.objects.exists()
    second = chat_turn_create(conversation=visitor_conversation, content="Can you help me with something?")
    assert second.twin_message.metadata["routing_decision"]["action"] == "clarify"
    item = ReviewItem.objects.get(conversation=visitor_conversation)
    assert (item.reason, item.priority, item.message_id) == ("clarification_loop", "low", second.user_message.pk)
    chat_turn_create(conversation=visitor_conversation, content="Can you help me with something else?")
    assert ReviewItem.objects.filter(conversation=visitor_conversation).count() == 1


class _UnreachableModel:
    """A realizer whose model server is down: the turn becomes an escalation (runtime.realizer.realize_safely)."""

    name = "openai"

    def realize(self, plan):
        raise TimeoutError("the model server did not answer")


def test_an_answer_the_realizer_failed_to_write_is_queued_as_an_escalation(visitor_conversation):
    turn = chat_turn_create(conversation=visitor_conversation, content=ANSWER, realizer=_UnreachableModel())
    item = ReviewItem.objects.get(message=turn.user_message)
    assert (item.reason, item.priority, item.payload["action"]) == ("escalation", "high", "escalate")


def test_a_queued_item_belongs_to_its_conversations_twin(visitor_conversation, chat_twin):
    turn = chat_turn_create(conversation=visitor_conversation, content=REFUSE)
    assert turn.user_message.review_item.twin == chat_twin


def test_the_database_keeps_one_item_per_turn(visitor_conversation):
    turn = chat_turn_create(conversation=visitor_conversation, content=ESCALATE)
    first = turn.user_message.review_item
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewItem.objects.create(
            twin=first.twin, conversation=first.conversation, message=first.message, reason="refusal", priority="medium"
        )
    assert ReviewItem.objects.filter(message=turn.user_message).count() == 1


def test_an_owner_chat_clarifying_for_owner_knowledge_twice_is_not_a_loop(chat_twin):
    conversation = conversation_start(twin=chat_twin, interaction_context="owner_chat")
    for content in ("What is my favourite restaurant?", "What did I decide about hiring last week?"):
        turn = chat_turn_create(conversation=conversation, content=content)
        assert turn.twin_message.metadata["routing_decision"]["action"] == "clarify"
    assert not ReviewItem.objects.filter(conversation=conversation).exists()
