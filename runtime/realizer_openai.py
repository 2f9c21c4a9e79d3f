"""The OpenAI-compatible realizer: a chat-completions server writes the answer's structured output.

Works with hosted APIs and local servers (vLLM, Ollama, llama.cpp) that speak
``POST {base_url}/chat/completions`` with ``response_format`` ``json_schema``.
The server fills the workflow's output schema; the text is rendered from it with
the workflow's template, as the built-in realizer does. Any failure (network,
timeout, a non-200 answer, output that is not JSON or breaks its schema) falls
back to the built-in realizer, and the reason is kept for the audit.

Clarify, escalate and refuse replies are the persona's own copy, made by the
planner; they never go to the server.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import httpx

from runtime.planner import Plan
from runtime.realizer import BuiltinRealizer, Realization, Realizer, RealizerError, realization_finish, render_text
from runtime.reply_schemas import ReplySchemaError, reply_schema

_MAX_SOURCE_CHARS = 4000
_MAX_HISTORY = 6


def _system_prompt(plan: Plan) -> str:
    persona = plan.persona
    lines = [
        f"You are the AI twin of {persona.name}, answering on their behalf.",
        persona.bio,
        "Voice rules: " + " ".join(persona.voice_rules) if persona.voice_rules else "",
        f"Brevity: {persona.brevity}. Structure: {persona.structure}.",
        f"Never use these words or phrases: {', '.join(persona.avoid)}." if persona.avoid else "",
        f"Follow the workflow '{plan.workflow}' step by step: " + " | ".join(plan.steps) if plan.steps else "",
        f"Its template: {plan.template}" if plan.template else "",
        "Give one section per step, in order, with the step as its heading.",
        f"Anything about {persona.name}'s views, facts, history or plans must come from the sources below; "
        "if they do not cover it, say so plainly instead of guessing.",
        persona.uncertainty_rule,
        "Cite a source by copying its id, kind and title into `citations` only when you used it.",
        "Reply with one JSON object that matches the response schema, and nothing else.",
    ]
    return "\n".join(line for line in lines if line)


def _user_prompt(plan: Plan) -> str:
    sources = [{"id": s.id, "kind": s.kind, "title": s.title, "text": s.text[:_MAX_SOURCE_CHARS]} for s in plan.sources]
    payload = {
        "message": plan.message,
        "inputs": plan.inputs,
        "earlier_turns": [{"role": role, "content": content} for role, content in plan.history[-_MAX_HISTORY:]],
        "sources": sources,
        "output_schema": plan.schema_id,
    }
    return json.dumps(payload, ensure_ascii=False)


def _schema_for_server(schema_id: str) -> dict[str, Any]:
    return {key: value for key, value in reply_schema(schema_id).items() if key not in ("$schema", "$id")}


class OpenAICompatibleRealizer:
    name = "openai"

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = 20.0,
        fallback: Realizer | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.fallback = fallback or BuiltinRealizer()

    def realize(self, plan: Plan) -> Realization:
        if plan.text is not None:
            return self.fallback.realize(plan)
        try:
            output = self._normalized(plan, self._complete(plan))
            citations = output["citations"]
            return realization_finish(
                plan, text=render_text(plan, output), output=output, backend=self.name, citations=citations
            )
        except (httpx.HTTPError, RealizerError, ReplySchemaError, ValueError, KeyError, TypeError) as exc:
            reason = f"{type(exc).__name__}: {exc}"[:1000]
            return replace(self.fallback.realize(plan), fallback_reason=f"{self.name}: {reason}")

    def _complete(self, plan: Plan) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": _system_prompt(plan)},
                {"role": "user", "content": _user_prompt(plan)},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {
                    "name": plan.schema_id.replace(".", "_"),
                    "schema": _schema_for_server(plan.schema_id),
                    "strict": False,
                },
            },
        }
        response = httpx.post(self.url, json=body, headers=headers, timeout=self.timeout)
        if response.status_code != 200:
            raise RealizerError(f"the server answered {response.status_code}")
        content = response.json()["choices"][0]["message"]["content"]
        if not isinstance(content, str):
            raise RealizerError("the server's message has no content")
        output = json.loads(content)
        if not isinstance(output, dict):
            raise RealizerError("the structured output is not a JSON object")
        return output

    @staticmethod
    def _normalized(plan: Plan, output: dict[str, Any]) -> dict[str, Any]:
        """Our ids and titles, not the server's: it may cite only the sources it was given."""
        output["schema"], output["workflow"] = plan.schema_id, plan.workflow
        known = {s.id: s for s in plan.sources}
        cited = [c.get("id") for c in output.get("citations") or [] if isinstance(c, dict)]
        output["citations"] = [
            {"id": known[i].id, "kind": known[i].kind, "title": known[i].title[:300]}
            for i in dict.fromkeys(cited)
            if i in known
        ]
        return output
