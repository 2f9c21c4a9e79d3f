"""Two retries of one message that race each other store one turn, on real PostgreSQL.

As in ``tests/specs/test_publish_race.py``: the ``django_db`` mark keeps the main
thread's connection in a transaction other connections cannot see, so every step
runs in a thread of its own with its own autocommit connection; the rows are
committed, and deleted again at the end.
"""

from __future__ import annotations

import threading

import pytest

from review.models import ReviewItem
from runtime.models import Message, ResponseAudit, RoutingDecisionRecord
from runtime.services import chat_turn_create, conversation_start
from specs.models import Twin
from specs.services import spec_version_import
from tests.factories import make_twin
from tests.runtime.conftest import ESCALATE, demo_spec
from tests.threads import Worker, run_in_thread
from twinproject.accounts.models import User


@pytest.mark.django_db
def test_two_racing_retries_of_one_message_store_one_turn(tenants):
    tenant, username = tenants["alpha"].tenant, tenants["alpha"].owner_username

    def setup():
        owner = User.objects.get(username=username)
        twin = make_twin(owner=owner, name="Racing twin")
        spec_version_import(twin=twin, actor=owner, spec=demo_spec())
        return twin, conversation_start(twin=twin, interaction_context="public_widget")

    twin, conversation = run_in_thread(tenant, setup)
    try:
        barrier = threading.Barrier(2)
        retry = lambda: chat_turn_create(conversation=conversation, content=ESCALATE, client_message_id="once")  # noqa: E731
        workers = [Worker(tenant, retry, barrier) for _ in range(2)]
        for worker in workers:
            worker.start()
        turns = [worker.outcome() for worker in workers]
        assert len({(t.user_message.pk, t.twin_message.pk) for t in turns}) == 1
        assert sorted(t.replayed for t in turns) == [False, True]

        def stored():
            return (
                Message.objects.filter(conversation=conversation).count(),
                RoutingDecisionRecord.objects.filter(message__conversation=conversation).count(),
                ResponseAudit.objects.filter(message__conversation=conversation).count(),
                ReviewItem.objects.filter(conversation=conversation).count(),
            )

        assert run_in_thread(tenant, stored) == (2, 1, 1, 1)
    finally:
        run_in_thread(tenant, lambda: Twin.objects.filter(pk=twin.pk).delete())
