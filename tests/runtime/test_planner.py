"""The planner alone: what each action's reply says, from the decision and the persona spec."""

from __future__ import annotations

from runtime.contract import Action, Explanation, RoutingDecision
from runtime.planner import DEFAULT_REFUSAL, PlannerInput, persona_of, plan_reply
from tests.runtime.conftest import demo_spec


def _decision(action: str, rule: str, questions=(), **signals) -> RoutingDecision:
    return RoutingDecision(
        intent="answer",
        confidence=0.9,
        required_inputs_missing=(),
        chosen_workflow="answer",
        output_schema="workflow.answer.v1",
        action=Action(action),
        clarifying_questions=tuple(questions),
        explanation=Explanation(rule=rule, reason="test", signals=signals),
    )


def _plan(decision, message="a message", spec=None):
    return plan_reply(PlannerInput(decision=decision, spec=spec or demo_spec(), twin_name="Twin", message=message))


def test_a_guardrail_refusal_may_name_the_personas_topic():
    spec = demo_spec()
    spec["guardrails"]["refusal_templates"] = ["For {topic}, please talk to a professional."]
    plan = _plan(_decision("refuse", "refuse.guardrail", matched="legal advice"), spec=spec)
    assert plan.text == "For legal advice, please talk to a professional."
    assert plan.artifacts == ("guardrails.refusal_templates[0]",)


def test_an_injection_refusal_never_echoes_what_was_matched():
    plan = _plan(_decision("refuse", "refuse.prompt_injection", matched="ignore previous instructions"))
    assert "ignore" not in plan.text.lower() and "{topic}" not in plan.text
    # The template without a placeholder is preferred when there is no persona topic to name.
    assert plan.text == demo_spec()["guardrails"]["refusal_templates"][1]


def test_a_persona_without_refusal_templates_gets_the_plain_refusal():
    spec = demo_spec()
    spec["guardrails"]["refusal_templates"] = []
    assert _plan(_decision("refuse", "refuse.private_data"), spec=spec).text == DEFAULT_REFUSAL


def test_the_refusal_template_is_picked_by_the_message_the_same_way_every_time():
    spec = demo_spec()
    spec["guardrails"]["refusal_templates"] = [f"No ({n})." for n in range(5)]
    picks = {m: _plan(_decision("refuse", "refuse.guardrail"), m, spec).text for m in ("a", "b", "c", "d", "e", "f")}
    assert picks == {m: _plan(_decision("refuse", "refuse.guardrail"), m, spec).text for m in picks}
    assert len(set(picks.values())) > 1


def test_clarify_asks_each_question_once():
    questions = ("What outcome do you want?", "What constraints apply?")
    plan = _plan(_decision("clarify", "clarify.missing_inputs", questions))
    assert (
        plan.text == "Before I can help, I need a little more:\n- What outcome do you want?\n- What constraints apply?"
    )
    assert plan.output["questions"] == list(questions)


def test_an_escalated_commitment_says_the_owner_will_be_asked():
    plan = _plan(_decision("escalate", "escalate.commitment", ["When suits you?"]))
    assert plan.text == "I can't commit Maya Chen to that myself. I'll ask Maya Chen about it. When suits you?"
    assert plan.escalation_reason == "escalate.commitment: test"


def test_the_persona_style_comes_from_the_spec():
    persona = persona_of(demo_spec(), "Twin")
    assert (persona.name, persona.brevity, persona.structure) == ("Maya Chen", "short", "bullets")
    assert "synergy" in persona.avoid and "trust me" in persona.avoid
    assert persona_of({}, "Twin").name == "Twin"
