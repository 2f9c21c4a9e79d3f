from __future__ import annotations

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from twinproject.accounts.keys import key_digest
from twinproject.accounts.models import ApiToken, User

_KEYWORDS = (b"token", b"bearer")


def credentials_from_header(request: Request) -> str | None:
    """The key of an ``Authorization: Token <key>`` or ``Bearer <key>`` header, if any."""
    parts = authentication.get_authorization_header(request).split()
    if not parts or parts[0].lower() not in _KEYWORDS:
        return None
    if len(parts) != 2:
        raise exceptions.AuthenticationFailed("Malformed Authorization header: expected 'Token <key>'.")
    try:
        return parts[1].decode()
    except UnicodeError:
        raise exceptions.AuthenticationFailed("Malformed Authorization header.") from None


class OwnerTokenAuthentication(authentication.BaseAuthentication):
    """An owner's API token, looked up in the tenant schema the host selected."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        key = credentials_from_header(request)
        if key is None:
            return None
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=key_digest(key), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return "Token"
