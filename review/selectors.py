from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Count, F, Q, QuerySet

from review.models import ReviewItem
from runtime.models import Message, ResponseAudit, RoutingDecisionRecord
from specs.models import Twin
from twinproject.errors import NotFoundError

STATUS_ALL = "all"
# Messages of the conversation shown before the turn's own message, and after it.
TRANSCRIPT_BEFORE = 6
TRANSCRIPT_AFTER = 4


def review_item_list(
    *,
    twin: Twin,
    status: str = ReviewItem.Status.PENDING,
    priority: str | None = None,
    reason: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> QuerySet[ReviewItem]:
    """The twin's queue in review order: highest priority first, then oldest first (``status="all"`` for every item).

    Count these; show them through ``review_item_rows``.
    """
    items = ReviewItem.objects.filter(twin=twin)
    if status != STATUS_ALL:
        items = items.filter(status=status)
    if priority:
        items = items.filter(priority=priority)
    if reason:
        items = items.filter(reason=reason)
    if created_after is not None:
        items = items.filter(created_at__gte=created_after)
    if created_before is not None:
        items = items.filter(created_at__lt=created_before)
    return items.order_by("-priority_rank", "created_at", "id")


def review_item_rows(items: QuerySet[ReviewItem]) -> QuerySet[ReviewItem]:
    """``items`` with what a list shows of their related rows, read as columns rather than whole rows.

    The visitor's message and the reviewers' names come as ``message_content``,
    ``claimed_by_username`` and ``resolved_by_username``; a page of the queue needs nothing else of them.
    """
    return items.annotate(
        message_content=F("message__content"),
        claimed_by_username=F("claimed_by__username"),
        resolved_by_username=F("resolved_by__username"),
    )


def review_item_get(*, twin: Twin, item_id: UUID) -> ReviewItem:
    found = (
        ReviewItem.objects.filter(twin=twin, pk=item_id)
        .select_related("twin", "conversation", "message", "claimed_by", "resolved_by")
        .first()
    )
    if found is None:
        raise NotFoundError("No review item with this id for this twin.")
    return found


def review_reason_counts(*, items: QuerySet[ReviewItem]) -> dict[str, int]:
    """How many of ``items`` there are per reason, in the order of ``ReviewItem.Reason``."""
    counted = dict(items.order_by().values_list("reason").annotate(n=Count("pk")))
    return {reason: counted.get(reason, 0) for reason in ReviewItem.Reason.values}


@dataclass(frozen=True)
class ReviewItemContext:
    """What the owner reads to judge an item: the conversation around the turn, its decision and its audit."""

    transcript: list[Message]
    reply: Message | None
    routing_decision: RoutingDecisionRecord | None
    audit: ResponseAudit | None


def review_item_context(*, item: ReviewItem) -> ReviewItemContext:
    """The turn with the messages around it (and any later answer of the owner's to it), its decision and audit."""
    turn = item.message
    around = Q(sequence__gte=turn.sequence - TRANSCRIPT_BEFORE, sequence__lte=turn.sequence + TRANSCRIPT_AFTER)
    transcript = list(
        Message.objects.filter(around | Q(reply_to=turn), conversation_id=item.conversation_id)
        .select_related("audit")
        .order_by("sequence")
    )
    reply = next((m for m in transcript if m.reply_to_id == turn.pk and not m.is_owner_answer), None)
    decision = (
        RoutingDecisionRecord.objects.select_related("spec_version").filter(pk=item.routing_decision_id).first()
        if item.routing_decision_id
        else None
    )
    audit = reply.audit if reply is not None and hasattr(reply, "audit") else None
    return ReviewItemContext(transcript=transcript, reply=reply, routing_decision=decision, audit=audit)
