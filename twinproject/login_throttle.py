"""Admin login throttling: too many failed logins lock one username from one address out for a while.

After ``LOGIN_FAILURE_LIMIT`` failures for the same username from the same
address (``REMOTE_ADDR``) in the same tenant within ``LOGIN_FAILURE_WINDOW``
seconds, that pair is refused for ``LOGIN_LOCKOUT_SECONDS``, even with the right
password, with a message that says so. A successful login clears the count.

Counts live in Django's cache. The default cache is per process, so with several
worker processes an attacker gets that many more tries; production settings use
a cache the workers share (see ``settings_production.py``). Behind a proxy,
``REMOTE_ADDR`` must be the client's address, or every client shares one.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def _key(request: HttpRequest | None, username: str, kind: str) -> str:
    schema = getattr(getattr(request, "tenant", None), "schema_name", "public")
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    digest = hashlib.sha256(f"{schema}\0{username.casefold()}\0{address}".encode()).hexdigest()
    return f"login-throttle:{kind}:{digest}"


def login_lockout_remaining(*, request: HttpRequest | None, username: str) -> int:
    """Seconds left of this username's lockout from this address; 0 when not locked out."""
    locked_until = cache.get(_key(request, username, "lock"))
    return max(0, math.ceil(locked_until - time.time())) if locked_until else 0


def login_failure_record(*, request: HttpRequest | None, username: str) -> bool:
    """Count a failed login; returns True when this failure starts a lockout."""
    now = time.time()
    window = settings.LOGIN_FAILURE_WINDOW
    key = _key(request, username, "failures")
    count, started = cache.get(key) or (0, now)
    if now - started > window:
        count, started = 0, now
    count += 1
    if count < settings.LOGIN_FAILURE_LIMIT:
        cache.set(key, (count, started), timeout=max(1, math.ceil(started + window - now)))
        return False
    cache.delete(key)
    cache.set(_key(request, username, "lock"), now + settings.LOGIN_LOCKOUT_SECONDS, settings.LOGIN_LOCKOUT_SECONDS)
    logger.warning("Admin login locked out after %s failures: %r", count, username)
    return True


def login_failures_clear(*, request: HttpRequest | None, username: str) -> None:
    cache.delete(_key(request, username, "failures"))


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "locked_out": "Too many failed logins for this account. Try again in %(minutes)s minute(s).",
    }

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        if login_lockout_remaining(request=self.request, username=username):
            raise self._locked_out(username)
        try:
            cleaned = super().clean()
        except ValidationError:
            if login_failure_record(request=self.request, username=username):
                raise self._locked_out(username) from None
            raise
        login_failures_clear(request=self.request, username=username)
        return cleaned

    def _locked_out(self, username: str) -> ValidationError:
        remaining = login_lockout_remaining(request=self.request, username=username)
        return ValidationError(
            self.error_messages["locked_out"], code="locked_out", params={"minutes": max(1, math.ceil(remaining / 60))}
        )
