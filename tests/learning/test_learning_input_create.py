"""Learning inputs are typed: an add_faq_answer payload must fit the persona spec's FAQ entries."""

from __future__ import annotations

import pytest

from learning.errors import LearningInputInvalidError
from learning.models import LearningInput
from learning.services import learning_input_create
from runtime.services import conversation_start
from tests.factories import make_spec_version, make_twin


@pytest.fixture
def twin(owner):
    return make_twin(owner=owner)


def _create(twin, owner, payload, input_type="add_faq_answer", **sources):
    return learning_input_create(twin=twin, input_type=input_type, payload=payload, actor=owner, **sources)


def test_an_faq_answer_is_stored_pending_with_its_template_spelled_out(twin, owner):
    made = _create(twin, owner, {"question": "Office hours?", "answer": "Fridays at 4pm."})
    stored = LearningInput.objects.get(pk=made.pk)
    assert (stored.input_type, stored.status, stored.created_by) == ("add_faq_answer", "pending", owner)
    assert stored.payload == {"question": "Office hours?", "answer": "Fridays at 4pm.", "template": None}


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"question": "Q?"}, {"payload.answer": ["is required"]}),
        ({"question": "", "answer": "A."}, {"payload.question": ["must not be empty"]}),
        ({"question": "Q?", "answer": "A.", "source": "x"}, {"payload.source": ["unknown key"]}),
        ({"question": "Q?", "answer": "x" * 4001}, {"payload.answer": ["must be at most 4000 characters"]}),
        ({"question": "Q?", "answer": "A.", "template": 3}, {"payload.template": ["must be a string or null"]}),
        (["Q?", "A."], {"payload": ["must be an object"]}),
    ],
)
def test_an_faq_answer_that_would_not_fit_the_spec_is_refused_with_its_fields(twin, owner, payload, fields):
    with pytest.raises(LearningInputInvalidError) as refused:
        _create(twin, owner, payload)
    assert refused.value.fields == fields
    assert not LearningInput.objects.exists()


def test_an_unknown_input_type_is_refused(twin, owner):
    with pytest.raises(LearningInputInvalidError) as refused:
        _create(twin, owner, {"x": 1}, input_type="add_opinion")
    assert set(refused.value.fields) == {"input_type"}


def test_sources_and_base_version_must_belong_to_the_same_twin(twin, owner):
    elsewhere = make_twin(owner=owner)
    conversation = conversation_start(twin=elsewhere, interaction_context="owner_chat")
    with pytest.raises(LearningInputInvalidError) as refused:
        _create(
            twin,
            owner,
            {"question": "Q?", "answer": "A."},
            base_version=make_spec_version(twin=elsewhere),
            source_conversation=conversation,
        )
    assert set(refused.value.fields) == {"base_version", "source_conversation"}
