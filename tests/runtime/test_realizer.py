"""The realizers: the persona's style always applies, every workflow's output matches its schema,
and the OpenAI-compatible back end, tried against a local server, falls back to the built-in one."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from runtime.contract import Action, Explanation, RoutingDecision
from runtime.planner import PlannerInput, SourceText, plan_reply
from runtime.realizer import BuiltinRealizer, render_text, style_scrub
from runtime.realizer_openai import OpenAICompatibleRealizer
from runtime.reply_schemas import reply_schema, reply_validate
from runtime.services import chat_turn_create
from specs.workflows import BUILTIN_WORKFLOWS
from tests.runtime.conftest import ANSWER, REFUSE, demo_spec

AVOID = ["synergy", "disrupt", "game-changer", "guaranteed returns", "to the moon", "I guarantee", "trust me"]


def _decision(action: str = "answer", workflow: str = "answer", **signals) -> RoutingDecision:
    asks = action in ("clarify", "escalate")
    return RoutingDecision(
        intent=workflow,
        confidence=0.9,
        required_inputs_missing=(),
        chosen_workflow=workflow,
        output_schema=f"workflow.{workflow}.v1",
        action=Action(action),
        clarifying_questions=("What is the goal?",) if asks else (),
        explanation=Explanation(rule=f"{action}.test", reason="test", signals=signals),
    )


def _plan(message: str = "How should I price?", *, workflow="answer", action="answer", sources=(), spec=None, **kw):
    decision = _decision(action, workflow, grounding={"grounded": bool(sources)}, citations=[s.id for s in sources])
    return plan_reply(
        PlannerInput(
            decision=decision,
            spec=spec if spec is not None else demo_spec(),
            twin_name="Maya",
            message=message,
            sources=tuple(sources),
            **kw,
        )
    )


def _everything(realization) -> str:
    return (realization.text + json.dumps(realization.output, ensure_ascii=False)).lower()


SPICY = SourceText(
    "src-1",
    "document",
    "Pricing notes",
    "Price on value. This pricing is a real GAME-CHANGER and Synergy matters. "
    "Trust me: raise prices for new customers first. Pricing with guaranteed   returns is a myth.",
)


@pytest.mark.parametrize("workflow", sorted(BUILTIN_WORKFLOWS))
def test_the_builtin_realizer_never_emits_a_do_not_say_or_banned_phrase(workflow):
    spec = demo_spec()
    spec["workflow_library"] = {
        workflow: {"template": "Synergy first: {summary}\nTo The Moon: {answer}", "steps": ["Disrupt the pricing"]}
    }
    message = "How should I price? I guarantee it is a game-changer, synergy everywhere."
    realization = BuiltinRealizer().realize(_plan(message, workflow=workflow, sources=[SPICY], spec=spec))
    said = _everything(realization)
    for phrase in AVOID:
        assert phrase.lower() not in said, phrase
    assert "price on value" in said


def test_refusal_copy_loses_a_banned_phrase_too():
    spec = demo_spec()
    spec["guardrails"]["refusal_templates"] = ["Trust me, I can't help with that."]
    realization = BuiltinRealizer().realize(_plan(REFUSE, action="refuse", spec=spec))
    assert realization.text == "I can't help with that."


def test_removing_a_phrase_never_leaves_one_behind():
    assert style_scrub("synsynergyergy and SYNERGY", ("synergy",)).lower().count("synergy") == 0


@pytest.mark.parametrize("workflow", sorted(BUILTIN_WORKFLOWS))
def test_every_builtin_workflow_answers_in_its_own_schema(workflow):
    plan = _plan("We sell fleet software, $60k MRR; how should I price?", workflow=workflow, sources=[SPICY])
    realization = BuiltinRealizer().realize(plan)
    assert realization.output["schema"] == f"workflow.{workflow}.v1"
    assert reply_schema(f"workflow.{workflow}.v1")["$id"] == f"workflow.{workflow}.v1"
    reply_validate(f"workflow.{workflow}.v1", realization.output)
    assert [s["heading"] for s in realization.output["sections"]] == demo_or_builtin_steps(workflow)


def demo_or_builtin_steps(workflow: str) -> list[str]:
    from specs.workflows import workflow_library_effective

    return workflow_library_effective(demo_spec())[workflow]["steps"]


def test_an_owners_own_workflow_gets_the_generic_schema():
    plan = _plan("Review my deck", workflow="pitch_review", pinned_context={"artifact": "Slide 1: problem"})
    realization = BuiltinRealizer().realize(plan)
    assert realization.output["schema"] == "workflow.pitch_review.v1"
    assert reply_schema("workflow.pitch_review.v1")["$id"] == "workflow.generic.v1"
    assert realization.output["inputs"] == {"artifact": "Slide 1: problem"}


def test_the_template_is_filled_from_the_steps_and_the_pinned_inputs():
    pinned = {"objective": "Close $2M by October", "constraints": "Eight months of runway"}
    plan = _plan("Plan our raise", workflow="plan", pinned_context=pinned)
    text = BuiltinRealizer().realize(plan).text
    assert "Objective: Close $2M by October" in text and "Constraints: Eight months of runway" in text
    assert "Riskiest assumption: (to work out together: name the riskiest assumption" in text


def test_an_answer_no_source_covers_says_so_instead_of_guessing():
    realization = BuiltinRealizer().realize(_plan("What is a good gross margin?"))
    assert "won't guess" in realization.text and realization.citations == ()


def test_an_answer_quotes_its_sources_and_cites_only_what_it_used():
    other = SourceText("src-2", "document", "Hiring", "Hire slowly. Fire fast.")
    realization = BuiltinRealizer().realize(_plan("How should I price?", sources=[SPICY, other]))
    assert "Price on value." in realization.text
    assert [c["id"] for c in realization.citations] == ["src-1"]


# --- the OpenAI-compatible back end, against a local server that speaks the protocol ---------


class _ChatCompletions(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        mode = self.server.mode
        if mode == "slow":
            time.sleep(1.5)
        if mode == "error":
            self._send(500, {"error": {"message": "overloaded"}})
            return
        content = {
            "ok": json.dumps(self.server.output),
            "slow": json.dumps(self.server.output),
            "not_json": "Sure! Here is your answer: price on value.",
            "wrong_shape": json.dumps({"answer": 3}),
        }[mode]
        self._send(200, {"id": "x", "object": "chat.completion", "choices": [{"message": {"content": content}}]})

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def llm() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChatCompletions)
    server.daemon_threads = True
    server.requests, server.mode = [], "ok"
    server.output = {
        "summary": "Price on value, and test it on new customers. Synergy!",
        "sections": [{"heading": "Answer the question directly", "body": "Price on value."}],
        "citations": [{"id": "src-1", "kind": "document", "title": "whatever"}, {"id": "invented", "kind": "faq"}],
        "next_step": None,
        "answer": "Price on value, and test it on new customers first. Synergy!",
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield server
    server.shutdown()
    server.server_close()


def _openai(server, timeout: float = 5.0) -> OpenAICompatibleRealizer:
    return OpenAICompatibleRealizer(base_url=server.url, model="local-model", api_key="sk-test", timeout=timeout)


def test_the_openai_back_end_asks_for_the_workflows_json_schema_and_renders_the_reply(llm):
    realization = _openai(llm).realize(_plan(sources=[SPICY]))
    assert (realization.backend, realization.fallback_reason) == ("openai", "")
    assert realization.text.startswith("Price on value, and test it on new customers first.")
    assert "synergy" not in _everything(realization)
    assert realization.output["citations"] == [{"id": "src-1", "kind": "document", "title": "Pricing notes"}]
    (request,) = llm.requests
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test"
    body = request["body"]
    assert body["model"] == "local-model"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["properties"]["schema"] == {"const": "workflow.answer.v1"}
    assert "Pricing notes" in body["messages"][1]["content"]
    assert "synergy" in body["messages"][0]["content"]  # told what never to say


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("slow", "ReadTimeout"), ("not_json", "JSONDecodeError"), ("wrong_shape", "ReplySchemaError"), ("error", "500")],
)
def test_the_openai_back_end_falls_back_to_the_builtin_one_and_says_why(llm, mode, reason):
    llm.mode = mode
    started = time.monotonic()
    realization = _openai(llm, timeout=0.3).realize(_plan(sources=[SPICY]))
    assert realization.backend == "builtin"
    assert realization.fallback_reason.startswith("openai: ") and reason in realization.fallback_reason
    assert "Price on value." in realization.text
    assert time.monotonic() - started < 1.4


def test_refusals_never_go_to_the_model_server(llm):
    realization = _openai(llm).realize(_plan(REFUSE, action="refuse"))
    assert realization.backend == "builtin" and realization.fallback_reason == ""
    assert llm.requests == []


def test_a_turn_with_the_openai_back_end_audits_it(llm, visitor_conversation, settings):
    settings.REALIZER_BACKEND = "openai"
    settings.REALIZER_OPENAI_BASE_URL = llm.url
    settings.REALIZER_TIMEOUT_SECONDS = 5.0
    llm.output["citations"] = []
    turn = chat_turn_create(conversation=visitor_conversation, content=ANSWER)
    audit = turn.twin_message.audit
    assert (audit.realizer_backend, audit.realizer_fallback_reason) == ("openai", "")
    assert turn.twin_message.content.startswith("Price on value")


def test_a_turn_whose_model_times_out_is_answered_by_the_builtin_realizer_and_audited(
    llm, visitor_conversation, settings
):
    settings.REALIZER_BACKEND = "openai"
    settings.REALIZER_OPENAI_BASE_URL = llm.url
    settings.REALIZER_TIMEOUT_SECONDS = 0.3
    llm.mode = "slow"
    turn = chat_turn_create(conversation=visitor_conversation, content=ANSWER)
    audit = turn.twin_message.audit
    assert audit.realizer_backend == "builtin" and "ReadTimeout" in audit.realizer_fallback_reason
    assert audit.action == "answer" and "Thursday" in turn.twin_message.content


def test_render_text_without_a_template_lists_the_steps_in_the_personas_structure():
    spec = demo_spec()
    spec["workflow_library"] = {"brainstorm": {"template": None}}
    plan = _plan("Ideas for pricing?", workflow="brainstorm", spec=spec, sources=[SPICY])
    output = BuiltinRealizer().realize(plan).output
    assert "\n- Restate the goal" in render_text(plan, output)
