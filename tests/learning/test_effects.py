"""Each learning input type's effect on a spec (DESIGN.md's table): pure functions, their arguments untouched."""

from __future__ import annotations

import copy

import pytest

from learning.effects import (
    faq_answer_add,
    guardrail_refusal_rule_add,
    learning_effect_apply,
    rubric_rule_add_or_adjust,
    style_preference_add,
    workflow_step_template_add,
)
from learning.errors import PersonaFundamentalChangeError
from specs.schema import persona_spec_errors
from specs.workflows import BUILTIN_WORKFLOWS
from tests.runtime.conftest import demo_spec


@pytest.fixture
def spec() -> dict:
    return demo_spec()


def _unchanged_after(function, spec: dict, payload: dict) -> dict:
    spec_before, payload_before = copy.deepcopy(spec), copy.deepcopy(payload)
    result = function(spec, payload)
    assert (spec, payload) == (spec_before, payload_before)
    assert persona_spec_errors(result) == {}
    return result


def test_an_faq_answer_is_appended_to_the_faq_library(spec):
    payload = {"question": "Favourite book?", "answer": "The Mom Test.", "template": None}
    new = _unchanged_after(faq_answer_add, spec, payload)
    assert new["faq_library"] == [*spec["faq_library"], payload]
    assert {key: new[key] for key in new if key != "faq_library"} == {k: spec[k] for k in spec if k != "faq_library"}


def test_an_faq_answer_starts_the_library_of_an_empty_spec():
    assert faq_answer_add({}, {"question": "Q?", "answer": "A."}) == {
        "faq_library": [{"question": "Q?", "answer": "A.", "template": None}]
    }


def test_a_rubric_rule_with_a_new_criterion_is_appended(spec):
    payload = {"criterion": "founder resilience", "weight": 0.1, "description": "Has kept going through a bad year."}
    new = _unchanged_after(rubric_rule_add_or_adjust, spec, payload)
    assert new["decision_policy"]["rubric_rules"] == [*spec["decision_policy"]["rubric_rules"], payload]


def test_a_rubric_rule_of_an_existing_criterion_adjusts_it_in_place(spec):
    new = _unchanged_after(rubric_rule_add_or_adjust, spec, {"criterion": "Traction", "weight": 0.35})
    rules = new["decision_policy"]["rubric_rules"]
    assert len(rules) == len(spec["decision_policy"]["rubric_rules"])
    traction = rules[2]
    assert traction["criterion"] == "Traction" and traction["weight"] == 0.35
    assert traction["description"] == spec["decision_policy"]["rubric_rules"][2]["description"]


def test_a_workflow_step_is_appended_after_a_built_in_workflows_own_steps(spec):
    new = _unchanged_after(workflow_step_template_add, spec, {"step": "End with one question back"})
    assert new["workflow_library"]["answer"] == {
        "steps": [*BUILTIN_WORKFLOWS["answer"]["steps"], "End with one question back"]
    }


def test_a_workflow_step_and_template_change_the_spec_workflow_named(spec):
    payload = {
        "workflow": "plan",
        "step": "Name the first experiment",
        "template": "Plan:\n{milestones}",
        "required_inputs": ["objective"],
        "output_schema": "workflow.plan.v2",
        "examples": ["Plan my seed round"],
    }
    new = _unchanged_after(workflow_step_template_add, spec, payload)
    plan = new["workflow_library"]["plan"]
    assert plan["steps"] == [*spec["workflow_library"]["plan"]["steps"], "Name the first experiment"]
    assert (plan["template"], plan["required_inputs"], plan["output_schema"]) == (
        "Plan:\n{milestones}",
        ["objective"],
        "workflow.plan.v2",
    )
    assert (
        plan["examples"] == ["Plan my seed round"]
        and plan["description"] == spec["workflow_library"]["plan"]["description"]
    )


def test_a_workflow_the_spec_lacks_is_added_with_what_the_input_gives(spec):
    new = _unchanged_after(
        workflow_step_template_add, spec, {"workflow": "term_sheet_review", "examples": ["Review my term sheet"]}
    )
    assert new["workflow_library"]["term_sheet_review"] == {"examples": ["Review my term sheet"]}


def test_input_descriptions_are_merged_into_the_workflows_own(spec):
    first = _unchanged_after(
        workflow_step_template_add,
        spec,
        {"workflow": "tasting", "required_inputs": ["menu", "guest_count"], "input_descriptions": {"menu": "Dishes"}},
    )
    second = _unchanged_after(
        workflow_step_template_add, first, {"workflow": "tasting", "input_descriptions": {"guest_count": "How many"}}
    )
    assert second["workflow_library"]["tasting"]["input_descriptions"] == {"menu": "Dishes", "guest_count": "How many"}
    assert second["workflow_library"]["tasting"]["required_inputs"] == ["menu", "guest_count"]


def test_a_guardrail_rule_extends_the_lists_without_repeats_and_sets_the_rules(spec):
    payload = {
        "forbidden_topics": ["crypto tokens", "politics"],
        "refusal_templates": ["Not something I discuss."],
        "confidentiality_rules": ["Never name a portfolio company's customers."],
        "conflict_rules": ["Say when Maya is an investor in a company mentioned."],
        "uncertainty_rule": "Say you do not know.",
        "escalation_rule": "Escalate every pricing question.",
    }
    new = _unchanged_after(guardrail_refusal_rule_add, spec, payload)
    guardrails = new["guardrails"]
    assert guardrails["forbidden_topics"] == [*spec["guardrails"]["forbidden_topics"], "crypto tokens"]
    assert guardrails["refusal_templates"][-1] == "Not something I discuss."
    assert guardrails["confidentiality_rules"][-1] == "Never name a portfolio company's customers."
    assert guardrails["conflict_rules"][-1] == "Say when Maya is an investor in a company mentioned."
    assert (guardrails["uncertainty_rule"], guardrails["escalation_rule"]) == (
        "Say you do not know.",
        "Escalate every pricing question.",
    )


def test_a_guardrail_rule_starts_the_guardrails_of_a_spec_without_them():
    assert guardrail_refusal_rule_add({}, {"forbidden_topics": ["crypto"]}) == {
        "guardrails": {"forbidden_topics": ["crypto"]}
    }


def test_a_style_preference_sets_interaction_style_keys(spec):
    payload = {
        "tone_sliders": {"warmth": 0.9, "humour": 0.2},
        "do_not_say": ["circle back", "synergy"],
        "phrasing_preferences": ["Use plain words"],
        "brevity_default": "medium",
        "structure_default": "prose",
        "disagreement_style": "Say so plainly.",
    }
    new = _unchanged_after(style_preference_add, spec, payload)
    style = new["interaction_style"]
    assert style["tone_sliders"] == {"directness": 0.85, "warmth": 0.9, "skepticism": 0.65, "humour": 0.2}
    assert style["do_not_say"] == [*spec["interaction_style"]["do_not_say"], "circle back"]
    assert style["phrasing_preferences"][-1] == "Use plain words"
    assert (style["brevity_default"], style["structure_default"], style["disagreement_style"]) == (
        "medium",
        "prose",
        "Say so plainly.",
    )
    assert new["identity_voice"] == spec["identity_voice"]


def test_a_style_preference_touching_identity_voice_is_refused_without_the_flag(spec):
    for flag in ({}, {"allow_persona_fundamental_change": False}):
        with pytest.raises(PersonaFundamentalChangeError) as refused:
            style_preference_add(spec, {"brevity_default": "long", "identity_voice": {"name": "Someone Else"}, **flag})
        assert refused.value.code == "persona_fundamental_change_refused"
        assert "payload.identity_voice" in refused.value.fields


def test_a_style_preference_changes_identity_voice_when_the_owner_allows_it(spec):
    payload = {
        "identity_voice": {"bio": "Investor.", "voice_rules": ["Be brief."]},
        "allow_persona_fundamental_change": True,
    }
    new = _unchanged_after(style_preference_add, spec, payload)
    assert new["identity_voice"]["bio"] == "Investor."
    assert new["identity_voice"]["voice_rules"] == [*spec["identity_voice"]["voice_rules"], "Be brief."]
    assert new["identity_voice"]["name"] == "Maya Chen"
    assert new["interaction_style"] == spec["interaction_style"]


def test_the_dispatcher_picks_the_types_function(spec):
    new = learning_effect_apply(
        input_type="add_guardrail_refusal_rule", spec=spec, payload={"forbidden_topics": ["crypto"]}
    )
    assert new["guardrails"]["forbidden_topics"][-1] == "crypto"
    assert learning_effect_apply(input_type="add_faq_answer", spec=None, payload={"question": "Q?", "answer": "A."})[
        "faq_library"
    ]
