"""The benchmarks' own parts: the floor endpoint exists only under the benchmark settings, and the helpers."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import Resolver404, resolve

from bench import fixtures, http_bench
from bench.common import percentile, spread
from runtime.models import Conversation, Message, ResponseAudit, RoutingDecisionRecord
from runtime.services import chat_key_issue, conversation_start
from specs.services import spec_version_import
from tests.factories import make_twin

FLOOR_URL = "/bench/floor/twins/{twin}/conversations/{conversation}/messages"


def test_the_project_settings_serve_no_floor():
    assert settings.ROOT_URLCONF == "twinproject.urls"
    assert "bench.floor.ColdTextMiddleware" not in settings.MIDDLEWARE
    with pytest.raises(Resolver404):
        resolve(FLOOR_URL.format(twin=uuid.uuid4(), conversation=uuid.uuid4()), urlconf=settings.ROOT_URLCONF)


@pytest.fixture
def floor_chat(tenant_a, owner):
    twin = make_twin(owner=owner, name="Maya Chen")
    spec_version_import(twin=twin, actor=owner, spec=json.loads(fixtures.PERSONA_SPEC.read_text()))
    chat_key, key = chat_key_issue(twin=twin, actor=owner, name="widget")
    conversation = conversation_start(twin=twin, interaction_context="public_widget", chat_key=chat_key)
    return SimpleNamespace(twin=twin, key=key, conversation=conversation, host=tenant_a.host)


@override_settings(ROOT_URLCONF="bench.floor")
def test_the_floor_writes_a_turns_rows_with_the_chat_key(floor_chat):
    client = Client(HTTP_HOST=floor_chat.host, HTTP_AUTHORIZATION=f"Token {floor_chat.key}")
    url = FLOOR_URL.format(twin=floor_chat.twin.pk, conversation=floor_chat.conversation.pk)

    response = client.post(url, {"content": "Does Maya hold office hours?"}, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["metadata"]["routing_decision"]["action"] == "answer"
    messages = Message.objects.filter(conversation=floor_chat.conversation).order_by("sequence")
    assert [(m.sequence, m.role) for m in messages] == [(1, "user"), (2, "twin")]
    assert RoutingDecisionRecord.objects.filter(message=messages[0]).count() == 1
    assert ResponseAudit.objects.filter(message=messages[1], realizer_backend="floor").count() == 1


@override_settings(ROOT_URLCONF="bench.floor")
def test_the_floor_refuses_a_key_that_did_not_start_the_conversation(floor_chat, owner):
    _row, other_key = chat_key_issue(twin=floor_chat.twin, actor=owner, name="other widget")
    client = Client(HTTP_HOST=floor_chat.host, HTTP_AUTHORIZATION=f"Token {other_key}")
    url = FLOOR_URL.format(twin=floor_chat.twin.pk, conversation=floor_chat.conversation.pk)

    response = client.post(url, {"content": "Hello"}, content_type="application/json")

    assert response.status_code == 404
    assert not Message.objects.filter(conversation=floor_chat.conversation).exists()
    assert Conversation.objects.filter(pk=floor_chat.conversation.pk).exists()


def test_percentile_and_spread_read_as_expected():
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 0.5) == 50.0
    assert percentile(samples, 0.99) == 99.0
    assert percentile([3.0], 0.95) == 3.0
    assert spread([3.0, 1.0, 2.0]) == {"min": 1.0, "median": 2.0, "max": 3.0}


def test_the_message_mix_has_every_kind_of_visitor_traffic():
    mix = fixtures.message_mix()
    assert set(mix) == set(fixtures.MIX_WEIGHTS)
    assert all(mix[kind] for kind in mix)
    assert all(len(script.turns) >= 2 for script in mix["multi_turn"])
    assert abs(sum(fixtures.MIX_WEIGHTS.values()) - 1.0) < 1e-9


def test_a_plan_sends_a_conversations_next_turn_only_a_window_later(monkeypatch, tmp_path):
    monkeypatch.setattr(fixtures, "conversations_create", lambda bench, n: [(f"c{i}", "key") for i in range(n)])
    monkeypatch.setattr(http_bench.tempfile, "mkstemp", lambda prefix, suffix: (0, str(tmp_path / f"{prefix}x")))
    bench = SimpleNamespace(twin=SimpleNamespace(pk="t"))
    paths = {"turn": "/t/{twin}/{conversation}", "floor": "/f/{twin}/{conversation}"}
    import random

    plans = http_bench.plan_write(
        bench, fixtures.message_mix(), fixtures.MIX_WEIGHTS, requests=400, concurrency=8,
        rng=random.Random(1), paths=paths,
    )  # fmt: skip

    lines = plans["turn"].read_text().splitlines()
    assert len(lines) == 400
    seen: dict[str, int] = {}
    for position, line in enumerate(lines):
        conversation = line.split("\t")[1].rsplit("/", 1)[1]
        if conversation in seen:
            assert position - seen[conversation] >= 32
        seen[conversation] = position
    assert any(position > 0 for position in seen.values())
