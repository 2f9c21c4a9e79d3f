"""The owner's learning inputs admin: pending first, a preview of the draft, apply and reject behind
confirmation pages, a link to the new draft; and the regression cases with their export."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from learning.models import LearningInput
from learning.services import learning_input_apply, learning_input_create, learning_input_reject
from specs.models import PersonaSpec
from tests.factories import make_owner, make_spec_version, make_twin

CHANGELIST = "/admin/learning/learninginput/"
ADD = f"{CHANGELIST}add/"


@pytest.fixture
def twin(owner):
    twin = make_twin(owner=owner, name="Maya")
    make_spec_version(twin=twin, publish=True)
    return twin


@pytest.fixture
def admin_client(tenant_a, owner) -> Client:
    client = Client(HTTP_HOST=tenant_a.host)
    client.force_login(owner)
    return client


def _made(twin, owner, topic: str = "crypto") -> LearningInput:
    return learning_input_create(
        twin=twin, input_type="add_guardrail_refusal_rule", payload={"forbidden_topics": [topic]}, actor=owner
    )


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_list_shows_pending_inputs_first(admin_client, twin, owner):
    topics = ["topic-applied-first", "topic-rejected-second", "topic-pending-third", "topic-pending-oldest"]
    applied, rejected, pending, older_pending = (_made(twin, owner, topic) for topic in topics)
    learning_input_apply(learning_input=applied, actor=owner)
    learning_input_reject(learning_input=rejected, actor=owner)
    LearningInput.objects.filter(pk=older_pending.pk).update(created_at=pending.created_at.replace(year=2020))
    page = _page(admin_client.get(CHANGELIST))
    order = [page.index(topic) for topic in (topics[2], topics[3], topics[1], topics[0])]
    assert order == sorted(order)


def test_an_inputs_page_previews_its_draft_against_the_base(admin_client, twin, owner):
    page = _page(admin_client.get(f"{CHANGELIST}{_made(twin, owner).pk}/change/"))
    assert "The draft applying it would make, against version 1.0.0" in page
    assert "guardrails.forbidden_topics.1" in page and "crypto" in page
    assert "Apply…" in page and "Reject…" in page


def test_apply_goes_through_a_confirmation_page_and_links_the_new_draft(admin_client, twin, owner):
    made = _made(twin, owner)
    confirm = _page(admin_client.get(f"{CHANGELIST}{made.pk}/apply/"))
    assert "Yes, apply it" in confirm and "guardrails.forbidden_topics.1" in confirm
    assert not PersonaSpec.objects.filter(twin=twin, status="draft").exists()  # a GET changes nothing

    response = admin_client.post(f"{CHANGELIST}{made.pk}/apply/", {"review_note": "Fine by me."}, follow=True)
    draft = PersonaSpec.objects.get(twin=twin, status="draft")
    assert (draft.version, draft.source) == ("1.0.1", "learning_input")
    page = _page(response)
    draft_url = f"/admin/specs/personaspec/{draft.pk}/change/"
    assert f'href="{draft_url}"' in page and "open it to publish it" in page
    stored = LearningInput.objects.get(pk=made.pk)
    assert (stored.status, stored.review_note) == ("applied", "Fine by me.")
    assert "Publish…" in _page(admin_client.get(draft_url))

    again = admin_client.post(f"{CHANGELIST}{made.pk}/apply/", follow=True)
    assert "already applied" in _page(again)
    assert PersonaSpec.objects.filter(twin=twin).count() == 2


def test_reject_takes_a_note_on_its_confirmation_page(admin_client, twin, owner):
    made = _made(twin, owner)
    assert "Yes, reject it" in _page(admin_client.get(f"{CHANGELIST}{made.pk}/reject/"))
    response = admin_client.post(f"{CHANGELIST}{made.pk}/reject/", {"review_note": "Too broad."})
    assert response.status_code == 302
    stored = LearningInput.objects.get(pk=made.pk)
    assert (stored.status, stored.review_note, stored.decided_by) == ("rejected", "Too broad.", owner)
    assert PersonaSpec.objects.filter(twin=twin).count() == 1


def test_the_list_actions_lead_to_the_confirmation_page_of_one_input(admin_client, twin, owner):
    first, second = _made(twin, owner), _made(twin, owner, "tax")
    for action, step in (("apply_selected", "apply"), ("reject_selected", "reject")):
        response = admin_client.post(CHANGELIST, {"action": action, "_selected_action": [first.pk]})
        assert response.status_code == 302 and response["Location"] == f"{CHANGELIST}{first.pk}/{step}/"
    both = admin_client.post(CHANGELIST, {"action": "apply_selected", "_selected_action": [first.pk, second.pk]})
    assert both.status_code == 302 and both["Location"] == CHANGELIST
    assert LearningInput.objects.filter(status="pending").count() == 2


def test_an_owner_adds_an_input_in_the_admin_and_sees_payload_errors_on_the_field(admin_client, twin, owner):
    bad = admin_client.post(
        ADD,
        {
            "twin": twin.pk,
            "input_type": "add_style_preference",
            "payload": json.dumps({"identity_voice": {"name": "X"}}),
        },
    )
    errors = bad.context["adminform"].form.errors
    assert list(errors) == ["payload"] and "allow_persona_fundamental_change" in errors["payload"][0]
    good = admin_client.post(
        ADD,
        {
            "twin": twin.pk,
            "input_type": "add_guardrail_refusal_rule",
            "payload": json.dumps({"forbidden_topics": ["seed round"]}),
            "review_note": "by hand",
        },
    )
    assert good.status_code == 302
    made = LearningInput.objects.get()
    assert (made.payload, made.created_by, made.status, made.review_note) == (
        {"forbidden_topics": ["seed round"]},
        owner,
        "pending",
        "by hand",
    )


def test_another_owner_sees_none_of_it(tenant_a, twin, owner):
    made = _made(twin, owner)
    client = Client(HTTP_HOST=tenant_a.host)
    client.force_login(make_owner())
    assert str(made.pk) not in client.get(CHANGELIST).content.decode()
    for suffix in ("change/", "apply/", "reject/"):
        assert client.get(f"{CHANGELIST}{made.pk}/{suffix}").status_code in (302, 404)
    assert client.post(f"{CHANGELIST}{made.pk}/apply/").status_code in (302, 404)
    assert LearningInput.objects.get(pk=made.pk).status == "pending"
    assert client.get(f"/admin/learning/regressioncase/export/{twin.pk}/").status_code == 404


def test_the_regression_cases_page_offers_each_twins_export(admin_client, twin):
    page = _page(admin_client.get("/admin/learning/regressioncase/"))
    export = f"/admin/learning/regressioncase/export/{twin.pk}/"
    assert export in page
    response = admin_client.get(export)
    assert response["Content-Disposition"] == f'attachment; filename="regression-cases-{twin.slug}.json"'
    assert json.loads(response.content)["twin"]["persona_spec_version"] == "1.0.0"
