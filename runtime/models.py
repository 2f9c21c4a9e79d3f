from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

from twinproject.rls import TenantScopedModel


class KnowledgeSource(TenantScopedModel):
    """What a twin may ground answers in: an owner's document, or an FAQ entry of its active spec.

    FAQ rows mirror the active persona spec version's ``faq_library`` (see
    ``runtime.services.faq_index_sync``) so documents and FAQ answers are searched
    alike with PostgreSQL full-text search.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", "Document"
        FAQ = "faq", "FAQ entry"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    twin = models.ForeignKey("specs.Twin", on_delete=models.CASCADE, related_name="knowledge")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DOCUMENT)
    title = models.CharField(max_length=300)
    body = models.TextField()
    approved = models.BooleanField(default=True, help_text="Only approved sources ground answers.")
    spec_version_id = models.UUIDField(null=True, blank=True, editable=False)
    faq_index = models.PositiveIntegerField(null=True, blank=True, editable=False)
    search = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="english")
        + SearchVector("body", weight="B", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["twin", "kind", "title"]
        indexes = [
            GinIndex(fields=["search"], name="runtime_knowledge_search"),
            models.Index(fields=["twin", "kind"], name="runtime_knowledge_twin_kind"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["twin", "spec_version_id", "faq_index"],
                condition=models.Q(kind="faq"),
                name="runtime_knowledge_one_row_per_faq_entry",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="document") | models.Q(spec_version_id__isnull=False, faq_index__isnull=False),
                name="runtime_knowledge_faq_rows_name_their_entry",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class InteractionContext(models.TextChoices):
    PUBLIC_WIDGET = "public_widget", "Public widget"
    PUBLIC_SHARE = "public_share", "Public share link"
    OWNER_CHAT = "owner_chat", "Owner chat"


class ChatKey(TenantScopedModel):
    """A visitor key of one twin: it may start conversations with that twin and chat, nothing else.

    Only a SHA-256 digest is stored; the key is shown once, when it is created.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    twin = models.ForeignKey("specs.Twin", on_delete=models.CASCADE, related_name="chat_keys")
    name = models.CharField(max_length=100, default="default")
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "chat key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Conversation(TenantScopedModel):
    """One chat with a twin: a visitor's (through a chat key) or the owner's own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    twin = models.ForeignKey("specs.Twin", on_delete=models.CASCADE, related_name="conversations")
    interaction_context = models.CharField(
        max_length=16, choices=InteractionContext.choices, default=InteractionContext.PUBLIC_WIDGET
    )
    visitor_id = models.CharField(max_length=200, help_text="The visitor's identity, as the client names it.")
    chat_key = models.ForeignKey(
        ChatKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["twin", "-created_at"], name="runtime_conversation_twin_new")]

    def __str__(self) -> str:
        return f"{self.twin} · {self.get_interaction_context_display()} · {self.visitor_id}"


class Message(TenantScopedModel):
    """One message of a conversation; a turn is a user message and the twin's reply to it."""

    class Role(models.TextChoices):
        USER = "user", "User"
        TWIN = "twin", "Twin"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    sequence = models.PositiveIntegerField(help_text="Position in the conversation, from 1.")
    role = models.CharField(max_length=8, choices=Role.choices)
    content = models.TextField()
    structured_output = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", editable=False
    )
    client_message_id = models.CharField(max_length=200, null=True, blank=True)
    is_owner_answer = models.BooleanField(default=False, help_text="Written by the owner from the review queue.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "sequence"], name="runtime_message_sequence_unique"),
            # A retried turn (same client_message_id) can never be stored twice, even when retries race.
            models.UniqueConstraint(
                fields=["conversation", "client_message_id"],
                condition=models.Q(client_message_id__isnull=False),
                name="runtime_message_client_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(role="user") | models.Q(client_message_id__isnull=True),
                name="runtime_message_client_id_only_on_user_messages",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.role}: {self.content[:60]}"


class RoutingDecisionRecord(TenantScopedModel):
    """The routing decision a user message got (the seed's ``conversation_routing_decisions``)."""

    class Action(models.TextChoices):
        ANSWER = "answer", "Answer"
        CLARIFY = "clarify", "Clarify"
        REFUSE = "refuse", "Refuse"
        ESCALATE = "escalate", "Escalate"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="routing_decision")
    spec_version = models.ForeignKey(
        "specs.PersonaSpec", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    intent = models.CharField(max_length=100)
    confidence = models.FloatField()
    required_inputs_missing = models.JSONField(default=list, blank=True)
    chosen_workflow = models.CharField(max_length=100)
    output_schema = models.CharField(max_length=120)
    action = models.CharField(max_length=16, choices=Action.choices)
    clarifying_questions = models.JSONField(default=list, blank=True)
    explanation = models.JSONField(default=dict, blank=True, help_text="The rule that fired, its reason, signals.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "routing decision"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confidence__gte=0.0, confidence__lte=1.0), name="runtime_decision_confidence_0_1"
            ),
            models.CheckConstraint(
                condition=models.Q(action__in=["answer", "clarify", "refuse", "escalate"]),
                name="runtime_decision_action_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} · {self.chosen_workflow} ({self.confidence:.2f})"

    def as_contract(self) -> dict:
        return {
            "intent": self.intent,
            "confidence": self.confidence,
            "required_inputs_missing": list(self.required_inputs_missing),
            "chosen_workflow": self.chosen_workflow,
            "output_schema": self.output_schema,
            "action": self.action,
            "clarifying_questions": list(self.clarifying_questions),
        }


class ResponseAudit(TenantScopedModel):
    """What the twin's reply rested on (the seed's ``conversation_response_audits``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="audit")
    routing_decision = models.OneToOneField(
        RoutingDecisionRecord, on_delete=models.CASCADE, null=True, blank=True, related_name="audit"
    )
    spec_version = models.ForeignKey(
        "specs.PersonaSpec", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    intent_label = models.CharField(max_length=100, help_text="The intent classifier's top label for the message.")
    workflow_intent = models.CharField(max_length=100, help_text="The workflow the reply followed.")
    action = models.CharField(
        max_length=16,
        choices=RoutingDecisionRecord.Action.choices,
        help_text="What the reply did; escalate when realizing the router's action failed.",
    )
    confidence = models.FloatField()
    citations = models.JSONField(default=list, blank=True)
    sources_used = models.JSONField(default=list, blank=True, help_text="Ids of the knowledge sources the reply used.")
    refusal_reason = models.TextField(blank=True, default="")
    escalation_reason = models.TextField(blank=True, default="")
    retrieval_summary = models.JSONField(default=dict, blank=True)
    artifacts_used = models.JSONField(default=list, blank=True, help_text="Spec parts the reply used.")
    realizer_backend = models.CharField(max_length=32)
    realizer_fallback_reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "response audit"

    def __str__(self) -> str:
        return f"{self.action} via {self.realizer_backend}"
