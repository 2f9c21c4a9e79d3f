"""Admin login throttling: repeated failures lock one username from one address out for a while."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client
from django_tenants.utils import schema_context

from twinproject.accounts.models import User

PASSWORD = "the-right-password"


@pytest.fixture(autouse=True)
def _throttle(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW = 600
    settings.LOGIN_LOCKOUT_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(owner) -> User:
    owner.set_password(PASSWORD)
    owner.save(update_fields=["password"])
    return owner


def _login(host: str, username: str, password: str, address: str = "10.0.0.1"):
    client = Client(HTTP_HOST=host, REMOTE_ADDR=address)
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


def _fail(host: str, username: str, times: int, address: str = "10.0.0.1") -> str:
    for _ in range(times):
        response, logged_in = _login(host, username, "wrong", address)
        assert not logged_in
    return response.content.decode()


def test_after_the_limit_even_the_right_password_is_refused_and_says_why(tenant_a, staff):
    assert "Too many failed logins" not in _fail(tenant_a.host, staff.username, 2)
    assert "Too many failed logins for this account. Try again in 5 minute(s)." in _fail(
        tenant_a.host, staff.username, 1
    )
    response, logged_in = _login(tenant_a.host, staff.username, PASSWORD)
    assert not logged_in
    assert response.status_code == 200
    assert "Too many failed logins" in response.content.decode()


def test_the_lockout_binds_one_username_from_one_address(tenant_a, staff):
    _fail(tenant_a.host, staff.username, 3)
    assert _login(tenant_a.host, staff.username, PASSWORD, address="10.0.0.2")[1]
    assert "Too many failed logins" not in _fail(tenant_a.host, "someone-else", 1)


def test_a_successful_login_clears_the_failures(tenant_a, staff):
    _fail(tenant_a.host, staff.username, 2)
    assert _login(tenant_a.host, staff.username, PASSWORD)[1]
    assert "Too many failed logins" not in _fail(tenant_a.host, staff.username, 2)


def test_the_lockout_ends_after_its_time(tenant_a, staff, monkeypatch):
    _fail(tenant_a.host, staff.username, 3)
    later = time.time() + 301
    monkeypatch.setattr(time, "time", lambda: later)
    assert _login(tenant_a.host, staff.username, PASSWORD)[1]


def test_failures_spread_over_more_than_the_window_do_not_add_up(tenant_a, staff, monkeypatch):
    now = time.time()
    _fail(tenant_a.host, staff.username, 2)
    monkeypatch.setattr(time, "time", lambda: now + 601)
    assert "Too many failed logins" not in _fail(tenant_a.host, staff.username, 2)


def test_the_operators_login_on_the_bare_host_is_throttled_too(tenants, db):
    with schema_context("public"):
        User.objects.create_superuser("operator", "operator@example.com", PASSWORD)
    _fail("localhost", "operator", 3)
    assert not _login("localhost", "operator", PASSWORD)[1]
