"""The Twin Spec: the normalized, client-facing view of a persona spec (DESIGN.md, "Persona spec JSON").

Every section and key is always present, with an empty or neutral value when the
spec leaves it out, so clients render it without guessing.
"""

from __future__ import annotations

from typing import Any

from specs.models import PersonaSpec
from specs.workflows import BUILTIN_WORKFLOWS, workflow_library_effective

TWIN_SPEC_SCHEMA = "twin_spec.v1"
STANDARD_TONE_SLIDERS = ("directness", "warmth", "skepticism")
NEUTRAL_TONE = 0.5
DEFAULT_MISSING_INFO_BEHAVIOR = "ask_clarifying_questions"
GUARDRAIL_LISTS = ("forbidden_topics", "refusal_templates", "confidentiality_rules", "conflict_rules")


def _section(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return spec.get(name) or {}


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _persona(spec: dict[str, Any]) -> dict[str, Any]:
    identity = _section(spec, "identity_voice")
    style = _section(spec, "interaction_style")
    banned = _section(spec, "deterministic_rules").get("banned_phrases", [])
    return {
        "name": identity.get("name"),
        "bio": identity.get("bio", ""),
        "voice_rules": list(identity.get("voice_rules", [])),
        "tone_sliders": {slider: NEUTRAL_TONE for slider in STANDARD_TONE_SLIDERS} | style.get("tone_sliders", {}),
        "preferred_phrases": _unique([*identity.get("signature_phrases", []), *style.get("phrasing_preferences", [])]),
        "avoided_phrases": _unique([*style.get("do_not_say", []), *banned]),
        "brevity_default": style.get("brevity_default"),
        "structure_default": style.get("structure_default"),
        "disagreement_style": style.get("disagreement_style"),
        "stance_values": dict(spec.get("stance_values") or {}),
    }


def _decision_system(spec: dict[str, Any]) -> dict[str, Any]:
    policy = _section(spec, "decision_policy")
    rubric = [
        {"criterion": rule["criterion"], "weight": rule.get("weight"), "description": rule.get("description", "")}
        for rule in policy.get("rubric_rules", [])
    ]
    return {
        "rubric": rubric,
        "green_flags": list(policy.get("green_flags", [])),
        "red_flags": list(policy.get("red_flags", [])),
        "assumptions": list(policy.get("default_assumptions", [])),
        "missing_info_behavior": policy.get("missing_info_behavior", DEFAULT_MISSING_INFO_BEHAVIOR),
    }


def _workflows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    custom = (spec.get("workflow_library") or {}).keys()
    return [
        {"name": name, "builtin": name in BUILTIN_WORKFLOWS, "customized": name in custom, **workflow}
        for name, workflow in workflow_library_effective(spec).items()
    ]


def _guardrails(spec: dict[str, Any]) -> dict[str, Any]:
    guardrails = _section(spec, "guardrails")
    lists = {name: list(guardrails.get(name, [])) for name in GUARDRAIL_LISTS}
    return lists | {
        "uncertainty_rule": guardrails.get("uncertainty_rule"),
        "escalation_rule": guardrails.get("escalation_rule"),
    }


def _faq(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"question": entry["question"], "answer": entry["answer"], "template": entry.get("template")}
        for entry in spec.get("faq_library", [])
    ]


def twin_spec_build(
    *, spec: dict[str, Any], version: str | None, twin_id: str | None = None, published_at: str | None = None
) -> dict[str, Any]:
    """The Twin Spec of a (schema-valid) ``spec``; ``version`` names the persona spec version it came from."""
    return {
        "persona": _persona(spec),
        "decision_system": _decision_system(spec),
        "workflows": _workflows(spec),
        "guardrails": _guardrails(spec),
        "faq": _faq(spec),
        "metadata": {
            "schema": TWIN_SPEC_SCHEMA,
            "twin_id": twin_id,
            "source_persona_spec_version": version,
            "published_at": published_at,
            "spec_metadata": dict(spec.get("metadata") or {}),
        },
    }


def twin_spec_of_version(*, version: PersonaSpec) -> dict[str, Any]:
    published_at = version.published_at.isoformat() if version.published_at else None
    return twin_spec_build(
        spec=version.spec, version=version.version, twin_id=str(version.twin_id), published_at=published_at
    )
