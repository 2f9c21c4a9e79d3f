"""Bulk history for the growth benchmark: stored turns copied from real ones, generated in the database.

A handful of real turns (the message mix through ``chat_turn_create``) become templates; the
history is then written by ``INSERT … SELECT`` over ``generate_series`` in the tenant's schema,
batch by batch, never through the API and without a row crossing the client connection.
(``COPY FROM`` is refused on tables under row-level security, and generating the rows next to the
tables writes the same bytes without sending them.) Every row gets its ``tenant_id`` from the
connection's ``app.tenant_id`` setting, which the caller sets to the tenant's id.

``loader_connection`` prefers the embedded server's superuser, as a restore would: it sets the
tenant's schema and ``app.tenant_id`` and skips the foreign-key triggers
(``session_replication_role = replica``), whose checks cost as much as the inserts; the rows are
consistent by construction, and ``history_check`` counts them through the application's own
connection, under row-level security, afterwards. With another server it loads as the
application role, with the checks, more slowly.

A stored turn is a user message, its routing decision, the twin's message and its audit, plus a
review item where the template turn had one: one in ten of those of the last ``BACKLOG_TURNS``
turns still pending, all older ones resolved (an owner who keeps up with the queue).
Conversations have ``TURNS_PER_CONVERSATION`` turns, spread over a year and a half.
"""

from __future__ import annotations

import queue
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg

TURNS_PER_CONVERSATION = 5
BATCH = 25_000  # a multiple of TURNS_PER_CONVERSATION
LOAD_WORKERS = 2
# Pending review items are those of the last this many turns (about ten days); older ones were resolved.
BACKLOG_TURNS = 20_000
SECONDS_PER_TURN = 45  # 1M turns span about 17 months

_TABLES = {
    "user": "runtime_message",
    "twin": "runtime_message",
    "decision": "runtime_routingdecisionrecord",
    "audit": "runtime_responseaudit",
    "review": "review_reviewitem",
}

# Per table: the columns each generated row sets itself; every other column is the template's.
# {t} is the turn number, {c} its conversation, {p} its position in the conversation.
_OVERRIDES = {
    "user": {
        "id": "md5('u' || {t})::uuid",
        "conversation_id": "md5('c' || {c})::uuid",
        "sequence": "2 * {p} + 1",
        "created_at": "{at}",
        "client_message_id": "NULL",
    },
    "twin": {
        "id": "md5('m' || {t})::uuid",
        "conversation_id": "md5('c' || {c})::uuid",
        "sequence": "2 * {p} + 2",
        "reply_to_id": "md5('u' || {t})::uuid",
        "created_at": "{at}",
    },
    "decision": {"id": "md5('d' || {t})::uuid", "message_id": "md5('u' || {t})::uuid", "created_at": "{at}"},
    "audit": {
        "id": "md5('a' || {t})::uuid",
        "message_id": "md5('m' || {t})::uuid",
        "routing_decision_id": "md5('d' || {t})::uuid",
        "created_at": "{at}",
    },
    "review": {
        "id": "md5('r' || {t})::uuid",
        "conversation_id": "md5('c' || {c})::uuid",
        "message_id": "md5('u' || {t})::uuid",
        "routing_decision_id": "md5('d' || {t})::uuid",
        "status": "CASE WHEN mod({t}, 10) = 0 THEN 'pending' ELSE 'resolved' END",
        "resolved_at": "CASE WHEN mod({t}, 10) = 0 THEN NULL ELSE {at} + interval '1 day' END",
        "resolved_by_id": "NULL",
        "claimed_by_id": "NULL",
        "claimed_until": "NULL",
        "created_at": "{at}",
    },
}


@contextmanager
def loader_connection(*, schema: str, tenant_id: int):
    """A connection to the application's database in ``schema`` with the tenant's setting (see above)."""
    from django.db import connection as django_connection

    from twinproject.db import TENANT_SETTING
    from twinproject.devdb import SUPERUSER, server

    params = django_connection.get_connection_params()
    params = {key: params[key] for key in ("dbname", "host", "port", "user", "password") if params.get(key)}
    # The embedded server's superuser, when the application's database lives on it.
    superuser = params.get("host") == str(server().socket_dir)
    if superuser:
        params["user"] = SUPERUSER
        params.pop("password", None)
    conn = psycopg.connect(**params, cursor_factory=psycopg.ClientCursor, autocommit=True)
    try:
        conn.execute(
            "SELECT set_config('search_path', %s, false), set_config(%s, %s, false)",
            [schema, TENANT_SETTING, str(tenant_id)],
        )
        if superuser:
            conn.execute("SET session_replication_role = replica")
        yield conn
    finally:
        conn.close()


def _columns(conn: psycopg.Connection, table: str) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s AND is_generated = 'NEVER' AND column_name <> 'tenant_id' ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def templates_make(conn: psycopg.Connection, *, user_message_ids: list[str]) -> int:
    """Temporary template tables from these real turns (their user messages); returns how many."""
    with conn.cursor() as cursor:
        for kind in _TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS bench_tmpl_{kind}")
        ids = f"ARRAY[{','.join(['%s'] * len(user_message_ids))}]::uuid[]"
        order = f"array_position({ids}, u.id)"
        cursor.execute(
            f"CREATE TEMP TABLE bench_tmpl_user AS SELECT {order} - 1 AS j, u.* FROM runtime_message u "
            f"WHERE u.id = ANY({ids})",
            [*user_message_ids, *user_message_ids],
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_tmpl_twin AS SELECT u.j, m.* FROM bench_tmpl_user u "
            "JOIN runtime_message m ON m.reply_to_id = u.id"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_tmpl_decision AS SELECT u.j, d.* FROM bench_tmpl_user u "
            "JOIN runtime_routingdecisionrecord d ON d.message_id = u.id"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_tmpl_audit AS SELECT t.j, a.* FROM bench_tmpl_twin t "
            "JOIN runtime_responseaudit a ON a.message_id = t.id"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_tmpl_review AS SELECT u.j, r.* FROM bench_tmpl_user u "
            "JOIN review_reviewitem r ON r.message_id = u.id"
        )
        cursor.execute("SELECT count(*) FROM bench_tmpl_user")
        count = cursor.fetchone()[0]
    return count


def history_load(
    *, schema: str, tenant_id: int, template_ids: list[str], twin_id: str, chat_key_id: str | None, start: int,
    stop: int, workers: int = LOAD_WORKERS,
) -> float:  # fmt: skip
    """Turns ``start`` … ``stop - 1`` and their conversations, in batches of one transaction each; seconds taken.

    ``workers`` connections load batches side by side (the database does the work; one connection
    keeps one core busy). Batches start on a conversation's first turn, so none is split.
    """
    began = time.perf_counter()
    batches = queue.SimpleQueue()
    for low in range(start, stop, BATCH):
        batches.put((low, min(stop, low + BATCH)))

    def work() -> None:
        with loader_connection(schema=schema, tenant_id=tenant_id) as conn:
            templates = templates_make(conn, user_message_ids=template_ids)
            columns = {kind: _columns(conn, table) for kind, table in _TABLES.items()}
            while True:
                try:
                    low, high = batches.get_nowait()
                except queue.Empty:
                    return
                with conn.transaction(), conn.cursor() as cursor:
                    _conversations_insert(cursor, twin_id, chat_key_id, low, high)
                    for kind, table in _TABLES.items():
                        _rows_insert(cursor, kind, table, columns[kind], low, high, templates, twin_id)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done in [pool.submit(work) for _ in range(workers)]:
            done.result()
    with loader_connection(schema=schema, tenant_id=tenant_id) as conn:
        _backlog_trim(conn, twin_id=twin_id, newest=stop)
        for table in sorted(set(_TABLES.values()) | {"runtime_conversation"}):
            conn.execute(f"ANALYZE {table}")
    return time.perf_counter() - began


def _backlog_trim(conn: psycopg.Connection, *, twin_id: str, newest: int) -> None:
    """The owner keeps up: items older than the last ``BACKLOG_TURNS`` turns are resolved by now."""
    oldest_pending = _AT.format(t=max(0, newest - BACKLOG_TURNS), s=SECONDS_PER_TURN)
    conn.execute(
        "UPDATE review_reviewitem SET status = 'resolved', resolved_at = created_at + interval '1 day' "
        f"WHERE twin_id = %s AND status = 'pending' AND created_at < {oldest_pending}",
        [twin_id],
    )


def history_check(*, twin_id: str) -> dict[str, int]:
    """Rows the application's connection sees for the twin, under row-level security (call in tenant_context)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM runtime_conversation WHERE twin_id = %s), "
            "(SELECT count(*) FROM runtime_message m JOIN runtime_conversation c ON c.id = m.conversation_id "
            "WHERE c.twin_id = %s), (SELECT count(*) FROM review_reviewitem WHERE twin_id = %s)",
            [twin_id, twin_id, twin_id],
        )
        conversations, messages, items = cursor.fetchone()
    return {"conversations": conversations, "messages": messages, "review_items": items}


_AT = "(timestamptz '2024-01-01' + ({t} * interval '{s} seconds'))"


def _conversations_insert(cursor, twin_id: str, chat_key_id: str | None, low: int, high: int) -> None:
    first = -(-low // TURNS_PER_CONVERSATION)  # conversations whose first turn is in this batch
    last = -(-high // TURNS_PER_CONVERSATION)
    at = _AT.format(t=f"c * {TURNS_PER_CONVERSATION}", s=SECONDS_PER_TURN)
    cursor.execute(
        "INSERT INTO runtime_conversation (id, twin_id, interaction_context, visitor_id, chat_key_id, "
        "created_at, updated_at) "
        f"SELECT md5('c' || c)::uuid, %s, 'public_widget', 'history-' || c, %s, {at}, {at} "
        "FROM generate_series(%s, %s) AS g(c)",
        [twin_id, chat_key_id, first, last - 1],
    )


def _rows_insert(
    cursor, kind: str, table: str, columns: list[str], low: int, high: int, templates: int, twin_id: str
) -> None:
    t, c, p = "g.t", f"(g.t / {TURNS_PER_CONVERSATION})", f"mod(g.t, {TURNS_PER_CONVERSATION})"
    at = _AT.format(t="g.t", s=SECONDS_PER_TURN)
    overrides = {name: expr.format(t=t, c=c, p=p, at=at) for name, expr in _OVERRIDES[kind].items()}
    if kind == "review":
        overrides["twin_id"] = "%(twin)s::uuid"
    values = [overrides.get(name, f"x.{name}") for name in columns]
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM generate_series(%(low)s, %(high)s) AS g(t) JOIN bench_tmpl_{kind} x ON x.j = mod(g.t, %(n)s)",
        {"low": low, "high": high - 1, "n": templates, "twin": twin_id},
    )
