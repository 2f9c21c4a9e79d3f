"""The planner honours the routing decision, and every turn leaves its lineage in one transaction."""

from __future__ import annotations

import pytest

from review.models import ReviewItem
from runtime import services
from runtime.models import Message, ResponseAudit, RoutingDecisionRecord
from runtime.realizer import BuiltinRealizer
from runtime.reply_schemas import reply_validate
from runtime.services import chat_turn_create
from tests.runtime.conftest import ANSWER, CLARIFY, ESCALATE, REFUSE, demo_spec

REFUSAL_TEMPLATES = demo_spec()["guardrails"]["refusal_templates"]


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Message.objects.count(),
        RoutingDecisionRecord.objects.count(),
        ResponseAudit.objects.count(),
        ReviewItem.objects.count(),
        sum(1 for _ in Message.objects.filter(role="twin")),
    )


def test_an_answer_cites_the_faq_it_comes_from_in_the_workflows_schema(visitor_conversation):
    turn = chat_turn_create(conversation=visitor_conversation, content=ANSWER)
    reply = turn.twin_message
    assert reply.metadata["routing_decision"]["action"] == "answer"
    assert reply.structured_output["schema"] == "workflow.answer.v1"
    reply_validate("workflow.answer.v1", reply.structured_output)
    assert "every other Thursday" in reply.content
    assert [c["title"] for c in reply.metadata["citations"]] == ["Does Maya hold office hours?"]
    assert reply.metadata["citations"][0]["kind"] == "faq"
    assert reply.metadata["workflow_intent"] == "answer"
    assert reply.metadata["persona_spec_version"] == "1.0.0"


def test_a_clarify_reply_asks_the_decisions_questions_and_nothing_else(visitor_conversation):
    turn = chat_turn_create(conversation=visitor_conversation, content=CLARIFY)
    decision = turn.twin_message.metadata["routing_decision"]
    assert decision["action"] == "clarify"
    assert 1 <= len(decision["clarifying_questions"]) <= 3
    output = turn.twin_message.structured_output
    assert output == {
        "schema": "reply.clarify.v1",
        "questions": decision["clarifying_questions"],
        "missing_inputs": decision["required_inputs_missing"],
        "workflow": decision["chosen_workflow"],
    }
    for question in decision["clarifying_questions"]:
        assert question in turn.twin_message.content
    assert turn.twin_message.metadata["citations"] == []


def test_a_refusal_is_one_of_the_personas_templates_and_reveals_nothing(visitor_conversation):
    turn = chat_turn_create(conversation=visitor_conversation, content=REFUSE)
    reply = turn.twin_message
    assert reply.metadata["routing_decision"]["action"] == "refuse"
    assert reply.content in [t.replace("{topic}", "that") for t in REFUSAL_TEMPLATES]
    assert reply.structured_output == {"schema": "reply.refuse.v1", "message": reply.content}
    assert "system prompt" not in reply.content.lower()
    assert "instructions" not in reply.content.lower()


def test_a_refusal_picks_the_same_template_for_the_same_message(chat_twin):
    from runtime.services import conversation_start

    replies = {
        chat_turn_create(
            conversation=conversation_start(twin=chat_twin, interaction_context="public_widget"), content=REFUSE
        ).twin_message.content
        for _ in range(3)
    }
    assert len(replies) == 1


def test_an_escalation_states_the_uncertainty_says_the_owner_is_asked_and_asks_back(visitor_conversation):
    turn = chat_turn_create(conversation=visitor_conversation, content=ESCALATE)
    reply = turn.twin_message
    decision = reply.metadata["routing_decision"]
    assert decision["action"] == "escalate"
    output = reply.structured_output
    assert output["schema"] == "reply.escalate.v1" and output["owner_will_be_asked"] is True
    assert output["questions"] == decision["clarifying_questions"]
    assert output["uncertainty"] in reply.content
    assert "I'll ask Maya Chen" in reply.content
    assert decision["clarifying_questions"][0] in reply.content


@pytest.mark.parametrize(
    ("content", "action", "review"),
    [
        (ANSWER, "answer", None),
        (CLARIFY, "clarify", None),
        (REFUSE, "refuse", "refusal"),
        (ESCALATE, "escalate", "escalation"),
    ],
)
def test_every_turn_leaves_its_lineage_linked_together(visitor_conversation, content, action, review):
    turn = chat_turn_create(conversation=visitor_conversation, content=content, client_message_id=f"m-{action}")
    user, reply = turn.user_message, turn.twin_message
    assert (user.role, user.sequence, user.client_message_id) == ("user", 1, f"m-{action}")
    assert (reply.role, reply.sequence, reply.reply_to_id) == ("twin", 2, user.pk)
    record = RoutingDecisionRecord.objects.get(message=user)
    assert record.as_contract() == reply.metadata["routing_decision"]
    assert record.action == action and record.spec_version.version == "1.0.0"
    assert record.explanation["rule"].startswith(action)
    audit = ResponseAudit.objects.get(message=reply)
    assert audit.routing_decision_id == record.pk and audit.spec_version_id == record.spec_version_id
    assert (audit.action, audit.workflow_intent, audit.realizer_backend) == (action, record.chosen_workflow, "builtin")
    assert audit.citations == reply.metadata["citations"]
    assert audit.sources_used == [c["id"] for c in audit.citations]
    assert bool(audit.refusal_reason) == (action == "refuse")
    assert bool(audit.escalation_reason) == (action == "escalate")
    item = ReviewItem.objects.filter(message=user).first()
    assert (item.reason if item else None) == review
    assert reply.metadata["review_item_id"] == (str(item.pk) if item else None)
    if item:
        assert item.routing_decision_id == record.pk and item.conversation_id == visitor_conversation.pk


def test_an_answer_audits_its_retrieval_and_the_spec_parts_it_used(visitor_conversation):
    turn = chat_turn_create(conversation=visitor_conversation, content=ANSWER)
    audit = turn.twin_message.audit
    assert audit.retrieval_summary["grounding"]["grounded"] is True
    assert audit.sources_used and set(audit.sources_used) <= set(audit.retrieval_summary["cited_by_router"])
    assert "workflow_library.answer.steps" in audit.artifacts_used
    assert audit.intent_label


def test_a_failure_while_writing_a_turn_leaves_nothing_behind(visitor_conversation, monkeypatch):
    before = _counts()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_response_audit_create", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        chat_turn_create(conversation=visitor_conversation, content=ESCALATE, client_message_id="c-1")
    assert _counts() == before
    monkeypatch.undo()
    turn = chat_turn_create(conversation=visitor_conversation, content=ESCALATE, client_message_id="c-1")
    assert turn.replayed is False and turn.user_message.sequence == 1


class ExplodingRealizer:
    name = "exploding"

    def realize(self, plan):
        raise ValueError("template broke")


def test_a_realizer_that_fails_becomes_a_safe_escalation_with_the_reason_audited(visitor_conversation):
    turn = chat_turn_create(conversation=visitor_conversation, content=ANSWER, realizer=ExplodingRealizer())
    reply = turn.twin_message
    assert reply.metadata["routing_decision"]["action"] == "answer"  # the router's decision, as it was
    assert reply.structured_output["schema"] == "reply.escalate.v1"
    assert "I'll ask Maya Chen" in reply.content
    audit = reply.audit
    assert audit.action == "escalate"
    assert "template broke" in audit.realizer_fallback_reason and "realizer_failed" in audit.escalation_reason
    item = ReviewItem.objects.get(message=turn.user_message)
    assert (item.reason, item.priority) == ("escalation", "high")


def test_the_same_client_message_id_returns_the_stored_turn_and_writes_nothing(visitor_conversation):
    first = chat_turn_create(conversation=visitor_conversation, content=REFUSE, client_message_id="retry-1")
    before = _counts()
    again = chat_turn_create(conversation=visitor_conversation, content=REFUSE, client_message_id="retry-1")
    assert again.replayed is True
    assert (again.user_message.pk, again.twin_message.pk) == (first.user_message.pk, first.twin_message.pk)
    assert _counts() == before


def test_a_new_client_message_id_is_a_new_turn_numbered_after_the_last(visitor_conversation):
    chat_turn_create(conversation=visitor_conversation, content=ANSWER, client_message_id="a")
    second = chat_turn_create(conversation=visitor_conversation, content=ANSWER, client_message_id="b")
    assert (second.user_message.sequence, second.twin_message.sequence) == (3, 4)


def test_the_builtin_realizer_is_the_default(visitor_conversation, settings):
    settings.REALIZER_BACKEND = "builtin"
    turn = chat_turn_create(conversation=visitor_conversation, content=ANSWER)
    assert turn.twin_message.audit.realizer_backend == BuiltinRealizer.name


def test_a_duplicate_that_slips_past_the_checks_is_stopped_by_the_index_and_answered_with_the_stored_turn(
    visitor_conversation, monkeypatch
):
    first = chat_turn_create(conversation=visitor_conversation, content=REFUSE, client_message_id="dup")
    before = _counts()
    real = services.chat_turn_by_client_id
    blind = iter([None, None])  # both look-ups of the second call miss, as in a race

    def lookup(**kwargs):
        return next(blind, None) or real(**kwargs)

    monkeypatch.setattr(services, "chat_turn_by_client_id", lookup)
    again = chat_turn_create(conversation=visitor_conversation, content=REFUSE, client_message_id="dup")
    assert again.replayed is True and again.user_message.pk == first.user_message.pk
    assert _counts() == before


def test_a_twin_without_a_published_spec_still_replies_in_its_own_name(owner):
    from runtime.services import conversation_start
    from tests.factories import make_twin

    twin = make_twin(owner=owner, name="Fresh twin")
    turn = chat_turn_create(
        conversation=conversation_start(twin=twin, interaction_context="public_widget"), content="hi"
    )
    assert turn.twin_message.metadata["persona_spec_version"] is None
    assert turn.twin_message.audit.spec_version is None
    assert "Fresh twin" in turn.twin_message.content
