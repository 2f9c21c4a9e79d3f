"""The router driven by a twin's stored spec and knowledge, through routing_decide."""

from __future__ import annotations

from django.db import connection

from runtime.contract import Action
from runtime.models import KnowledgeSource
from runtime.services import knowledge_document_create, routing_decide
from specs.services import spec_version_create_draft, spec_version_import, spec_version_publish
from tests.factories import make_twin

BASE_SPEC = {
    "identity_voice": {"name": "Maya Chen"},
    "guardrails": {"forbidden_topics": ["politics"]},
}


def _twin_with(owner, spec):
    twin = make_twin(owner=owner)
    spec_version_import(twin=twin, actor=owner, spec=spec)
    return twin


def _publish(twin, owner, spec):
    draft = spec_version_create_draft(twin=twin, actor=owner, spec=spec)
    return spec_version_publish(version=draft, actor=owner)


def test_a_guardrail_topic_added_to_the_spec_is_refused(tenant_a, owner):
    twin = _twin_with(owner, BASE_SPEC)
    message = "What's the best crypto coin to buy this month?"
    before, _ = routing_decide(twin=twin, message=message)
    assert before.action != Action.REFUSE
    _publish(twin, owner, {**BASE_SPEC, "guardrails": {"forbidden_topics": ["politics", "crypto investing"]}})
    after, version = routing_decide(twin=twin, message=message)
    assert after.action == Action.REFUSE
    assert after.explanation.signals["matched"] == "crypto investing"
    assert version.version == "1.0.1"


def test_an_owner_added_workflow_is_routed_to_with_its_own_inputs(tenant_a, owner):
    spec = {
        **BASE_SPEC,
        "workflow_library": {
            "pitch_review": {
                "description": "Review a startup pitch deck slide by slide.",
                "required_inputs": ["pitch_deck"],
                "steps": ["Read the deck", "Score it against the rubric"],
                "output_schema": "workflow.pitch_review.v1",
                "examples": [
                    "review my pitch deck",
                    "can you go through our deck before demo day",
                    "pitch deck feedback",
                ],
            }
        },
    }
    twin = _twin_with(owner, spec)
    asked, _ = routing_decide(twin=twin, message="Could you review my pitch deck before I send it to investors?")
    assert asked.intent == "pitch_review"
    assert asked.action == Action.CLARIFY
    assert asked.required_inputs_missing == ("pitch_deck",)
    deck = "Slide 1: Problem - freight brokers waste hours. Slide 2: Solution - automated matching. Slide 3: Traction"
    given, _ = routing_decide(twin=twin, message="Review my pitch deck please", pinned_context={"pitch_deck": deck})
    assert given.intent == "pitch_review"
    assert given.action == Action.ANSWER
    assert given.output_schema == "workflow.pitch_review.v1"


def test_an_faq_entry_turns_an_escalation_into_a_cited_answer(tenant_a, owner):
    twin = _twin_with(owner, BASE_SPEC)
    message = "How big is your typical check size?"
    before, _ = routing_decide(twin=twin, message=message)
    assert before.action == Action.ESCALATE
    faq = [{"question": "What is your typical check size?", "answer": "Usually $50k to $150k.", "template": None}]
    version = _publish(twin, owner, {**BASE_SPEC, "faq_library": faq})
    after, _ = routing_decide(twin=twin, message=message)
    assert after.action == Action.ANSWER
    row = KnowledgeSource.objects.get(twin=twin, kind="faq")
    assert row.spec_version_id == version.pk
    assert after.explanation.signals["citations"] == [str(row.pk)]


def test_a_knowledge_document_grounds_an_owner_question(tenant_a, owner):
    twin = _twin_with(owner, BASE_SPEC)
    message = "How do you evaluate founders?"
    assert routing_decide(twin=twin, message=message)[0].action == Action.ESCALATE
    doc = knowledge_document_create(
        twin=twin,
        title="How I evaluate founders",
        body="When I evaluate founders I look for speed of learning, honesty about numbers and a clear why.",
    )
    decision, _ = routing_decide(twin=twin, message=message)
    assert decision.action == Action.ANSWER
    assert decision.explanation.signals["citations"] == [str(doc.pk)]


def test_an_unapproved_document_grounds_nothing(tenant_a, owner):
    twin = _twin_with(owner, BASE_SPEC)
    knowledge_document_create(
        twin=twin, title="How I evaluate founders", body="I evaluate founders on speed of learning.", approved=False
    )
    assert routing_decide(twin=twin, message="How do you evaluate founders?")[0].action == Action.ESCALATE


def test_knowledge_search_uses_the_full_text_index(tenant_a, owner):
    twin = _twin_with(owner, BASE_SPEC)
    for n in range(30):
        knowledge_document_create(twin=twin, title=f"Note {n}", body=f"pricing thoughts number {n}")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM runtime_knowledgesource WHERE search @@ to_tsquery('english', 'pricing')"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "runtime_knowledge_search" in plan


def test_sources_that_match_equally_are_chosen_by_content_not_by_their_random_ids(tenant_a, owner):
    from runtime.routing_context import routing_snapshot

    twin = _twin_with(owner, BASE_SPEC)
    for n in (8, 3, 6, 1, 7, 2, 5, 4):
        knowledge_document_create(twin=twin, title=f"Note {n}", body="Office hours are on Tuesday mornings.")
    snapshot = routing_snapshot(twin_id=twin.pk, text="When are the office hours?", limit=6)
    assert [source.title for source in snapshot.sources] == [f"Note {n}" for n in range(1, 7)]
