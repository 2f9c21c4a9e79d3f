"""Every fix becomes a regression case: the fixed turn, exported in the eval format, run by run_eval,
which fails once a later spec version breaks the fix."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context
from jsonschema import Draft202012Validator

from learning.models import RegressionCase
from learning.services import learning_input_apply, learning_input_create
from review.models import ReviewItem
from review.services import review_item_answer_and_teach
from runtime.evaluation import SCHEMA_PATH, eval_file_load
from runtime.services import chat_turn_create, conversation_start
from specs.models import PersonaSpec
from specs.services import spec_version_create_draft, spec_version_publish, spec_version_rollback
from tests.learning.conftest import OWNER_ANSWER, OWNER_QUESTION

EARLIER = "Hi, I'm raising a pre-seed round for a developer tools company."


@pytest.fixture
def fixed(chat_twin, owner) -> RegressionCase:
    """An owner-specific question asked in a widget conversation after a first turn, answered and taught,
    applied and published: the twin now answers it from its FAQ."""
    conversation = conversation_start(twin=chat_twin, interaction_context="public_share")
    chat_turn_create(conversation=conversation, content=EARLIER)
    turn = chat_turn_create(conversation=conversation, content=OWNER_QUESTION, pinned_context={"goal": "reading list"})
    item = ReviewItem.objects.get(message=turn.user_message)
    taught = review_item_answer_and_teach(item=item, actor=owner, answer=OWNER_ANSWER)
    done = learning_input_apply(learning_input=taught.learning_input, actor=owner)
    spec_version_publish(version=done.version, actor=owner)
    assert done.regression_case is not None
    return done.regression_case


def test_applying_an_input_from_a_review_item_adds_the_turn_with_its_expected_outcome(fixed, chat_twin):
    assert (fixed.twin, fixed.query, fixed.interaction_context) == (chat_twin, OWNER_QUESTION, "public_share")
    assert (fixed.expected_action, fixed.expected_intent, fixed.requires_citations) == ("answer", "answer", True)
    assert fixed.pinned_context == {"goal": "reading list"}
    assert [turn["role"] for turn in fixed.history] == ["user", "twin"]
    assert fixed.history[0]["content"] == EARLIER
    assert fixed.source_message.content == OWNER_QUESTION


def test_a_guardrail_rule_from_a_review_item_expects_a_refusal(chat_twin, owner):
    turn = chat_turn_create(
        conversation=conversation_start(twin=chat_twin, interaction_context="public_widget"), content=OWNER_QUESTION
    )
    made = learning_input_create(
        twin=chat_twin,
        input_type="add_guardrail_refusal_rule",
        payload={"forbidden_topics": ["book recommendations"]},
        actor=owner,
        source_review_item=ReviewItem.objects.get(message=turn.user_message),
    )
    case = learning_input_apply(learning_input=made, actor=owner).regression_case
    assert (case.expected_action, case.expected_intent, case.requires_citations, case.history) == (
        "refuse",
        "answer",
        False,
        [],
    )


def test_inputs_without_a_conversation_or_of_other_types_add_no_case(chat_twin, owner):
    turn = chat_turn_create(
        conversation=conversation_start(twin=chat_twin, interaction_context="public_widget"), content=OWNER_QUESTION
    )
    style = learning_input_create(
        twin=chat_twin,
        input_type="add_style_preference",
        payload={"brevity_default": "medium"},
        actor=owner,
        source_conversation=turn.user_message.conversation,
        source_message=turn.user_message,
    )
    plain = learning_input_create(
        twin=chat_twin, input_type="add_faq_answer", payload={"question": "Q?", "answer": "A."}, actor=owner
    )
    assert learning_input_apply(learning_input=style, actor=owner).regression_case is None
    assert learning_input_apply(learning_input=plain, actor=owner).regression_case is None
    assert not RegressionCase.objects.exists()


def test_the_export_is_an_eval_file_with_the_active_spec_and_the_twins_documents(fixed, chat_twin, owner_api):
    response = owner_api.get(f"/twins/{chat_twin.pk}/regression-cases/export")
    assert response.status_code == 200
    body = response.json()
    assert not list(Draft202012Validator(json.loads(SCHEMA_PATH.read_text())).iter_errors(body))
    twin = body["twin"]
    assert (twin["name"], twin["persona_spec_version"]) == ("Maya Chen", "1.0.1")
    assert twin["persona_spec"] == PersonaSpec.objects.get(twin=chat_twin, version="1.0.1").spec
    assert [doc["title"] for doc in twin["knowledge"]] == ["How I think about pricing"]
    assert body["cases"] == [
        {
            "id": fixed.case_id,
            "query": OWNER_QUESTION,
            "expected_intent": "answer",
            "expected_action": "answer",
            "requires_citations": True,
            "interaction_context": "public_share",
            "history": fixed.history,
            "pinned_context": {"goal": "reading list"},
            "learning_input": str(fixed.learning_input_id),
        }
    ]
    older = owner_api.get(f"/twins/{chat_twin.pk}/regression-cases/export?version=1.0.0").json()
    assert older["twin"]["persona_spec_version"] == "1.0.0"
    assert owner_api.get(f"/twins/{chat_twin.pk}/regression-cases/export?version=7.0.0").status_code == 400


def _export(tenant, twin, path, *extra: str) -> None:
    err = io.StringIO()
    call_command(
        "export_regression_cases",
        "--twin",
        str(twin.pk),
        "--schema",
        tenant.schema_name,
        "-o",
        str(path),
        *extra,
        stderr=err,
    )
    assert "Wrote 1 case(s)" in err.getvalue()


def _run_eval(path) -> str:
    out = io.StringIO()
    # run_eval provisions its scratch tenant, which is done from the public schema, as on the command line.
    with schema_context("public"):
        call_command("run_eval", "--no-progress", "--cases", str(path), "--min-action-accuracy", "1", stdout=out)
    return out.getvalue()


def test_run_eval_passes_the_exported_cases_and_catches_a_later_version_that_breaks_them(
    fixed, chat_twin, owner, tenant_a, tmp_path
):
    exported = tmp_path / "regression.json"
    _export(tenant_a.tenant, chat_twin, exported)
    _twin, cases = eval_file_load(exported)
    assert [case.id for case in cases] == [fixed.case_id]
    assert "failures: 0" in _run_eval(exported)

    # A later draft made from the version before the fix drops the taught answer: caught before it is published.
    base = PersonaSpec.objects.get(twin=chat_twin, version="1.0.0")
    later = spec_version_create_draft(twin=chat_twin, actor=owner, copy_from=base, notes="lost the FAQ answer")
    broken = tmp_path / "broken.json"
    _export(tenant_a.tenant, chat_twin, broken, "--spec-version", later.version)
    with pytest.raises(CommandError, match=r"action accuracy 0\.000 < 1\.000"):
        _run_eval(broken)

    # And once such a version is live (here: a rollback to the version before the fix), the active export fails too.
    spec_version_rollback(version=base, actor=owner)
    live = tmp_path / "live.json"
    _export(tenant_a.tenant, chat_twin, live)
    with pytest.raises(CommandError, match="Below threshold"):
        _run_eval(live)


def test_the_export_command_says_what_is_wrong(chat_twin, tenant_a, tmp_path):
    with pytest.raises(CommandError, match="No tenant"):
        call_command("export_regression_cases", "--twin", str(chat_twin.pk), "--schema", "nowhere")
    with pytest.raises(CommandError, match="no twin"):
        call_command("export_regression_cases", "--twin", "00000000-0000-0000-0000-000000000001", "--schema", "alpha")
    with pytest.raises(CommandError, match=r"no persona spec version 9\.9\.9"):
        call_command(
            "export_regression_cases", "--twin", str(chat_twin.pk), "--schema", "alpha", "--spec-version", "9.9.9"
        )
