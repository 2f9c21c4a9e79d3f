"""The Twin Spec contract: every section always present, built-in workflows filled in, phrases merged."""

from __future__ import annotations

import json

from specs.twin_spec import twin_spec_build
from specs.workflows import BUILTIN_WORKFLOWS, workflow_library_effective
from twinproject.demo import DEMO_PERSONA_SPEC

BUILTIN_REQUIRED_INPUTS = {
    "answer": [],
    "diagnose": ["problem_statement", "context"],
    "plan": ["objective", "constraints"],
    "critique": ["artifact"],
    "summarize": ["source_text"],
    "brainstorm": ["goal"],
    "evaluate": ["options", "criteria"],
    "write": ["audience", "goal"],
}
WORKFLOW_KEYS = {
    "name",
    "builtin",
    "customized",
    "description",
    "required_inputs",
    "steps",
    "template",
    "output_schema",
    "examples",
    "input_descriptions",
}


def test_the_builtin_workflows_are_the_design_table_with_their_required_inputs():
    assert {name: flow["required_inputs"] for name, flow in BUILTIN_WORKFLOWS.items()} == BUILTIN_REQUIRED_INPUTS
    for name, flow in BUILTIN_WORKFLOWS.items():
        assert flow["output_schema"] == f"workflow.{name}.v1"
        assert flow["steps"] and flow["template"] and flow["description"]


def test_the_twin_spec_of_an_empty_spec_has_every_section_and_the_builtin_workflows():
    twin_spec = twin_spec_build(spec={}, version="1.0.0", twin_id="t-1")
    assert set(twin_spec) == {"persona", "decision_system", "workflows", "guardrails", "faq", "metadata"}
    assert twin_spec["persona"] == {
        "name": None,
        "bio": "",
        "voice_rules": [],
        "tone_sliders": {"directness": 0.5, "warmth": 0.5, "skepticism": 0.5},
        "preferred_phrases": [],
        "avoided_phrases": [],
        "brevity_default": None,
        "structure_default": None,
        "disagreement_style": None,
        "stance_values": {},
    }
    assert twin_spec["decision_system"] == {
        "rubric": [],
        "green_flags": [],
        "red_flags": [],
        "assumptions": [],
        "missing_info_behavior": "ask_clarifying_questions",
    }
    assert twin_spec["guardrails"] == {
        "forbidden_topics": [],
        "refusal_templates": [],
        "confidentiality_rules": [],
        "conflict_rules": [],
        "uncertainty_rule": None,
        "escalation_rule": None,
    }
    assert twin_spec["faq"] == []
    assert twin_spec["metadata"] == {
        "schema": "twin_spec.v1",
        "twin_id": "t-1",
        "source_persona_spec_version": "1.0.0",
        "published_at": None,
        "spec_metadata": {},
    }
    workflows = {flow["name"]: flow for flow in twin_spec["workflows"]}
    assert list(workflows) == list(BUILTIN_REQUIRED_INPUTS)
    for name, flow in workflows.items():
        assert set(flow) == WORKFLOW_KEYS
        assert flow["builtin"] and not flow["customized"]
        assert flow["required_inputs"] == BUILTIN_REQUIRED_INPUTS[name]
        assert flow["output_schema"] == f"workflow.{name}.v1"
        assert flow["steps"] == BUILTIN_WORKFLOWS[name]["steps"]


def test_a_spec_workflow_overrides_a_builtin_field_by_field_and_adds_its_own():
    spec = {
        "workflow_library": {
            "plan": {"steps": ["Only step"]},
            "due_diligence": {"required_inputs": ["company"], "template": "DD: {company}"},
        }
    }
    effective = workflow_library_effective(spec)
    assert effective["plan"]["steps"] == ["Only step"]
    assert effective["plan"]["required_inputs"] == ["objective", "constraints"]
    assert effective["due_diligence"] == {
        "description": "",
        "required_inputs": ["company"],
        "steps": [],
        "template": "DD: {company}",
        "output_schema": "workflow.due_diligence.v1",
        "examples": [],
        "input_descriptions": {},
    }
    assert list(effective)[-1] == "due_diligence"
    effective["answer"]["steps"].append("mutated")
    assert "mutated" not in BUILTIN_WORKFLOWS["answer"]["steps"]


def test_avoided_phrases_join_do_not_say_and_banned_phrases_and_preferred_ones_join_signatures():
    spec = {
        "identity_voice": {"signature_phrases": ["Default to action."]},
        "interaction_style": {"do_not_say": ["synergy"], "phrasing_preferences": ["Use 'you'"]},
        "deterministic_rules": {"banned_phrases": ["I guarantee", "synergy"]},
    }
    persona = twin_spec_build(spec=spec, version="1.0.0")["persona"]
    assert persona["avoided_phrases"] == ["synergy", "I guarantee"]
    assert persona["preferred_phrases"] == ["Default to action.", "Use 'you'"]


def test_the_demo_spec_gives_a_full_twin_spec():
    twin_spec = twin_spec_build(spec=json.loads(DEMO_PERSONA_SPEC.read_text()), version="1.0.0")
    assert twin_spec["persona"]["name"] == "Maya Chen"
    assert twin_spec["persona"]["tone_sliders"]["directness"] == 0.85
    assert [rule["criterion"] for rule in twin_spec["decision_system"]["rubric"]][:3] == [
        "market size",
        "team",
        "traction",
    ]
    assert "medical advice" in twin_spec["guardrails"]["forbidden_topics"]
    assert 4 <= len(twin_spec["faq"]) <= 6
    workflows = {flow["name"]: flow for flow in twin_spec["workflows"]}
    assert workflows["pitch_review"]["builtin"] is False
    assert workflows["evaluate"]["customized"] is True
    assert set(BUILTIN_WORKFLOWS) <= set(workflows)
