"""Host → tenant lookup with a small per-process cache.

Looking the domain up on every request costs most of a cheap request's time, so
each process remembers what it resolved for ``TENANT_CACHE_SECONDS``. A change
made in this process clears the cache at once (see ``signals``); other processes
see it within that many seconds.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

from twinproject.tenancy.models import Domain, Tenant

_FIELDS = ("id", "schema_name", "name", "created_at")
_lock = threading.Lock()
_cache: dict[str, tuple[float, tuple | None]] = {}


def tenant_cache_clear() -> None:
    with _lock:
        _cache.clear()


def tenant_for_host(hostname: str) -> Tenant | None:
    """A fresh Tenant instance per call: cached rows are shared between threads, instances are not."""
    ttl = settings.TENANT_CACHE_SECONDS
    now = time.monotonic()
    hit = _cache.get(hostname)
    if hit is not None and now - hit[0] < ttl:
        values = hit[1]
    else:
        values = Domain.objects.filter(domain=hostname).values_list(*(f"tenant__{name}" for name in _FIELDS)).first()
        if ttl > 0:
            with _lock:
                _cache[hostname] = (now, values)
    if values is None:
        return None
    return Tenant.from_db(DEFAULT_DB_ALIAS, list(_FIELDS), list(values))
