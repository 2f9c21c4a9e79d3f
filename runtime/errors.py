"""Domain errors of the chat runtime; ``twinproject.errors`` maps them to the API's error shape."""

from __future__ import annotations

from rest_framework import status

from twinproject.errors import ConflictError, DomainError


class ChatLimitError(DomainError):
    """A message or its pinned context is larger than the settings allow."""

    code = "too_long"


class TwinPausedError(ConflictError):
    code = "twin_paused"


class ConversationNotYoursError(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "not_your_conversation"


class IdempotencyKeyMismatchError(DomainError):
    code = "idempotency_key_mismatch"
