from __future__ import annotations

import uuid

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
    conversation = models.ForeignKey("runtime.Conversation", on_delete=models.CASCADE, related_name="review_items")
    # The user message of the turn: one item per turn, never two.
    message = models.OneToOneField("runtime.Message", on_delete=models.CASCADE, related_name="review_item")
    routing_decision = models.ForeignKey(
        "runtime.RoutingDecisionRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="review_items"
    )
    reason = models.CharField(max_length=32, choices=Reason.choices)
    priority = models.CharField(max_length=8, choices=Priority.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    payload = models.JSONField(default=dict, blank=True)
    review_note = models.TextField(blank=True, default="")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "review item"
        indexes = [models.Index(fields=["status", "priority", "created_at"], name="review_item_queue")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending", resolved_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(resolved_at__isnull=False)),
                name="review_item_resolved_has_timestamp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.priority}, {self.status})"
