"""The embedded PostgreSQL bootstrap copes with a data folder left in any state."""

from __future__ import annotations

import os
import signal
import time

import psycopg
import pytest

from twinproject.devdb import Server, _process_alive


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("devdb") / "pg")
    yield srv
    srv.stop()


def _query(srv: Server, sql: str):
    with psycopg.connect(srv.url(), autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else None


def test_a_fresh_folder_is_initialised_with_a_role_that_cannot_bypass_rls(server):
    assert server.start() is True
    assert _query(server, "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user") == [
        (False, False)
    ]


def test_a_running_server_is_reused(server):
    server.start()
    pid = server.postmaster_pid()
    assert server.start() is False
    assert server.postmaster_pid() == pid


def test_data_survives_a_clean_stop_and_start(server):
    server.start()
    _query(server, "CREATE TABLE IF NOT EXISTS kept (n int)")
    _query(server, "INSERT INTO kept VALUES (7)")
    assert server.stop() is True
    assert not server.answers()
    assert server.start() is True
    assert _query(server, "SELECT n FROM kept") == [(7,)]


def test_a_hard_killed_server_is_detected_and_started_again(server):
    server.start()
    pid = server.postmaster_pid()
    os.kill(pid, signal.SIGKILL)
    for _ in range(50):
        if not _process_alive(pid):
            break
        time.sleep(0.1)
    assert not _process_alive(pid)  # gone, or a zombie nobody reaps
    assert server.pid_file.exists()  # the stale pid file that misleads a naive start
    assert server.start() is True
    assert server.answers()
    assert _query(server, "SELECT n FROM kept") == [(7,)]
