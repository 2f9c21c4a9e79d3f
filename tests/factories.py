"""Small builders for test data; call them inside the tenant whose rows they make."""

from __future__ import annotations

import itertools

from specs.models import Twin
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
