"""Abuse limits on chat: requests per chat key, per client address, and per owner.

Every chat turn routes a message and may call a paid model, so the chat endpoints
that write (starting a conversation, sending a message) are rate-limited; reads are not.

- A visitor's chat key: ``CHAT_RATE_PER_KEY`` for the key as a whole (a widget's
  key is shared by all its visitors, so this bounds the twin's visitor traffic),
  and ``CHAT_RATE_PER_IP`` per client address (so one client cannot use it all).
  The address limit counts across tenants: it guards the service, not one twin.
- The owner's own token: ``CHAT_RATE_PER_OWNER``, usually more generous, and no
  address limit (an owner behind the same address as their visitors is not slowed).

Over a limit DRF raises ``Throttled``; ``twinproject.errors`` answers 429 with
``Retry-After``. The check runs after authentication and before the view, so a
refused request writes nothing.

Counts live in Django's default cache. The default cache of ``settings.py`` is
per process (each worker then allows the full rate); production settings use a
cache the workers share. Counting is read-then-write, so a burst of truly
simultaneous requests can pass a few over the limit. Client addresses are
``REMOTE_ADDR``, or with ``DJANGO_NUM_PROXIES`` set, the address that many
proxies from the right of ``X-Forwarded-For`` (see ``REST_FRAMEWORK["NUM_PROXIES"]``).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from runtime.authentication import ChatKeyPrincipal
from twinproject.accounts.models import User


class ChatRateThrottle(SimpleRateThrottle):
    """A rate read from the setting ``rate_setting`` when the throttle is made (once per request)."""

    rate_setting = ""

    def get_rate(self) -> str | None:
        # DRF's own lookup reads DEFAULT_THROTTLE_RATES once at import; a setting read here
        # follows overrides and keeps each rate next to the other chat limits in settings.py.
        return getattr(settings, self.rate_setting)

    def _key(self, ident: str) -> str:
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ChatKeyRateThrottle(ChatRateThrottle):
    scope = "chat_key"
    rate_setting = "CHAT_RATE_PER_KEY"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.user, ChatKeyPrincipal):
            return None
        return self._key(str(request.user.chat_key.pk))


class ChatClientRateThrottle(ChatRateThrottle):
    scope = "chat_ip"
    rate_setting = "CHAT_RATE_PER_IP"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.user, ChatKeyPrincipal):
            return None
        return self._key(self.get_ident(request) or "unknown")


class OwnerChatRateThrottle(ChatRateThrottle):
    scope = "owner_chat"
    rate_setting = "CHAT_RATE_PER_OWNER"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.user, User):
            return None
        # User ids are numbered per tenant schema.
        schema = getattr(getattr(request, "tenant", None), "schema_name", "public")
        return self._key(f"{schema}:{request.user.pk}")


CHAT_THROTTLES = [ChatKeyRateThrottle, ChatClientRateThrottle, OwnerChatRateThrottle]
