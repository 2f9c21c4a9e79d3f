"""The rules that put a chat turn in the owner's review queue (DESIGN.md, "Review queue").

The chat turn's writer (``runtime.services``) calls ``review_item_enqueue_for_turn`` inside
its own transaction, so this module imports nothing from ``runtime``: the review services,
which do write into conversations, import ``runtime.services`` in turn.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from review.models import ReviewItem

Reason = ReviewItem.Reason
Priority = ReviewItem.Priority

# Clarifying in owner_chat asks the owner for the answer itself (DESIGN.md): not a loop to review.
_NOT_A_LOOP = {"clarify.owner_knowledge"}


def review_reason_for(
    *,
    action: str,
    confidence: float,
    rule: str,
    previous_action: str | None,
    previous_rule: str | None,
    threshold: float,
) -> tuple[str, str] | None:
    """Whether a turn goes to the owner's review queue, and why (DESIGN.md, "Review queue").

    ``action`` is what the reply did; ``previous_*`` describe the conversation's turn before it.
    A low-confidence answer has already been sent, so it ranks with refusals (medium).
    """
    if action == "escalate":
        return Reason.ESCALATION, Priority.HIGH
    if action == "refuse":
        return Reason.REFUSAL, Priority.MEDIUM
    if action == "answer" and confidence < threshold:
        return Reason.LOW_CONFIDENCE, Priority.MEDIUM
    if action == "clarify" and previous_action == "clarify" and rule not in _NOT_A_LOOP:
        if previous_rule not in _NOT_A_LOOP:
            return Reason.CLARIFICATION_LOOP, Priority.LOW
    return None


@transaction.atomic(savepoint=False)
def review_item_enqueue_for_turn(
    *,
    conversation,
    message,
    routing_decision,
    action: str,
    confidence: float,
    rule: str,
    previous_action: str | None,
    previous_rule: str | None,
    payload: dict[str, Any],
) -> ReviewItem | None:
    """The review item for a turn when the rules call for one; runs in the turn's own transaction.

    ``message`` is the turn's user message: the one-to-one link makes a second item for
    the same turn impossible. A conversation still stuck in a reviewed loop gets no second loop item.
    """
    found = review_reason_for(
        action=action,
        confidence=confidence,
        rule=rule,
        previous_action=previous_action,
        previous_rule=previous_rule,
        threshold=settings.ROUTER_REVIEW_THRESHOLD,
    )
    if found is None:
        return None
    reason, priority = found
    if (
        reason == Reason.CLARIFICATION_LOOP
        and ReviewItem.objects.filter(
            conversation=conversation, reason=reason, status=ReviewItem.Status.PENDING
        ).exists()
    ):
        return None
    return ReviewItem.objects.create(
        twin_id=conversation.twin_id,
        conversation=conversation,
        message=message,
        routing_decision=routing_decision,
        reason=reason,
        priority=priority,
        payload=payload,
    )
