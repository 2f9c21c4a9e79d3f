"""Secret keys handed to clients: generated once, stored only as a digest."""

from __future__ import annotations

import hashlib
import secrets


def key_generate(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_display_prefix(key: str) -> str:
    return key[:12]
