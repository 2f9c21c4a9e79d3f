"""The owner's review desk in the admin, driven through the admin's own pages, actions and views."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django_tenants.utils import tenant_context

from learning.models import LearningInput
from review.models import ReviewItem
from review.services import review_item_claim
from runtime.models import Message
from specs.services import spec_version_import
from tests.factories import make_owner, make_twin
from tests.review.conftest import ESCALATE, REFUSE, queue_turn
from tests.runtime.conftest import demo_spec

CHANGELIST = "/admin/review/reviewitem/"


def change_url(item: ReviewItem) -> str:
    return f"{CHANGELIST}{item.pk}/change/"


@pytest.fixture
def desk(tenant_a, owner) -> Client:
    client = Client(HTTP_HOST=tenant_a.host)
    client.force_login(owner)
    return client


def _listed(response) -> list[str]:
    """The ids of the items on a changelist page, in the order shown."""
    return re.findall(r'name="_selected_action" value="([0-9a-f-]{36})"', response.content.decode())


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _order(queue, *names) -> list[str]:
    return [str(queue[name].pk) for name in names]


def test_the_desk_opens_on_pending_items_highest_priority_then_oldest_first(desk, queue):
    ReviewItem.objects.filter(pk=queue["refusal"].pk).update(status="dismissed", resolved_at=queue["loop"].created_at)
    response = desk.get(CHANGELIST)
    assert response.status_code == 200
    assert _listed(response) == _order(queue, "escalation_old", "escalation_new", "low_confidence", "loop")
    html = response.content.decode()
    assert "Can Maya give us a 30% discount" in html
    everything = desk.get(CHANGELIST, {"status": "all"})
    assert _listed(everything) == _order(queue, "escalation_old", "escalation_new", "refusal", "low_confidence", "loop")
    assert _listed(desk.get(CHANGELIST, {"status": "dismissed"})) == _order(queue, "refusal")


def test_the_desk_counts_the_listed_items_per_reason(desk, queue):
    html = desk.get(CHANGELIST).content.decode()
    counts = dict(
        re.findall(r'<a href="\?reason__exact=[^"]*">([^<]+)</a> <span class="review-reason-count">(\d+)', html)
    )
    assert counts == {"Escalation": "2", "Refusal": "1", "Low confidence": "1", "Clarification loop": "1"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"priority": "high"}, ["escalation_old", "escalation_new"]),
        ({"reason": "refusal"}, ["refusal"]),
        ({"reason": "clarification_loop"}, ["loop"]),
        ({"q": "discount"}, ["escalation_old"]),
        ({"q": "office hours"}, ["low_confidence"]),
    ],
)
def test_the_desk_filters_and_searches_the_message_text(desk, queue, query, expected):
    assert _listed(desk.get(CHANGELIST, query)) == _order(queue, *expected)


def test_the_desk_filters_by_twin_among_my_own_twins(desk, owner, queue, chat_twin):
    other = make_twin(owner=owner, name="Second twin")
    spec_version_import(twin=other, actor=owner, spec=demo_spec())
    theirs = queue_turn(other, REFUSE)
    assert len(_listed(desk.get(CHANGELIST))) == 6
    assert _listed(desk.get(CHANGELIST, {"twin__id__exact": other.pk})) == [str(theirs.pk)]
    assert len(_listed(desk.get(CHANGELIST, {"twin__id__exact": chat_twin.pk}))) == 5


def test_an_item_page_shows_the_conversation_around_the_turn_its_rule_and_its_audit(
    desk, chat_twin, visitor_conversation, settings
):
    queue_turn(chat_twin, "Does Maya hold office hours?", REFUSE, conversation=visitor_conversation)
    refusal = ReviewItem.objects.get(reason="refusal")
    html = desk.get(change_url(refusal)).content.decode()
    assert "The conversation around the turn" in html
    assert "Does Maya hold office hours?" in html and "this turn" in html
    rule = refusal.routing_decision.explanation["rule"]
    assert f"rule <code>{rule}</code>" in html
    assert "refusal:" in html and "via builtin" in html
    settings.ROUTER_REVIEW_THRESHOLD = 1.0
    answered = queue_turn(chat_twin, "Does Maya hold office hours?")
    html = desk.get(change_url(answered)).content.decode()
    assert '<span class="review-citation">Does Maya hold office hours? (faq)</span>' in html
    assert "Answer and teach…" in html and "Resolve…" in html and "Dismiss…" in html


def test_the_item_page_is_read_only(desk, queue):
    item = queue["refusal"]
    assert desk.post(change_url(item), {"status": "resolved", "review_note": "sneaky"}).status_code == 403
    assert desk.get(f"{CHANGELIST}add/").status_code == 403
    item.refresh_from_db()
    assert item.status == "pending"


def test_resolving_one_item_asks_for_a_note_on_a_confirmation_page_first(desk, owner, queue):
    item = queue["refusal"]
    page = desk.get(f"{CHANGELIST}{item.pk}/close/resolved/")
    assert page.status_code == 200
    assert 'name="review_note"' in page.content.decode()
    item.refresh_from_db()
    assert item.status == "pending"
    response = desk.post(f"{CHANGELIST}{item.pk}/close/resolved/", {"review_note": "Right call."})
    assert response.status_code == 302 and response["Location"] == CHANGELIST
    item.refresh_from_db()
    assert (item.status, item.review_note, item.resolved_by) == ("resolved", "Right call.", owner)


def test_dismissing_one_item_without_a_note(desk, queue):
    item = queue["loop"]
    assert desk.post(f"{CHANGELIST}{item.pk}/close/dismissed/", {}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.review_note) == ("dismissed", "")


def test_resolving_an_item_that_is_already_closed_says_so_and_changes_nothing(desk, queue):
    item = queue["refusal"]
    desk.post(f"{CHANGELIST}{item.pk}/close/dismissed/", {"review_note": "first"})
    before = ReviewItem.objects.values().get(pk=item.pk)
    response = desk.post(f"{CHANGELIST}{item.pk}/close/resolved/", {"review_note": "second"}, follow=True)
    assert any("already dismissed" in message for message in _messages(response))
    assert ReviewItem.objects.values().get(pk=item.pk) == before


def test_the_bulk_resolve_action_confirms_then_resolves_exactly_the_selected_items(desk, owner, queue):
    chosen = [queue["refusal"].pk, queue["loop"].pk]
    page = desk.post(CHANGELIST, {"action": "resolve_selected", "_selected_action": chosen})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Resolve 2 item(s)?" in html and 'name="review_note"' in html
    assert sorted(_listed(page)) == sorted(map(str, chosen))
    assert ReviewItem.objects.filter(status="pending").count() == 5

    response = desk.post(
        CHANGELIST,
        {"action": "resolve_selected", "_selected_action": chosen, "post": "yes", "review_note": "Batch."},
    )
    assert response.status_code == 302
    resolved = ReviewItem.objects.filter(status="resolved")
    assert set(resolved.values_list("pk", flat=True)) == set(chosen)
    assert set(resolved.values_list("review_note", "resolved_by")) == {("Batch.", owner.pk)}
    assert ReviewItem.objects.filter(status="pending").count() == 3


def test_the_bulk_dismiss_of_all_filtered_items_acts_on_the_filtered_items_only(desk, queue):
    url = f"{CHANGELIST}?priority=high"
    page = desk.post(url, {"action": "dismiss_selected", "select_across": "1", "_selected_action": [queue["loop"].pk]})
    assert page.status_code == 200
    # The confirmation page names exactly the filtered items, and its answer acts on those.
    listed = _listed(page)
    assert sorted(listed) == sorted(_order(queue, "escalation_old", "escalation_new"))
    queue_turn(queue["refusal"].twin, ESCALATE)  # arrives while the owner reads the confirmation page
    desk.post(url, {"action": "dismiss_selected", "_selected_action": listed, "post": "yes", "review_note": "Spam."})
    dismissed = set(map(str, ReviewItem.objects.filter(status="dismissed").values_list("pk", flat=True)))
    assert dismissed == set(listed)
    assert ReviewItem.objects.filter(status="pending", priority="high").count() == 1


def test_the_bulk_action_skips_items_that_are_no_longer_pending_or_held_by_a_colleague(desk, owner, queue):
    colleague = make_owner(username="colleague", is_superuser=True)
    review_item_claim(item=queue["loop"], actor=colleague)
    ReviewItem.objects.filter(pk=queue["refusal"].pk).update(status="dismissed", resolved_at=queue["loop"].created_at)
    chosen = [queue["refusal"].pk, queue["loop"].pk, queue["escalation_new"].pk]
    response = desk.post(
        f"{CHANGELIST}?status=all",
        {"action": "resolve_selected", "_selected_action": chosen, "post": "yes", "review_note": ""},
        follow=True,
    )
    said = _messages(response)
    assert "Resolved 1 item(s)." in said
    assert sum("Skipped" in message for message in said) == 2
    statuses = dict(ReviewItem.objects.filter(pk__in=chosen).values_list("pk", "status"))
    assert statuses == {
        queue["refusal"].pk: "dismissed",
        queue["loop"].pk: "pending",
        queue["escalation_new"].pk: "resolved",
    }


def test_answer_and_teach_from_the_item_page(desk, owner, queue):
    item = queue["escalation_new"]
    form = desk.get(f"{CHANGELIST}{item.pk}/answer/")
    assert form.status_code == 200
    assert ESCALATE in form.content.decode() and 'name="answer"' in form.content.decode()
    assert desk.post(f"{CHANGELIST}{item.pk}/answer/", {"answer": "  "}).status_code == 200  # shown again, refused
    item.refresh_from_db()
    assert item.status == "pending"
    response = desk.post(f"{CHANGELIST}{item.pk}/answer/", {"answer": "Tuesday works.", "review_note": "ok"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.resolved_by) == ("resolved", owner)
    learning_input = LearningInput.objects.get(source_review_item=item)
    assert learning_input.payload == {"question": ESCALATE, "answer": "Tuesday works.", "template": None}
    answer = Message.objects.get(conversation=item.conversation, is_owner_answer=True)
    assert answer.content == "Tuesday works."
    conversation_page = desk.get(f"/admin/runtime/conversation/{item.conversation_id}/change/").content.decode()
    assert "owner&#x27;s answer" in conversation_page or "owner's answer" in conversation_page


def test_claim_and_release_buttons_hold_an_item_for_me(desk, owner, queue):
    item = queue["refusal"]
    assert "Claim</button>" in desk.get(change_url(item)).content.decode()
    assert desk.post(f"{CHANGELIST}{item.pk}/claim/").status_code == 302
    item.refresh_from_db()
    assert item.claimed_by == owner
    page = desk.get(change_url(item)).content.decode()
    assert "Release</button>" in page and "Claim again</button>" in page
    assert "alpha-owner until" in desk.get(CHANGELIST).content.decode()
    desk.post(f"{CHANGELIST}{item.pk}/release/")
    item.refresh_from_db()
    assert item.claimed_by is None


def test_an_item_a_colleague_holds_offers_no_resolve_and_refuses_one(desk, queue):
    colleague = make_owner(username="colleague", is_superuser=True)
    item = review_item_claim(item=queue["refusal"], actor=colleague)
    page = desk.get(change_url(item)).content.decode()
    assert "colleague is working on this item" in page
    assert "Resolve…" not in page and "Answer and teach…" not in page
    response = desk.post(f"{CHANGELIST}{item.pk}/close/resolved/", {"review_note": "mine"}, follow=True)
    assert any("colleague is working on this item" in message for message in _messages(response))
    item.refresh_from_db()
    assert item.status == "pending"


def test_another_owner_sees_none_of_my_items_and_cannot_act_on_them(tenant_a, queue):
    stranger = Client(HTTP_HOST=tenant_a.host)
    stranger.force_login(make_owner())
    assert _listed(stranger.get(CHANGELIST, {"status": "all"})) == []
    item = queue["escalation_new"]
    assert stranger.get(change_url(item)).status_code == 302  # the admin's "no such object" redirect
    for path, data in (
        (f"{CHANGELIST}{item.pk}/close/resolved/", {"review_note": "x"}),
        (f"{CHANGELIST}{item.pk}/answer/", {"answer": "x"}),
        (f"{CHANGELIST}{item.pk}/claim/", {}),
    ):
        assert stranger.post(path, data).status_code == 404
    stranger.post(CHANGELIST, {"action": "resolve_selected", "_selected_action": [item.pk], "post": "yes"})
    item.refresh_from_db()
    assert (item.status, item.claimed_by_id) == ("pending", None)
    assert not Message.objects.filter(is_owner_answer=True).exists()


def test_staff_of_another_tenant_see_nothing_of_my_queue(tenant_a, tenant_b, queue):
    with tenant_context(tenant_b.tenant):
        beta_staff = make_owner(username="beta-staff", is_superuser=True)
        on_their_host = Client(HTTP_HOST=tenant_b.host)
        on_their_host.force_login(beta_staff)
    assert _listed(on_their_host.get(CHANGELIST, {"status": "all"})) == []
    assert on_their_host.get(change_url(queue["refusal"])).status_code == 302
    # Their session means nothing on my host: the admin asks them to log in.
    on_my_host = Client(HTTP_HOST=tenant_a.host)
    on_my_host.cookies["sessionid"] = on_their_host.cookies["sessionid"].value
    response = on_my_host.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert on_my_host.post(f"{CHANGELIST}{queue['refusal'].pk}/claim/").status_code == 302
    queue["refusal"].refresh_from_db()
    assert queue["refusal"].claimed_by_id is None


def test_the_note_and_answer_pages_of_a_closed_item_lead_back_to_it(desk, queue):
    item = queue["refusal"]
    desk.post(f"{CHANGELIST}{item.pk}/close/dismissed/", {})
    for path in (f"{CHANGELIST}{item.pk}/close/resolved/", f"{CHANGELIST}{item.pk}/answer/"):
        response = desk.get(path)
        assert response.status_code == 302 and response["Location"] == change_url(item)
        assert "This item is already dismissed." in _messages(response)
    page = desk.get(change_url(item)).content.decode()
    assert "Resolve…" not in page and "Claim</button>" not in page
