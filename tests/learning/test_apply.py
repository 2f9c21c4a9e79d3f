"""Apply and reject: a new draft (next patch) from the base or active version, once, in one transaction."""

from __future__ import annotations

import pytest

from learning.errors import LearningInputNotPendingError, PersonaFundamentalChangeError
from learning.models import LearningInput, RegressionCase
from learning.services import learning_input_apply, learning_input_create, learning_input_reject
from specs.errors import PersonaSpecInvalidError
from specs.models import PersonaSpec
from tests.factories import make_spec, make_spec_version, make_twin


@pytest.fixture
def twin(owner):
    twin = make_twin(owner=owner)
    make_spec_version(twin=twin, publish=True)  # 1.0.0, active
    return twin


def _input(twin, owner, input_type="add_guardrail_refusal_rule", payload=None, **extra) -> LearningInput:
    payload = payload if payload is not None else {"forbidden_topics": ["crypto"]}
    return learning_input_create(twin=twin, input_type=input_type, payload=payload, actor=owner, **extra)


def _versions(twin) -> list[tuple[str, str]]:
    return sorted(PersonaSpec.objects.filter(twin=twin).values_list("version", "status"))


def test_applying_makes_a_draft_of_the_next_patch_from_the_active_version(twin, owner):
    active = PersonaSpec.objects.get(twin=twin)
    done = learning_input_apply(learning_input=_input(twin, owner), actor=owner)
    draft = done.version
    assert (draft.version, draft.status, draft.source, draft.based_on, draft.created_by) == (
        "1.0.1",
        "draft",
        "learning_input",
        active,
        owner,
    )
    assert draft.spec["guardrails"]["forbidden_topics"] == ["medical advice", "crypto"]
    assert {key: draft.spec[key] for key in draft.spec if key != "guardrails"} == {
        key: active.spec[key] for key in active.spec if key != "guardrails"
    }
    stored = LearningInput.objects.get(pk=done.learning_input.pk)
    assert (stored.status, stored.applied_version, stored.decided_by) == ("applied", draft, owner)
    assert stored.decided_at is not None
    assert done.regression_case is None  # not from a conversation
    assert _versions(twin) == [("1.0.0", "active"), ("1.0.1", "draft")]


def test_an_input_with_a_base_version_applies_to_it_and_takes_the_next_free_patch(twin, owner):
    base = PersonaSpec.objects.get(twin=twin)
    make_spec_version(twin=twin, spec=make_spec(faq_library=[]), publish=True)  # 1.0.1 active now
    done = learning_input_apply(
        learning_input=_input(twin, owner, "add_faq_answer", {"question": "Q?", "answer": "A."}, base_version=base),
        actor=owner,
    )
    assert (done.version.version, done.version.based_on) == ("1.0.2", base)
    assert done.version.spec["faq_library"] == [{"question": "Q?", "answer": "A.", "template": None}]


def test_a_twin_without_any_version_gets_its_first_draft_from_an_empty_spec(owner):
    twin = make_twin(owner=owner)
    done = learning_input_apply(learning_input=_input(twin, owner), actor=owner)
    assert (done.version.version, done.version.based_on, done.version.spec) == (
        "1.0.0",
        None,
        {"guardrails": {"forbidden_topics": ["crypto"]}},
    )


def test_applying_twice_is_a_409_and_writes_nothing(twin, owner):
    learning_input = _input(twin, owner)
    learning_input_apply(learning_input=learning_input, actor=owner)
    with pytest.raises(LearningInputNotPendingError) as refused:
        learning_input_apply(learning_input=learning_input, actor=owner)
    assert refused.value.status_code == 409
    assert _versions(twin) == [("1.0.0", "active"), ("1.0.1", "draft")]


def test_a_rejected_input_cannot_be_applied_and_keeps_its_note(twin, owner):
    learning_input = _input(twin, owner)
    rejected = learning_input_reject(learning_input=learning_input, actor=owner, review_note="Too broad.")
    assert (rejected.status, rejected.review_note, rejected.decided_by) == ("rejected", "Too broad.", owner)
    with pytest.raises(LearningInputNotPendingError):
        learning_input_apply(learning_input=learning_input, actor=owner)
    with pytest.raises(LearningInputNotPendingError):
        learning_input_reject(learning_input=learning_input, actor=owner, review_note="again")
    stored = LearningInput.objects.get(pk=learning_input.pk)
    assert (stored.status, stored.review_note, stored.applied_version) == ("rejected", "Too broad.", None)
    assert _versions(twin) == [("1.0.0", "active")]


def test_an_applied_input_cannot_be_rejected(twin, owner):
    learning_input = _input(twin, owner)
    learning_input_apply(learning_input=learning_input, actor=owner)
    with pytest.raises(LearningInputNotPendingError):
        learning_input_reject(learning_input=learning_input, actor=owner)
    assert LearningInput.objects.get(pk=learning_input.pk).status == "applied"


def test_a_result_that_breaks_the_spec_schema_is_a_400_with_fields_and_writes_nothing(owner):
    twin = make_twin(owner=owner)
    full = [{"question": f"Q{n}?", "answer": "A."} for n in range(500)]
    make_spec_version(twin=twin, spec=make_spec(faq_library=full), publish=True)
    learning_input = _input(twin, owner, "add_faq_answer", {"question": "One more?", "answer": "No room."})
    with pytest.raises(PersonaSpecInvalidError) as refused:
        learning_input_apply(learning_input=learning_input, actor=owner)
    assert refused.value.status_code == 400
    assert refused.value.fields == {"spec.faq_library": ["must have at most 500 items"]}
    assert LearningInput.objects.get(pk=learning_input.pk).status == "pending"
    assert _versions(twin) == [("1.0.0", "active")]


def test_a_stored_style_preference_touching_identity_voice_is_refused_again_at_apply(twin, owner):
    learning_input = _input(twin, owner, "add_style_preference", {"brevity_default": "long"})
    # As if the row had been changed behind the service's back: the apply checks again.
    LearningInput.objects.filter(pk=learning_input.pk).update(
        payload={"brevity_default": "long", "identity_voice": {"name": "Someone Else"}}
    )
    with pytest.raises(PersonaFundamentalChangeError):
        learning_input_apply(learning_input=learning_input, actor=owner)
    assert LearningInput.objects.get(pk=learning_input.pk).status == "pending"
    assert _versions(twin) == [("1.0.0", "active")]
    assert not RegressionCase.objects.exists()
