"""The learning inputs API: list, create, read with a preview, apply, reject; owners only, their twins only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from learning.models import LearningInput, RegressionCase
from learning.services import learning_input_apply, learning_input_create, learning_input_reject
from specs.models import PersonaSpec
from tests.factories import make_owner, make_spec_version, make_token, make_twin
from tests.learning.conftest import OWNER_QUESTION, input_url, inputs_url, post


@pytest.fixture
def twin(owner):
    twin = make_twin(owner=owner, name="Maya")
    make_spec_version(twin=twin, publish=True)
    return twin


def _made(twin, owner, n: int = 0, input_type: str = "add_faq_answer") -> LearningInput:
    payload = {"question": f"Q{n}?", "answer": "A."} if input_type == "add_faq_answer" else {"forbidden_topics": ["x"]}
    return learning_input_create(twin=twin, input_type=input_type, payload=payload, actor=owner)


def test_the_list_shows_pending_inputs_by_default_newest_first(owner_api, twin, owner):
    older, newer, applied, rejected = (_made(twin, owner, n) for n in range(4))
    learning_input_apply(learning_input=applied, actor=owner)
    learning_input_reject(learning_input=rejected, actor=owner, review_note="no")
    body = owner_api.get(inputs_url(twin)).json()
    assert [row["id"] for row in body["results"]] == [str(newer.pk), str(older.pk)]
    assert body["count"] == 2
    only = owner_api.get(f"{inputs_url(twin)}?status=applied").json()["results"]
    assert [(row["id"], row["applied_version"]) for row in only] == [(str(applied.pk), "1.0.1")]
    assert owner_api.get(f"{inputs_url(twin)}?status=rejected").json()["results"][0]["review_note"] == "no"
    everything = owner_api.get(f"{inputs_url(twin)}?status=all").json()["results"]
    assert [row["status"] for row in everything] == ["pending", "pending", "rejected", "applied"]


def test_the_list_filters_by_type_pages_and_refuses_unknown_filters(owner_api, twin, owner):
    for n in range(3):
        _made(twin, owner, n)
    _made(twin, owner, input_type="add_guardrail_refusal_rule")
    faq = owner_api.get(f"{inputs_url(twin)}?input_type=add_faq_answer&limit=2").json()
    assert (faq["count"], len(faq["results"]), faq["next"] is not None) == (3, 2, True)
    assert owner_api.get(f"{inputs_url(twin)}?status=done").status_code == 400
    assert owner_api.get(f"{inputs_url(twin)}?limit=500").status_code == 400


def test_the_list_reads_a_fixed_number_of_queries(owner_api, twin, owner):
    for n in range(5):
        learning_input_apply(learning_input=_made(twin, owner, n), actor=owner)
    with CaptureQueriesContext(connection) as five:
        owner_api.get(f"{inputs_url(twin)}?status=all")
    for n in range(5, 10):
        learning_input_apply(learning_input=_made(twin, owner, n), actor=owner)
    with CaptureQueriesContext(connection) as ten:
        assert len(owner_api.get(f"{inputs_url(twin)}?status=all").json()["results"]) == 10
    assert len(ten) == len(five)


def test_an_owner_creates_an_input_and_gets_it_with_a_preview_of_the_draft(owner_api, twin, owner):
    response = post(
        owner_api,
        inputs_url(twin),
        {"input_type": "add_guardrail_refusal_rule", "payload": {"forbidden_topics": ["crypto"]}, "review_note": "n"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    made = LearningInput.objects.get(pk=body["id"])
    assert (made.status, made.created_by, made.payload, made.review_note) == (
        "pending",
        owner,
        {"forbidden_topics": ["crypto"]},
        "n",
    )
    assert body["preview"] == {
        "base_version": "1.0.0",
        "changes": [{"path": "guardrails.forbidden_topics.1", "op": "added", "before": None, "after": "crypto"}],
        "error": None,
    }
    assert owner_api.get(input_url(made)).json()["preview"] == body["preview"]


def test_a_payload_that_does_not_fit_is_a_400_with_its_fields_and_nothing_is_stored(owner_api, twin):
    response = post(owner_api, inputs_url(twin), {"input_type": "add_adjust_rubric_rule", "payload": {"weight": 3}})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "payload.criterion": ["is required"],
        "payload.weight": ["must be <= 1"],
    }
    unknown = post(owner_api, inputs_url(twin), {"input_type": "add_opinion", "payload": {}})
    assert set(unknown.json()["error"]["fields"]) == {"input_type"}
    assert not LearningInput.objects.exists()


def test_touching_identity_voice_without_the_flag_is_a_400_that_says_why(owner_api, twin):
    response = post(
        owner_api,
        inputs_url(twin),
        {"input_type": "add_style_preference", "payload": {"identity_voice": {"name": "Someone Else"}}},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "persona_fundamental_change_refused"
    assert "allow_persona_fundamental_change" in error["fields"]["payload.identity_voice"][0]
    allowed = post(
        owner_api,
        inputs_url(twin),
        {
            "input_type": "add_style_preference",
            "payload": {"identity_voice": {"name": "Maya C."}, "allow_persona_fundamental_change": True},
        },
    )
    assert allowed.status_code == 201


def test_base_version_and_sources_must_be_the_twins(owner_api, twin, owner):
    body = {"input_type": "add_faq_answer", "payload": {"question": "Q?", "answer": "A."}}
    assert post(owner_api, inputs_url(twin), {**body, "base_version": "9.9.9"}).json()["error"]["fields"] == {
        "base_version": ["The twin has no persona spec version 9.9.9."]
    }
    stranger = "00000000-0000-0000-0000-000000000001"
    fields = post(owner_api, inputs_url(twin), {**body, "source_message_id": stranger}).json()["error"]["fields"]
    assert set(fields) == {"source_message_id"}
    fields = post(owner_api, inputs_url(twin), {**body, "source_review_item_id": stranger}).json()["error"]["fields"]
    assert set(fields) == {"source_review_item_id"}
    made = post(owner_api, inputs_url(twin), {**body, "base_version": "1.0.0"}).json()
    assert made["base_version"] == "1.0.0"


def test_apply_returns_the_input_and_the_new_draft(owner_api, twin, owner):
    made = _made(twin, owner)
    response = post(owner_api, input_url(made, "/apply"))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"learning_input", "version", "regression_case"}
    assert (body["learning_input"]["status"], body["learning_input"]["applied_version"]) == ("applied", "1.0.1")
    assert body["learning_input"]["decided_by"] == owner.username
    assert (body["version"]["version"], body["version"]["status"], body["version"]["source"]) == (
        "1.0.1",
        "draft",
        "learning_input",
    )
    assert body["version"]["spec"]["faq_library"][-1] == {"question": "Q0?", "answer": "A.", "template": None}
    assert body["regression_case"] is None
    assert owner_api.get(input_url(made)).json()["preview"] is None

    assert LearningInput.objects.get(pk=made.pk).review_note == ""

    again = post(owner_api, input_url(made, "/apply"))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "learning_input_not_pending"
    assert PersonaSpec.objects.filter(twin=twin).count() == 2


def test_reject_records_the_note_and_a_rejected_input_cannot_be_applied(owner_api, twin, owner):
    made = _made(twin, owner)
    response = post(owner_api, input_url(made, "/reject"), {"review_note": "Not how Maya would say it."})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["review_note"]) == ("rejected", "Not how Maya would say it.")
    assert post(owner_api, input_url(made, "/apply")).status_code == 409
    assert post(owner_api, input_url(made, "/reject")).status_code == 409
    assert PersonaSpec.objects.filter(twin=twin).count() == 1


def test_an_apply_that_would_break_the_spec_is_a_400_and_the_preview_says_so(owner_api, owner):
    twin = make_twin(owner=owner)
    full = [{"question": f"Q{n}?", "answer": "A."} for n in range(500)]
    make_spec_version(twin=twin, spec={"faq_library": full}, publish=True)
    made = _made(twin, owner)
    preview = owner_api.get(input_url(made)).json()["preview"]
    assert preview["error"]["fields"] == {"spec.faq_library": ["must have at most 500 items"]}
    response = post(owner_api, input_url(made, "/apply"))
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"spec.faq_library": ["must have at most 500 items"]}
    assert LearningInput.objects.get(pk=made.pk).status == "pending"


def test_an_input_made_from_a_message_names_it_and_applies_into_a_regression_case(owner_api, visitor, chat_twin, owner):
    conversation = post(visitor, f"/twins/{chat_twin.pk}/conversations").json()["id"]
    turn = post(
        visitor, f"/twins/{chat_twin.pk}/conversations/{conversation}/messages", {"content": OWNER_QUESTION}
    ).json()
    made = post(
        owner_api,
        inputs_url(chat_twin),
        {
            "input_type": "add_guardrail_refusal_rule",
            "payload": {"forbidden_topics": ["book recommendations"]},
            "source_message_id": turn["user_message"]["id"],
        },
    ).json()
    assert (made["source_message_id"], made["source_conversation_id"]) == (turn["user_message"]["id"], conversation)
    case = post(owner_api, f"{inputs_url(chat_twin)}/{made['id']}/apply").json()["regression_case"]
    assert (case["query"], case["expected_action"], case["expected_intent"]) == (OWNER_QUESTION, "refuse", "answer")
    assert RegressionCase.objects.filter(learning_input_id=made["id"]).exists()


def test_a_review_item_teaches_once(owner_api, visitor, chat_twin):
    conversation = post(visitor, f"/twins/{chat_twin.pk}/conversations").json()["id"]
    turn = post(
        visitor, f"/twins/{chat_twin.pk}/conversations/{conversation}/messages", {"content": OWNER_QUESTION}
    ).json()
    body = {
        "input_type": "add_faq_answer",
        "payload": {"question": OWNER_QUESTION, "answer": "The Mom Test."},
        "source_review_item_id": turn["metadata"]["review_item_id"],
    }
    other_turn = post(
        visitor, f"/twins/{chat_twin.pk}/conversations/{conversation}/messages", {"content": "And a second book?"}
    ).json()
    mixed = post(owner_api, inputs_url(chat_twin), {**body, "source_message_id": other_turn["user_message"]["id"]})
    assert mixed.json()["error"]["fields"] == {"source_message": ["must be the review item's own message"]}
    first = post(owner_api, inputs_url(chat_twin), body)
    assert first.status_code == 201 and first.json()["source_message_id"] == turn["user_message"]["id"]
    second = post(owner_api, inputs_url(chat_twin), body)
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "review_item_already_taught"


def test_chat_keys_and_other_owners_see_nothing(api, tenant_a, tenant_b, twin, owner, chat_key):
    made = _made(twin, owner)
    other = api(tenant_a, make_token(make_owner()))
    for url in (inputs_url(twin), input_url(made), f"/twins/{twin.pk}/regression-cases/export"):
        assert other.get(url).status_code == 404
        assert api(tenant_a, chat_key).get(url).status_code == 401
        assert api(tenant_b, tenant_b.owner_token).get(url).status_code == 404
    for suffix in ("/apply", "/reject"):
        assert post(other, input_url(made, suffix)).status_code == 404
        assert post(api(tenant_a, chat_key), input_url(made, suffix)).status_code == 401
    assert LearningInput.objects.get(pk=made.pk).status == "pending"
    with tenant_context(tenant_b.tenant):
        assert not LearningInput.objects.exists()


def test_apply_keeps_a_note_when_one_is_given(owner_api, twin, owner):
    made = learning_input_create(
        twin=twin, input_type="add_faq_answer", payload={"question": "Q?", "answer": "A."}, actor=owner, review_note="x"
    )
    body = post(owner_api, input_url(made, "/apply"), {"review_note": "Checked with Maya."}).json()
    assert body["learning_input"]["review_note"] == "Checked with Maya."
    kept = _made(twin, owner, 1)
    LearningInput.objects.filter(pk=kept.pk).update(review_note="from the review desk")
    assert post(owner_api, input_url(kept, "/apply")).json()["learning_input"]["review_note"] == "from the review desk"
