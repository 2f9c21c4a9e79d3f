"""The owner's persona spec admin: drafts edited as JSON, diffs, and publish/rollback behind a confirmation page."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from specs.models import PersonaSpec, PersonaSpecEvent
from tests.factories import make_owner, make_spec, make_spec_version, make_twin

CHANGELIST = "/admin/specs/personaspec/"
ADD = "/admin/specs/personaspec/add/"


@pytest.fixture
def twin(owner):
    return make_twin(owner=owner, name="Maya")


@pytest.fixture
def admin_client(tenant_a, owner) -> Client:
    client = Client(HTTP_HOST=tenant_a.host)
    client.force_login(owner)
    return client


def change_url(version: PersonaSpec) -> str:
    return f"/admin/specs/personaspec/{version.pk}/change/"


def confirm_url(version: PersonaSpec, transition: str) -> str:
    return f"/admin/specs/personaspec/{version.pk}/{transition}/confirm/"


def _form_errors(response) -> dict:
    return response.context["adminform"].form.errors


def test_the_twin_page_lists_its_versions_with_status_and_source(admin_client, twin):
    make_spec_version(twin=twin, publish=True, notes="launch")
    make_spec_version(twin=twin)
    page = admin_client.get(f"/admin/specs/twin/{twin.pk}/change/").content.decode()
    assert "Persona spec versions" in page
    assert "1.0.0" in page and "1.0.1" in page
    assert "<strong>Active</strong>" in page and "Draft" in page and "Manual" in page and "launch" in page
    assert page.index("1.0.1") < page.index("1.0.0")  # highest version first


def test_the_twin_list_shows_each_twins_active_version(admin_client, twin):
    make_spec_version(twin=twin, version="3.1.4", publish=True)
    page = admin_client.get("/admin/specs/twin/").content.decode()
    assert "3.1.4" in page


def test_an_owner_adds_a_draft_with_its_spec_as_json(admin_client, twin, owner):
    spec = make_spec()
    response = admin_client.post(ADD, {"twin": twin.pk, "version": "", "spec": json.dumps(spec), "notes": "by hand"})
    assert response.status_code == 302
    draft = PersonaSpec.objects.get(twin=twin)
    assert (draft.version, draft.status, draft.source, draft.created_by) == ("1.0.0", "draft", "manual", owner)
    assert (draft.spec, draft.notes) == (spec, "by hand")


def test_a_new_draft_left_empty_copies_the_version_it_is_based_on(admin_client, twin):
    base = make_spec_version(twin=twin, publish=True)
    form = admin_client.get(f"{ADD}?twin={twin.pk}&based_on={base.pk}")
    assert form.status_code == 200
    response = admin_client.post(ADD, {"twin": twin.pk, "based_on": base.pk, "version": "2.0.0", "spec": ""})
    assert response.status_code == 302
    draft = PersonaSpec.objects.get(twin=twin, version="2.0.0")
    assert (draft.spec, draft.based_on) == (base.spec, base)


def test_an_invalid_spec_is_shown_on_the_field_and_nothing_is_saved(admin_client, twin):
    bad = {"interaction_style": {"tone_sliders": {"directness": 1.5}}}
    response = admin_client.post(ADD, {"twin": twin.pk, "spec": json.dumps(bad)})
    assert response.status_code == 200
    assert _form_errors(response) == {"spec": ["spec.interaction_style.tone_sliders.directness: must be <= 1"]}
    assert "spec.interaction_style.tone_sliders.directness: must be &lt;= 1" in response.content.decode()
    assert not PersonaSpec.objects.filter(twin=twin).exists()


def test_malformed_json_and_a_bad_version_are_shown_on_their_fields(admin_client, twin):
    response = admin_client.post(ADD, {"twin": twin.pk, "version": "1.0", "spec": "{not json"})
    assert response.status_code == 200
    assert set(_form_errors(response)) == {"spec", "version"}
    assert not PersonaSpec.objects.filter(twin=twin).exists()


def test_a_taken_version_is_refused_by_the_form(admin_client, twin):
    make_spec_version(twin=twin)
    response = admin_client.post(ADD, {"twin": twin.pk, "version": "1.0.0", "spec": "{}"})
    assert response.status_code == 200
    assert _form_errors(response)
    assert PersonaSpec.objects.filter(twin=twin).count() == 1


def test_a_drafts_spec_is_edited_as_pretty_json(admin_client, twin):
    draft = make_spec_version(twin=twin)
    page = admin_client.get(change_url(draft)).content.decode()
    assert '<textarea name="spec"' in page
    assert "\n  &quot;identity_voice&quot;: {\n    &quot;name&quot;" in page  # indented, one key a line
    new_spec = make_spec(metadata={"edited": "in admin"})
    response = admin_client.post(change_url(draft), {"spec": json.dumps(new_spec), "notes": "edited"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.spec, draft.notes, draft.status) == (new_spec, "edited", "draft")


def test_an_invalid_edit_of_a_draft_is_shown_inline_and_the_draft_keeps_its_spec(admin_client, twin):
    draft = make_spec_version(twin=twin)
    response = admin_client.post(change_url(draft), {"spec": json.dumps({"guardrails": {"nope": []}}), "notes": ""})
    assert response.status_code == 200
    assert _form_errors(response) == {"spec": ["spec.guardrails.nope: unknown key"]}
    assert PersonaSpec.objects.get(pk=draft.pk).spec == draft.spec


def test_active_and_archived_versions_open_read_only_and_refuse_a_post(admin_client, twin):
    archived = make_spec_version(twin=twin, publish=True)
    active = make_spec_version(twin=twin, publish=True)
    for version in (archived, active):
        page = admin_client.get(change_url(version)).content.decode()
        assert '<textarea name="spec"' not in page
        assert "&quot;identity_voice&quot;" in page  # the spec, pretty-printed and read-only
        before = PersonaSpec.objects.values().get(pk=version.pk)
        assert admin_client.post(change_url(version), {"spec": "{}", "notes": "x"}).status_code == 403
        assert PersonaSpec.objects.values().get(pk=version.pk) == before
    assert "Roll back to this version" in admin_client.get(change_url(archived)).content.decode()


def test_each_versions_page_shows_its_diff_against_the_active_version(admin_client, twin):
    active = make_spec_version(twin=twin, publish=True)
    draft = make_spec_version(twin=twin, spec=make_spec(interaction_style={"tone_sliders": {"directness": 0.3}}))
    page = admin_client.get(change_url(draft)).content.decode()
    assert "Changes against the active version (1.0.0)" in page
    assert "<code>interaction_style.tone_sliders.directness</code>" in page
    assert "<code>interaction_style.do_not_say</code>" in page
    assert "Publish…" in page
    assert "This is the active version." in admin_client.get(change_url(active)).content.decode()


def test_the_publish_action_confirms_with_the_diff_and_then_publishes(admin_client, twin, owner):
    first = make_spec_version(twin=twin, publish=True)
    draft = make_spec_version(twin=twin, spec=make_spec(metadata={"release": "two"}))
    response = admin_client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    assert response["Location"] == confirm_url(draft, "publish")

    confirmation = admin_client.get(response["Location"])
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert "will replace 1.0.0 as the active persona spec" in page
    assert "<code>metadata</code>" in page and "Yes, publish 1.0.1" in page
    assert PersonaSpec.objects.get(pk=draft.pk).status == "draft"  # nothing happens before the confirmation

    done = admin_client.post(confirm_url(draft, "publish"))
    assert done.status_code == 302 and done["Location"] == change_url(draft)
    assert dict(PersonaSpec.objects.filter(twin=twin).values_list("version", "status")) == {
        "1.0.0": "archived",
        "1.0.1": "active",
    }
    event = PersonaSpecEvent.objects.filter(twin=twin).first()
    assert (event.kind, event.from_version, event.to_version, event.actor) == ("publish", first, draft, owner)


def test_the_rollback_action_confirms_and_publishes_the_archived_version_again(admin_client, twin):
    first = make_spec_version(twin=twin, publish=True)
    make_spec_version(twin=twin, publish=True)
    response = admin_client.post(CHANGELIST, {"action": "rollback_selected", "_selected_action": [first.pk]})
    assert response["Location"] == confirm_url(first, "rollback")
    assert "Yes, roll back to 1.0.0" in admin_client.get(response["Location"]).content.decode()
    admin_client.post(confirm_url(first, "rollback"))
    first.refresh_from_db()
    assert first.status == "active"
    assert PersonaSpecEvent.objects.filter(twin=twin).first().kind == "rollback"


def test_an_action_on_several_versions_asks_for_exactly_one(admin_client, twin):
    drafts = [make_spec_version(twin=twin), make_spec_version(twin=twin)]
    response = admin_client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": [d.pk for d in drafts]}, follow=True
    )
    assert "Select exactly one version." in response.content.decode()
    assert not PersonaSpec.objects.filter(twin=twin, status="active").exists()


def test_a_refused_transition_is_reported_and_changes_nothing(admin_client, twin):
    draft = make_spec_version(twin=twin)
    response = admin_client.post(confirm_url(draft, "rollback"), follow=True)
    assert "was never published" in response.content.decode()
    assert PersonaSpec.objects.get(pk=draft.pk).status == "draft"
    assert not PersonaSpecEvent.objects.filter(twin=twin).exists()


def test_another_owner_cannot_see_open_or_publish_my_versions(tenant_a, twin):
    draft = make_spec_version(twin=twin)
    stranger = Client(HTTP_HOST=tenant_a.host)
    stranger.force_login(make_owner())
    assert "1.0.0" not in stranger.get(CHANGELIST).content.decode()
    assert stranger.get(change_url(draft)).status_code == 302  # the admin redirects away from unknown objects
    assert stranger.get(confirm_url(draft, "publish")).status_code == 404
    assert stranger.post(confirm_url(draft, "publish")).status_code == 404
    response = stranger.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [draft.pk]})
    assert response.status_code in (200, 302) and "confirm" not in response.get("Location", "")
    assert stranger.post(ADD, {"twin": twin.pk, "spec": "{}"}).status_code == 200  # the twin is not a valid choice
    assert PersonaSpec.objects.filter(twin=twin).count() == 1
    assert PersonaSpec.objects.get(pk=draft.pk).status == "draft"


def test_the_publish_history_is_listed_read_only(admin_client, twin):
    make_spec_version(twin=twin, publish=True)
    page = admin_client.get("/admin/specs/personaspecevent/")
    assert page.status_code == 200
    assert "Publish" in page.content.decode()
    event = PersonaSpecEvent.objects.get(twin=twin)
    assert admin_client.post(f"/admin/specs/personaspecevent/{event.pk}/change/", {}).status_code == 403
