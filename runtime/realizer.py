"""The realizer: the reply's text and structured output, from a plan. One interface, two back ends.

- ``BuiltinRealizer`` (the default): deterministic and offline. It composes an
  answer from the twin's cited sources (FAQ entries and documents), the user's own
  material, the workflow's steps and template and the persona's decision policy. It
  quotes its sources rather than paraphrasing them, so it never states as the
  owner's view anything they do not say; what no source covers it says so.
- ``runtime.realizer_openai.OpenAICompatibleRealizer``: any OpenAI-compatible
  chat-completions server, falling back to the built-in realizer.

Whatever the back end, ``realization_finish`` removes every ``do_not_say`` and
banned phrase and validates the structured output against its JSON Schema before
anything is sent. Pure: no ORM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings

from runtime.normalize import fold
from runtime.planner import Plan, SourceText
from runtime.reply_schemas import reply_validate
from runtime.text import content_tokens, stem

_SENTENCES = {"short": 2, "medium": 4, "long": 8}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_THANKS = re.compile(r"^\W*(?:thanks|thank\s+you|thx|ty|cheers|appreciate)", re.I)
_RUBRIC_CUES = {"rubric", "criterion", "criteria", "score"}


class RealizerError(Exception):
    pass


@dataclass(frozen=True)
class Realization:
    action: str  # what the reply does: the plan's action, or escalate when realizing failed
    text: str
    output: dict[str, Any]
    backend: str
    citations: tuple[dict[str, str], ...] = ()
    artifacts: tuple[str, ...] = ()
    fallback_reason: str = ""
    escalation_reason: str = ""


class Realizer(Protocol):
    name: str

    def realize(self, plan: Plan) -> Realization: ...


# --- style: phrases the persona never says ------------------------------------------------


# Every string of every reply is scrubbed against every avoided phrase: build each pattern once.
@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(word) for word in phrase.split()), re.IGNORECASE)


def style_scrub(text: str, avoid: tuple[str, ...]) -> str:
    """``text`` without any of the ``avoid`` phrases, in any letter case; removing one never forms another."""
    patterns = [_phrase_pattern(p) for p in avoid if p.strip()]
    while True:
        before = text
        for pattern in patterns:
            text = pattern.sub("", text)
        if text == before:
            break
    text = re.sub(r"[ \t]{2,}", " ", re.sub(r"[ \t]+([,.;:!?])", r"\1", text))
    return re.sub(r"(?m)^[ \t]*[,;:][ \t]*", "", text).strip()


def _scrub_value(value: Any, avoid: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return style_scrub(value, avoid)
    if isinstance(value, list):
        return [_scrub_value(item, avoid) for item in value]
    if isinstance(value, dict):
        return {key: _scrub_value(item, avoid) for key, item in value.items()}
    return value


def says_avoided(text: str, avoid: tuple[str, ...]) -> bool:
    return any(_phrase_pattern(p).search(text) for p in avoid if p.strip())


def realization_finish(
    plan: Plan, *, text: str, output: dict[str, Any], backend: str, citations=(), artifacts=(), fallback_reason=""
) -> Realization:
    """Apply the persona's style to everything the reply says, then check the output's schema."""
    avoid = plan.persona.avoid
    output = _scrub_value(output, avoid)
    text = style_scrub(text, avoid) or _scrub_value(output.get("summary") or output.get("message") or "", avoid)
    reply_validate(plan.schema_id, output)
    if not text:
        raise RealizerError("the reply has no text")
    return Realization(
        action=plan.action,
        text=text,
        output=output,
        backend=backend,
        citations=tuple(citations),
        artifacts=tuple(dict.fromkeys([*plan.artifacts, *artifacts])),
        fallback_reason=fallback_reason,
        escalation_reason=plan.escalation_reason,
    )


def realization_failed(plan: Plan, reason: str) -> Realization:
    """A safe escalation in place of a reply that could not be realized; the reason goes to the audit."""
    name = plan.persona.name
    question = f"Is there anything {name} should know to get back to you?"
    uncertainty = "I can't answer this reliably right now."
    output = {"schema": "reply.escalate.v1", "uncertainty": uncertainty, "owner_will_be_asked": True}
    output["questions"] = [question]
    return Realization(
        action="escalate",
        text=f"{uncertainty} I'll ask {name} about it. {question}",
        output=reply_validate("reply.escalate.v1", output),
        backend="builtin",
        fallback_reason=reason[:1000],
        escalation_reason=f"realizer_failed: {reason}"[:1000],
    )


def realize_safely(plan: Plan, realizer: Realizer) -> Realization:
    """The realizer's reply, or a safe escalation when it fails: a turn never fails on its reply."""
    try:
        return realizer.realize(plan)
    except Exception as exc:  # any failure becomes an audited escalation, never a 500
        return realization_failed(plan, f"{realizer.name}: {type(exc).__name__}: {exc}")


# --- the built-in realizer ----------------------------------------------------------------


def _stems(text: str) -> set[str]:
    return {stem(t) for t in content_tokens(fold(text))}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def _shorten(text: str, sentences: int) -> str:
    return " ".join(_sentences(text)[:sentences])


def _material(plan: Plan) -> str:
    """What the user gave the twin to work on: the message and the pinned inputs."""
    return "\n".join([plan.message, *plan.inputs.values()])


class _Composer:
    """One answer: which source sentences it used, so each is cited once and used once."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.limit = _SENTENCES.get(plan.persona.brevity, 4)
        self.query = _stems(plan.message)
        self.cited: dict[str, SourceText] = {}
        self.used: set[str] = set()
        self.pool = [
            (source, sentence)
            for source in plan.sources
            for sentence in _sentences(source.text)
            if not says_avoided(sentence, plan.persona.avoid)
        ]

    def take(self, cue: set[str], count: int, *, need_overlap: bool) -> list[str]:
        """The best unused source sentences for ``cue``, in the sources' own order."""
        scored = [
            (len(_stems(sentence) & cue), i, source, sentence)
            for i, (source, sentence) in enumerate(self.pool)
            if sentence not in self.used
        ]
        if need_overlap:
            scored = [row for row in scored if row[0] > 0]
        best = sorted(scored, key=lambda row: (-row[0], row[1]))[:count]
        chosen = sorted(best, key=lambda row: row[1])
        for _score, _i, source, sentence in chosen:
            self.used.add(sentence)
            self.cited.setdefault(source.id, source)
        return [sentence for *_rest, sentence in chosen]

    def lead_from_sources(self) -> str:
        plan, name = self.plan, self.plan.persona.name
        if plan.smalltalk:
            if _THANKS.match(plan.message):
                return "You're welcome. Anything else I can help with?"
            intro = _shorten(plan.persona.bio, 1)
            return f"Hi, I'm {name}'s twin. {intro} What can I help you with?".replace("  ", " ")
        top = plan.sources[0] if plan.sources else None
        if top is not None and top.kind == "faq" and plan.grounded:
            # An FAQ answer is the owner's own answer: given whole, in their words.
            sentences = [s for s in _sentences(top.text) if not says_avoided(s, plan.persona.avoid)][: self.limit]
            self.used.update(sentences)
            self.cited.setdefault(top.id, top)
            if sentences:
                return " ".join(sentences)
        found = self.take(self.query, self.limit, need_overlap=True)
        if found and plan.grounded:
            return " ".join(found)
        if found:
            title = next(iter(self.cited.values())).title
            return f"My notes don't answer that directly. The closest I have, from “{title}”: {' '.join(found)}"
        return ""

    def step_body(self, step: str, lead: str) -> str:
        plan = self.plan
        cue = _stems(step)
        for name in plan.required_inputs:
            if _stems(name.replace("_", " ")) & cue:
                return plan.inputs.get(name) or _shorten(plan.message, self.limit)
        if cue & _RUBRIC_CUES and plan.rubric:
            return "\n".join(f"{row['criterion']}: {row['assessment']}" for row in self.scores())
        if "flag" in cue and (plan.green_flags or plan.red_flags):
            return self.flags_text()
        if cue & {"cite", "sourc"}:
            return "; ".join(source.title for source in self.cited.values())
        if "answer" in cue:
            return lead
        return " ".join(self.take(cue | self.query, 1, need_overlap=True))

    def scores(self) -> list[dict[str, Any]]:
        sentences = _sentences(_material(self.plan))
        rows = []
        for rule in self.plan.rubric:
            cue = _stems(str(rule["criterion"]))
            evidence = next((s for s in sentences if _stems(s) & cue), None)
            weight = rule.get("weight")
            rows.append(
                {
                    "criterion": str(rule["criterion"]),
                    "weight": float(weight) if isinstance(weight, int | float) and 0 <= weight <= 1 else None,
                    "assessment": f"Evidence: {evidence}" if evidence else "No evidence for this in what you shared.",
                }
            )
        return rows

    def flags_found(self, flags: tuple[str, ...]) -> list[str]:
        """The persona's flags the user's material shows: most of a flag's key words are in it."""
        material = _stems(_material(self.plan))
        found = []
        for flag in flags:
            words = _stems(flag)
            shared = len(words & material)
            if shared >= 2 and shared >= 0.6 * len(words):
                found.append(flag)
        return found

    def flags_text(self) -> str:
        green, red = self.flags_found(self.plan.green_flags), self.flags_found(self.plan.red_flags)
        if not green and not red:
            return f"None of {self.plan.persona.name}'s listed flags shows in what you shared."
        return "; ".join([*(f"green: {f}" for f in green), *(f"red: {f}" for f in red)])


def _extractive_points(text: str, limit: int) -> list[str]:
    sentences = [s for s in _sentences(text) if not s.endswith("?")]
    ranked = sorted(range(len(sentences)), key=lambda i: (-len(_stems(sentences[i])), i))[:limit]
    return [sentences[i][:2000] for i in sorted(ranked)]


def _specific_fields(plan: Plan, composer: _Composer, lead: str) -> dict[str, Any]:
    """The workflow's own fields of its output schema; lists stay empty where nothing honest fills them."""
    workflow = plan.workflow
    if workflow == "answer":
        return {"answer": lead}
    fields: dict[str, Any] = {
        "inputs": {name: plan.inputs.get(name) or plan.message[:20000] for name in plan.required_inputs}
    }
    if workflow == "diagnose":
        fields |= {"likely_causes": composer.take(composer.query, 3, need_overlap=True), "checks": []}
    elif workflow == "plan":
        fields |= {"milestones": [], "risks": composer.flags_found(plan.red_flags)}
    elif workflow == "critique":
        found = {
            "strengths": composer.flags_found(plan.green_flags),
            "weaknesses": composer.flags_found(plan.red_flags),
        }
        fields |= found | {"fixes": []}
    elif workflow == "summarize":
        source = plan.inputs.get("source_text") or plan.message
        questions = [s[:2000] for s in _sentences(source) if s.endswith("?")][:5]
        fields |= {"points": _extractive_points(source, composer.limit + 1), "open_questions": questions}
    elif workflow == "brainstorm":
        fields |= {"ideas": composer.take(composer.query, 3, need_overlap=True), "pick": ""}
    elif workflow == "evaluate":
        fields |= {"scores": composer.scores() if plan.rubric else [], "recommendation": ""}
    elif workflow == "write":
        fields |= {"draft": ""}
    return fields


def _as_text(value: Any, structure: str) -> str:
    if isinstance(value, list):
        items = [_as_text(v, structure) for v in value if v not in ("", None)]
        if structure == "numbered":
            return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
        return "\n".join(f"- {item}" for item in items)
    if isinstance(value, dict):
        if "criterion" in value:
            return f"{value['criterion']}: {value.get('assessment', '')}"
        return "; ".join(f"{k}: {v}" for k, v in value.items() if v)
    return "" if value is None else str(value)


def _sections_text(sections: list[dict[str, str]], structure: str) -> str:
    lines = []
    for i, section in enumerate(sections, 1):
        body = section["body"].strip()
        line = f"{section['heading']}: {body}" if body else section["heading"]
        lines.append(f"{i}. {line}" if structure == "numbered" else line if structure == "paragraphs" else f"- {line}")
    return ("\n\n" if structure == "paragraphs" else "\n").join(lines)


def _placeholder_values(plan: Plan, output: dict[str, Any]) -> dict[str, str]:
    structure = plan.persona.structure
    values = {key: _as_text(value, structure) for key, value in output.items() if key not in ("schema", "workflow")}
    values |= {name: _as_text(value, structure) for name, value in (output.get("inputs") or {}).items()}
    values["citations"] = "; ".join(c["title"] for c in output.get("citations") or [])
    if plan.green_flags or plan.red_flags:
        composer = _Composer(plan)
        for name, flags in (("green_flags", plan.green_flags), ("red_flags", plan.red_flags)):
            values.setdefault(name, "; ".join(composer.flags_found(flags)) or "none in what you shared")
    return values


def _related(cue: set[str], heading: str) -> bool:
    """A step heading names the placeholder: a shared stem, or one a prefix of the other ("risk", "riskiest")."""
    words = _stems(heading)
    return bool(cue & words) or any(
        len(a) >= 4 and len(b) >= 4 and (a.startswith(b) or b.startswith(a)) for a in cue for b in words
    )


def _sections_for(names: list[str], sections: list[dict[str, str]]) -> dict[str, int]:
    """Which step each placeholder shows: the step that names it, else the step in its position."""
    found = {}
    for name in names:
        cue = _stems(name.replace("_", " "))
        index = next((i for i, s in enumerate(sections) if _related(cue, s["heading"])), None)
        if index is not None:
            found[name] = index
    claimed = set(found.values())
    for position, name in enumerate(names):
        if name not in found and position < len(sections) and position not in claimed:
            found[name] = position
            claimed.add(position)
    return found


def _fill_line(line: str, values: dict[str, str], sections: list[dict[str, str]], steps: dict[str, int]) -> str | None:
    """One template line filled; None when it has placeholders and none has anything to say."""
    names = _PLACEHOLDER.findall(line)
    filled: dict[str, str] = {}
    for name in names:
        value = values.get(name, "")
        if not value and name in steps:
            section = sections[steps[name]]
            value = section["body"].strip()
            if not value and name != "citations":
                value = f"(to work out together: {section['heading'].lower()})"
        filled[name] = value
    if names and not any(filled.values()):
        return None
    return _PLACEHOLDER.sub(lambda m: filled.get(m.group(1), ""), line)


def _without_repeats(lines: list[str]) -> list[str]:
    """A long value shown twice (one message supplying two inputs) is shown once."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        head, sep, value = line.partition(": ")
        if sep and len(value) > 40 and value in seen:
            line = f"{head}: (as above)"
        seen.add(value)
        kept.append(line)
    return kept


def render_text(plan: Plan, output: dict[str, Any]) -> str:
    """The reply's text: the workflow's template filled from the structured output, or its sections."""
    summary = str(output.get("summary") or "")
    sections = list(output.get("sections") or [])
    if not plan.template:
        body = _sections_text(sections, plan.persona.structure) if plan.workflow != "answer" else ""
        return "\n\n".join(part for part in (summary, body) if part)
    values = _placeholder_values(plan, output)
    steps = _sections_for(list(dict.fromkeys(_PLACEHOLDER.findall(plan.template))), sections)
    lines = [_fill_line(line, values, sections, steps) for line in plan.template.splitlines()]
    text = "\n".join(_without_repeats([line for line in lines if line is not None])).strip()
    if not {"summary", "answer"} & set(_PLACEHOLDER.findall(plan.template)) and summary:
        text = f"{summary}\n\n{text}"
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _citations(sources: list[SourceText]) -> list[dict[str, str]]:
    return [{"id": s.id, "kind": s.kind, "title": s.title[:300]} for s in sources]


class BuiltinRealizer:
    name = "builtin"

    def realize(self, plan: Plan) -> Realization:
        if plan.text is not None and plan.output is not None:
            return realization_finish(plan, text=plan.text, output=dict(plan.output), backend=self.name)
        return self._answer(plan)

    def _answer(self, plan: Plan) -> Realization:
        composer = _Composer(plan)
        lead = composer.lead_from_sources()
        if not lead:
            lead = self._uncertain_lead(plan)
        sections = [{"heading": step[:300], "body": composer.step_body(step, lead)[:6000]} for step in plan.steps]
        fields = _specific_fields(plan, composer, lead)
        citations = _citations(list(composer.cited.values()))
        output = {
            "schema": plan.schema_id,
            "workflow": plan.workflow,
            "summary": lead,
            "sections": sections,
            "citations": citations,
            "next_step": None,
            **fields,
        }
        artifacts = ["decision_policy.rubric_rules"] if "scores" in fields and plan.rubric else []
        return realization_finish(
            plan,
            text=render_text(plan, output),
            output=output,
            backend=self.name,
            citations=citations,
            artifacts=artifacts,
        )

    @staticmethod
    def _uncertain_lead(plan: Plan) -> str:
        name = plan.persona.name
        if plan.workflow == "answer":
            return f"I don't have anything on that in {name}'s notes, so I won't guess. You could ask {name} directly."
        return f"My notes don't cover your case, so here are {name}'s steps for it, with what you told me."


def realizer_for_settings() -> Realizer:
    """The back end ``REALIZER_BACKEND`` names."""
    if settings.REALIZER_BACKEND == "openai":
        from runtime.realizer_openai import OpenAICompatibleRealizer

        return OpenAICompatibleRealizer(
            base_url=settings.REALIZER_OPENAI_BASE_URL,
            model=settings.REALIZER_OPENAI_MODEL,
            api_key=settings.REALIZER_OPENAI_API_KEY,
            timeout=settings.REALIZER_TIMEOUT_SECONDS,
        )
    return BuiltinRealizer()
