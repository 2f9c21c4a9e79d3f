"""The persona spec JSON Schema: what it admits, what it refuses, and how it words the refusal."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from specs.errors import PersonaSpecInvalidError
from specs.schema import SCHEMA_PATH, persona_spec_errors, persona_spec_validate
from tests.factories import make_spec
from twinproject.demo import DEMO_PERSONA_SPEC


def test_the_shipped_schema_is_a_valid_draft_2020_12_schema():
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_an_empty_spec_is_valid_because_every_key_is_optional():
    assert persona_spec_errors({}) == {}


def test_the_design_documents_example_spec_is_valid():
    spec = {
        "identity_voice": {"name": "Maya Chen", "bio": "...", "voice_rules": ["..."], "signature_phrases": ["..."]},
        "decision_policy": {
            "rubric_rules": [{"criterion": "market size", "weight": 0.3, "description": "..."}],
            "green_flags": [],
            "red_flags": [],
            "default_assumptions": [],
            "missing_info_behavior": "ask_clarifying_questions",
        },
        "stance_values": {"...": "..."},
        "interaction_style": {
            "tone_sliders": {"directness": 0.8, "warmth": 0.5, "skepticism": 0.6},
            "phrasing_preferences": [],
            "do_not_say": [],
            "brevity_default": "short",
            "structure_default": "bullets",
            "disagreement_style": "...",
        },
        "workflow_library": {
            "plan": {
                "steps": ["..."],
                "template": "...",
                "required_inputs": ["objective", "constraints"],
                "output_schema": "workflow.plan.v1",
            }
        },
        "faq_library": [{"question": "...", "answer": "...", "template": None}],
        "guardrails": {
            "forbidden_topics": [],
            "refusal_templates": [],
            "confidentiality_rules": [],
            "conflict_rules": [],
            "uncertainty_rule": "...",
            "escalation_rule": "...",
        },
        "deterministic_rules": {"banned_phrases": []},
        "metadata": {},
    }
    assert persona_spec_errors(spec) == {}


def test_the_demo_persona_spec_is_valid():
    assert persona_spec_errors(json.loads(DEMO_PERSONA_SPEC.read_text())) == {}


def test_stance_values_and_metadata_take_any_json_values():
    spec = {"stance_values": {"risk": {"appetite": [1, "high", None]}}, "metadata": {"imported_from": {"v": 2}}}
    assert persona_spec_errors(spec) == {}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ([], {"spec": ["must be an object"]}),
        ({"persona": {}}, {"spec.persona": ["unknown key"]}),
        (
            {"interaction_style": {"tone_sliders": {"directness": 1.2}}},
            {"spec.interaction_style.tone_sliders.directness": ["must be <= 1"]},
        ),
        (
            {"interaction_style": {"tone_sliders": {"warmth": -0.1}}},
            {"spec.interaction_style.tone_sliders.warmth": ["must be >= 0"]},
        ),
        (
            {"decision_policy": {"rubric_rules": [{"criterion": "team", "weight": 2}]}},
            {"spec.decision_policy.rubric_rules.0.weight": ["must be <= 1"]},
        ),
        (
            {"decision_policy": {"rubric_rules": [{"weight": 0.2}]}},
            {"spec.decision_policy.rubric_rules.0.criterion": ["is required"]},
        ),
        (
            {"workflow_library": {"Due-Diligence": {}}},
            {"spec.workflow_library.Due-Diligence": ["name must match ^[a-z][a-z0-9_]*$"]},
        ),
        (
            {"workflow_library": {"plan": {"output_schema": "plan.v1"}}},
            {"spec.workflow_library.plan.output_schema": ["must match ^workflow\\.[a-z][a-z0-9_]*\\.v[1-9][0-9]*$"]},
        ),
        (
            {"workflow_library": {"plan": {"required_inputs": ["objective", "objective"]}}},
            {"spec.workflow_library.plan.required_inputs": ["must not repeat an item"]},
        ),
        ({"faq_library": [{"question": "Hours?"}]}, {"spec.faq_library.0.answer": ["is required"]}),
        ({"guardrails": {"forbidden_topics": [""]}}, {"spec.guardrails.forbidden_topics.0": ["must not be empty"]}),
        ({"guardrails": {"forbidden_topics": "politics"}}, {"spec.guardrails.forbidden_topics": ["must be a list"]}),
        (
            {"interaction_style": {"brevity_default": "tiny"}},
            {"spec.interaction_style.brevity_default": ["must be one of: short, medium, long"]},
        ),
        (
            {"faq_library": [{"question": "q", "answer": "a", "template": 3}]},
            {"spec.faq_library.0.template": ["must be a string or null"]},
        ),
    ],
)
def test_an_invalid_spec_gets_an_error_on_the_path_of_each_bad_field(spec, expected):
    assert persona_spec_errors(spec) == expected


def test_every_error_of_a_spec_is_reported_at_once():
    spec = make_spec(extra=1, interaction_style={"tone_sliders": {"directness": 3, "warmth": "high"}})
    assert persona_spec_errors(spec) == {
        "spec.extra": ["unknown key"],
        "spec.interaction_style.tone_sliders.directness": ["must be <= 1"],
        "spec.interaction_style.tone_sliders.warmth": ["must be a number"],
    }


def test_validate_raises_a_400_domain_error_carrying_the_field_errors():
    with pytest.raises(PersonaSpecInvalidError) as caught:
        persona_spec_validate({"guardrails": {"uncertainty_rule": 5}})
    assert caught.value.status_code == 400
    assert caught.value.code == "invalid_spec"
    assert caught.value.fields == {"spec.guardrails.uncertainty_rule": ["must be a string"]}
