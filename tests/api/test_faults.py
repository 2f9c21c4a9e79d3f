"""Chat under load while PostgreSQL is stopped and started again: 503 fast, recovery, no half-written turn.

A PostgreSQL of this test's own (``devdb.Server`` in a temporary folder) is migrated
and given a tenant with Maya Chen's demo twin; gunicorn serves the application on
127.0.0.1 with two sync workers, as in production (each worker keeps its database
connection between requests: ``CONN_MAX_AGE`` with ``CONN_HEALTH_CHECKS``). Client
threads chat through it while the database is stopped mid-load and started again:

- requests made while it is down answer 503 with ``Retry-After``, each well under
  two seconds; every request made after it is back succeeds, with no restart of the
  application;
- messages answered 503 are retried with their ``client_message_id``: each was
  either stored whole (200, the stored turn) or not at all (201 now);
- the database is then restarted while the workers sit idle on their persistent
  connections: the next requests all succeed (the dead connections are noticed and
  replaced, never used) and no more connections than workers are open;
- afterwards the lineage rows are counted: every user message has exactly one
  reply, one routing decision and one response audit, and review items exist only
  for turns that need them.

Bounded for ``make test``: a few seconds of load, at most ``MAX_REQUESTS_PER_THREAD``
requests per thread. The numbers are printed (``pytest -s``).
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.runtime.conftest import ANSWER, CLARIFY, ESCALATE, REFUSE
from twinproject.devdb import SUPERUSER, Server

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "faults.localhost"
SCHEMA = "faults"
WORKERS = 2
KEYS = 2  # one conversation per key; two threads chat in each, so turns of one conversation race
THREADS = 4
MAX_REQUESTS_PER_THREAD = 150
REVIEW_THRESHOLD = 0.75  # ROUTER_REVIEW_THRESHOLD's default
MESSAGES = (ANSWER, ESCALATE, REFUSE, CLARIFY, "What does Maya think about pricing?")

# Runs in its own process: sets up the test's database, then serves it with gunicorn.
_SERVE = """
import json, sys
from pathlib import Path

import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django_tenants.utils import tenant_context
from gunicorn.app.base import BaseApplication

from runtime.services import chat_key_issue, conversation_start, routing_decide
from specs.models import Twin
from specs.services import spec_version_import
from twinproject.tenancy.services import tenant_provision

fd, workers, keys, host, schema = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
made = tenant_provision(schema_name=schema, name="Faults", domain=host, owner_username="faults-owner")
spec = json.loads((Path(settings.BASE_DIR) / "specs" / "fixtures" / "demo_persona_spec.json").read_text())
with tenant_context(made.tenant):
    twin = Twin.objects.create(owner=made.owner, name="Maya Chen", slug="maya-chen")
    spec_version_import(twin=twin, actor=made.owner, spec=spec)
    chats = []
    for n in range(keys):
        key_row, key = chat_key_issue(twin=twin, actor=made.owner, name=f"load-{n}")
        conversation = conversation_start(twin=twin, interaction_context="public_widget", chat_key=key_row)
        chats.append({"key": key, "conversation_id": str(conversation.pk)})
    # Load the router's models once, here: the forked workers inherit them.
    for message in sys.argv[6:]:
        routing_decide(twin=twin, message=message)
database = settings.DATABASES["default"]
info = {
    "twin_id": str(twin.pk),
    "chats": chats,
    "conn_max_age": database["CONN_MAX_AGE"],
    "conn_health_checks": database["CONN_HEALTH_CHECKS"],
    "connect_timeout": database["OPTIONS"]["connect_timeout"],
}
connections.close_all()


class Serve(BaseApplication):
    def load_config(self):
        options = {"bind": [f"fd://{fd}"], "workers": workers, "worker_class": "sync", "preload_app": True,
                   "timeout": 60, "loglevel": "warning"}
        for name, value in options.items():
            self.cfg.set(name, value)

    def load(self):
        from django.core.wsgi import get_wsgi_application
        return get_wsgi_application()


print(json.dumps(info), flush=True)
Serve().run()
"""


@dataclass
class Sent:
    thread: int
    client_message_id: str
    content: str
    started: float
    seconds: float
    status: int  # 0: no HTTP answer at all
    retry_after: str | None
    code: str | None
    user_message_id: str | None


class Service:
    """The gunicorn process and how to talk to it."""

    def __init__(self, port: int, info: dict) -> None:
        self.port = port
        self.info = info

    def post(self, path: str, body: dict, key: str) -> tuple[int, dict, str | None]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            headers = {"Host": HOST, "Authorization": f"Token {key}", "Content-Type": "application/json"}
            connection.request("POST", path, json.dumps(body), headers)
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"{}"), response.getheader("Retry-After")
        finally:
            connection.close()

    def send(self, thread: int, chat: dict, client_message_id: str, content: str) -> Sent:
        path = f"/twins/{self.info['twin_id']}/conversations/{chat['conversation_id']}/messages"
        started = time.monotonic()
        try:
            status, body, retry_after = self.post(
                path, {"content": content, "client_message_id": client_message_id}, chat["key"]
            )
        except (OSError, http.client.HTTPException, ValueError):
            status, body, retry_after = 0, {}, None
        user_message = body.get("user_message") or {}
        return Sent(
            thread,
            client_message_id,
            content,
            started,
            time.monotonic() - started,
            status,
            retry_after,
            (body.get("error") or {}).get("code"),
            user_message.get("id"),
        )


def _serve(server: Server, tmp: Path) -> tuple[subprocess.Popen, Service]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    env = {
        **os.environ,
        "DATABASE_URL": server.url(),
        "DJANGO_SETTINGS_MODULE": "twinproject.settings_test",
        "PYTHONPATH": str(BASE_DIR),
    }
    out, err = (tmp / "serve.out").open("w"), (tmp / "serve.err").open("w")
    args = [str(listener.fileno()), str(WORKERS), str(KEYS), HOST, SCHEMA, *MESSAGES]
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVE, *args],
        cwd=BASE_DIR,
        env=env,
        stdout=out,
        stderr=err,
        pass_fds=[listener.fileno()],
        start_new_session=True,
    )
    port = listener.getsockname()[1]
    listener.close()  # gunicorn holds its own copy
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        lines = (tmp / "serve.out").read_text().splitlines()
        if lines:
            return process, Service(port, json.loads(lines[0]))
        if process.poll() is not None:
            break
        time.sleep(0.1)
    _stop(process)
    pytest.fail("The server did not start:\n" + (tmp / "serve.err").read_text()[-4000:])


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)


def _load(service: Service, ids: itertools.count, sent: list[Sent], stop: threading.Event, thread: int) -> None:
    chat = service.info["chats"][thread % KEYS]
    for n in range(MAX_REQUESTS_PER_THREAD):
        if stop.is_set():
            return
        result = service.send(thread, chat, f"t{thread}-{next(ids)}", MESSAGES[n % len(MESSAGES)])
        sent.append(result)
        if result.status != 201:
            time.sleep(0.2)  # a client backing off a little, so the outage is probed, not flooded


def _app_connections(server: Server) -> int:
    with psycopg.connect(server.url(role=SUPERUSER, database="postgres"), autocommit=True) as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE usename = 'twin_app' AND pid <> pg_backend_pid()"
        return conn.execute(query).fetchone()[0]


def _lineage(server: Server) -> list[dict]:
    """Every user message with what hangs off it, counted from the rows (as the superuser: RLS aside)."""
    query = f"""
        SELECT u.id::text, u.conversation_id::text, u.sequence, u.client_message_id,
               (SELECT count(*) FROM "{SCHEMA}".runtime_message t WHERE t.reply_to_id = u.id) AS replies,
               (SELECT count(*) FROM "{SCHEMA}".runtime_routingdecisionrecord r WHERE r.message_id = u.id)
                   AS decisions,
               (SELECT count(*) FROM "{SCHEMA}".runtime_responseaudit a
                   JOIN "{SCHEMA}".runtime_message t ON t.id = a.message_id
                   JOIN "{SCHEMA}".runtime_routingdecisionrecord r ON r.id = a.routing_decision_id
                   WHERE t.reply_to_id = u.id AND r.message_id = u.id) AS audits,
               (SELECT a.action FROM "{SCHEMA}".runtime_responseaudit a
                   JOIN "{SCHEMA}".runtime_message t ON t.id = a.message_id WHERE t.reply_to_id = u.id) AS action,
               (SELECT r.confidence FROM "{SCHEMA}".runtime_routingdecisionrecord r WHERE r.message_id = u.id)
                   AS confidence,
               ARRAY(SELECT i.reason FROM "{SCHEMA}".review_reviewitem i WHERE i.message_id = u.id) AS review
        FROM "{SCHEMA}".runtime_message u
        WHERE u.role = 'user'
        ORDER BY u.conversation_id, u.sequence
    """
    columns = ("id", "conversation", "sequence", "client_message_id", "replies", "decisions", "audits", "action")
    with psycopg.connect(server.url(role=SUPERUSER, database="twin"), autocommit=True) as conn:
        rows = [dict(zip((*columns, "confidence", "review"), row, strict=True)) for row in conn.execute(query)]
        orphans = conn.execute(
            f"""SELECT count(*) FROM "{SCHEMA}".runtime_message t
                LEFT JOIN "{SCHEMA}".runtime_message u ON u.id = t.reply_to_id AND u.role = 'user'
                    AND u.conversation_id = t.conversation_id
                WHERE t.role = 'twin' AND u.id IS NULL"""
        ).fetchone()[0]
        strays = conn.execute(
            f"""SELECT count(*) FROM "{SCHEMA}".review_reviewitem i
                JOIN "{SCHEMA}".runtime_message m ON m.id = i.message_id WHERE m.role <> 'user'"""
        ).fetchone()[0]
    assert orphans == 0, f"{orphans} twin replies without their user message"
    assert strays == 0, f"{strays} review items on a message that is not a user's"
    return rows


def _review_problems(rows: list[dict]) -> list[str]:
    """Review items exactly where DESIGN.md's rules call for them, never twice for a turn."""
    problems = []
    previous: dict[str, str | None] = {}
    for row in rows:
        before = previous.get(row["conversation"])
        previous[row["conversation"]] = row["action"]
        review, action = row["review"], row["action"]
        where = f"{row['client_message_id']} ({action}, {row['confidence']:.2f})"
        if len(review) > 1:
            problems.append(f"{where}: {len(review)} review items")
        elif action == "escalate" and review != ["escalation"]:
            problems.append(f"{where}: review {review}, expected an escalation")
        elif action == "refuse" and review != ["refusal"]:
            problems.append(f"{where}: review {review}, expected a refusal")
        elif action == "answer" and row["confidence"] >= REVIEW_THRESHOLD and review:
            problems.append(f"{where}: a confident answer in the review queue")
        elif action == "answer" and row["confidence"] < REVIEW_THRESHOLD and review != ["low_confidence"]:
            problems.append(f"{where}: review {review}, expected low_confidence")
        elif action == "clarify" and review and (before != "clarify" or review != ["clarification_loop"]):
            problems.append(f"{where}: review {review} after a {before}")
    return problems


def test_chat_survives_a_database_restart_under_load_with_no_half_written_turn(tmp_path):
    server = Server(tmp_path / "pg")
    server.start()
    process = None
    try:
        process, service = _serve(server, tmp_path)
        info = service.info
        assert info["conn_health_checks"] is True and info["conn_max_age"] > 0
        ids = itertools.count(1)
        sent: list[Sent] = []

        # Warm up each worker (the first turn loads the router's models), all with the database up.
        for thread in range(THREADS):
            chat = info["chats"][thread % KEYS]
            warm = service.send(thread, chat, f"warm-{thread}", ANSWER)
            assert warm.status == 201, warm
            sent.append(warm)

        stop = threading.Event()
        threads = [threading.Thread(target=_load, args=(service, ids, sent, stop, n)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        stopping = time.monotonic()
        server.stop()
        down = time.monotonic()
        time.sleep(1.5)
        starting = time.monotonic()
        server.start()
        up = time.monotonic()
        time.sleep(2.0)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads)

        during = [s for s in sent if s.started >= down and s.started + s.seconds <= starting]
        after = [s for s in sent if s.started >= up]
        refused = [s for s in sent if s.status != 201]
        assert during, "no request was made while the database was down"
        for result in during:
            assert (result.status, result.retry_after, result.code) == (503, "5", "database_unavailable"), result
            assert result.seconds < 2, result
        assert after and all(s.status == 201 for s in after), [s for s in after if s.status != 201]
        # Around the stop and the start a request may land either side; it must still be 201 or 503.
        assert {s.status for s in sent} <= {201, 503}, Counter(s.status for s in sent)

        # Retried with its client_message_id, a refused message is stored now, or was stored whole already.
        retried = Counter()
        for result in refused:
            chat = info["chats"][result.thread % KEYS]
            again = service.send(result.thread, chat, result.client_message_id, result.content)
            assert again.status in (200, 201), again
            retried[again.status] += 1
            result.user_message_id = again.user_message_id

        # Restart while the workers sit idle on their persistent connections: none may be used dead.
        idle_before = _app_connections(server)
        assert 1 <= idle_before <= WORKERS
        server.stop()
        server.start()
        after_restart = [
            service.send(n, info["chats"][n % KEYS], f"after-restart-{n}-{i}", ANSWER)
            for i in range(2)
            for n in range(THREADS)
        ]
        assert [s.status for s in after_restart] == [201] * len(after_restart), after_restart
        assert _app_connections(server) <= WORKERS
        sent += after_restart

        _stop(process)
        rows = _lineage(server)
    finally:
        if process is not None:
            _stop(process)
        server.stop()

    stored = {row["client_message_id"]: row for row in rows}
    answered = {s.client_message_id: s.user_message_id for s in sent}
    lost = sorted(set(answered) - set(stored))
    unexpected = sorted(set(stored) - set(answered))
    wrong = sorted(cid for cid, message_id in answered.items() if cid in stored and stored[cid]["id"] != message_id)
    half = [row for row in rows if (row["replies"], row["decisions"], row["audits"]) != (1, 1, 1)]
    print(
        f"\nfaults: the database stopped and started twice ({down - stopping:.2f}s to stop under load, "
        f"{up - starting:.2f}s to start); messages sent: {len(sent)} ({dict(Counter(s.status for s in sent))}), "
        f"{len(during)} during the outage (slowest {max(s.seconds for s in during):.3f}s), "
        f"{len(after)} after it; then {len(refused)} retries of the 503s: {dict(retried)} (200: stored before the 503); "
        f"turns checked: {len(rows)}, actions {dict(Counter(r['action'] for r in rows))}, "
        f"review items {sum(len(r['review']) for r in rows)}; lost {len(lost)}, half-written {len(half)}"
    )
    assert not lost, f"answered but not stored: {lost}"
    assert not unexpected, f"stored but never sent: {unexpected}"
    assert not wrong, f"stored under another id than answered: {wrong}"
    assert not half, half
    assert not _review_problems(rows), _review_problems(rows)
