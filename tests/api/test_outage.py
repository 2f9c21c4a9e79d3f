"""While PostgreSQL is unreachable the API answers 503 with Retry-After, fast, and recovers by itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory

from twinproject.devdb import Server
from twinproject.outage import DatabaseOutageMiddleware

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "tests.api.urls"


def _assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert json.loads(response.content) == {
        "error": {
            "code": "database_unavailable",
            "message": "The database is unavailable; please retry shortly.",
            "fields": {},
        }
    }


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_the_middleware_turns_a_database_error_into_503(error):
    def get_response(request):
        raise error("connection refused")

    _assert_unavailable(DatabaseOutageMiddleware(get_response)(RequestFactory().get("/twins/")))


def test_other_answers_pass_through_untouched():
    answer = HttpResponse("fine")
    assert DatabaseOutageMiddleware(lambda request: answer)(RequestFactory().get("/twins/")) is answer


def test_a_database_error_in_a_view_answers_503(tenant_a, failing_urls):
    _assert_unavailable(Client(HTTP_HOST=tenant_a.host, raise_request_exception=False).get("/test/database-gone"))


def test_a_database_error_in_an_api_view_answers_503(tenant_a, failing_urls):
    client = Client(HTTP_HOST=tenant_a.host, raise_request_exception=False)
    _assert_unavailable(client.get("/test/database-gone-api", HTTP_AUTHORIZATION=f"Token {tenant_a.owner_token}"))


def test_under_the_admin_the_503_is_a_page(tenant_a, failing_urls):
    response = Client(HTTP_HOST=tenant_a.host, raise_request_exception=False).get("/admin/test/database-gone")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")


# Runs in its own process against its own database server, which it stops and starts.
_PROBE = """
import json, os, sys, time
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import django
django.setup()
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from twinproject.devdb import Server

server = Server(Path(sys.argv[1]))
app = get_wsgi_application()
# Loading the URLconf imports every view once per process; time only the requests.
get_resolver().url_patterns


def call(host, path):
    environ = {}
    setup_testing_defaults(environ)
    environ.update(HTTP_HOST=host, PATH_INFO=path, REQUEST_METHOD="GET")
    seen = {}
    started = time.monotonic()
    body = b"".join(app(environ, lambda status, headers, exc_info=None: seen.update(status=status, headers=headers)))
    return {
        "status": int(seen["status"].split()[0]),
        "retry_after": dict(seen["headers"]).get("Retry-After"),
        "body": json.loads(body),
        "seconds": time.monotonic() - started,
    }


seen = {"up": call("probe.example", "/readyz")}
server.stop()
seen["down_healthz"] = call("probe.example", "/healthz")
seen["down_readyz"] = call("probe.example", "/readyz")
seen["down_api"] = call("alpha.localhost", "/twins/")
seen["down_api_again"] = call("alpha.localhost", "/twins/")
server.start()
seen["back"] = call("probe.example", "/readyz")
print(json.dumps(seen))
"""


def test_with_the_database_stopped_requests_answer_503_fast_and_recover(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("outage") / "pg")
    server.start()
    try:
        env = {**os.environ, "DATABASE_URL": server.url(), "DJANGO_SETTINGS_MODULE": "twinproject.settings_test"}
        run = subprocess.run(
            [sys.executable, "-c", _PROBE, str(server.data_dir)],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        server.stop()
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])

    # A fresh database answers, but nothing is migrated: not ready, and it says why.
    assert seen["up"]["status"] == 503
    assert seen["up"]["body"]["checks"] == {"database": "ok", "migrations": seen["up"]["body"]["checks"]["migrations"]}
    assert "unapplied" in seen["up"]["body"]["checks"]["migrations"]

    assert seen["down_healthz"]["status"] == 200
    assert seen["down_readyz"]["status"] == 503
    assert seen["down_readyz"]["body"]["checks"]["database"] == "unreachable"
    assert seen["down_readyz"]["body"]["error"]["code"] == "not_ready"
    for name in ("down_api", "down_api_again"):
        assert seen[name]["status"] == 503, seen[name]
        assert seen[name]["retry_after"] == "5"
        assert seen[name]["body"]["error"]["code"] == "database_unavailable"
        assert seen[name]["seconds"] < 2, f"{name} took {seen[name]['seconds']:.2f}s"

    # Back up: the same process reconnects on its own.
    assert seen["back"]["body"]["checks"]["database"] == "ok"
