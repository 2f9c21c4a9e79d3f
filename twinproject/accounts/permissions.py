"""Who may call a view: owners (users of the tenant) by default; other principals only where a view says so."""

from __future__ import annotations

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from twinproject.accounts.models import User


class IsOwner(BasePermission):
    """An active user of this schema. A chat key's principal is not a user, so it is refused here."""

    def has_permission(self, request: Request, view) -> bool:
        return isinstance(request.user, User) and request.user.is_active
