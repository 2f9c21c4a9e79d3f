"""Visitors' chat keys: a twin-scoped key that may chat with its twin and do nothing else.

``ChatKeyAuthentication`` is named only by the chat views; everywhere else the
owner's token authentication refuses a chat key (401), and the default
``IsOwner`` permission refuses its principal, which is not a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import authentication, exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from runtime.models import ChatKey
from twinproject.accounts.authentication import OwnerTokenAuthentication, credentials_from_header
from twinproject.accounts.keys import key_digest
from twinproject.accounts.models import User
from twinproject.accounts.services import OWNER_TOKEN_PREFIX

CHAT_KEY_PREFIX = "chk"


@dataclass(frozen=True)
class ChatKeyPrincipal:
    """Who calls with a chat key: a visitor of one twin. Not a user."""

    chat_key: ChatKey
    is_authenticated = True
    is_anonymous = False
    is_active = True

    @property
    def twin_id(self) -> UUID:
        return self.chat_key.twin_id

    def __str__(self) -> str:
        return f"chat key {self.chat_key.prefix}"


class ChatKeyAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token chk_…`` (or ``Bearer``), looked up by its digest in the host's tenant schema.

    Keys are recognised by their digest, not their prefix; an owner's token (``twn_…``) is left
    to the owner's authentication without a lookup here.
    """

    def authenticate(self, request: Request) -> tuple[ChatKeyPrincipal, ChatKey] | None:
        key = credentials_from_header(request)
        if key is None or key.startswith(f"{OWNER_TOKEN_PREFIX}_"):
            return None
        chat_key = ChatKey.objects.select_related("twin").filter(digest=key_digest(key)).first()
        if chat_key is None:
            return None  # not a chat key: the owner's token authentication decides
        if not chat_key.is_active:
            raise exceptions.AuthenticationFailed("This chat key has been revoked.")
        return ChatKeyPrincipal(chat_key), chat_key

    def authenticate_header(self, request: Request) -> str:
        return "Token"


# The chat views accept a visitor's chat key or the owner's token; the chat key is tried first
# because the owner's authentication refuses any key it does not know.
CHAT_AUTHENTICATION = [ChatKeyAuthentication, OwnerTokenAuthentication]


class IsOwnerOrChatKey(BasePermission):
    def has_permission(self, request: Request, view) -> bool:
        user = request.user
        return isinstance(user, ChatKeyPrincipal) or (isinstance(user, User) and user.is_active)


class ChatKeyScheme(OpenApiAuthenticationExtension):
    target_class = "runtime.authentication.ChatKeyAuthentication"
    name = "chatKeyAuth"

    def get_security_definition(self, auto_schema) -> dict[str, str]:
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
        scheme["description"] = (
            "A visitor's chat key of one twin: `Authorization: Token chk_<key>` (or `Bearer`). "
            "It opens only that twin's chat endpoints."
        )
        return scheme
