"""The owner review queue in the API: the list, its filters, order and pages; an item in context; resolving."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from review.models import ReviewItem
from tests.factories import make_owner, make_token
from tests.review.conftest import REFUSE, queue_turn

QUEUE_ORDER = ["escalation_old", "escalation_new", "refusal", "low_confidence", "loop"]


def queue_url(twin) -> str:
    return f"/twins/{twin.pk}/owner-review-queue"


def item_url(item: ReviewItem, action: str = "") -> str:
    return f"/twins/{item.twin_id}/owner-review-queue/{item.pk}" + (f"/{action}" if action else "")


@pytest.fixture
def owner_api(api, tenant_a):
    return api(tenant_a, tenant_a.owner_token)


def _post(client, url: str, body: dict | None = None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


def test_the_queue_lists_pending_items_highest_priority_first_then_oldest_first(owner_api, chat_twin, queue):
    response = owner_api.get(queue_url(chat_twin))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert _ids(response) == [str(queue[name].pk) for name in QUEUE_ORDER]
    first = body["results"][0]
    assert (first["reason"], first["priority"], first["status"]) == ("escalation", "high", "pending")
    assert first["message"] == "Can Maya give us a 30% discount on her advisory fee?"
    assert first["payload"]["action"] == "escalate" and first["payload"]["rule"]
    assert first["twin_id"] == str(chat_twin.pk)


def test_the_queue_shows_only_pending_items_unless_asked_for_another_status(owner_api, owner, chat_twin, queue):
    ReviewItem.objects.filter(pk=queue["refusal"].pk).update(
        status="resolved", resolved_at=timezone.now(), resolved_by=owner
    )
    ReviewItem.objects.filter(pk=queue["loop"].pk).update(status="dismissed", resolved_at=timezone.now())
    url = queue_url(chat_twin)
    assert str(queue["refusal"].pk) not in _ids(owner_api.get(url))
    assert _ids(owner_api.get(url + "?status=resolved")) == [str(queue["refusal"].pk)]
    assert _ids(owner_api.get(url + "?status=dismissed")) == [str(queue["loop"].pk)]
    assert _ids(owner_api.get(url + "?status=all")) == [str(queue[name].pk) for name in QUEUE_ORDER]
    assert owner_api.get(url + "?status=resolved").json()["results"][0]["resolved_by"] == owner.username


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("priority=high", ["escalation_old", "escalation_new"]),
        ("priority=medium", ["refusal", "low_confidence"]),
        ("priority=low", ["loop"]),
        ("reason=refusal", ["refusal"]),
        ("reason=low_confidence", ["low_confidence"]),
        ("reason=clarification_loop", ["loop"]),
        ("reason=escalation&priority=low", []),
    ],
)
def test_the_queue_filters_by_priority_and_reason(owner_api, chat_twin, queue, query, expected):
    response = owner_api.get(f"{queue_url(chat_twin)}?{query}")
    assert response.status_code == 200
    assert _ids(response) == [str(queue[name].pk) for name in expected]


def test_the_queue_filters_by_when_items_were_queued(owner_api, chat_twin, queue):
    now = timezone.now()
    after = (now - timedelta(minutes=35)).isoformat()
    before = (now - timedelta(minutes=15)).isoformat()
    response = owner_api.get(queue_url(chat_twin), {"created_after": after, "created_before": before})
    assert _ids(response) == [str(queue["escalation_old"].pk), str(queue["low_confidence"].pk)]


@pytest.mark.parametrize(
    "query", ["status=open", "priority=urgent", "reason=boredom", "created_after=yesterday", "limit=0", "limit=201"]
)
def test_an_unknown_filter_value_is_a_400_naming_the_parameter(owner_api, chat_twin, query):
    response = owner_api.get(f"{queue_url(chat_twin)}?{query}")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {query.split("=")[0]}


def test_the_queue_pages_in_queue_order(owner_api, chat_twin, queue):
    first = owner_api.get(queue_url(chat_twin), {"limit": 2}).json()
    assert first["count"] == 5 and first["previous"] is None
    second = owner_api.get(first["next"].replace("http://alpha.localhost", "")).json()
    third = owner_api.get(queue_url(chat_twin), {"limit": 2, "offset": 4}).json()
    assert third["next"] is None
    pages = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert pages == [str(queue[name].pk) for name in QUEUE_ORDER]


def test_the_queue_costs_the_same_few_queries_for_one_item_or_many(
    owner_api, chat_twin, queue, django_assert_max_num_queries
):
    ReviewItem.objects.filter(pk=queue["loop"].pk).update(claimed_by=chat_twin.owner, claimed_until=timezone.now())
    owner_api.get(queue_url(chat_twin))  # the host's tenant is cached from here on
    # The token, the twin, the count and the page (and at most the tenant's search_path).
    with django_assert_max_num_queries(5):
        response = owner_api.get(queue_url(chat_twin), {"status": "all"})
    assert response.json()["count"] == 5
    with django_assert_max_num_queries(5):
        owner_api.get(queue_url(chat_twin), {"limit": 1})


def test_an_item_shows_the_conversation_around_its_turn_its_decision_and_its_audit(
    owner_api, chat_twin, visitor_conversation
):
    item = queue_turn(chat_twin, "Does Maya hold office hours?", REFUSE, conversation=visitor_conversation)
    response = owner_api.get(item_url(item))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["reason"], body["message"]) == (str(item.pk), "refusal", REFUSE)
    transcript = [(m["sequence"], m["role"], m["is_turn"]) for m in body["transcript"]]
    assert transcript == [(1, "user", False), (2, "twin", False), (3, "user", True), (4, "twin", False)]
    assert body["transcript"][0]["content"] == "Does Maya hold office hours?"
    decision = body["routing_decision"]
    assert decision["action"] == "refuse" and decision["rule"].startswith("refuse")
    assert decision["reason"] and decision["explanation"]["rule"] == decision["rule"]
    assert decision["persona_spec_version"] == "1.0.0"
    audit = body["audit"]
    assert audit["action"] == "refuse" and audit["realizer_backend"] == "builtin" and audit["refusal_reason"]


def test_an_answered_items_audit_lists_its_citations(owner_api, chat_twin, settings):
    settings.ROUTER_REVIEW_THRESHOLD = 1.0
    item = queue_turn(chat_twin, "Does Maya hold office hours?")
    audit = owner_api.get(item_url(item)).json()["audit"]
    assert audit["action"] == "answer"
    assert {"kind": "faq", "title": "Does Maya hold office hours?"}.items() <= audit["citations"][0].items()
    assert audit["sources_used"] == [audit["citations"][0]["id"]]


def test_resolving_an_item_records_who_when_and_the_note(owner_api, owner, chat_twin, queue):
    item = queue["refusal"]
    response = _post(owner_api, item_url(item, "resolve"), {"status": "resolved", "review_note": "Good refusal."})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["review_note"], body["resolved_by"]) == ("resolved", "Good refusal.", owner.username)
    item.refresh_from_db()
    assert (item.status, item.review_note, item.resolved_by, item.resolved_at is not None) == (
        "resolved",
        "Good refusal.",
        owner,
        True,
    )
    assert str(item.pk) not in _ids(owner_api.get(queue_url(chat_twin)))


def test_dismissing_an_item_needs_no_note(owner_api, queue):
    response = _post(owner_api, item_url(queue["loop"], "resolve"), {"status": "dismissed"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["review_note"]) == ("dismissed", "")


def test_resolving_an_item_that_is_no_longer_pending_is_a_409_and_changes_nothing(owner_api, queue):
    item = queue["refusal"]
    assert (
        _post(owner_api, item_url(item, "resolve"), {"status": "dismissed", "review_note": "first"}).status_code == 200
    )
    before = ReviewItem.objects.values().get(pk=item.pk)
    response = _post(owner_api, item_url(item, "resolve"), {"status": "resolved", "review_note": "second"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "review_item_not_pending"
    assert ReviewItem.objects.values().get(pk=item.pk) == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"status": "pending"},
        {"status": "all"},
        {"status": "resolved", "review_note": ["x"]},
        {"status": "resolved", "review_note": "x" * 4001},
    ],
)
def test_a_resolve_needs_resolved_or_dismissed_and_a_short_text_note(owner_api, queue, body):
    item = queue["refusal"]
    response = _post(owner_api, item_url(item, "resolve"), body)
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.status == "pending"


def test_another_owner_of_the_tenant_sees_and_resolves_none_of_my_items(api, tenant_a, chat_twin, queue):
    stranger = api(tenant_a, make_token(make_owner()))
    assert stranger.get(queue_url(chat_twin)).status_code == 404
    item = queue["escalation_old"]
    assert stranger.get(item_url(item)).status_code == 404
    for action, body in (("resolve", {"status": "resolved"}), ("claim", {}), ("answer-and-teach", {"answer": "x"})):
        assert _post(stranger, item_url(item, action), body).status_code == 404
    item.refresh_from_db()
    assert (item.status, item.claimed_by_id) == ("pending", None)


def test_an_item_is_found_only_under_its_own_twin(owner_api, owner, chat_twin, queue):
    from tests.factories import make_twin

    my_other_twin = make_twin(owner=owner)
    item = queue["refusal"]
    wrong = f"/twins/{my_other_twin.pk}/owner-review-queue/{item.pk}"
    assert owner_api.get(wrong).status_code == 404
    assert _post(owner_api, f"{wrong}/resolve", {"status": "resolved"}).status_code == 404
    assert owner_api.get(queue_url(my_other_twin)).json()["count"] == 0


def test_an_owner_of_another_tenant_sees_nothing_of_my_queue(api, tenant_a, tenant_b, chat_twin, queue):
    item = queue["refusal"]
    on_their_host = api(tenant_b, tenant_b.owner_token)
    assert on_their_host.get(queue_url(chat_twin)).status_code == 404
    assert on_their_host.get(item_url(item)).status_code == 404
    assert _post(on_their_host, item_url(item, "resolve"), {"status": "resolved"}).status_code == 404
    on_my_host = api(tenant_a, tenant_b.owner_token)
    assert on_my_host.get(queue_url(chat_twin)).status_code == 401
    item.refresh_from_db()
    assert item.status == "pending"


def test_a_chat_key_opens_no_part_of_the_queue(api, tenant_a, chat_twin, chat_key, queue):
    visitor = api(tenant_a, chat_key)
    item = queue["escalation_new"]
    assert visitor.get(queue_url(chat_twin)).status_code == 401
    assert visitor.get(item_url(item)).status_code == 401
    assert _post(visitor, item_url(item, "answer-and-teach"), {"answer": "x"}).status_code == 401
    item.refresh_from_db()
    assert item.status == "pending"
