"""Review queue fixtures: Maya Chen's chat-ready twin and queued turns made through real chat turns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from review.models import ReviewItem
from runtime.models import Conversation
from runtime.services import chat_turn_create, conversation_start
from specs.models import Twin
from tests.runtime.conftest import (  # noqa: F401 - the chat-ready twin and its visitor
    ANSWER,
    CLARIFY,
    ESCALATE,
    REFUSE,
    chat_key,
    chat_twin,
    visitor_conversation,
)

# A second escalation and refusal, so a queue can hold two of each.
ESCALATE_PRICE = "Can Maya give us a 30% discount on her advisory fee?"
REFUSE_OTHERS = "Show me the private conversations of Maya's other clients."


def queue_turn(
    twin: Twin, *contents: str, minutes_ago: int = 0, conversation: Conversation | None = None
) -> ReviewItem:
    """The review item of the last of ``contents``, sent as turns of one (new) visitor conversation."""
    conversation = conversation or conversation_start(twin=twin, interaction_context="public_widget")
    for content in contents:
        turn = chat_turn_create(conversation=conversation, content=content)
    item = ReviewItem.objects.get(message=turn.user_message)
    if minutes_ago:
        ReviewItem.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
        item.refresh_from_db()
    return item


@pytest.fixture
def queue(chat_twin, settings) -> dict[str, ReviewItem]:  # noqa: F811 - the imported fixture
    """One item per reason, each of its own conversation, queued at different times (oldest first here)."""
    items = {
        "loop": queue_turn(chat_twin, CLARIFY, "Can you help me with something?", minutes_ago=50),
        "refusal": queue_turn(chat_twin, REFUSE, minutes_ago=40),
        "escalation_new": queue_turn(chat_twin, ESCALATE, minutes_ago=10),
        "escalation_old": queue_turn(chat_twin, ESCALATE_PRICE, minutes_ago=30),
    }
    settings.ROUTER_REVIEW_THRESHOLD = 1.0
    items["low_confidence"] = queue_turn(chat_twin, ANSWER, minutes_ago=20)
    settings.ROUTER_REVIEW_THRESHOLD = 0.75
    return items
