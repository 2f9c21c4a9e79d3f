"""Each input type's payload schema: a payload that would not fit is refused at creation, with field errors."""

from __future__ import annotations

import pytest

from learning.errors import LearningInputInvalidError, PersonaFundamentalChangeError
from learning.models import LearningInput
from learning.payloads import learning_payload_check
from learning.services import learning_input_create
from tests.factories import make_twin


@pytest.mark.parametrize(
    ("input_type", "payload"),
    [
        ("add_adjust_rubric_rule", {"criterion": "team", "weight": 0.4, "description": "Speed of learning."}),
        ("add_adjust_rubric_rule", {"criterion": "team"}),
        ("add_workflow_step_template", {"step": "Cite one number"}),
        ("add_workflow_step_template", {"workflow": "plan", "required_inputs": ["objective"], "template": None}),
        ("add_guardrail_refusal_rule", {"forbidden_topics": ["crypto"]}),
        ("add_guardrail_refusal_rule", {"escalation_rule": "Escalate every pricing question."}),
        ("add_style_preference", {"tone_sliders": {"warmth": 0.7}}),
        ("add_style_preference", {"identity_voice": {"bio": "New bio."}, "allow_persona_fundamental_change": True}),
    ],
)
def test_payloads_that_fit_their_type_are_kept_as_given(input_type, payload):
    assert learning_payload_check(input_type, payload) == payload


@pytest.mark.parametrize(
    ("input_type", "payload", "fields"),
    [
        ("add_adjust_rubric_rule", {"weight": 0.2}, {"payload.criterion": ["is required"]}),
        ("add_adjust_rubric_rule", {"criterion": "team", "weight": 2}, {"payload.weight": ["must be <= 1"]}),
        ("add_adjust_rubric_rule", {"criterion": "x" * 201}, {"payload.criterion": ["must be at most 200 characters"]}),
        (
            "add_workflow_step_template",
            {"workflow": "plan"},
            {
                "payload": [
                    "must give at least one of: step, template, required_inputs, output_schema, examples, description, input_descriptions"
                ]
            },
        ),
        (
            "add_workflow_step_template",
            {"workflow": "Plan!", "step": "x"},
            {"payload.workflow": ["must match ^[a-z][a-z0-9_]*$"]},
        ),
        (
            "add_workflow_step_template",
            {"required_inputs": ["a", "a"]},
            {"payload.required_inputs": ["must not repeat an item"]},
        ),
        (
            "add_workflow_step_template",
            {"output_schema": "plan"},
            {"payload.output_schema": [r"must match ^workflow\.[a-z][a-z0-9_]*\.v[1-9][0-9]*$"]},
        ),
        (
            "add_guardrail_refusal_rule",
            {},
            {
                "payload": [
                    "must give at least one of: forbidden_topics, refusal_templates, confidentiality_rules, "
                    "conflict_rules, uncertainty_rule, escalation_rule"
                ]
            },
        ),
        ("add_guardrail_refusal_rule", {"forbidden_topics": []}, {"payload.forbidden_topics": ["must not be empty"]}),
        (
            "add_guardrail_refusal_rule",
            {"forbidden_topics": [""]},
            {"payload.forbidden_topics.0": ["must not be empty"]},
        ),
        (
            "add_guardrail_refusal_rule",
            {"forbidden_topic": ["crypto"]},
            {
                "payload.forbidden_topic": ["unknown key"],
                "payload": [
                    "must give at least one of: forbidden_topics, refusal_templates, confidentiality_rules, conflict_rules, uncertainty_rule, escalation_rule"
                ],
            },
        ),
        ("add_style_preference", {"tone_sliders": {"warmth": 1.5}}, {"payload.tone_sliders.warmth": ["must be <= 1"]}),
        (
            "add_style_preference",
            {"brevity_default": "tiny"},
            {"payload.brevity_default": ["must be one of: short, medium, long"]},
        ),
        (
            "add_style_preference",
            {"voice": "calm"},
            {
                "payload.voice": ["unknown key"],
                "payload": [
                    "must give at least one of: tone_sliders, phrasing_preferences, do_not_say, brevity_default, structure_default, disagreement_style, identity_voice"
                ],
            },
        ),
        (
            "add_style_preference",
            {"identity_voice": {"accent": "x"}, "allow_persona_fundamental_change": True},
            {"payload.identity_voice.accent": ["unknown key"]},
        ),
        ("add_faq_answer", "Q? A.", {"payload": ["must be an object"]}),
    ],
)
def test_payloads_that_do_not_fit_are_refused_with_their_fields(input_type, payload, fields):
    with pytest.raises(LearningInputInvalidError) as refused:
        learning_payload_check(input_type, payload)
    assert refused.value.fields == fields
    assert refused.value.status_code == 400


def test_a_style_preference_touching_identity_voice_without_the_flag_is_refused_at_creation(owner):
    twin = make_twin(owner=owner)
    with pytest.raises(PersonaFundamentalChangeError) as refused:
        learning_input_create(
            twin=twin,
            input_type="add_style_preference",
            payload={"brevity_default": "long", "identity_voice": {"name": "Someone Else"}},
            actor=owner,
        )
    assert refused.value.status_code == 400
    assert "allow_persona_fundamental_change: true" in refused.value.fields["payload.identity_voice"][0]
    assert not LearningInput.objects.exists()
