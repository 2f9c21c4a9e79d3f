"""Two owners resolving one item at the same moment, on real PostgreSQL: one wins, the other gets a 409.

As in ``tests/specs/test_publish_race.py``: the ``django_db`` mark keeps the main thread's
connection in a transaction other connections cannot see, so every step runs in a thread of
its own with its own autocommit connection; the rows are committed, and deleted again at the end.

To make the race certain rather than likely, a third connection holds the item's row lock
while both requests are sent. Each request reads the item as pending before it reaches the
service, and both then wait for that lock; only the service's own ``select_for_update`` can
tell the second one that the first has closed the item.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from review.models import ReviewItem
from runtime.services import chat_turn_create, conversation_start
from specs.models import Twin
from specs.services import spec_version_import
from tests.factories import make_twin
from tests.runtime.conftest import ESCALATE, demo_spec
from tests.threads import RowLockHolder, Worker, run_in_thread
from twinproject.accounts.models import User


@pytest.mark.django_db
def test_two_owners_resolving_one_item_at_once_leave_one_resolution_and_a_409(tenants):
    alpha = tenants["alpha"]

    def setup():
        owner = User.objects.get(username=alpha.owner_username)
        twin = make_twin(owner=owner, name="Racing twin")
        spec_version_import(twin=twin, actor=owner, spec=demo_spec())
        turn = chat_turn_create(
            conversation=conversation_start(twin=twin, interaction_context="public_widget"), content=ESCALATE
        )
        return twin, turn.user_message.review_item

    twin, item = run_in_thread(alpha.tenant, setup)
    url = f"/twins/{twin.pk}/owner-review-queue/{item.pk}/resolve"

    def resolve(status: str) -> Callable[[], Any]:
        def call():
            client = Client(HTTP_HOST=alpha.host, HTTP_AUTHORIZATION=f"Token {alpha.owner_token}")
            body = json.dumps({"status": status, "review_note": f"{status} by a racer"})
            return client.post(url, body, content_type="application/json")

        return call

    try:
        with RowLockHolder(alpha.tenant, ReviewItem, item.pk) as lock:
            racers = [Worker(None, resolve(status)) for status in ("resolved", "dismissed")]
            for racer in racers:
                racer.start()
            assert lock.release() >= 2  # both requests were waiting for the item's lock
            responses = [racer.outcome() for racer in racers]
        assert sorted(r.status_code for r in responses) == [200, 409]
        winner = next(r for r in responses if r.status_code == 200).json()
        loser = next(r for r in responses if r.status_code == 409).json()
        assert loser["error"]["code"] == "review_item_not_pending"

        stored = run_in_thread(alpha.tenant, lambda: ReviewItem.objects.get(pk=item.pk))
        assert (stored.status, stored.review_note) == (winner["status"], f"{winner['status']} by a racer")
        assert stored.resolved_at is not None
    finally:
        run_in_thread(alpha.tenant, lambda: Twin.objects.filter(pk=twin.pk).delete())
