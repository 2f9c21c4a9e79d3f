from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from specs.models import Twin
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
