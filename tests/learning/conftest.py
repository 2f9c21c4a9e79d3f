"""Learning fixtures: Maya Chen's chat-ready twin (tests/runtime/conftest.py) and API clients."""

from __future__ import annotations

import json

import pytest

from tests.runtime.conftest import chat_key, chat_twin, visitor_conversation  # noqa: F401 - fixtures

# Owner-specific: the demo twin cannot ground it, so it escalates until the owner teaches it.
OWNER_QUESTION = "Which book does Maya recommend most to founders?"
OWNER_ANSWER = "The Mom Test by Rob Fitzpatrick: it teaches you to learn from customers without leading them."
# Answered from the demo's "Fundraising: how long a seed round takes" document.
SEED_QUESTION = "How long does a seed round take?"
SEED_DOCUMENT = {
    "title": "Fundraising: how long a seed round takes",
    "body": "A seed round takes three to six months from the first meeting to money in the bank. "
    "Plan for fifty investor conversations and start before you have six months of runway left.",
}


def post(client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body if body is not None else {}), content_type="application/json")


def inputs_url(twin) -> str:
    return f"/twins/{twin.pk}/learning-inputs"


def input_url(learning_input, suffix: str = "") -> str:
    return f"/twins/{learning_input.twin_id}/learning-inputs/{learning_input.pk}{suffix}"


@pytest.fixture
def owner_api(api, tenant_a):
    return api(tenant_a, tenant_a.owner_token)


@pytest.fixture
def visitor(api, tenant_a, chat_key):  # noqa: F811 - the imported fixture
    return api(tenant_a, chat_key)
