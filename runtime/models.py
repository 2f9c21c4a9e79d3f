from __future__ import annotations

import uuid

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
