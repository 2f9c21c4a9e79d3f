from __future__ import annotations

import uuid
from datetime import datetime

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
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who applied or rejected the input.",
    )
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When the input was applied or rejected.")
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
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="learning_input_decided_has_timestamp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_input_type_display()} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def mark_applied(self, *, version, actor, at: datetime) -> None:
        self.status = self.Status.APPLIED
        self.applied_version = version
        self.decided_by = actor
        self.decided_at = at

    def mark_rejected(self, *, note: str, actor, at: datetime) -> None:
        self.status = self.Status.REJECTED
        self.review_note = note
        self.decided_by = actor
        self.decided_at = at


class RegressionCase(TenantScopedModel):
    """A turn the owner fixed with a learning input, kept with the outcome it must now get.

    Written when an input that came from a conversation (a review item or a message) is applied;
    ``learning.selectors.regression_cases_export`` writes them in the eval format (DESIGN.md,
    "Eval cases") for ``run_eval``, so a later spec version that breaks the fix is caught.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    twin = models.ForeignKey("specs.Twin", on_delete=models.CASCADE, related_name="regression_cases")
    learning_input = models.OneToOneField(LearningInput, on_delete=models.CASCADE, related_name="regression_case")
    source_message = models.ForeignKey(
        "runtime.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    query = models.TextField(help_text="The visitor's message.")
    history = models.JSONField(
        default=list, blank=True, help_text="The earlier messages: [{role, content}], oldest first."
    )
    pinned_context = models.JSONField(default=dict, blank=True)
    interaction_context = models.CharField(max_length=16, default="public_widget")
    expected_intent = models.CharField(max_length=100)
    expected_action = models.CharField(max_length=16)
    requires_citations = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "regression case"
        indexes = [models.Index(fields=["twin", "created_at"], name="learning_regression_twin")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expected_action__in=["answer", "clarify", "refuse", "escalate"]),
                name="learning_regression_action_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expected_action}: {self.query[:60]}"

    @property
    def case_id(self) -> str:
        """The case's id in an eval file: stable, and unique per twin."""
        return f"regression-{self.pk.hex[:12]}"
