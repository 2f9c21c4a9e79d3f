from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models

from twinproject.rls import TenantScopedModel


class ReviewItem(TenantScopedModel):
    """A turn the owner should look at: escalated, refused, unsure, or stuck clarifying (DESIGN.md)."""

    class Reason(models.TextChoices):
        ESCALATION = "escalation", "Escalation"
        REFUSAL = "refusal", "Refusal"
        LOW_CONFIDENCE = "low_confidence", "Low confidence"
        CLARIFICATION_LOOP = "clarification_loop", "Clarification loop"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The conversation's twin, kept on the row so the queue index can start with it.
    twin = models.ForeignKey("specs.Twin", on_delete=models.CASCADE, related_name="review_items")
    conversation = models.ForeignKey("runtime.Conversation", on_delete=models.CASCADE, related_name="review_items")
    # The user message of the turn: one item per turn, never two.
    message = models.OneToOneField("runtime.Message", on_delete=models.CASCADE, related_name="review_item")
    routing_decision = models.ForeignKey(
        "runtime.RoutingDecisionRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="review_items"
    )
    reason = models.CharField(max_length=32, choices=Reason.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices)
    # Priorities sort by weight, not by name: high 3, medium 2, low 1.
    priority_rank = models.GeneratedField(
        expression=models.Case(
            models.When(priority="high", then=models.Value(3)),
            models.When(priority="medium", then=models.Value(2)),
            default=models.Value(1),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    payload = models.JSONField(default=dict, blank=True)
    review_note = models.TextField(blank=True, default="")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The queue's order: highest priority first, then oldest first.
        ordering = ["-priority_rank", "created_at", "id"]
        verbose_name = "review item"
        indexes = [
            # The owner's first page: one twin's pending items in queue order, read straight off the index.
            models.Index(fields=["twin", "status", "-priority_rank", "created_at"], name="review_item_twin_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending", resolved_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(resolved_at__isnull=False)),
                name="review_item_resolved_has_timestamp",
            ),
            models.CheckConstraint(
                condition=models.Q(claimed_by__isnull=True, claimed_until__isnull=True)
                | models.Q(claimed_by__isnull=False, claimed_until__isnull=False),
                name="review_item_claim_has_holder_and_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.priority}, {self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def is_claimed(self, *, now: datetime) -> bool:
        """Whether someone holds a claim that has not expired at ``now``."""
        return self.claimed_by_id is not None and self.claimed_until is not None and self.claimed_until > now

    def is_claimed_by_another(self, user, *, now: datetime) -> bool:
        return self.is_claimed(now=now) and self.claimed_by_id != user.pk

    def claim(self, user, *, until: datetime) -> None:
        self.claimed_by = user
        self.claimed_until = until

    def release(self) -> None:
        self.claimed_by = None
        self.claimed_until = None

    def close(self, *, status: str, actor, note: str, at: datetime) -> None:
        """Resolve or dismiss; the claim ends with it."""
        self.status = status
        self.review_note = note
        self.resolved_by = actor
        self.resolved_at = at
        self.release()
