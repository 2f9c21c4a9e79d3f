"""Work on a connection of its own, for tests that race real transactions.

pytest-django's ``django_db`` mark keeps the test thread's connection inside a
transaction no other connection can see, so a race test runs every step (set-up,
the racers, the checks, the clean-up) in a ``Worker``: its own thread, its own
autocommit connection, inside ``tenant`` unless that is None.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection
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
