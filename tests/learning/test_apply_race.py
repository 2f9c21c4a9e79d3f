"""Two applies of one learning input at the same moment, on real PostgreSQL: one draft, one 409.

As in ``tests/review/test_resolve_race.py``: every step runs in a thread of its own, on its own
autocommit connection; the rows are committed, and deleted again at the end. A third connection
holds the input's row lock while both requests are sent, so both have read the input as pending
before either reaches the service; only the service's ``select_for_update`` can tell the second
that the first has applied it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from learning.models import LearningInput
from learning.services import learning_input_create
from specs.models import PersonaSpec, Twin
from tests.factories import make_spec_version, make_twin
from tests.review.test_resolve_race import _run, _waiting_for_locks, _Worker
from twinproject.accounts.models import User


@pytest.mark.django_db
def test_two_applies_at_once_make_one_draft_and_a_409(tenants):
    alpha = tenants["alpha"]

    def setup():
        owner = User.objects.get(username=alpha.owner_username)
        twin = make_twin(owner=owner, name="Racing learner")
        make_spec_version(twin=twin, publish=True)
        made = learning_input_create(
            twin=twin, input_type="add_guardrail_refusal_rule", payload={"forbidden_topics": ["crypto"]}, actor=owner
        )
        return twin, made

    twin, learning_input = _run(alpha.tenant, setup)
    url = f"/twins/{twin.pk}/learning-inputs/{learning_input.pk}/apply"
    holding, release = threading.Event(), threading.Event()

    def hold_the_row_lock() -> int:
        with transaction.atomic():
            LearningInput.objects.select_for_update().get(pk=learning_input.pk)
            holding.set()
            deadline = time.monotonic() + 20
            while _waiting_for_locks() < 2 and time.monotonic() < deadline:
                time.sleep(0.02)
            waiting = _waiting_for_locks()
            release.wait(timeout=20)
        return waiting

    def apply() -> Callable[[], Any]:
        client = Client(HTTP_HOST=alpha.host, HTTP_AUTHORIZATION=f"Token {alpha.owner_token}")
        return lambda: client.post(url, "{}", content_type="application/json")

    try:
        holder = _Worker(alpha.tenant, hold_the_row_lock)
        holder.start()
        assert holding.wait(timeout=20)
        racers = [_Worker(None, apply()) for _ in range(2)]
        for racer in racers:
            racer.start()
        release.set()
        assert holder.outcome() >= 2  # both requests were waiting for the input's lock
        responses = [racer.outcome() for racer in racers]
        assert sorted(r.status_code for r in responses) == [200, 409]
        loser = next(r for r in responses if r.status_code == 409).json()
        assert loser["error"]["code"] == "learning_input_not_pending"

        def stored():
            return (
                LearningInput.objects.get(pk=learning_input.pk).status,
                sorted(PersonaSpec.objects.filter(twin=twin).values_list("version", "status")),
            )

        assert _run(alpha.tenant, stored) == ("applied", [("1.0.0", "active"), ("1.0.1", "draft")])
    finally:
        release.set()
        _run(alpha.tenant, lambda: Twin.objects.filter(pk=twin.pk).delete())
