"""The router: one strict routing decision per message, from the twin's active spec.

Pure: no ORM, no clock, no randomness. The same message, history, pinned context
and spec always give the same decision. ``runtime.services`` loads what a turn
needs (spec, retrieved sources) and persists the result.

Order (DESIGN.md, "The routing policy"): refuse → escalate → clarify → answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from runtime.contract import Action, Explanation, RoutingDecision
from runtime.grounding import (
    Grounding,
    Source,
    commitment_hit,
    grounding_for,
    is_smalltalk,
    is_vague,
    owner_specific_hit,
)
from runtime.inputs import Evidence, inputs_missing
from runtime.intent import IntentScores, intent_model_for, request_part
from runtime.safety import SafetyHit, exfiltration_hit, guardrail_hit, injection_hit
from runtime.text import word_count
from specs.workflows import workflow_library_effective

OWNER_CHAT = "owner_chat"
INTERACTION_CONTEXTS = ("public_widget", "public_share", OWNER_CHAT)
_GUARDRAIL_SCAN_WORDS = 80

_QUESTIONS = {
    "problem_statement": "What exactly is going wrong?",
    "context": "What is the context: where and when does it happen, and what do the numbers show?",
    "objective": "What outcome do you want to reach?",
    "constraints": "What constraints should the plan respect (time, budget, team, risk)?",
    "artifact": "Could you paste the piece you want me to critique?",
    "source_text": "Could you paste the material you want summarized?",
    "goal": "What should this achieve: what is it for?",
    "options": "Which options are you weighing?",
    "criteria": "What should the options be judged on?",
    "audience": "Who is it for?",
}


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "twin"
    content: str


@dataclass(frozen=True)
class RouterInput:
    message: str
    spec: dict[str, Any]
    history: tuple[Turn, ...] = ()
    pinned_context: dict[str, str] = field(default_factory=dict)
    interaction_context: str = "public_widget"
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class RouterSettings:
    clarify_threshold: float = 0.62


def _owner_names(spec: dict) -> tuple[str, ...]:
    name = str(((spec.get("identity_voice") or {}).get("name")) or "").strip().lower()
    return (name, *name.split()) if name else ()


_NEVER_SHARE = re.compile(r"\b(?:never|don't|do\s+not|no)\s+(?:share|disclose|discuss|reveal|talk\s+about|mention|give\s+out|comment\s+on)\s+(.+)", re.I)


def _forbidden_topics(spec: dict) -> list[str]:
    guardrails = spec.get("guardrails") or {}
    topics = [str(t) for t in guardrails.get("forbidden_topics") or [] if str(t).strip()]
    for rule in guardrails.get("confidentiality_rules") or []:
        match = _NEVER_SHARE.search(str(rule))
        if match:
            topics.append(match.group(1).strip(" ."))
    return topics


def _question_for(name: str, workflow: dict) -> str:
    if name in _QUESTIONS:
        return _QUESTIONS[name]
    return f"Could you share the {name.replace('_', ' ')}?"


def _scan_text(message: str) -> str:
    words = message.split()
    return message if len(words) <= _GUARDRAIL_SCAN_WORDS else " ".join(words[:_GUARDRAIL_SCAN_WORDS])


def _safety(inp: RouterInput, topics: list[str]) -> tuple[SafetyHit, bool] | None:
    """The first refusal signal, and whether it sits in the request itself (not in material it carries)."""
    request = request_part(inp.message)
    hit = injection_hit(request)
    if hit:
        return hit, True
    for text in (inp.message, *inp.pinned_context.values()):
        hit = injection_hit(text)
        if hit:
            return hit, False
    hit = exfiltration_hit(inp.message)
    if hit:
        return hit, True
    hit = guardrail_hit(_scan_text(inp.message), topics)
    return (hit, False) if hit else None


def _is_clarifying(turn: Turn) -> bool:
    return turn.role != "user" and "?" in turn.content


def _intent(inp: RouterInput, scores: IntentScores, workflows: dict) -> tuple[str, float, str]:
    """The workflow asked for, its probability, and where it came from (message or an earlier request)."""
    intent, probability = scores.top
    history = inp.history
    if history and _is_clarifying(history[-1]):
        earlier = [turn for turn in history[:-1] if turn.role == "user"]
        if earlier:
            model = intent_model_for(inp.spec)
            previous, previous_p = model.scores(earlier[-1].content).top
            answers_question = intent == "answer" or probability < 0.55 or word_count(inp.message) <= 30
            if previous != "answer" and previous in workflows and answers_question and previous_p >= 0.3:
                return previous, max(previous_p, probability), "earlier_request"
    if intent not in workflows:
        intent = "answer"
    return intent, probability, "message"


def _confidence(probability: float, margin: float) -> float:
    """Map the classifier's view to a confidence in the decision; see the eval's bands."""
    return round(min(0.99, 0.45 + 0.4 * probability + 0.2 * margin), 4)


def route(inp: RouterInput, settings: RouterSettings | None = None) -> RoutingDecision:
    settings = settings or RouterSettings()
    spec = inp.spec or {}
    workflows = workflow_library_effective(spec)
    required = {name: list(wf.get("required_inputs") or []) for name, wf in workflows.items()}
    scores = intent_model_for(spec).scores(inp.message)
    intent, probability, intent_source = _intent(inp, scores, workflows)
    signals: dict[str, Any] = {
        "intent_scores": {label: round(p, 4) for label, p in scores.ranked[:4]},
        "intent_source": intent_source,
        "interaction_context": inp.interaction_context,
    }

    def decide(action: Action, confidence: float, rule: str, reason: str, *, missing=(), questions=(), **extra):
        return RoutingDecision(
            intent=intent,
            confidence=round(max(0.0, min(1.0, confidence)), 4),
            required_inputs_missing=tuple(missing),
            chosen_workflow=intent,
            output_schema=f"workflow.{intent}.v1",
            action=action,
            clarifying_questions=tuple(questions),
            explanation=Explanation(rule=rule, reason=reason, signals={**signals, **extra}),
        ).validate(workflow_inputs=required)

    # 1. refuse
    found = _safety(inp, _forbidden_topics(spec))
    if found is not None:
        hit, in_request = found
        if in_request:
            # An attack with no real task behind it asks for nothing but an answer.
            intent = "answer"
        rule = {"injection": "refuse.prompt_injection", "exfiltration": "refuse.private_data", "guardrail": "refuse.guardrail"}[hit.kind]
        confidence = 0.9 if hit.kind == "guardrail" else 0.96
        return decide(Action.REFUSE, confidence, rule, f"{hit.kind}: {hit.pattern}", matched=hit.pattern, excerpt=hit.excerpt)

    # 2. escalate
    owner_names = _owner_names(spec)
    owner = str(((spec.get("identity_voice") or {}).get("name")) or "the owner")
    commitment = commitment_hit(inp.message)
    if commitment is not None:
        intent = "answer"
        return decide(
            Action.ESCALATE, 0.9, "escalate.commitment", f"asks to commit the owner: {commitment}",
            questions=(f"What should {owner} know to get back to you (timing, scope, anything else)?",),
            commitment=commitment,
        )
    grounding = Grounding(False, 0.0, ())
    owner_hit = owner_specific_hit(inp.message, owner_names) if intent == "answer" else None
    if inp.sources:
        grounding = grounding_for(inp.message, list(inp.sources), owner_names)
    signals["grounding"] = {"grounded": grounding.grounded, "score": grounding.score,
                            "sources": [s.id for s in grounding.sources]}  # fmt: skip
    if owner_hit is not None and not grounding.grounded:
        if inp.interaction_context == OWNER_CHAT:
            return decide(
                Action.CLARIFY, 0.7, "clarify.owner_knowledge",
                "owner-specific and ungrounded; in owner_chat the twin asks the owner",
                questions=("I have nothing on this in my sources yet. How would you like me to answer it?",),
                owner_signal=owner_hit,
            )
        return decide(
            Action.ESCALATE, 0.75 + 0.15 * (1 - grounding.score), "escalate.owner_knowledge",
            f"asks for owner-specific knowledge no source grounds ({owner_hit})",
            questions=(f"Is there any context you would like me to pass on to {owner} with your question?",),
            owner_signal=owner_hit,
        )

    # 3. clarify
    evidence = Evidence(
        message=inp.message,
        history_user=tuple(t.content for t in inp.history if t.role == "user"),
        pinned={k: str(v) for k, v in inp.pinned_context.items() if v is not None},
    )
    rubric = (spec.get("decision_policy") or {}).get("rubric_rules") or []
    satisfied = frozenset({"criteria"}) if rubric else frozenset()
    missing = inputs_missing(required[intent], evidence, satisfied=satisfied)[:3]
    confidence = _confidence(probability, scores.margin)
    if missing:
        return decide(
            Action.CLARIFY, confidence, "clarify.missing_inputs", f"{intent} needs {', '.join(missing)}",
            missing=missing, questions=[_question_for(m, workflows[intent]) for m in missing],
        )
    smalltalk = is_smalltalk(inp.message)
    if smalltalk and intent == "answer":
        confidence = max(confidence, 0.85)
    vague = not smalltalk and intent_source == "message" and is_vague(inp.message) and not evidence.pinned
    if vague:
        confidence = min(confidence, settings.clarify_threshold - 0.1)
    if confidence < settings.clarify_threshold:
        return decide(
            Action.CLARIFY, confidence, "clarify.underspecified", "too underspecified to act on",
            questions=("What would you like me to help with, specifically?",), vague=vague,
        )

    # 4. answer
    cited = [s.id for s in grounding.sources] if grounding.grounded else []
    return decide(
        Action.ANSWER, confidence, "answer", f"{intent} with everything it needs",
        citations=cited, smalltalk=smalltalk,
    )
