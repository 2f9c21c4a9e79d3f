from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from specs.errors import PersonaSpecActiveMissingError, PersonaSpecNotFoundError
from specs.models import PersonaSpec, PersonaSpecEvent, Twin, semver_order_key
from twinproject.accounts.models import User
from twinproject.errors import NotFoundError


def twin_list(*, owner: User) -> QuerySet[Twin]:
    """The twins ``owner`` may see: their own."""
    return Twin.objects.filter(owner=owner).select_related("owner")


def twin_get(*, owner: User, twin_id: UUID) -> Twin:
    twin = twin_list(owner=owner).filter(pk=twin_id).first()
    if twin is None:
        raise NotFoundError("No twin with this id is visible to you.")
    return twin


def persona_spec_list(*, twin: Twin, status: str | None = None) -> QuerySet[PersonaSpec]:
    """The twin's versions, newest version number first."""
    queryset = PersonaSpec.objects.filter(twin=twin).select_related("created_by", "based_on")
    if status is not None:
        queryset = queryset.filter(status=status)
    return queryset.order_by(semver_order_key().desc())


def persona_spec_get(*, twin: Twin, version: str) -> PersonaSpec:
    found = persona_spec_list(twin=twin).filter(version=version).first()
    if found is None:
        raise PersonaSpecNotFoundError(f"The twin has no persona spec version {version}.")
    return found


def persona_spec_active(twin: Twin) -> PersonaSpec | None:
    return persona_spec_list(twin=twin, status=PersonaSpec.Status.ACTIVE).first()


def persona_spec_active_get(*, twin: Twin) -> PersonaSpec:
    active = persona_spec_active(twin)
    if active is None:
        raise PersonaSpecActiveMissingError("This twin has no active persona spec version yet; publish one first.")
    return active


def persona_spec_highest_version(*, twin: Twin) -> str | None:
    return (
        PersonaSpec.objects.filter(twin=twin)
        .order_by(semver_order_key().desc())
        .values_list("version", flat=True)
        .first()
    )


def persona_spec_event_list(*, twin: Twin) -> QuerySet[PersonaSpecEvent]:
    return PersonaSpecEvent.objects.filter(twin=twin).select_related("from_version", "to_version", "actor")


def persona_spec_diff_base(*, twin: Twin, against: str) -> PersonaSpec | None:
    """The version a diff compares with: ``"active"`` (None when the twin has none) or a version label."""
    if against == "active":
        return persona_spec_active(twin)
    return persona_spec_get(twin=twin, version=against)
