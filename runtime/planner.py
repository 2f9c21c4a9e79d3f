"""The planner: what a reply must do and say, from the routing decision and the persona spec.

Pure: no ORM, no clock, no randomness. It honours the decision's action
(DESIGN.md, "The routing policy"; the seed's "Runtime behavior changes"):

- clarify: ask the decision's 1-3 questions;
- escalate: state the uncertainty, say the owner will be asked, ask the decision's question;
- refuse: one of the persona's refusal templates (picked by a hash of the message) and nothing else;
- answer: follow the chosen workflow's steps and template, with the twin's sources.

Clarify, escalate and refuse replies are complete here; an answer is composed by
a realizer (``runtime.realizer``) from the plan.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from runtime.contract import Action, RoutingDecision
from specs.workflows import REQUIRED_INPUT_DESCRIPTIONS, workflow_library_effective

DEFAULT_REFUSAL = "I can't help with that here."
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class SourceText:
    """A knowledge document or FAQ entry the router cited, with its text."""

    id: str
    kind: str  # "document" | "faq"
    title: str
    text: str


@dataclass(frozen=True)
class Persona:
    name: str
    bio: str = ""
    voice_rules: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()  # do_not_say and banned phrases: never in a reply
    brevity: str = "medium"  # short | medium | long
    structure: str = "paragraphs"  # bullets | numbered | paragraphs
    uncertainty_rule: str = ""


@dataclass(frozen=True)
class PlannerInput:
    decision: RoutingDecision
    spec: dict[str, Any]
    twin_name: str
    message: str
    history: tuple[tuple[str, str], ...] = ()
    pinned_context: dict[str, str] = field(default_factory=dict)
    sources: tuple[SourceText, ...] = ()


@dataclass(frozen=True)
class Plan:
    action: str
    workflow: str
    schema_id: str  # the schema of the reply's structured output
    persona: Persona
    message: str
    history: tuple[tuple[str, str], ...] = ()
    steps: tuple[str, ...] = ()
    template: str | None = None
    required_inputs: tuple[str, ...] = ()
    inputs: dict[str, str] = field(default_factory=dict)
    sources: tuple[SourceText, ...] = ()
    grounded: bool = False
    smalltalk: bool = False
    rubric: tuple[dict[str, Any], ...] = ()
    green_flags: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    # Complete replies (clarify, escalate, refuse): the text and the structured output.
    text: str | None = None
    output: dict[str, Any] | None = None
    artifacts: tuple[str, ...] = ()
    refusal_reason: str = ""
    escalation_reason: str = ""


def persona_of(spec: dict[str, Any], twin_name: str) -> Persona:
    identity = spec.get("identity_voice") or {}
    style = spec.get("interaction_style") or {}
    banned = (spec.get("deterministic_rules") or {}).get("banned_phrases") or []
    avoid = [str(p).strip() for p in [*(style.get("do_not_say") or []), *banned] if str(p).strip()]
    structure = str(style.get("structure_default") or "").lower()
    if "bullet" in structure:
        shape = "bullets"
    elif "number" in structure or "step" in structure:
        shape = "numbered"
    else:
        shape = "paragraphs"
    return Persona(
        name=str(identity.get("name") or twin_name),
        bio=str(identity.get("bio") or ""),
        voice_rules=tuple(str(r) for r in identity.get("voice_rules") or []),
        avoid=tuple(dict.fromkeys(avoid)),
        brevity=str(style.get("brevity_default") or "medium"),
        structure=shape,
        uncertainty_rule=str((spec.get("guardrails") or {}).get("uncertainty_rule") or ""),
    )


def _pick(options: list[str], message: str) -> int:
    """A stable choice among ``options``: the same message always gets the same one."""
    return int(hashlib.sha256(message.encode()).hexdigest(), 16) % len(options)


def _refusal(inp: PlannerInput) -> tuple[str, str]:
    """The refusal copy and the spec artifact it came from."""
    templates = [str(t) for t in (inp.spec.get("guardrails") or {}).get("refusal_templates") or [] if str(t).strip()]
    if not templates:
        return DEFAULT_REFUSAL, "runtime.default_refusal"
    signals = inp.decision.explanation.signals
    # Only a guardrail topic of the persona's own spec may fill {topic}; an attack's wording never does.
    topic = str(signals.get("matched") or "") if inp.decision.explanation.rule == "refuse.guardrail" else ""
    candidates = [t for t in templates if not _PLACEHOLDER.search(t)] if not topic else []
    candidates = candidates or templates
    chosen = candidates[_pick(candidates, inp.message)]
    text = _PLACEHOLDER.sub(lambda m: (topic or "that") if m.group(1) == "topic" else "", chosen)
    return re.sub(r"\s{2,}", " ", text).strip(), f"guardrails.refusal_templates[{templates.index(chosen)}]"


def _clarify_text(questions: tuple[str, ...], rule: str) -> str:
    if rule == "clarify.owner_knowledge":
        return " ".join(questions)  # the owner is asked for the answer itself
    if len(questions) == 1:
        return f"Before I answer, one question: {questions[0]}"
    return "Before I can help, I need a little more:\n" + "\n".join(f"- {q}" for q in questions)


def _escalation(inp: PlannerInput, persona: Persona) -> tuple[str, str]:
    rule = inp.decision.explanation.rule
    if rule == "escalate.commitment":
        uncertainty = f"I can't commit {persona.name} to that myself."
    else:
        uncertainty = f"I don't know how {persona.name} would answer that, and I won't guess."
    return uncertainty, f"{uncertainty} I'll ask {persona.name} about it."


def _has_rule(spec: dict[str, Any], name: str) -> bool:
    return bool((spec.get("guardrails") or {}).get(name))


def _workflow(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return workflow_library_effective(spec).get(name) or {}


def plan_reply(inp: PlannerInput) -> Plan:
    decision = inp.decision
    persona = persona_of(inp.spec, inp.twin_name)
    common = {
        "workflow": decision.chosen_workflow,
        "persona": persona,
        "message": inp.message,
        "history": inp.history,
        "questions": decision.clarifying_questions,
    }
    if decision.action == Action.REFUSE:
        text, artifact = _refusal(inp)
        return Plan(
            action="refuse",
            schema_id="reply.refuse.v1",
            text=text,
            output={"schema": "reply.refuse.v1", "message": text},
            artifacts=(artifact,),
            refusal_reason=f"{decision.explanation.rule}: {decision.explanation.reason}",
            **common,
        )
    if decision.action == Action.ESCALATE:
        uncertainty, lead = _escalation(inp, persona)
        questions = list(decision.clarifying_questions)
        return Plan(
            action="escalate",
            schema_id="reply.escalate.v1",
            text=f"{lead} {' '.join(questions)}",
            output={
                "schema": "reply.escalate.v1",
                "uncertainty": uncertainty,
                "owner_will_be_asked": True,
                "questions": questions,
            },
            artifacts=("guardrails.escalation_rule",)
            if (inp.spec.get("guardrails") or {}).get("escalation_rule")
            else (),
            escalation_reason=f"{decision.explanation.rule}: {decision.explanation.reason}",
            **common,
        )
    if decision.action == Action.CLARIFY:
        return Plan(
            action="clarify",
            schema_id="reply.clarify.v1",
            text=_clarify_text(decision.clarifying_questions, decision.explanation.rule),
            output={
                "schema": "reply.clarify.v1",
                "questions": list(decision.clarifying_questions),
                "missing_inputs": list(decision.required_inputs_missing),
                "workflow": decision.chosen_workflow,
            },
            **common,
        )
    return _answer_plan(inp, persona, common)


def _answer_plan(inp: PlannerInput, persona: Persona, common: dict[str, Any]) -> Plan:
    decision = inp.decision
    workflow = _workflow(inp.spec, decision.chosen_workflow)
    required = tuple(workflow.get("required_inputs") or ())
    policy = inp.spec.get("decision_policy") or {}
    signals = decision.explanation.signals
    artifacts = [f"workflow_library.{decision.chosen_workflow}.steps"]
    if workflow.get("template"):
        artifacts.append(f"workflow_library.{decision.chosen_workflow}.template")
    if persona.avoid:
        artifacts.append("interaction_style.do_not_say")
    return Plan(
        action="answer",
        schema_id=decision.output_schema,
        steps=tuple(str(s) for s in workflow.get("steps") or ()),
        template=str(workflow["template"]) if workflow.get("template") else None,
        required_inputs=required,
        inputs={name: str(inp.pinned_context[name]) for name in required if inp.pinned_context.get(name)},
        sources=inp.sources,
        grounded=bool((signals.get("grounding") or {}).get("grounded")),
        smalltalk=bool(signals.get("smalltalk")),
        rubric=tuple(r for r in policy.get("rubric_rules") or [] if isinstance(r, dict) and r.get("criterion")),
        green_flags=tuple(str(f) for f in policy.get("green_flags") or []),
        red_flags=tuple(str(f) for f in policy.get("red_flags") or []),
        artifacts=tuple(artifacts),
        **common,
    )


def input_description(name: str) -> str:
    return REQUIRED_INPUT_DESCRIPTIONS.get(name, name.replace("_", " "))
