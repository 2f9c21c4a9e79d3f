"""Eval files (DESIGN.md, "Eval cases"): load, run through the real router, and score."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator
from sklearn.metrics import precision_recall_fscore_support

from runtime.contract import Action, RoutingDecision
from specs.schema import persona_spec_drop_unknown_keys, persona_spec_errors

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
    # Keys of the file's spec that the persona spec schema does not know, set aside to load it.
    set_aside: tuple[str, ...] = ()


# A workflow's example requests under another name ("example_requests", "sample_phrasings").
_EXAMPLE_KEY = re.compile(r"example|phrasing|utterance|sample")


def eval_spec_fit(spec: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """An eval twin's spec as the persona spec schema takes it, and what was changed to get there.

    Eval files are written by hand, often with notes of their own beside the spec's keys. A
    workflow's example requests under another name are read as its ``examples``; any other
    unknown key is set aside (and reported) rather than failing the whole file. Anything
    else that does not fit is an error.
    """
    spec = copy.deepcopy(spec)
    moved: list[str] = []
    library = spec.get("workflow_library")
    for name, workflow in library.items() if isinstance(library, dict) else ():
        if not isinstance(workflow, dict):
            continue
        for key in [k for k in workflow if k != "examples" and _EXAMPLE_KEY.search(k)]:
            value = workflow[key]
            if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
                workflow["examples"] = [*(workflow.get("examples") or []), *workflow.pop(key)][:100]
                moved.append(f"spec.workflow_library.{name}.{key} (read as examples)")
    removed = persona_spec_drop_unknown_keys(spec)
    errors = persona_spec_errors(spec)
    if errors:
        first = next(iter(errors.items()))
        raise EvalFileError(f"the twin's persona_spec does not fit the persona spec schema: {first[0]}: {first[1][0]}")
    return spec, (*moved, *removed)


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
        if raw_twin:
            try:
                spec, set_aside = eval_spec_fit(raw_twin["persona_spec"])
            except EvalFileError as exc:
                raise EvalFileError(f"{path}: {exc}") from exc
            twin = EvalTwin(raw_twin.get("name") or Path(path).stem, spec, raw_twin.get("knowledge") or [], set_aside)
        else:
            twin = _demo_twin()
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
