from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from twinproject.rls import TenantScopedModel


class LearningInput(TenantScopedModel):
    """A typed correction from the owner; applying it makes a new draft persona spec version (DESIGN.md)."""

    class InputType(models.TextChoices):
        ADD_FAQ_ANSWER = "add_faq_answer", "Add FAQ answer"
        ADD_ADJUST_RUBRIC_RULE = "add_adjust_rubric_rule", "Add or adjust rubric rule"
        ADD_WORKFLOW_STEP_TEMPLATE = "add_workflow_step_template", "Add workflow step or template"
        ADD_GUARDRAIL_REFUSAL_RULE = "add_guardrail_refusal_rule", "Add guardrail or refusal rule"
        ADD_STYLE_PREFERENCE = "add_style_preference", "Add style preference"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPLIED = "applied", "Applied"
        REJECTED = "rejected", "Rejected"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    twin = models.ForeignKey("specs.Twin", on_delete=models.CASCADE, related_name="learning_inputs")
    input_type = models.CharField(max_length=40, choices=InputType.choices)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    base_version = models.ForeignKey(
        "specs.PersonaSpec",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The version to apply the input to; the twin's active one when empty.",
    )
    applied_version = models.ForeignKey(
        "specs.PersonaSpec",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The draft version that applying the input created.",
    )
    review_note = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_conversation = models.ForeignKey(
        "runtime.Conversation", on_delete=models.SET_NULL, null=True, blank=True, related_name="learning_inputs"
    )
    source_message = models.ForeignKey(
        "runtime.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="learning_inputs"
    )
    source_review_item = models.ForeignKey(
        "review.ReviewItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="learning_inputs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "learning input"
        indexes = [models.Index(fields=["twin", "status", "-created_at"], name="learning_input_twin_status")]
        constraints = [
            # A review item is answered once: answer-and-teach resolves it in the same transaction.
            models.UniqueConstraint(
                fields=["source_review_item"],
                condition=models.Q(source_review_item__isnull=False),
                name="learning_input_one_per_review_item",
            ),
            models.CheckConstraint(
                condition=models.Q(status="applied") | models.Q(applied_version__isnull=True),
                name="learning_input_only_applied_has_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_input_type_display()} ({self.status})"
