"""The routing decision every message gets, and the invariants it must keep.

``RoutingDecision.validate`` is the one place the contract is enforced: a
decision that breaks it is a bug and is never persisted or acted on.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

MAX_MISSING_INPUTS = 3
MAX_QUESTIONS = 3


class Action(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    REFUSE = "refuse"
    ESCALATE = "escalate"


class ContractViolation(ValueError):  # noqa: N818 - it names the broken contract
    pass


@dataclass(frozen=True)
class Explanation:
    """Why the router decided as it did: the rule that fired and the signals behind it."""

    rule: str
    reason: str
    signals: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RoutingDecision:
    intent: str
    confidence: float
    required_inputs_missing: tuple[str, ...]
    chosen_workflow: str
    output_schema: str
    action: Action
    clarifying_questions: tuple[str, ...]
    explanation: Explanation

    def validate(self, *, workflow_inputs: dict[str, list[str]]) -> RoutingDecision:
        problems: list[str] = []
        if not isinstance(self.confidence, float | int) or math.isnan(self.confidence):
            problems.append("confidence is not a number")
        elif not 0.0 <= self.confidence <= 1.0:
            problems.append(f"confidence {self.confidence} is outside [0, 1]")
        if self.action not in set(Action):
            problems.append(f"unknown action {self.action!r}")
        if self.chosen_workflow not in workflow_inputs:
            problems.append(f"unknown workflow {self.chosen_workflow!r}")
        else:
            allowed = set(workflow_inputs[self.chosen_workflow])
            extra = set(self.required_inputs_missing) - allowed
            if extra:
                problems.append(f"missing inputs {sorted(extra)} are not inputs of {self.chosen_workflow}")
        if self.intent != self.chosen_workflow:
            problems.append("intent and chosen_workflow differ")
        if self.output_schema != f"workflow.{self.chosen_workflow}.v1":
            problems.append(f"output_schema {self.output_schema!r} does not name the workflow")
        if len(self.required_inputs_missing) > MAX_MISSING_INPUTS:
            problems.append("more than 3 missing inputs")
        if len(set(self.required_inputs_missing)) != len(self.required_inputs_missing):
            problems.append("missing inputs repeat")
        asks = self.action in (Action.CLARIFY, Action.ESCALATE)
        count = len(self.clarifying_questions)
        if asks and not 1 <= count <= MAX_QUESTIONS:
            problems.append(f"{self.action} needs 1-3 clarifying questions, has {count}")
        if not asks and count:
            problems.append(f"{self.action} must not ask clarifying questions")
        if any(not q.strip() for q in self.clarifying_questions):
            problems.append("a clarifying question is empty")
        if problems:
            raise ContractViolation("; ".join(problems))
        return self

    def as_contract(self) -> dict[str, Any]:
        """The seven fields clients and the audit see as ``routing_decision``."""
        return {
            "intent": self.intent,
            "confidence": round(float(self.confidence), 4),
            "required_inputs_missing": list(self.required_inputs_missing),
            "chosen_workflow": self.chosen_workflow,
            "output_schema": self.output_schema,
            "action": str(self.action),
            "clarifying_questions": list(self.clarifying_questions),
        }

    def explanation_dict(self) -> dict[str, Any]:
        return asdict(self.explanation)
