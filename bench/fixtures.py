"""The benchmark tenant: the demo's twin (persona spec and knowledge), its owner, chat keys, conversations."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT

PERSONA_SPEC = ROOT / "specs" / "fixtures" / "demo_persona_spec.json"
KNOWLEDGE = ROOT / "specs" / "fixtures" / "demo_knowledge.json"
EVAL_CASES = ROOT / "eval" / "twin_runtime_eval_cases.json"


@dataclass
class BenchTenant:
    tenant: object
    schema: str
    domain: str
    twin: object
    owner: object
    owner_token: str | None
    chat_keys: list[tuple[object, str]]  # (ChatKey row, key)


def bench_tenant_create(*, schema: str, domain: str, chat_keys: int = 8) -> BenchTenant:
    """A fresh tenant with the demo twin (spec 1.0.0 published, seven documents) and ``chat_keys`` keys."""
    from django_tenants.utils import tenant_context

    from runtime.services import chat_key_issue, knowledge_document_create
    from specs.services import spec_version_seed, twin_ensure
    from twinproject.tenancy.services import tenant_provision

    tenant_drop(schema=schema)
    made = tenant_provision(schema_name=schema, name=f"Bench {schema}", domain=domain, owner_username="maya")
    with tenant_context(made.tenant):
        twin, _ = twin_ensure(owner=made.owner, slug="maya-chen", name="Maya Chen")
        spec_version_seed(twin=twin, actor=made.owner, spec=json.loads(PERSONA_SPEC.read_text()), notes="bench")
        for document in json.loads(KNOWLEDGE.read_text()):
            knowledge_document_create(twin=twin, title=document["title"], body=document["text"])
        keys = [chat_key_issue(twin=twin, actor=made.owner, name=f"bench widget {i}") for i in range(chat_keys)]
    return BenchTenant(made.tenant, schema, domain, twin, made.owner, made.token_key, keys)


def tenant_drop(*, schema: str) -> None:
    """Remove a benchmark tenant left by an earlier run: its schema, domains and row."""
    from django.db import connection

    from twinproject.tenancy.lookup import tenant_cache_clear
    from twinproject.tenancy.models import Domain, Tenant

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    Domain.objects.filter(tenant__schema_name=schema).delete()
    Tenant.objects.filter(schema_name=schema).delete()
    tenant_cache_clear()


def conversations_create(bench: BenchTenant, count: int) -> list[tuple[str, str]]:
    """``count`` visitor conversations spread over the chat keys; (conversation id, key) pairs."""
    from django_tenants.utils import tenant_context

    from runtime.models import Conversation

    rows, pairs = [], []
    for i in range(count):
        chat_key, key = bench.chat_keys[i % len(bench.chat_keys)]
        conversation_id = uuid.uuid4()
        rows.append(
            Conversation(
                id=conversation_id,
                twin=bench.twin,
                interaction_context="public_widget",
                visitor_id=f"bench-{conversation_id.hex[:12]}",
                chat_key=chat_key,
            )
        )
        pairs.append((str(conversation_id), key))
    with tenant_context(bench.tenant):
        Conversation.objects.bulk_create(rows, batch_size=2000)
    return pairs


@dataclass(frozen=True)
class Script:
    """One visitor's conversation: its user turns in order, and what kind of traffic it stands for."""

    kind: str
    turns: tuple[dict, ...]  # request bodies: {"content", "pinned_context"?}


def message_mix(path: Path = EVAL_CASES) -> dict[str, list[Script]]:
    """The eval cases as visitor conversations, by kind.

    Single messages by expected action (answers, most with retrieval; clarifications; refusals;
    escalations), and multi-turn conversations from the cases that carry a history: its user
    turns are sent first, then the case's message.
    """
    data = json.loads(path.read_text())
    cases = data["cases"] if isinstance(data, dict) else data
    kinds: dict[str, list[Script]] = {"answer": [], "clarify": [], "refuse": [], "escalate": [], "multi_turn": []}
    for case in cases:
        last = {"content": case["query"]}
        if case.get("pinned_context"):
            last["pinned_context"] = case["pinned_context"]
        if case.get("interaction_context", "public_widget") == "owner_chat":
            continue  # visitors' traffic only: a chat key cannot chat as the owner
        history = [{"content": turn["content"]} for turn in case.get("history") or [] if turn["role"] == "user"]
        if history:
            kinds["multi_turn"].append(Script("multi_turn", (*history, last)))
        elif case["expected_action"] in kinds:
            kinds[case["expected_action"]].append(Script(case["expected_action"], (last,)))
    return kinds


# Shares of visitors' conversations: mostly answered questions, then clarifications, and a
# tail of refusals and escalations; one in eight is a multi-turn conversation.
MIX_WEIGHTS = {"answer": 0.50, "clarify": 0.20, "refuse": 0.08, "escalate": 0.10, "multi_turn": 0.12}
