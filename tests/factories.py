"""Small builders for test data; call them inside the tenant whose rows they make."""

from __future__ import annotations

import itertools

from specs.models import PersonaSpec, Twin
from specs.services import spec_version_create_draft, spec_version_publish
from twinproject.accounts.models import User
from twinproject.accounts.services import api_token_issue

_seq = itertools.count(1)


def make_owner(**overrides) -> User:
    n = next(_seq)
    fields = {"username": f"owner-{n}", "email": f"owner-{n}@example.com", "is_staff": True}
    fields.update(overrides)
    password = fields.pop("password", "owner-pass")
    user = User(**fields)
    user.set_password(password)
    user.save()
    return user


def make_token(user: User) -> str:
    _token, key = api_token_issue(user=user)
    return key


def make_twin(*, owner: User, **overrides) -> Twin:
    n = next(_seq)
    fields = {"name": f"Twin {n}", "slug": f"twin-{n}"}
    fields.update(overrides)
    return Twin.objects.create(owner=owner, **fields)


def make_spec_version(*, twin: Twin, spec: dict | None = None, publish: bool = False, **overrides) -> PersonaSpec:
    """A draft version made through the service (published too with ``publish=True``)."""
    fields = {"actor": twin.owner, "spec": spec if spec is not None else make_spec()}
    fields.update(overrides)
    version = spec_version_create_draft(twin=twin, **fields)
    return spec_version_publish(version=version, actor=twin.owner) if publish else version


def make_spec(**sections) -> dict:
    """A small valid persona spec; keyword arguments replace whole top-level sections."""
    spec = {
        "identity_voice": {"name": "Test Persona", "voice_rules": ["Be direct."], "signature_phrases": ["Let's see."]},
        "interaction_style": {"tone_sliders": {"directness": 0.8}, "do_not_say": ["synergy"]},
        "guardrails": {"forbidden_topics": ["medical advice"]},
    }
    spec.update(sections)
    return spec
