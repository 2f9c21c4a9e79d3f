"""The built-in workflows (DESIGN.md, "The routing policy") and their merge with a spec's ``workflow_library``.

The router imports ``BUILTIN_WORKFLOWS`` for the intent taxonomy and required
inputs; the Twin Spec shows ``workflow_library_effective`` of the active spec.
"""

from __future__ import annotations

import copy
from typing import Any

WORKFLOW_FIELDS = (
    "description",
    "required_inputs",
    "input_descriptions",
    "steps",
    "template",
    "output_schema",
    "examples",
)


def output_schema_for(name: str) -> str:
    return f"workflow.{name}.v1"


def _builtin(name: str, description: str, required_inputs: list[str], steps: list[str], template: str) -> dict:
    return {
        "description": description,
        "required_inputs": required_inputs,
        "steps": steps,
        "template": template,
        "output_schema": output_schema_for(name),
        "examples": [],  # the router's own corpus covers the built-ins
        "input_descriptions": {},
    }


BUILTIN_WORKFLOWS: dict[str, dict[str, Any]] = {
    "answer": _builtin(
        "answer",
        "A plain question or smalltalk.",
        [],
        ["Answer the question directly", "Cite the sources used", "Offer one next step if useful"],
        "{answer}\n\nSources: {citations}",
    ),
    "diagnose": _builtin(
        "diagnose",
        "Find out why something is going wrong.",
        ["problem_statement", "context"],
        ["Restate the problem", "List likely causes", "Rank them by evidence", "Suggest how to confirm the top cause"],
        "Problem: {problem_statement}\nLikely causes:\n{causes}\nHow to confirm: {checks}",
    ),
    "plan": _builtin(
        "plan",
        "Lay out how to reach an objective within constraints.",
        ["objective", "constraints"],
        ["Restate the objective", "Name the constraints", "Break the work into milestones", "Flag the main risks"],
        "Objective: {objective}\nConstraints: {constraints}\nMilestones:\n{milestones}\nRisks: {risks}",
    ),
    "critique": _builtin(
        "critique",
        "Give candid feedback on an artifact.",
        ["artifact"],
        ["Say what works", "Say what does not and why", "Suggest the highest-leverage fixes"],
        "What works:\n{strengths}\nWhat does not:\n{weaknesses}\nFix first: {fixes}",
    ),
    "summarize": _builtin(
        "summarize",
        "Condense material the user supplies.",
        ["source_text"],
        ["Find the main points", "Keep the author's conclusions", "Note open questions"],
        "Summary:\n{points}\nOpen questions: {open_questions}",
    ),
    "brainstorm": _builtin(
        "brainstorm",
        "Generate ideas toward a goal.",
        ["goal"],
        ["Restate the goal", "Generate varied ideas", "Pick the most promising and say why"],
        "Goal: {goal}\nIdeas:\n{ideas}\nMost promising: {pick}",
    ),
    "evaluate": _builtin(
        "evaluate",
        "Judge options against criteria (the twin's rubric rules count as criteria).",
        ["options", "criteria"],
        ["List the options", "Score each against the criteria", "Recommend one and state the trade-offs"],
        "Options: {options}\nScores:\n{scores}\nRecommendation: {recommendation}",
    ),
    "write": _builtin(
        "write",
        "Draft text for an audience and a goal.",
        ["audience", "goal"],
        ["Confirm audience and goal", "Draft in the persona's voice", "Offer one alternative angle"],
        "Draft for {audience}:\n{draft}",
    ),
}

# What each built-in required input means; the clarifying question asks for this.
REQUIRED_INPUT_DESCRIPTIONS: dict[str, str] = {
    "problem_statement": "what is going wrong",
    "context": "where/when/metrics/background",
    "objective": "the desired outcome",
    "constraints": "time, budget, team, risk",
    "artifact": "the thing to critique",
    "source_text": "the material itself",
    "goal": "what the ideas or the text are for",
    "options": "what is being judged",
    "criteria": "what the options are judged by",
    "audience": "who will read it",
}


def _custom(name: str) -> dict[str, Any]:
    return {
        "description": "",
        "required_inputs": [],
        "steps": [],
        "template": None,
        "output_schema": output_schema_for(name),
        "examples": [],
        "input_descriptions": {},
    }


def workflow_library_effective(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every workflow the twin runs: the built-ins, each field overridden by the spec's ``workflow_library``,
    then the spec's own workflows. Returns fresh copies; ``BUILTIN_WORKFLOWS`` is never changed."""
    library = (spec or {}).get("workflow_library") or {}
    effective = copy.deepcopy(BUILTIN_WORKFLOWS)
    for name, overrides in library.items():
        merged = effective.setdefault(name, _custom(name))
        merged.update({key: copy.deepcopy(value) for key, value in overrides.items() if key in WORKFLOW_FIELDS})
    return effective
