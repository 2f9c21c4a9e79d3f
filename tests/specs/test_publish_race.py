"""Two publishes racing on real PostgreSQL, each in its own thread and connection.

The ``django_db`` mark keeps the main thread's connection inside a transaction that
other connections cannot see, so every step here runs in a thread of its own, with
its own autocommit connection: the rows are committed, and deleted again at the end.
(``transactional_db`` is not used: its flush would empty the session's tenants.)
"""

from __future__ import annotations

import threading
import uuid

import pytest

from specs.models import PersonaSpec, PersonaSpecEvent, Twin
from specs.services import spec_version_publish
from tests.factories import make_spec_version, make_twin
from tests.threads import Worker, run_in_thread
from twinproject.accounts.models import User


def _setup(owner_username: str) -> tuple[Twin, list[PersonaSpec]]:
    twin = make_twin(owner=User.objects.get(username=owner_username), slug=f"race-{uuid.uuid4().hex[:8]}")
    make_spec_version(twin=twin, publish=True)
    return twin, [make_spec_version(twin=twin), make_spec_version(twin=twin)]


def _cleanup(twin: Twin) -> None:
    PersonaSpecEvent.objects.filter(twin=twin).delete()
    PersonaSpec.objects.filter(twin=twin).delete()
    Twin.objects.filter(pk=twin.pk).delete()


@pytest.mark.django_db
def test_two_publishes_racing_in_two_threads_leave_exactly_one_active_version(tenants):
    alpha = tenants["alpha"]
    twin, drafts = run_in_thread(alpha.tenant, lambda: _setup(alpha.owner_username))
    try:
        barrier = threading.Barrier(len(drafts))
        racers = [
            Worker(alpha.tenant, lambda d=d: spec_version_publish(version=d, actor=None), barrier) for d in drafts
        ]
        for racer in racers:
            racer.start()
        published = [racer.outcome() for racer in racers]  # neither publish raised
        assert {version.status for version in published} == {"active"}

        def observe():
            statuses = sorted(PersonaSpec.objects.filter(twin=twin).values_list("status", flat=True))
            events = list(PersonaSpecEvent.objects.filter(twin=twin).order_by("created_at"))
            return statuses, [(event.from_version_id, event.to_version_id) for event in events]

        statuses, events = run_in_thread(alpha.tenant, observe)
        assert statuses == ["active", "archived", "archived"]
        assert len(events) == 3
        # The loser waited for the winner's commit and then archived the winner's version.
        assert events[2][0] == events[1][1]
    finally:
        run_in_thread(alpha.tenant, lambda: _cleanup(twin))
