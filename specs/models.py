from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone

from specs.semver import SEMVER_REGEX
from twinproject.rls import TenantScopedModel


class Twin(TenantScopedModel):
    """A persona that speaks for its owner."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="twins")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["owner", "name"])]

    def __str__(self) -> str:
        return self.name


def semver_order_key() -> Cast:
    """``version`` as an integer array, so ``10.0.0`` sorts after ``9.0.0`` in the database."""
    parts = models.Func(
        models.F("version"), models.Value("."), function="string_to_array", output_field=ArrayField(models.TextField())
    )
    return Cast(parts, ArrayField(models.IntegerField()))


class PersonaSpec(TenantScopedModel):
    """One version of a twin's persona spec. Drafts are editable; active and archived ones are history."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    class Source(models.TextChoices):
        # Our services never set ROLLBACK: a rollback re-publishes the earlier row itself
        # and records a rollback event. DESIGN.md lists the value, for a version that
        # another tool recreates from an earlier one.
        MANUAL = "manual", "Manual"
        LEARNING_INPUT = "learning_input", "Learning input"
        ROLLBACK = "rollback", "Rollback"
        IMPORT = "import", "Import"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    twin = models.ForeignKey(Twin, on_delete=models.CASCADE, related_name="persona_specs")
    version = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    spec = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=32, choices=Source.choices, default=Source.MANUAL)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="derived_versions"
    )
    notes = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["twin_id", semver_order_key().desc()]
        verbose_name = "persona spec version"
        constraints = [
            models.UniqueConstraint(fields=["twin", "version"], name="persona_spec_version_unique_per_twin"),
            # The invariant itself: two publishes that slip past the row lock still cannot both win.
            models.UniqueConstraint(
                fields=["twin"],
                condition=models.Q(status="active"),
                name="persona_spec_one_active_per_twin",
            ),
            models.CheckConstraint(condition=models.Q(version__regex=SEMVER_REGEX), name="persona_spec_version_semver"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="persona_spec_published_has_timestamp",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.twin} {self.version} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def activate(self, *, at: datetime) -> None:
        self.status = self.Status.ACTIVE
        self.published_at = at

    def archive(self) -> None:
        self.status = self.Status.ARCHIVED


class PersonaSpecEvent(TenantScopedModel):
    """Audit row of a publish or a rollback: who moved the twin from which version to which."""

    class Kind(models.TextChoices):
        PUBLISH = "publish", "Publish"
        ROLLBACK = "rollback", "Rollback"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    twin = models.ForeignKey(Twin, on_delete=models.CASCADE, related_name="persona_spec_events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # RESTRICT, not PROTECT: deleting the twin may take its versions and events together.
    from_version = models.ForeignKey(PersonaSpec, on_delete=models.RESTRICT, null=True, blank=True, related_name="+")
    to_version = models.ForeignKey(PersonaSpec, on_delete=models.RESTRICT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "persona spec event"
        indexes = [models.Index(fields=["twin", "-created_at"])]

    def __str__(self) -> str:
        before = self.from_version.version if self.from_version_id else "none"
        return f"{self.kind} {before} -> {self.to_version.version}"
