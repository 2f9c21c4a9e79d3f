"""The persona spec API: drafts, edits, publish, rollback, diffs and the active Twin Spec, for the owner only."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from specs.models import PersonaSpec, PersonaSpecEvent
from tests.factories import make_owner, make_spec, make_spec_version, make_twin


@pytest.fixture
def twin(owner):
    return make_twin(owner=owner, name="Maya")


@pytest.fixture
def client(api, tenant_a):
    return api(tenant_a, tenant_a.owner_token)


def specs_url(twin, suffix: str = "") -> str:
    return f"/twins/{twin.id}/persona-specs{suffix}"


def _post(client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def _patch(client, url: str, body: dict):
    return client.patch(url, body, content_type="application/json")


def test_the_owner_creates_a_first_draft_and_reads_it_back(client, twin, owner):
    spec = make_spec()
    response = _post(client, specs_url(twin), {"spec": spec, "notes": "first cut"})
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["status"], body["source"], body["notes"]) == ("1.0.0", "draft", "manual", "first cut")
    assert body["spec"] == spec and body["created_by"] == owner.username and body["published_at"] is None
    assert client.get(specs_url(twin, "/1.0.0")).json() == body
    assert PersonaSpec.objects.get(twin=twin).spec == spec


def test_a_draft_can_copy_another_version_and_choose_its_version(client, twin):
    base = make_spec_version(twin=twin, spec=make_spec(metadata={"from": "base"}))
    response = _post(client, specs_url(twin), {"copy_from": base.version, "version": "2.0.0"})
    assert response.status_code == 201
    assert response.json()["spec"] == base.spec
    assert (response.json()["version"], response.json()["based_on"]) == ("2.0.0", "1.0.0")


def test_copying_from_an_unknown_version_is_a_400_on_copy_from(client, twin):
    response = _post(client, specs_url(twin), {"copy_from": "9.9.9"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["copy_from"]
    assert not PersonaSpec.objects.filter(twin=twin).exists()


def test_an_invalid_spec_is_refused_with_field_errors_and_nothing_is_saved(client, twin):
    bad = {"interaction_style": {"tone_sliders": {"directness": 1.5}}, "mood": "sunny"}
    response = _post(client, specs_url(twin), {"spec": bad})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid_spec",
        "message": "The persona spec does not fit its schema.",
        "fields": {"spec.interaction_style.tone_sliders.directness": ["must be <= 1"], "spec.mood": ["unknown key"]},
    }
    assert not PersonaSpec.objects.filter(twin=twin).exists()


def test_a_malformed_or_taken_version_label_is_refused(client, twin):
    make_spec_version(twin=twin)
    taken = _post(client, specs_url(twin), {"version": "1.0.0"})
    assert taken.status_code == 409
    assert taken.json()["error"]["code"] == "version_exists"
    malformed = _post(client, specs_url(twin), {"version": "1.0"})
    assert malformed.status_code == 400
    assert list(malformed.json()["error"]["fields"]) == ["version"]
    assert PersonaSpec.objects.filter(twin=twin).count() == 1


def test_the_list_is_newest_version_first_and_filters_by_status(client, twin, django_assert_max_num_queries):
    for version in ("1.0.0", "1.2.0", "1.10.0"):
        make_spec_version(twin=twin, version=version)
    make_spec_version(twin=twin, version="0.9.0", publish=True)
    client.get(specs_url(twin))  # the host's tenant is now cached in this process
    # tenant switch, token, twin, count, page
    with django_assert_max_num_queries(5):
        listed = client.get(specs_url(twin)).json()
    assert [row["version"] for row in listed["results"]] == ["1.10.0", "1.2.0", "1.0.0", "0.9.0"]
    assert "spec" not in listed["results"][0]
    drafts = client.get(specs_url(twin, "?status=draft")).json()
    assert drafts["count"] == 3
    active = client.get(specs_url(twin, "?status=active")).json()
    assert [row["version"] for row in active["results"]] == ["0.9.0"]
    assert client.get(specs_url(twin, "?status=live")).status_code == 400


def test_the_owner_edits_a_draft(client, twin):
    make_spec_version(twin=twin)
    new_spec = make_spec(guardrails={"forbidden_topics": ["politics"]})
    response = _patch(client, specs_url(twin, "/1.0.0"), {"spec": new_spec, "notes": "stricter"})
    assert response.status_code == 200
    assert response.json()["spec"] == new_spec
    row = PersonaSpec.objects.get(twin=twin)
    assert (row.spec, row.notes) == (new_spec, "stricter")


def test_an_edit_with_an_invalid_spec_is_a_400_and_leaves_the_draft_alone(client, twin):
    draft = make_spec_version(twin=twin)
    response = _patch(client, specs_url(twin, "/1.0.0"), {"spec": {"faq_library": [{"question": "Hours?"}]}})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"spec.faq_library.0.answer": ["is required"]}
    assert PersonaSpec.objects.get(pk=draft.pk).spec == draft.spec


def test_active_and_archived_versions_cannot_be_edited(client, twin):
    make_spec_version(twin=twin, publish=True)
    make_spec_version(twin=twin, publish=True)
    for version in ("1.0.0", "1.0.1"):
        before = PersonaSpec.objects.values().get(twin=twin, version=version)
        response = _patch(client, specs_url(twin, f"/{version}"), {"spec": {}, "notes": "rewrite history"})
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "persona_spec_immutable"
        assert PersonaSpec.objects.values().get(twin=twin, version=version) == before


def test_publish_then_rollback_and_the_twin_spec_follows_every_change(client, twin, owner):
    assert client.get(f"/twins/{twin.id}/twin-spec/active").status_code == 404
    _post(client, specs_url(twin), {"spec": make_spec(identity_voice={"name": "Maya v1"})})
    published = _post(client, specs_url(twin, "/1.0.0/publish"))
    assert published.status_code == 200
    assert published.json()["status"] == "active" and published.json()["published_at"]

    active = client.get(f"/twins/{twin.id}/twin-spec/active").json()
    assert active["active"] is True and active["source_persona_spec_version"] == "1.0.0"
    assert active["twin_spec"]["persona"]["name"] == "Maya v1"
    assert active["twin_spec"]["metadata"]["source_persona_spec_version"] == "1.0.0"

    _post(client, specs_url(twin), {"copy_from": "1.0.0", "spec": make_spec(identity_voice={"name": "Maya v2"})})
    assert _post(client, specs_url(twin, "/1.0.1/publish")).status_code == 200
    assert client.get(f"/twins/{twin.id}/twin-spec/active").json()["twin_spec"]["persona"]["name"] == "Maya v2"
    assert client.get(specs_url(twin, "/1.0.0")).json()["status"] == "archived"

    rolled = _post(client, specs_url(twin, "/1.0.0/rollback"))
    assert rolled.status_code == 200 and rolled.json()["status"] == "active"
    active = client.get(f"/twins/{twin.id}/twin-spec/active").json()
    assert (active["source_persona_spec_version"], active["twin_spec"]["persona"]["name"]) == ("1.0.0", "Maya v1")

    events = client.get(f"/twins/{twin.id}/persona-spec-events").json()["results"]
    assert [(e["kind"], e["from_version"], e["to_version"], e["actor"]) for e in events] == [
        ("rollback", "1.0.1", "1.0.0", owner.username),
        ("publish", "1.0.0", "1.0.1", owner.username),
        ("publish", None, "1.0.0", owner.username),
    ]


def test_publishing_an_archived_version_through_publish_is_recorded_as_a_rollback(client, twin):
    make_spec_version(twin=twin, publish=True)
    make_spec_version(twin=twin, publish=True)
    assert _post(client, specs_url(twin, "/1.0.0/publish")).status_code == 200
    assert PersonaSpecEvent.objects.filter(twin=twin).first().kind == "rollback"


def test_rolling_back_to_a_draft_or_publishing_the_active_version_is_a_409(client, twin):
    make_spec_version(twin=twin, publish=True)
    make_spec_version(twin=twin)
    for path in ("/1.0.1/rollback", "/1.0.0/publish", "/1.0.0/rollback"):
        response = _post(client, specs_url(twin, path))
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "invalid_transition"
    assert PersonaSpecEvent.objects.filter(twin=twin).count() == 1


def test_the_diff_against_the_active_version_lists_each_change(client, twin):
    make_spec_version(twin=twin, spec=make_spec(), publish=True)
    changed = make_spec(interaction_style={"tone_sliders": {"directness": 0.4}, "do_not_say": ["synergy"]})
    make_spec_version(twin=twin, spec={**changed, "faq_library": [{"question": "Hours?", "answer": "Thursdays."}]})
    response = client.get(specs_url(twin, "/1.0.1/diff?against=active"))
    assert response.status_code == 200
    assert response.json() == {
        "version": "1.0.1",
        "against": "1.0.0",
        "changes": [
            {"path": "interaction_style.tone_sliders.directness", "op": "changed", "before": 0.8, "after": 0.4},
            {
                "path": "faq_library",
                "op": "added",
                "before": None,
                "after": [{"question": "Hours?", "answer": "Thursdays."}],
            },
        ],
    }
    assert client.get(specs_url(twin, "/1.0.1/diff")).json() == response.json()


def test_the_diff_can_compare_with_any_version_or_with_nothing_yet_active(client, twin):
    make_spec_version(twin=twin, spec={"metadata": {"a": 1}})
    make_spec_version(twin=twin, spec={"metadata": {"a": 2}})
    against_first = client.get(specs_url(twin, "/1.0.1/diff?against=1.0.0")).json()
    assert against_first["changes"] == [{"path": "metadata.a", "op": "changed", "before": 1, "after": 2}]
    nothing_active = client.get(specs_url(twin, "/1.0.1/diff")).json()
    assert nothing_active["against"] is None
    assert nothing_active["changes"] == [{"path": "metadata", "op": "added", "before": None, "after": {"a": 2}}]
    assert client.get(specs_url(twin, "/1.0.1/diff?against=3.0.0")).status_code == 404


def test_the_active_twin_spec_is_404_with_a_clear_message_when_nothing_is_published(client, twin):
    make_spec_version(twin=twin)
    response = client.get(f"/twins/{twin.id}/twin-spec/active")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "no_active_persona_spec",
        "message": "This twin has no active persona spec version yet; publish one first.",
        "fields": {},
    }


def test_an_unknown_version_is_a_404(client, twin):
    response = client.get(specs_url(twin, "/4.0.0"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "persona_spec_not_found"


def _every_request(client, twin):
    yield client.get(specs_url(twin))
    yield _post(client, specs_url(twin), {"spec": {}})
    yield client.get(specs_url(twin, "/1.0.0"))
    yield _patch(client, specs_url(twin, "/1.0.1"), {"notes": "mine now"})
    yield _post(client, specs_url(twin, "/1.0.1/publish"))
    yield _post(client, specs_url(twin, "/1.0.0/rollback"))
    yield client.get(specs_url(twin, "/1.0.1/diff"))
    yield client.get(f"/twins/{twin.id}/persona-spec-events")
    yield client.get(f"/twins/{twin.id}/twin-spec/active")


def test_another_owner_of_the_same_tenant_gets_404_everywhere_and_changes_nothing(api, tenant_a, twin, token_for):
    make_spec_version(twin=twin, publish=True)
    make_spec_version(twin=twin)
    stranger = api(tenant_a, token_for(make_owner()))
    for response in _every_request(stranger, twin):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert dict(PersonaSpec.objects.filter(twin=twin).values_list("version", "status")) == {
        "1.0.0": "active",
        "1.0.1": "draft",
    }
    assert PersonaSpecEvent.objects.filter(twin=twin).count() == 1


def test_another_tenants_owner_gets_404_for_my_twins_versions(api, tenant_a, tenant_b, twin):
    make_spec_version(twin=twin, publish=True)
    make_spec_version(twin=twin)
    foreign = api(tenant_b, tenant_b.owner_token)
    for response in _every_request(foreign, twin):
        assert response.status_code == 404
    with tenant_context(tenant_a.tenant):  # the requests left the connection on beta's schema
        assert dict(PersonaSpec.objects.filter(twin=twin).values_list("version", "status")) == {
            "1.0.0": "active",
            "1.0.1": "draft",
        }
