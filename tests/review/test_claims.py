"""Claims: a reviewer holds an item for a while so that another reviewer of the tenant leaves it alone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from review.errors import ReviewItemClaimedError, ReviewItemNotPendingError
from review.models import ReviewItem
from review.services import review_item_claim, review_item_release, review_item_resolve
from tests.factories import make_owner
from tests.review.test_queue_api import item_url


@pytest.fixture
def owner_api(api, tenant_a):
    return api(tenant_a, tenant_a.owner_token)


@pytest.fixture
def colleague(tenant_a):
    """Another reviewer of the tenant: a tenant superuser, who sees every twin's items in the admin."""
    return make_owner(username="colleague", is_superuser=True)


@pytest.fixture
def item(queue) -> ReviewItem:
    return queue["escalation_new"]


def _post(client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_claiming_an_item_holds_it_for_the_claim_period(owner_api, owner, item, settings):
    settings.REVIEW_CLAIM_SECONDS = 60
    response = _post(owner_api, item_url(item, "claim"))
    assert response.status_code == 200
    assert response.json()["claimed_by"] == owner.username
    item.refresh_from_db()
    assert item.claimed_by == owner
    assert timedelta(seconds=55) < item.claimed_until - timezone.now() <= timedelta(seconds=60)


def test_claiming_my_item_again_extends_the_claim(owner, item, settings):
    settings.REVIEW_CLAIM_SECONDS = 60
    first = review_item_claim(item=item, actor=owner).claimed_until
    settings.REVIEW_CLAIM_SECONDS = 600
    assert review_item_claim(item=item, actor=owner).claimed_until > first + timedelta(seconds=500)


def test_an_item_another_reviewer_holds_cannot_be_claimed_resolved_or_answered(owner_api, item, colleague):
    review_item_claim(item=item, actor=colleague)
    before = ReviewItem.objects.values().get(pk=item.pk)
    for action, body in (
        ("claim", {}),
        ("resolve", {"status": "resolved"}),
        ("answer-and-teach", {"answer": "Yes, Tuesday works."}),
        ("release", {}),
    ):
        response = _post(owner_api, item_url(item, action), body)
        assert response.status_code == 409, action
        assert response.json()["error"]["code"] == "review_item_claimed"
        assert "colleague" in response.json()["error"]["message"]
    assert ReviewItem.objects.values().get(pk=item.pk) == before
    assert not item.conversation.messages.filter(is_owner_answer=True).exists()


def test_an_expired_claim_no_longer_holds_the_item(owner_api, owner, item, colleague):
    review_item_claim(item=item, actor=colleague)
    ReviewItem.objects.filter(pk=item.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert _post(owner_api, item_url(item, "claim")).json()["claimed_by"] == owner.username
    review_item_release(item=item, actor=owner)
    review_item_claim(item=item, actor=colleague)
    ReviewItem.objects.filter(pk=item.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert _post(owner_api, item_url(item, "resolve"), {"status": "resolved"}).status_code == 200


def test_the_holder_releases_a_claim_and_anyone_may_then_work_on_the_item(owner_api, owner, item, colleague):
    review_item_claim(item=item, actor=colleague)
    released = review_item_release(item=item, actor=colleague)
    assert (released.claimed_by, released.claimed_until) == (None, None)
    assert _post(owner_api, item_url(item, "claim")).status_code == 200
    response = _post(owner_api, item_url(item, "release"))
    assert response.status_code == 200
    assert (response.json()["claimed_by"], response.json()["claimed_until"]) == (None, None)


def test_releasing_an_item_nobody_holds_changes_nothing(owner_api, item):
    before = ReviewItem.objects.values().get(pk=item.pk)
    assert _post(owner_api, item_url(item, "release")).status_code == 200
    assert ReviewItem.objects.values().get(pk=item.pk) == before


def test_resolving_ends_the_claim_and_a_closed_item_cannot_be_claimed(owner_api, owner, item, colleague):
    review_item_claim(item=item, actor=owner)
    resolved = review_item_resolve(item=item, actor=owner, status="resolved")
    assert (resolved.claimed_by, resolved.claimed_until) == (None, None)
    response = _post(owner_api, item_url(item, "claim"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "review_item_not_pending"
    with pytest.raises(ReviewItemNotPendingError):
        review_item_claim(item=item, actor=colleague)


def test_a_colleague_cannot_release_my_claim(owner, item, colleague):
    review_item_claim(item=item, actor=owner)
    with pytest.raises(ReviewItemClaimedError):
        review_item_release(item=item, actor=colleague)
    item.refresh_from_db()
    assert item.claimed_by == owner
