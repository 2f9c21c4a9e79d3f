"""The owner's work on the review queue: claim, release, resolve or dismiss, and answer-and-teach.

Which turns enter the queue is decided in ``review.enqueue``, inside the chat turn's own transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from learning.models import LearningInput
from learning.services import learning_input_create
from review.errors import ReviewItemClaimedError, ReviewItemNotPendingError
from review.models import ReviewItem
from runtime.models import Message
from runtime.services import owner_answer_append
from specs.selectors import persona_spec_active
from twinproject.accounts.models import User
from twinproject.errors import DomainError

Status = ReviewItem.Status
CLOSING_STATUSES = (Status.RESOLVED, Status.DISMISSED)
# The persona spec's FAQ questions are at most this long (specs/schemas/persona_spec.schema.json).
FAQ_QUESTION_MAX_CHARS = 4000
_CLOSE_FIELDS = ["status", "review_note", "resolved_by", "resolved_at", "claimed_by", "claimed_until"]
_CLAIM_FIELDS = ["claimed_by", "claimed_until"]


def _locked(item_id: UUID) -> ReviewItem:
    # Lock the item: two reviewers (or two tabs of one) acting on it at once would both read
    # "pending" and both write. The second now waits here, reads the first one's change and gets a 409.
    return ReviewItem.objects.select_for_update(of=("self",)).select_related("claimed_by").get(pk=item_id)


def _refusal(item: ReviewItem, actor: User, now: datetime) -> DomainError | None:
    """Why ``actor`` may not work on ``item`` now, if they may not."""
    if not item.is_pending:
        return ReviewItemNotPendingError(f"This item is already {item.status}; nothing was changed.")
    if item.is_claimed_by_another(actor, now=now):
        until = timezone.localtime(item.claimed_until).strftime("%H:%M:%S")
        return ReviewItemClaimedError(f"{item.claimed_by} is working on this item (claimed until {until}).")
    return None


def _open_for(item_id: UUID, actor: User, now: datetime) -> ReviewItem:
    item = _locked(item_id)
    refusal = _refusal(item, actor, now)
    if refusal is not None:
        raise refusal
    return item


def _closing_status_check(status: str) -> None:
    if status not in CLOSING_STATUSES:
        message = "must be resolved or dismissed"
        raise DomainError("An item is closed as resolved or dismissed.", fields={"status": [message]})


@transaction.atomic
def review_item_resolve(*, item: ReviewItem, actor: User, status: str, review_note: str = "") -> ReviewItem:
    """Resolve or dismiss a pending item; 409 when it is no longer pending or another reviewer holds it."""
    _closing_status_check(status)
    now = timezone.now()
    locked = _open_for(item.pk, actor, now)
    locked.close(status=status, actor=actor, note=review_note, at=now)
    locked.save(update_fields=_CLOSE_FIELDS)
    return locked


@dataclass
class BulkOutcome:
    closed: list[ReviewItem] = field(default_factory=list)
    skipped: list[tuple[ReviewItem, str]] = field(default_factory=list)


@transaction.atomic
def review_items_resolve(*, item_ids: Iterable[UUID], actor: User, status: str, review_note: str = "") -> BulkOutcome:
    """Resolve or dismiss exactly these items; those no longer pending or held by another reviewer are skipped."""
    _closing_status_check(status)
    now = timezone.now()
    outcome = BulkOutcome()
    # Locked in one order (by id), so two bulk actions over overlapping selections cannot deadlock.
    items = ReviewItem.objects.select_for_update(of=("self",)).select_related("claimed_by")
    for item in items.filter(pk__in=list(item_ids)).order_by("pk"):
        refusal = _refusal(item, actor, now)
        if refusal is not None:
            outcome.skipped.append((item, refusal.message))
            continue
        item.close(status=status, actor=actor, note=review_note, at=now)
        outcome.closed.append(item)
    ReviewItem.objects.bulk_update(outcome.closed, _CLOSE_FIELDS)
    return outcome


@transaction.atomic
def review_item_claim(*, item: ReviewItem, actor: User) -> ReviewItem:
    """``actor`` works on the item for ``REVIEW_CLAIM_SECONDS``; claiming it again extends the claim."""
    now = timezone.now()
    locked = _open_for(item.pk, actor, now)
    locked.claim(actor, until=now + timedelta(seconds=settings.REVIEW_CLAIM_SECONDS))
    locked.save(update_fields=_CLAIM_FIELDS)
    return locked


@transaction.atomic
def review_item_release(*, item: ReviewItem, actor: User) -> ReviewItem:
    """Give up ``actor``'s claim; an unclaimed or expired item stays as it is. Another's claim is a 409."""
    now = timezone.now()
    locked = _locked(item.pk)
    if locked.is_claimed_by_another(actor, now=now):
        raise ReviewItemClaimedError(f"{locked.claimed_by} holds this item; only they can release it.")
    if locked.claimed_by_id is not None:
        locked.release()
        locked.save(update_fields=_CLAIM_FIELDS)
    return locked


@dataclass(frozen=True)
class AnswerAndTeach:
    item: ReviewItem
    learning_input: LearningInput
    owner_answer: Message


@transaction.atomic
def review_item_answer_and_teach(
    *, item: ReviewItem, actor: User, answer: str, review_note: str = ""
) -> AnswerAndTeach:
    """The owner's right answer, in one transaction: the item is resolved, an ``add_faq_answer`` learning
    input (the visitor's question, the owner's answer) is made, and the answer is sent to the conversation.
    """
    now = timezone.now()
    locked = _open_for(item.pk, actor, now)
    question = Message.objects.select_related("conversation__twin").get(pk=locked.message_id)
    twin = question.conversation.twin
    answer = answer.strip()
    learning_input = learning_input_create(
        twin=twin,
        input_type=LearningInput.InputType.ADD_FAQ_ANSWER,
        payload={"question": question.content.strip()[:FAQ_QUESTION_MAX_CHARS], "answer": answer},
        actor=actor,
        base_version=persona_spec_active(twin),
        review_note=review_note,
        source_conversation=question.conversation,
        source_message=question,
        source_review_item=locked,
    )
    owner_answer = owner_answer_append(message=question, answer=answer, review_item_id=locked.pk)
    locked.close(status=Status.RESOLVED, actor=actor, note=review_note, at=now)
    locked.save(update_fields=_CLOSE_FIELDS)
    return AnswerAndTeach(item=locked, learning_input=learning_input, owner_answer=owner_answer)
