"""What each learning input type does to a persona spec (DESIGN.md, "Persona spec JSON").

Pure functions: each takes a spec and a checked payload and returns a new spec, leaving
its arguments untouched. ``learning.services.learning_input_apply`` validates the result
against the spec schema and stores it as a new draft version.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from learning.models import LearningInput
from learning.payloads import FUNDAMENTAL_CHANGE_FLAG, fundamental_change_check
from specs.workflows import workflow_library_effective

Spec = dict[str, Any]
Payload = dict[str, Any]
InputType = LearningInput.InputType

DEFAULT_WORKFLOW = "answer"
GUARDRAIL_LISTS = ("forbidden_topics", "refusal_templates", "confidentiality_rules", "conflict_rules")
GUARDRAIL_RULES = ("uncertainty_rule", "escalation_rule")
STYLE_LISTS = ("phrasing_preferences", "do_not_say")
STYLE_SCALARS = ("brevity_default", "structure_default", "disagreement_style")
VOICE_LISTS = ("voice_rules", "signature_phrases")
VOICE_SCALARS = ("name", "bio")


def _section(spec: Spec, key: str) -> dict[str, Any]:
    """``spec[key]`` as an object, created when missing."""
    section = spec.get(key)
    if not isinstance(section, dict):
        section = spec[key] = {}
    return section


def _extended(current: Any, additions: list[Any]) -> list[Any]:
    """``current`` with each of ``additions`` that it lacks appended, in order; an entry is never repeated."""
    merged = list(current) if isinstance(current, list) else []
    for item in additions:
        if item not in merged:
            merged.append(item)
    return merged


def faq_answer_add(spec: Spec, payload: Payload) -> Spec:
    """Appends ``{question, answer, template}`` to ``faq_library``."""
    new = copy.deepcopy(spec)
    entry = {"question": payload["question"], "answer": payload["answer"], "template": payload.get("template")}
    new["faq_library"] = [*(new.get("faq_library") or []), entry]
    return new


def rubric_rule_add_or_adjust(spec: Spec, payload: Payload) -> Spec:
    """Appends the rule to ``decision_policy.rubric_rules``; a rule of the same criterion (ignoring case)
    is adjusted in place instead, so one criterion never has two weights."""
    new = copy.deepcopy(spec)
    rules = list(_section(new, "decision_policy").get("rubric_rules") or [])
    wanted = payload["criterion"].strip().casefold()
    changes = {key: payload[key] for key in ("criterion", "weight", "description") if key in payload}
    for index, rule in enumerate(rules):
        if isinstance(rule, dict) and str(rule.get("criterion", "")).strip().casefold() == wanted:
            rules[index] = {**rule, **changes}
            break
    else:
        rules.append(changes)
    new["decision_policy"]["rubric_rules"] = rules
    return new


def workflow_step_template_add(spec: Spec, payload: Payload) -> Spec:
    """For ``workflow`` (default ``answer``): appends ``step`` and ``examples``, sets ``template``,
    ``required_inputs``, ``output_schema`` and ``description`` when given; merges ``input_descriptions``.

    A built-in workflow the spec does not override yet keeps its built-in steps: the new step
    comes after them rather than replacing them.
    """
    new = copy.deepcopy(spec)
    name = payload.get("workflow") or DEFAULT_WORKFLOW
    library = _section(new, "workflow_library")
    workflow = dict(library.get(name) or {})
    effective = workflow_library_effective(spec).get(name) or {}
    if "step" in payload:
        workflow["steps"] = [*(workflow.get("steps") or effective.get("steps") or []), payload["step"]]
    if "examples" in payload:
        workflow["examples"] = _extended(workflow.get("examples"), payload["examples"])
    for key in ("template", "required_inputs", "output_schema", "description"):
        if key in payload:
            workflow[key] = copy.deepcopy(payload[key])
    if "input_descriptions" in payload:
        workflow["input_descriptions"] = {**(workflow.get("input_descriptions") or {}), **payload["input_descriptions"]}
    library[name] = workflow
    return new


def guardrail_refusal_rule_add(spec: Spec, payload: Payload) -> Spec:
    """Extends ``forbidden_topics``, ``refusal_templates``, ``confidentiality_rules`` and ``conflict_rules``;
    sets ``uncertainty_rule`` and ``escalation_rule``."""
    new = copy.deepcopy(spec)
    guardrails = _section(new, "guardrails")
    for key in GUARDRAIL_LISTS:
        if key in payload:
            guardrails[key] = _extended(guardrails.get(key), payload[key])
    for key in GUARDRAIL_RULES:
        if key in payload:
            guardrails[key] = payload[key]
    return new


def style_preference_add(spec: Spec, payload: Payload) -> Spec:
    """Sets ``interaction_style`` keys: tone sliders one by one, the phrase lists extended, the rest replaced.

    ``identity_voice`` changes only with ``allow_persona_fundamental_change: true``; without it the whole
    input is refused (``PersonaFundamentalChangeError``) and nothing of it applies.
    """
    fundamental_change_check(InputType.ADD_STYLE_PREFERENCE, payload)
    new = copy.deepcopy(spec)
    touched_style = any(key in payload for key in ("tone_sliders", *STYLE_LISTS, *STYLE_SCALARS))
    if touched_style:
        style = _section(new, "interaction_style")
        if "tone_sliders" in payload:
            style["tone_sliders"] = {**(style.get("tone_sliders") or {}), **payload["tone_sliders"]}
        for key in STYLE_LISTS:
            if key in payload:
                style[key] = _extended(style.get(key), payload[key])
        for key in STYLE_SCALARS:
            if key in payload:
                style[key] = payload[key]
    if "identity_voice" in payload and payload.get(FUNDAMENTAL_CHANGE_FLAG) is True:
        voice = _section(new, "identity_voice")
        for key in VOICE_LISTS:
            if key in payload["identity_voice"]:
                voice[key] = _extended(voice.get(key), payload["identity_voice"][key])
        for key in VOICE_SCALARS:
            if key in payload["identity_voice"]:
                voice[key] = payload["identity_voice"][key]
    return new


EFFECTS: dict[str, Callable[[Spec, Payload], Spec]] = {
    InputType.ADD_FAQ_ANSWER: faq_answer_add,
    InputType.ADD_ADJUST_RUBRIC_RULE: rubric_rule_add_or_adjust,
    InputType.ADD_WORKFLOW_STEP_TEMPLATE: workflow_step_template_add,
    InputType.ADD_GUARDRAIL_REFUSAL_RULE: guardrail_refusal_rule_add,
    InputType.ADD_STYLE_PREFERENCE: style_preference_add,
}


def learning_effect_apply(*, input_type: str, spec: Spec, payload: Payload) -> Spec:
    """The spec after one learning input of ``input_type``; ``spec`` itself is not changed."""
    return EFFECTS[input_type](spec or {}, payload)
