"""The routing decision contract: invariants enforced in one place, for any input."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.contract import Action, ContractViolation, Explanation, RoutingDecision
from runtime.router import RouterInput, Turn, route
from specs.workflows import BUILTIN_WORKFLOWS

INPUTS = {name: wf["required_inputs"] for name, wf in BUILTIN_WORKFLOWS.items()}


def _decision(**overrides) -> RoutingDecision:
    fields = {
        "intent": "plan",
        "confidence": 0.7,
        "required_inputs_missing": ("objective",),
        "chosen_workflow": "plan",
        "output_schema": "workflow.plan.v1",
        "action": Action.CLARIFY,
        "clarifying_questions": ("What outcome do you want?",),
        "explanation": Explanation("clarify.missing_inputs", "test"),
    }
    fields.update(overrides)
    return RoutingDecision(**fields)


def test_a_decision_that_keeps_the_contract_validates():
    assert _decision().validate(workflow_inputs=INPUTS).action == Action.CLARIFY


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"confidence": 1.2}, "outside"),
        ({"confidence": -0.01}, "outside"),
        ({"confidence": float("nan")}, "not a number"),
        ({"required_inputs_missing": ("audience",)}, "not inputs of plan"),
        ({"required_inputs_missing": ("objective", "objective")}, "repeat"),
        ({"clarifying_questions": ()}, "needs 1-3"),
        ({"clarifying_questions": ("a?", "b?", "c?", "d?")}, "needs 1-3"),
        ({"action": Action.ANSWER, "required_inputs_missing": ()}, "must not ask"),
        ({"chosen_workflow": "dance", "intent": "dance", "output_schema": "workflow.dance.v1"}, "unknown workflow"),
        ({"output_schema": "workflow.write.v1"}, "does not name"),
        ({"intent": "write"}, "differ"),
        ({"action": "shrug"}, "unknown action"),
    ],
)
def test_a_decision_that_breaks_the_contract_is_refused(overrides, message):
    with pytest.raises(ContractViolation, match=message):
        _decision(**overrides).validate(workflow_inputs=INPUTS)


def test_the_contract_view_has_exactly_the_seven_fields():
    contract = _decision().as_contract()
    assert set(contract) == {
        "intent",
        "confidence",
        "required_inputs_missing",
        "chosen_workflow",
        "output_schema",
        "action",
        "clarifying_questions",
    }
    assert contract["action"] == "clarify"


identifiers = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
texts = st.text(max_size=400)
# What a spec adds to the intent model comes from a small pool, so the property runs a
# handful of model trainings rather than one per example; everything else varies freely.
LIBRARIES = [
    {},
    {"pitch_review": {"required_inputs": ["pitch_deck"], "examples": ["review my pitch deck", "deck feedback"]}},
    {"race_plan": {"required_inputs": ["race_date", "current_fitness"], "steps": ["Build the plan"]}},
    {"plan": {"required_inputs": ["objective"], "examples": ["map out the quarter"]}},
]
FAQS = [[], [{"question": "When are your office hours?", "answer": "Tuesdays."}]]
specs = st.fixed_dictionaries(
    {},
    optional={
        "identity_voice": st.fixed_dictionaries({"name": st.text(max_size=30)}),
        "workflow_library": st.sampled_from(LIBRARIES),
        "faq_library": st.sampled_from(FAQS),
        "guardrails": st.fixed_dictionaries(
            {},
            optional={
                "forbidden_topics": st.lists(st.text(min_size=1, max_size=30), max_size=3),
                "confidentiality_rules": st.lists(st.text(max_size=60), max_size=2),
            },
        ),
        "decision_policy": st.fixed_dictionaries(
            {},
            optional={"rubric_rules": st.lists(st.fixed_dictionaries({"criterion": st.text(min_size=1)}), max_size=2)},
        ),
    },
)
histories = st.lists(st.builds(Turn, st.sampled_from(["user", "twin"]), texts), max_size=4)
contexts = st.sampled_from(["public_widget", "public_share", "owner_chat"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    message=texts,
    history=histories,
    spec=specs,
    pinned=st.dictionaries(identifiers, texts, max_size=2),
    context=contexts,
)
def test_any_text_history_and_spec_yield_a_valid_decision(message, history, spec, pinned, context):
    inp = RouterInput(
        message=message, spec=spec, history=tuple(history), pinned_context=pinned, interaction_context=context
    )
    decision = route(inp)
    # route() validates before returning; check the invariants again from the outside.
    assert 0.0 <= decision.confidence <= 1.0
    assert decision.action in set(Action)
    assert len(decision.required_inputs_missing) <= 3
    asks = decision.action in (Action.CLARIFY, Action.ESCALATE)
    assert (1 <= len(decision.clarifying_questions) <= 3) if asks else not decision.clarifying_questions
    assert decision.output_schema == f"workflow.{decision.chosen_workflow}.v1"
    assert route(dataclasses.replace(inp)) == decision  # deterministic


def test_stemming_from_many_threads_at_once_gives_the_same_stems():
    import threading

    from runtime.text import stem

    words = [f"investments{n}ing" for n in range(4000)]
    expected = [stem.__wrapped__(w) for w in words]
    results: list[list[str]] = []

    def work() -> None:
        results.append([stem.__wrapped__(w) for w in words])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4
