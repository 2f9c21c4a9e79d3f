"""Persona spec services: drafts, numbering, publish, rollback, their events, and what they refuse."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction

from specs.errors import (
    PersonaSpecImmutableError,
    PersonaSpecInvalidError,
    PersonaSpecTransitionError,
    PersonaSpecVersionInvalidError,
    PersonaSpecVersionTakenError,
)
from specs.models import PersonaSpec, PersonaSpecEvent
from specs.selectors import persona_spec_active
from specs.services import (
    spec_version_create_draft,
    spec_version_next_patch,
    spec_version_publish,
    spec_version_rollback,
    spec_version_seed,
    spec_version_update_draft,
)
from tests.factories import make_spec, make_spec_version, make_twin
from twinproject.demo import DEMO_PERSONA_SPEC

Status = PersonaSpec.Status


@pytest.fixture
def twin(owner):
    return make_twin(owner=owner)


def _statuses(twin) -> dict[str, str]:
    return dict(PersonaSpec.objects.filter(twin=twin).values_list("version", "status"))


def test_the_first_draft_of_a_twin_is_1_0_0_and_each_next_one_the_next_patch(twin, owner):
    assert spec_version_next_patch(twin) == "1.0.0"
    first = make_spec_version(twin=twin)
    second = make_spec_version(twin=twin)
    assert (first.version, second.version) == ("1.0.0", "1.0.1")
    assert second.status == Status.DRAFT and second.source == PersonaSpec.Source.MANUAL
    assert second.created_by == owner


def test_the_next_patch_follows_the_highest_version_by_number_not_by_text(twin):
    make_spec_version(twin=twin, version="9.4.7")
    make_spec_version(twin=twin, version="10.0.0")
    make_spec_version(twin=twin, version="2.0.0")
    assert spec_version_next_patch(twin) == "10.0.1"


def test_a_draft_copied_from_a_version_takes_its_spec_and_records_its_base(twin, owner):
    base = make_spec_version(twin=twin, spec=make_spec(metadata={"origin": "base"}))
    copy = spec_version_create_draft(twin=twin, actor=owner, copy_from=base, notes="tweak tone")
    assert copy.spec == base.spec
    assert copy.based_on == base
    assert copy.notes == "tweak tone"


def test_a_draft_from_a_learning_input_keeps_its_own_spec_and_source(twin, owner):
    base = make_spec_version(twin=twin, publish=True)
    edited = {**base.spec, "faq_library": [{"question": "Hours?", "answer": "Thursdays."}]}
    draft = spec_version_create_draft(
        twin=twin, actor=owner, spec=edited, copy_from=base, source=PersonaSpec.Source.LEARNING_INPUT
    )
    assert draft.spec == edited
    assert (draft.version, draft.source, draft.based_on) == ("1.0.1", "learning_input", base)


def test_a_version_of_another_twin_cannot_be_copied(twin, owner):
    other = make_spec_version(twin=make_twin(owner=owner))
    with pytest.raises(PersonaSpecVersionInvalidError) as caught:
        spec_version_create_draft(twin=twin, actor=owner, copy_from=other)
    assert "copy_from" in caught.value.fields


def test_a_taken_or_malformed_version_label_is_refused(twin, owner):
    make_spec_version(twin=twin, version="2.0.0")
    with pytest.raises(PersonaSpecVersionTakenError) as taken:
        spec_version_create_draft(twin=twin, actor=owner, version="2.0.0")
    assert taken.value.status_code == 409
    for label in ("2.0", "v2.0.0", "02.0.0", "1.0.0-beta"):
        with pytest.raises(PersonaSpecVersionInvalidError):
            spec_version_create_draft(twin=twin, actor=owner, version=label)
    assert PersonaSpec.objects.filter(twin=twin).count() == 1


def test_an_invalid_spec_is_refused_and_no_draft_is_saved(twin, owner):
    with pytest.raises(PersonaSpecInvalidError) as caught:
        spec_version_create_draft(twin=twin, actor=owner, spec={"interaction_style": {"tone_sliders": {"warmth": 9}}})
    assert caught.value.fields == {"spec.interaction_style.tone_sliders.warmth": ["must be <= 1"]}
    assert not PersonaSpec.objects.filter(twin=twin).exists()


def test_the_first_publish_activates_the_draft_and_records_an_event_from_no_version(twin, owner):
    draft = make_spec_version(twin=twin)
    published = spec_version_publish(version=draft, actor=owner)
    assert published.status == Status.ACTIVE and published.published_at is not None
    event = PersonaSpecEvent.objects.get(twin=twin)
    assert (event.kind, event.from_version, event.to_version, event.actor) == ("publish", None, draft, owner)
    assert event.created_at == published.published_at


def test_publish_archives_the_previous_version_and_records_from_and_to(twin, owner):
    first = make_spec_version(twin=twin, publish=True)
    second = make_spec_version(twin=twin)
    spec_version_publish(version=second, actor=owner)
    assert _statuses(twin) == {"1.0.0": "archived", "1.0.1": "active"}
    assert persona_spec_active(twin) == second
    latest = PersonaSpecEvent.objects.filter(twin=twin).first()
    assert (latest.kind, latest.from_version, latest.to_version) == ("publish", first, second)


def test_rollback_publishes_an_earlier_version_again_and_records_a_rollback(twin, owner):
    first = make_spec_version(twin=twin, publish=True)
    second = make_spec_version(twin=twin, publish=True)
    rolled = spec_version_rollback(version=first, actor=owner)
    assert rolled.status == Status.ACTIVE
    assert _statuses(twin) == {"1.0.0": "active", "1.0.1": "archived"}
    latest = PersonaSpecEvent.objects.filter(twin=twin).first()
    assert (latest.kind, latest.from_version, latest.to_version) == ("rollback", second, first)
    assert PersonaSpecEvent.objects.filter(twin=twin).count() == 3


def test_publishing_an_archived_version_is_recorded_as_a_rollback(twin, owner):
    first = make_spec_version(twin=twin, publish=True)
    make_spec_version(twin=twin, publish=True)
    spec_version_publish(version=first, actor=owner)
    assert PersonaSpecEvent.objects.filter(twin=twin).first().kind == "rollback"


def test_a_draft_cannot_be_rolled_back_to_and_the_active_version_cannot_be_published_again(twin, owner):
    active = make_spec_version(twin=twin, publish=True)
    draft = make_spec_version(twin=twin)
    with pytest.raises(PersonaSpecTransitionError, match="never published"):
        spec_version_rollback(version=draft, actor=owner)
    for service in (spec_version_publish, spec_version_rollback):
        with pytest.raises(PersonaSpecTransitionError, match="already the active version"):
            service(version=active, actor=owner)
    assert _statuses(twin) == {"1.0.0": "active", "1.0.1": "draft"}
    assert PersonaSpecEvent.objects.filter(twin=twin).count() == 1


def test_a_draft_edit_changes_its_spec_and_notes(twin):
    draft = make_spec_version(twin=twin)
    edited = spec_version_update_draft(version=draft, spec=make_spec(metadata={"edited": True}), notes="second pass")
    draft.refresh_from_db()
    assert draft.spec["metadata"] == {"edited": True} and draft.notes == "second pass"
    assert edited.updated_at == draft.updated_at


def test_active_and_archived_versions_are_immutable(twin):
    archived = make_spec_version(twin=twin, publish=True)
    active = make_spec_version(twin=twin, publish=True)
    for version in (archived, active):
        before = PersonaSpec.objects.values().get(pk=version.pk)
        with pytest.raises(PersonaSpecImmutableError) as caught:
            spec_version_update_draft(version=version, spec={}, notes="sneaky")
        assert caught.value.status_code == 409
        assert PersonaSpec.objects.values().get(pk=version.pk) == before


def test_an_edit_with_an_invalid_spec_changes_nothing(twin):
    draft = make_spec_version(twin=twin)
    with pytest.raises(PersonaSpecInvalidError):
        spec_version_update_draft(version=draft, spec={"guardrails": {"forbidden_topics": [1]}}, notes="x")
    assert PersonaSpec.objects.get(pk=draft.pk).spec == draft.spec


def test_the_database_refuses_a_second_active_version_of_a_twin(twin):
    make_spec_version(twin=twin, publish=True)
    draft = make_spec_version(twin=twin)
    with pytest.raises(IntegrityError, match="persona_spec_one_active_per_twin"), transaction.atomic():
        PersonaSpec.objects.filter(pk=draft.pk).update(status=Status.ACTIVE, published_at=draft.created_at)


def test_seeding_publishes_1_0_0_once_and_leaves_later_versions_alone(twin, owner):
    spec = json.loads(DEMO_PERSONA_SPEC.read_text())
    seeded = spec_version_seed(twin=twin, actor=owner, spec=spec)
    assert (seeded.version, seeded.status, seeded.source) == ("1.0.0", "active", "import")
    make_spec_version(twin=twin, publish=True)
    assert spec_version_seed(twin=twin, actor=owner, spec=spec) is None
    assert _statuses(twin) == {"1.0.0": "archived", "1.0.1": "active"}
