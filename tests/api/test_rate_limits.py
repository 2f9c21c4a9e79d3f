"""Chat abuse limits: per chat key, per client address and per owner; 429 with Retry-After, nothing written."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from runtime.models import Conversation, Message
from runtime.services import chat_key_issue
from runtime.throttles import ChatRateThrottle
from specs.services import spec_version_import
from tests.factories import make_twin
from tests.runtime.conftest import ANSWER, demo_spec
from twinproject.settings import _env_rate


class Clock:
    """The throttles' clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> Clock:
    cache.clear()
    made = Clock()
    monkeypatch.setattr(ChatRateThrottle, "timer", made)
    yield made
    cache.clear()


@pytest.fixture
def chat_twin(owner):
    twin = make_twin(owner=owner, name="Maya Chen")
    spec_version_import(twin=twin, actor=owner, spec=demo_spec())
    return twin


@pytest.fixture
def chat_key(chat_twin, owner) -> str:
    return chat_key_issue(twin=chat_twin, actor=owner, name="widget")[1]


@pytest.fixture
def rates(settings):
    """Generous by default; each test tightens the limit it is about."""
    settings.CHAT_RATE_PER_KEY = settings.CHAT_RATE_PER_IP = settings.CHAT_RATE_PER_OWNER = "1000/min"
    return settings


def _client(tenant, key: str, address: str = "10.0.0.1", **extra) -> Client:
    return Client(HTTP_HOST=tenant.host, HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=address, **extra)


def _start(client: Client, twin):
    return client.post(f"/twins/{twin.pk}/conversations", "{}", "application/json")


def _send(client: Client, twin, conversation_id: str, content: str = ANSWER):
    url = f"/twins/{twin.pk}/conversations/{conversation_id}/messages"
    return client.post(url, json.dumps({"content": content}), "application/json")


def _assert_throttled(response, *, within: int) -> None:
    assert response.status_code == 429, response.content
    wait = int(response["Retry-After"])
    assert 1 <= wait <= within
    second = "second" if wait == 1 else "seconds"
    assert response.json() == {
        "error": {"code": "throttled", "message": f"Too many requests; try again in {wait} {second}.", "fields": {}}
    }


def test_a_chat_key_over_its_limit_gets_429_with_retry_after_and_nothing_is_written(
    rates, tenant_a, chat_twin, chat_key, clock
):
    rates.CHAT_RATE_PER_KEY = "3/min"
    visitor = _client(tenant_a, chat_key)
    conversation_id = _start(visitor, chat_twin).json()["id"]
    assert _send(visitor, chat_twin, conversation_id).status_code == 201
    clock.now += 20
    assert _send(visitor, chat_twin, conversation_id).status_code == 201

    clock.now += 10
    _assert_throttled(_send(visitor, chat_twin, conversation_id), within=60)
    # The oldest of the three requests leaves the window 30 seconds from now.
    assert _send(visitor, chat_twin, conversation_id)["Retry-After"] == "30"
    _assert_throttled(_start(visitor, chat_twin), within=60)
    assert Message.objects.filter(conversation_id=conversation_id).count() == 4
    assert Conversation.objects.filter(twin=chat_twin).count() == 1


def test_another_chat_key_is_not_affected(rates, tenant_a, chat_twin, chat_key, owner):
    rates.CHAT_RATE_PER_KEY = "2/min"
    visitor = _client(tenant_a, chat_key)
    conversation_id = _start(visitor, chat_twin).json()["id"]
    assert _send(visitor, chat_twin, conversation_id).status_code == 201
    _assert_throttled(_send(visitor, chat_twin, conversation_id), within=60)

    _row, other_key = chat_key_issue(twin=chat_twin, actor=owner, name="another widget")
    other = _client(tenant_a, other_key)
    other_conversation = _start(other, chat_twin)
    assert other_conversation.status_code == 201
    assert _send(other, chat_twin, other_conversation.json()["id"]).status_code == 201


def test_the_limit_resets_when_its_window_has_passed(rates, tenant_a, chat_twin, chat_key, clock):
    rates.CHAT_RATE_PER_KEY = "2/min"
    visitor = _client(tenant_a, chat_key)
    conversation_id = _start(visitor, chat_twin).json()["id"]
    assert _send(visitor, chat_twin, conversation_id).status_code == 201
    refused = _send(visitor, chat_twin, conversation_id)
    _assert_throttled(refused, within=60)

    clock.now += int(refused["Retry-After"]) - 1
    _assert_throttled(_send(visitor, chat_twin, conversation_id), within=1)
    clock.now += 1
    assert _send(visitor, chat_twin, conversation_id).status_code == 201
    assert Message.objects.filter(conversation_id=conversation_id).count() == 4


def test_one_client_address_is_limited_across_chat_keys(rates, tenant_a, chat_twin, chat_key, owner):
    rates.CHAT_RATE_PER_IP = "2/min"
    _row, second_key = chat_key_issue(twin=chat_twin, actor=owner, name="second")
    assert _start(_client(tenant_a, chat_key), chat_twin).status_code == 201
    assert _start(_client(tenant_a, second_key), chat_twin).status_code == 201
    _assert_throttled(_start(_client(tenant_a, second_key), chat_twin), within=60)
    assert _start(_client(tenant_a, second_key, address="10.0.0.2"), chat_twin).status_code == 201


def test_a_forwarded_for_header_does_not_escape_the_address_limit(rates, tenant_a, chat_twin, chat_key):
    rates.CHAT_RATE_PER_IP = "1/min"
    assert _start(_client(tenant_a, chat_key), chat_twin).status_code == 201
    spoofed = _client(tenant_a, chat_key, HTTP_X_FORWARDED_FOR="203.0.113.9")
    _assert_throttled(_start(spoofed, chat_twin), within=60)


def test_behind_a_proxy_the_forwarded_address_is_the_client(rates, tenant_a, chat_twin, chat_key):
    rates.CHAT_RATE_PER_IP = "1/min"
    rates.REST_FRAMEWORK = {**rates.REST_FRAMEWORK, "NUM_PROXIES": 1}
    first = _client(tenant_a, chat_key, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert _start(first, chat_twin).status_code == 201
    _assert_throttled(_start(first, chat_twin), within=60)
    # The same proxy, another client behind it.
    assert _start(_client(tenant_a, chat_key, HTTP_X_FORWARDED_FOR="203.0.113.10"), chat_twin).status_code == 201


def test_the_owner_has_their_own_limit_and_no_address_limit(rates, tenant_a, chat_twin):
    rates.CHAT_RATE_PER_IP = "1/min"
    rates.CHAT_RATE_PER_OWNER = "3/min"
    owner = _client(tenant_a, tenant_a.owner_token)
    conversation_id = _start(owner, chat_twin).json()["id"]
    assert _send(owner, chat_twin, conversation_id).status_code == 201
    assert _send(owner, chat_twin, conversation_id).status_code == 201
    _assert_throttled(_send(owner, chat_twin, conversation_id), within=60)
    assert Message.objects.filter(conversation_id=conversation_id).count() == 4


def test_reading_a_conversation_is_not_limited(rates, tenant_a, chat_twin, chat_key):
    rates.CHAT_RATE_PER_KEY = "1/min"
    visitor = _client(tenant_a, chat_key)
    conversation_id = _start(visitor, chat_twin).json()["id"]
    _assert_throttled(_send(visitor, chat_twin, conversation_id), within=60)
    for _ in range(3):
        assert visitor.get(f"/twins/{chat_twin.pk}/conversations/{conversation_id}").status_code == 200


def test_a_limit_set_to_off_never_refuses(rates, tenant_a, chat_twin, chat_key):
    rates.CHAT_RATE_PER_KEY = None
    rates.CHAT_RATE_PER_IP = None
    visitor = _client(tenant_a, chat_key)
    assert all(_start(visitor, chat_twin).status_code == 201 for _ in range(5))


def test_rates_are_read_from_the_environment_and_bad_ones_fail_loudly(monkeypatch):
    monkeypatch.delenv("CHAT_RATE_PER_KEY", raising=False)
    assert _env_rate("CHAT_RATE_PER_KEY", "60/min") == "60/min"
    monkeypatch.setenv("CHAT_RATE_PER_KEY", " 10/Second ")
    assert _env_rate("CHAT_RATE_PER_KEY", "60/min") == "10/second"
    monkeypatch.setenv("CHAT_RATE_PER_KEY", "off")
    assert _env_rate("CHAT_RATE_PER_KEY", "60/min") is None
    for bad in ("60", "0/min", "60/fortnight", "sixty/min", "60/min/2"):
        monkeypatch.setenv("CHAT_RATE_PER_KEY", bad)
        with pytest.raises(ImproperlyConfigured, match="CHAT_RATE_PER_KEY"):
            _env_rate("CHAT_RATE_PER_KEY", "60/min")


def test_the_chat_writes_document_429_with_retry_after():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/twins/{twin_id}/conversations", "/twins/{twin_id}/conversations/{conversation_id}/messages"):
        operation = schema["paths"][path]["post"]
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        assert "CHAT_RATE_PER_KEY" in operation["description"]
