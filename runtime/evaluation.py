"""Eval files (DESIGN.md, "Eval cases"): load, run through the real router, and score."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator
from sklearn.metrics import precision_recall_fscore_support

from runtime.contract import Action, RoutingDecision

SCHEMA_PATH = Path(settings.BASE_DIR) / "eval" / "eval_cases.schema.json"
DEMO_SPEC_PATH = Path(settings.BASE_DIR) / "specs" / "fixtures" / "demo_persona_spec.json"
DEMO_KNOWLEDGE_PATH = Path(settings.BASE_DIR) / "specs" / "fixtures" / "demo_knowledge.json"
ACTIONS = [str(a) for a in Action]
BANDS = [(0.0, 0.5), (0.5, 0.62), (0.62, 0.75), (0.75, 0.9), (0.9, 1.0001)]


class EvalFileError(ValueError):
    pass


@dataclass(frozen=True)
class EvalTwin:
    name: str
    spec: dict[str, Any]
    knowledge: list[dict[str, str]]


@dataclass(frozen=True)
class EvalCase:
    id: str
    query: str
    expected_intent: str
    expected_action: str
    requires_citations: bool
    interaction_context: str = "public_widget"
    history: tuple[tuple[str, str], ...] = ()
    pinned_context: dict[str, str] = field(default_factory=dict)
    expected_missing: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CaseResult:
    case: EvalCase
    decision: RoutingDecision

    @property
    def citations(self) -> list[str]:
        return list(self.decision.explanation.signals.get("citations") or [])

    @property
    def action_ok(self) -> bool:
        return str(self.decision.action) == self.case.expected_action

    @property
    def intent_ok(self) -> bool:
        return self.decision.intent == self.case.expected_intent

    @property
    def missing_ok(self) -> bool | None:
        if self.case.expected_missing is None:
            return None
        return set(self.decision.required_inputs_missing) == set(self.case.expected_missing)

    @property
    def cited_ok(self) -> bool | None:
        if not self.case.requires_citations:
            return None
        return str(self.decision.action) == "answer" and bool(self.citations)


def _demo_twin() -> EvalTwin:
    knowledge = json.loads(DEMO_KNOWLEDGE_PATH.read_text()) if DEMO_KNOWLEDGE_PATH.exists() else []
    return EvalTwin("Demo twin", json.loads(DEMO_SPEC_PATH.read_text()), knowledge)


def eval_file_load(path: Path) -> tuple[EvalTwin, list[EvalCase]]:
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise EvalFileError(f"{path}: cannot read JSON ({exc})") from exc
    errors = sorted(Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).iter_errors(data), key=str)
    if errors:
        raise EvalFileError(f"{path}: not an eval file: {errors[0].message}")
    if isinstance(data, list):
        twin, raw_cases = _demo_twin(), data
    else:
        raw_twin = data.get("twin")
        twin = (
            EvalTwin(raw_twin.get("name") or Path(path).stem, raw_twin["persona_spec"], raw_twin.get("knowledge") or [])
            if raw_twin
            else _demo_twin()
        )
        raw_cases = data["cases"]
    cases = [
        EvalCase(
            id=str(raw["id"]),
            query=raw["query"],
            expected_intent=raw["expected_intent"],
            expected_action=raw["expected_action"],
            requires_citations=bool(raw["requires_citations"]),
            interaction_context=raw.get("interaction_context") or "public_widget",
            history=tuple((str(t["role"]), str(t["content"])) for t in raw.get("history") or []),
            pinned_context={str(k): str(v) for k, v in (raw.get("pinned_context") or {}).items() if v is not None},
            expected_missing=tuple(raw["expected_required_inputs_missing"])
            if "expected_required_inputs_missing" in raw
            else None,
        )
        for raw in raw_cases
    ]
    duplicates = [case_id for case_id, n in Counter(c.id for c in cases).items() if n > 1]
    if duplicates:
        raise EvalFileError(f"{path}: duplicate case ids {duplicates[:5]}")
    return twin, cases


def eval_cases_run(cases: Iterable[EvalCase], decide: Callable[[EvalCase], RoutingDecision]) -> list[CaseResult]:
    return [CaseResult(case, decide(case)) for case in cases]


def _fraction(values: list[bool]) -> float:
    return round(sum(values) / len(values), 4) if values else 1.0


def eval_report(results: list[CaseResult]) -> dict[str, Any]:
    expected = [r.case.expected_action for r in results]
    got = [str(r.decision.action) for r in results]
    precision, recall, f1, support = precision_recall_fscore_support(expected, got, labels=ACTIONS, zero_division=0)
    pairs = list(zip(expected, got, strict=True))
    bands = []
    for low, high in BANDS:
        inside = [r for r in results if low <= r.decision.confidence < high]
        bands.append(
            {
                "band": f"{low:.2f}-{min(high, 1.0):.2f}",
                "cases": len(inside),
                "action_accuracy": _fraction([r.action_ok for r in inside]),
            }
        )
    return {
        "total": len(results),
        "action_accuracy": _fraction([r.action_ok for r in results]),
        "intent_accuracy": _fraction([r.intent_ok for r in results]),
        "citation_compliance": _fraction([r.cited_ok for r in results if r.cited_ok is not None]),
        "required_inputs_accuracy": _fraction([r.missing_ok for r in results if r.missing_ok is not None]),
        "per_action": {
            action: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
            for i, action in enumerate(ACTIONS)
        },
        "confusion_matrix": {
            "labels": ACTIONS,
            "rows": [[pairs.count((a, b)) for b in ACTIONS] for a in ACTIONS],
        },
        "confidence_bands": bands,
        "failures": [
            {
                "id": r.case.id,
                "query": r.case.query[:200],
                "expected": {
                    "action": r.case.expected_action,
                    "intent": r.case.expected_intent,
                    "required_inputs_missing": list(r.case.expected_missing or []),
                    "citations": r.case.requires_citations,
                },
                "got": {
                    "action": str(r.decision.action),
                    "intent": r.decision.intent,
                    "required_inputs_missing": list(r.decision.required_inputs_missing),
                    "citations": r.citations,
                    "confidence": r.decision.confidence,
                },
                "rule": r.decision.explanation.rule,
                "reason": r.decision.explanation.reason,
            }
            for r in results
            if not (r.action_ok and r.intent_ok and r.missing_ok is not False and r.cited_ok is not False)
        ],
    }
