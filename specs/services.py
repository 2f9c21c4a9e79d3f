from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from specs.errors import (
    PersonaSpecImmutableError,
    PersonaSpecTransitionError,
    PersonaSpecVersionInvalidError,
    PersonaSpecVersionTakenError,
)
from specs.models import PersonaSpec, PersonaSpecEvent, Twin
from specs.schema import persona_spec_validate
from specs.selectors import persona_spec_active, persona_spec_highest_version
from specs.semver import FIRST_VERSION, semver_next_patch, semver_parse
from twinproject.accounts.models import User

Status = PersonaSpec.Status


@transaction.atomic
def twin_ensure(*, owner: User, slug: str, name: str) -> tuple[Twin, bool]:
    """The owner's twin with this slug, created if missing."""
    return Twin.objects.get_or_create(slug=slug, defaults={"owner": owner, "name": name})


def spec_version_next_patch(twin: Twin) -> str:
    """The next patch number above the twin's highest version, or 1.0.0 for its first."""
    highest = persona_spec_highest_version(twin=twin)
    return FIRST_VERSION if highest is None else semver_next_patch(highest)


def _version_label_check(*, twin: Twin, version: str) -> str:
    try:
        semver_parse(version)
    except ValueError as exc:
        raise PersonaSpecVersionInvalidError(str(exc), fields={"version": [str(exc)]}) from None
    if PersonaSpec.objects.filter(twin=twin, version=version).exists():
        message = f"The twin already has a version {version}."
        raise PersonaSpecVersionTakenError(message, fields={"version": [message]})
    return version


def _twin_lock(twin_id: UUID) -> Twin:
    return Twin.objects.select_for_update().get(pk=twin_id)


@transaction.atomic
def spec_version_create_draft(
    *,
    twin: Twin,
    actor: User | None,
    spec: dict[str, Any] | None = None,
    copy_from: PersonaSpec | None = None,
    version: str | None = None,
    notes: str = "",
    source: str = PersonaSpec.Source.MANUAL,
) -> PersonaSpec:
    """A new draft of ``twin``: ``spec`` if given, else a copy of ``copy_from``'s spec, else empty.

    ``copy_from`` is recorded as the draft's base either way; ``version`` defaults to the next patch number.
    """
    if copy_from is not None and copy_from.twin_id != twin.pk:
        message = "The version to copy belongs to another twin."
        raise PersonaSpecVersionInvalidError(message, fields={"copy_from": [message]})
    if spec is None:
        spec = copy.deepcopy(copy_from.spec) if copy_from is not None else {}
    persona_spec_validate(spec)
    # Lock the twin: two drafts made at once (two learning inputs applied together)
    # would otherwise both take the same next patch number, and one would fail on the unique index.
    _twin_lock(twin.pk)
    label = _version_label_check(twin=twin, version=version or spec_version_next_patch(twin))
    return PersonaSpec.objects.create(
        twin=twin,
        version=label,
        spec=spec,
        source=PersonaSpec.Source(source),
        based_on=copy_from,
        notes=notes,
        created_by=actor,
    )


@transaction.atomic
def spec_version_update_draft(
    *, version: PersonaSpec, spec: dict[str, Any] | None = None, notes: str | None = None
) -> PersonaSpec:
    """Change a draft's spec and/or notes; active and archived versions are immutable."""
    # Lock the row: a publish committing between our status check and our write
    # would otherwise let this edit change a version that is already live.
    draft = PersonaSpec.objects.select_for_update().get(pk=version.pk)
    if draft.status != Status.DRAFT:
        raise PersonaSpecImmutableError(
            f"Version {draft.version} is {draft.status} and cannot change; create a new draft from it instead."
        )
    changed = ["updated_at"]
    if spec is not None:
        draft.spec = persona_spec_validate(spec)
        changed.append("spec")
    if notes is not None:
        draft.notes = notes
        changed.append("notes")
    draft.save(update_fields=changed)
    return draft


def _make_active(*, version: PersonaSpec, actor: User | None, rollback_only: bool) -> PersonaSpec:
    # Lock the twin row: two publishes at once would otherwise both archive the same
    # previous version and both activate theirs. The partial unique index would refuse
    # the second with an IntegrityError; the lock makes it wait and then win cleanly.
    twin = _twin_lock(version.twin_id)
    # Read the target again under the lock: its status may have changed while we waited.
    target = PersonaSpec.objects.select_for_update().get(pk=version.pk)
    if target.status == Status.ACTIVE:
        raise PersonaSpecTransitionError(f"Version {target.version} is already the active version.")
    if rollback_only and target.status == Status.DRAFT:
        raise PersonaSpecTransitionError(
            f"Version {target.version} was never published, so it cannot be rolled back to; publish it instead."
        )
    persona_spec_validate(target.spec)
    kind = PersonaSpecEvent.Kind.ROLLBACK if target.status == Status.ARCHIVED else PersonaSpecEvent.Kind.PUBLISH
    previous = persona_spec_active(twin)
    now = timezone.now()
    if previous is not None:
        previous.archive()
        previous.save(update_fields=["status", "updated_at"])
    target.activate(at=now)
    target.save(update_fields=["status", "published_at", "updated_at"])
    PersonaSpecEvent.objects.create(
        twin=twin, kind=kind, from_version=previous, to_version=target, actor=actor, created_at=now
    )
    return target


@transaction.atomic
def spec_version_publish(*, version: PersonaSpec, actor: User | None) -> PersonaSpec:
    """Make ``version`` the twin's active one and archive the previous; publishing an archived version
    again is a rollback and is recorded as one."""
    return _make_active(version=version, actor=actor, rollback_only=False)


@transaction.atomic
def spec_version_rollback(*, version: PersonaSpec, actor: User | None) -> PersonaSpec:
    """Publish an earlier (archived) version again, recorded as a rollback."""
    return _make_active(version=version, actor=actor, rollback_only=True)


@transaction.atomic
def spec_version_import(
    *, twin: Twin, actor: User | None, spec: dict[str, Any], version: str | None = None, notes: str = ""
) -> PersonaSpec:
    """Load a spec from outside (a fixture, an eval file) as a new version and publish it."""
    draft = spec_version_create_draft(
        twin=twin, actor=actor, spec=spec, version=version, notes=notes, source=PersonaSpec.Source.IMPORT
    )
    return spec_version_publish(version=draft, actor=actor)


@transaction.atomic
def spec_version_seed(*, twin: Twin, actor: User | None, spec: dict[str, Any], notes: str = "") -> PersonaSpec | None:
    """Import and publish ``spec`` as the twin's 1.0.0 if it has no version yet; None if it has one."""
    # Under the twin's lock, so two seeds run at once cannot both find the twin empty.
    _twin_lock(twin.pk)
    if PersonaSpec.objects.filter(twin=twin).exists():
        return None
    return spec_version_import(twin=twin, actor=actor, spec=spec, version=FIRST_VERSION, notes=notes)
