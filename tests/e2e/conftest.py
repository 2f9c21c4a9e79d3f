"""Browser tests: Playwright drives Debian's headless Chromium against a live server in a thread.

The server is Django's own ``LiveServerThread`` (a threaded WSGI server with the whole middleware
chain, static files included) on 127.0.0.1 with a free port; Chromium resolves ``*.localhost`` to
the loopback address, so ``http://e2e.localhost:<port>/`` reaches the tenant ``e2e``. That tenant is
made for the module with committed data (Maya Chen's demo twin, its documents and a visitor's chat
key), as ``tests/api/test_fuzz.py`` does, and its schema is dropped afterwards.

``make test`` installs Chromium first (``apt-get install -y chromium``); these tests are skipped,
saying why, only where no ``chromium`` can be found. Screenshots of every step land in
``tests/artifacts/e2e/`` (git-ignored).
"""

from __future__ import annotations

import http.client
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection
from django.test.testcases import LiveServerThread
from django_tenants.utils import tenant_context

from runtime.services import chat_key_issue, knowledge_document_create
from specs.models import Twin
from specs.services import spec_version_seed
from twinproject.tenancy.models import Tenant
from twinproject.tenancy.services import tenant_provision

SCHEMA = "e2e"
DOMAIN = "e2e.localhost"
OWNER = "maya-e2e"
PASSWORD = "e2e-owner-pass"
ARTIFACTS = Path(settings.BASE_DIR) / "tests" / "artifacts" / "e2e"
FIXTURES = Path(settings.BASE_DIR) / "specs" / "fixtures"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or next((p for p in ("/usr/bin/chromium",) if Path(p).exists()), None)


@dataclass(frozen=True)
class Site:
    """The live server, the e2e tenant's twin and the keys to talk to it."""

    port: int
    tenant: Tenant
    twin_id: str
    owner_token: str
    chat_key: str

    @property
    def base_url(self) -> str:
        return f"http://{DOMAIN}:{self.port}"

    def request(self, method: str, path: str, body: dict | None = None, *, token: str) -> tuple[int, dict[str, Any]]:
        """One API call to the live server, as a client outside the browser makes it."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Host": f"{DOMAIN}:{self.port}", "Authorization": f"Token {token}"}
            payload = None
            if body is not None:
                payload = json.dumps(body)
                headers["Content-Type"] = "application/json"
            client.request(method, path, payload, headers)
            response = client.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            client.close()

    def ask(self, content: str) -> dict[str, Any]:
        """A visitor with the twin's chat key starts a conversation and sends ``content``; the reply."""
        status, conversation = self.request("POST", f"/twins/{self.twin_id}/conversations", {}, token=self.chat_key)
        assert status == 201, conversation
        path = f"/twins/{self.twin_id}/conversations/{conversation['id']}/messages"
        status, reply = self.request("POST", path, {"content": content}, token=self.chat_key)
        assert status == 201, reply
        return reply

    def owner_get(self, path: str) -> dict[str, Any]:
        status, body = self.request("GET", path, token=self.owner_token)
        assert status == 200, body
        return body


def _fill(made) -> tuple[str, str]:
    with tenant_context(made.tenant):
        twin = Twin.objects.create(owner=made.owner, name="Maya Chen", slug="maya-chen")
        spec = json.loads((FIXTURES / "demo_persona_spec.json").read_text())
        spec_version_seed(twin=twin, actor=made.owner, spec=spec, notes="The demo persona.")
        for document in json.loads((FIXTURES / "demo_knowledge.json").read_text()):
            knowledge_document_create(twin=twin, title=document["title"], body=document["text"])
        _row, key = chat_key_issue(twin=twin, actor=made.owner, name="e2e widget")
    return str(twin.pk), key


@pytest.fixture(scope="module")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip(
            "No chromium on this machine, and it could not be installed: `make test` runs "
            "`apt-get install -y chromium` first (as root); install it to run the browser tests."
        )
    return path


@pytest.fixture(scope="module")
def site(chromium, django_db_setup, django_db_blocker) -> Iterator[Site]:
    with django_db_blocker.unblock():
        made = tenant_provision(
            schema_name=SCHEMA, name="E2E", domain=DOMAIN, owner_username=OWNER, owner_password=PASSWORD
        )
        assert made.token_key is not None
        server = None
        try:
            twin_id, chat_key = _fill(made)
            connection.set_schema_to_public()
            server = LiveServerThread("127.0.0.1", StaticFilesHandler)
            server.daemon = True
            server.start()
            server.is_ready.wait(timeout=30)
            if server.error:
                raise server.error
            yield Site(server.port, made.tenant, twin_id, made.token_key, chat_key)
        finally:
            if server is not None:
                server.terminate()
            connection.set_schema_to_public()
            made.tenant.delete(force_drop=True)


@pytest.fixture(autouse=True)
def _database_open_to_the_live_server(django_db_blocker) -> Iterator[None]:
    """The server's threads share pytest-django's database blocker with the tests: keep it open."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="module")
def browser(chromium) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def page(browser, request) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            # What the browser showed when the test failed, for CI's artifacts.
            folder = ARTIFACTS / "failures"
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{request.node.name}.png"), full_page=True)
            (folder / f"{request.node.name}.html").write_text(page.content())
    finally:
        context.close()


class Shots:
    """Numbered screenshots of one journey: ``tests/artifacts/e2e/<journey>/NN-<step>.png``."""

    def __init__(self, journey: str) -> None:
        self.folder = ARTIFACTS / journey
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0
        self.taken: list[Path] = []

    def __call__(self, page: Any, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path
