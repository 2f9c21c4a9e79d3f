"""Two applies of one learning input at the same moment, on real PostgreSQL: one draft, one 409.

As in ``tests/review/test_resolve_race.py``, every step runs in a thread of its own, on its own
autocommit connection; the rows are committed, and deleted again at the end. A third connection
holds the input's row lock while both requests are sent, so both have read the input as pending
before either reaches the service; only the service's ``select_for_update`` can tell the second
that the first has applied it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from learning.models import LearningInput
from learning.services import learning_input_create
from specs.models import PersonaSpec, Twin
from tests.factories import make_spec_version, make_twin
from tests.threads import RowLockHolder, Worker, run_in_thread
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

    twin, learning_input = run_in_thread(alpha.tenant, setup)
    url = f"/twins/{twin.pk}/learning-inputs/{learning_input.pk}/apply"

    def apply() -> Callable[[], Any]:
        client = Client(HTTP_HOST=alpha.host, HTTP_AUTHORIZATION=f"Token {alpha.owner_token}")
        return lambda: client.post(url, "{}", content_type="application/json")

    try:
        with RowLockHolder(alpha.tenant, LearningInput, learning_input.pk) as lock:
            racers = [Worker(None, apply()) for _ in range(2)]
            for racer in racers:
                racer.start()
            assert lock.release() >= 2  # both requests were waiting for the input's lock
            responses = [racer.outcome() for racer in racers]
        assert sorted(r.status_code for r in responses) == [200, 409]
        loser = next(r for r in responses if r.status_code == 409).json()
        assert loser["error"]["code"] == "learning_input_not_pending"

        def stored():
            return (
                LearningInput.objects.get(pk=learning_input.pk).status,
                sorted(PersonaSpec.objects.filter(twin=twin).values_list("version", "status")),
            )

        assert run_in_thread(alpha.tenant, stored) == ("applied", [("1.0.0", "active"), ("1.0.1", "draft")])
    finally:
        run_in_thread(alpha.tenant, lambda: Twin.objects.filter(pk=twin.pk).delete())
