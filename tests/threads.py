"""Work on a connection of its own, for tests that race real transactions.

pytest-django's ``django_db`` mark keeps the test thread's connection inside a
transaction no other connection can see, so a race test runs every step (set-up,
the racers, the checks, the clean-up) in a ``Worker``: its own thread, its own
autocommit connection, inside ``tenant`` unless that is None.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django_tenants.utils import tenant_context


class Worker(threading.Thread):
    def __init__(self, tenant, work: Callable[[], Any], barrier: threading.Barrier | None = None) -> None:
        super().__init__()
        self.tenant, self.work, self.barrier = tenant, work, barrier
        self.result: Any = None
        self.error: Exception | None = None

    def _work(self) -> Any:
        if self.barrier is not None:
            self.barrier.wait(timeout=10)
        return self.work()

    def run(self) -> None:
        try:
            if self.tenant is None:
                self.result = self._work()
            else:
                with tenant_context(self.tenant):
                    self.result = self._work()
        except Exception as exc:  # re-raised in the test's thread by outcome()
            self.error = exc
        finally:
            connection.close()

    def outcome(self) -> Any:
        self.join(timeout=60)
        assert not self.is_alive(), "the worker did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def run_in_thread(tenant, work: Callable[[], Any]) -> Any:
    """Run ``work`` in a ``Worker`` and return its result (or raise its error)."""
    worker = Worker(tenant, work)
    worker.start()
    return worker.outcome()


def waiting_for_locks() -> int:
    """How many connections to this database are waiting for a lock right now."""
    with connection.cursor() as cursor:
        # Within a transaction PostgreSQL keeps showing the first snapshot of the activity view.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


class RowLockHolder:
    """Hold one row's lock on a connection of its own until ``waiters`` others wait for it.

    Racers started while the lock is held all read the row before either can change it, so
    only the code under test's own ``select_for_update`` can keep them apart. ``release()``
    lets go and returns how many connections were waiting at that moment.
    """

    def __init__(self, tenant, model, pk, waiters: int = 2) -> None:
        self._holding, self._release = threading.Event(), threading.Event()
        self._worker = Worker(tenant, lambda: self._hold(model, pk, waiters))

    def _hold(self, model, pk, waiters: int) -> int:
        with transaction.atomic():
            model.objects.select_for_update().get(pk=pk)
            self._holding.set()
            deadline = time.monotonic() + 20
            while waiting_for_locks() < waiters and time.monotonic() < deadline:
                time.sleep(0.02)
            waiting = waiting_for_locks()
            self._release.wait(timeout=20)
        return waiting

    def __enter__(self) -> RowLockHolder:
        self._worker.start()
        assert self._holding.wait(timeout=20), "the row lock was not taken"
        return self

    def release(self) -> int:
        self._release.set()
        return self._worker.outcome()

    def __exit__(self, *exc_info) -> None:
        self._release.set()
        self._worker.join(timeout=60)
