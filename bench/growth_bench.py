"""Growth: a turn's latency and the review queue's first page at 10k, 100k and 1M stored turns in one tenant.

The history is bulk-loaded in the database (bench/history.py), stage by stage; after each stage
the benchmark times turns (``chat_turn_create``) in conversations of the history and the owner's
first queue page (``GET /twins/{id}/owner-review-queue`` through the whole Django stack), and
EXPLAIN ANALYZEs every SELECT that a turn and the queue page ran, flagging sequential scans of
the growing tables. Figures are min/median/max over runs; the router's per-text caches are warm
here (the same messages repeat), so the latency is what changes with the history.

Each turn's and page's time spent waiting for the database is reported beside its total, so a
drift can be placed on one side or the other. ``BENCH_PROFILE=1`` also profiles the turns and
the pages of every stage with pyinstrument and writes the profiles to
``bench/results/profile-growth-<turns>-<turn|queue>.txt``.

``BENCH_QUICK=1`` loads 2k, 10k and 20k turns instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import django_setup, latency_summary, machine, percentile, quick, spread, versions, write_json

SCHEMA = "bench_growth"
DOMAIN = "bench-growth.localhost"
GROWING = {
    "runtime_message",
    "runtime_routingdecisionrecord",
    "runtime_responseaudit",
    "review_reviewitem",
    "runtime_conversation",
}


def _stages() -> list[int]:
    raw = os.environ.get("BENCH_GROWTH_STAGES")
    if raw:
        return [int(x) for x in raw.split(",")]
    return [2_000, 10_000, 20_000] if quick() else [10_000, 100_000, 1_000_000]


def _conversation_id(number: int) -> uuid.UUID:
    return uuid.UUID(hashlib.md5(f"c{number}".encode()).hexdigest())


def template_turns(bench, scripts: list) -> list[str]:
    """Real turns of the mix, one conversation each; their user message ids."""
    from bench.fixtures import conversations_create
    from runtime.models import Conversation
    from runtime.services import chat_turn_create

    ids = []
    for (conversation_id, _key), script in zip(conversations_create(bench, len(scripts)), scripts, strict=True):
        conversation = Conversation.objects.select_related("twin").get(pk=conversation_id)
        for body in script.turns:
            turn = chat_turn_create(
                conversation=conversation, content=body["content"], pinned_context=body.get("pinned_context")
            )
        ids.append(str(turn.user_message.pk))
    return ids


class DatabaseTime:
    """Milliseconds spent in the database's calls (execute and fetch of each query) while active."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - start) * 1000

    def __enter__(self) -> DatabaseTime:
        from django.db import connection

        self._wrapped = connection.execute_wrapper(self)
        self._wrapped.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self._wrapped.__exit__(*exc_info)


def turns_time(
    *, conversations: int, bodies: list[dict], count: int, rng: random.Random
) -> tuple[list[float], list[float]]:
    """Milliseconds per ``chat_turn_create`` in random conversations of the history, and of those in the database."""
    from runtime.models import Conversation
    from runtime.services import chat_turn_create

    samples, database = [], []
    for _ in range(count):
        conversation = Conversation.objects.select_related("twin").get(
            pk=_conversation_id(rng.randrange(conversations))
        )
        body = rng.choice(bodies)
        start = time.perf_counter()
        with DatabaseTime() as waited:
            chat_turn_create(
                conversation=conversation, content=body["content"], pinned_context=body.get("pinned_context")
            )
        samples.append((time.perf_counter() - start) * 1000)
        database.append(waited.ms)
    return samples, database


def queue_page_time(client, url: str, count: int) -> tuple[list[float], list[float], dict]:
    samples, database, body = [], [], {}
    for _ in range(count):
        start = time.perf_counter()
        with DatabaseTime() as waited:
            response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        database.append(waited.ms)
        if response.status_code != 200:
            raise RuntimeError(f"queue page answered {response.status_code}: {response.content[:300]!r}")
        body = response.json()
    return samples, database, {"count": body.get("count"), "page": len(body.get("results", []))}


def _profiled(name: str, run) -> None:
    """Run ``run`` under pyinstrument and write its profile to bench/results (``BENCH_PROFILE=1`` only)."""
    if os.environ.get("BENCH_PROFILE", "") in ("", "0"):
        return
    from pyinstrument import Profiler

    from bench.common import RESULTS

    profiler = Profiler(interval=0.0005)
    profiler.start()
    run()
    profiler.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"profile-growth-{name}.txt"
    path.write_text(profiler.output_text(unicode=True, show_all=False))
    print(f"  profile: {path}", flush=True)


def _plan_scans(node: dict, found: list[str]) -> None:
    kind = node.get("Node Type", "")
    if "Scan" in kind:
        relation = node.get("Relation Name") or node.get("Index Name") or ""
        index = node.get("Index Name")
        found.append(f"{kind} on {relation}" + (f" using {index}" if index and relation != index else ""))
    for child in node.get("Plans", []):
        _plan_scans(child, found)


def explain_selects(queries: list[str]) -> list[dict]:
    """EXPLAIN (ANALYZE, FORMAT JSON) of each SELECT run; whether any scans a growing table sequentially."""
    from django.db import connection

    plans, shapes = [], set()
    for sql in queries:
        text = sql.strip()
        shape = re.sub(r"'[^']*'|\b\d+\b", "?", text)
        if shape in shapes:
            continue  # the same query with other values
        shapes.add(shape)
        if not text.upper().startswith(("SELECT", "WITH")) or "set_config" in text or "FOR UPDATE" in text.upper():
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + text)
            plan = cursor.fetchone()[0]
        plan = plan if isinstance(plan, list) else json.loads(plan)
        scans: list[str] = []
        _plan_scans(plan[0]["Plan"], scans)
        sequential = [s for s in scans if s.startswith("Seq Scan") and s.split(" on ")[1] in GROWING]
        plans.append(
            {
                "query": " ".join(text.split())[:160],
                "execution_ms": round(plan[0]["Execution Time"], 3),
                "planning_ms": round(plan[0]["Planning Time"], 3),
                "scans": scans,
                "sequential_scans_of_growing_tables": sequential,
            }
        )
    return plans


def _captured(run) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return [q["sql"] for q in captured.captured_queries]


def main() -> int:
    django_setup()
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from bench.fixtures import MIX_WEIGHTS, bench_tenant_create, message_mix
    from bench.history import BACKLOG_TURNS, TURNS_PER_CONVERSATION, history_check, history_load
    from twinproject.accounts.services import api_token_issue

    rng = random.Random(10)
    runs = 1 if quick() else 3
    per_run_turns = 15 if quick() else 100
    per_run_pages = 10 if quick() else 60
    bench = bench_tenant_create(schema=SCHEMA, domain=DOMAIN, chat_keys=1)
    mix = message_mix()
    singles = [s for kind in ("answer", "clarify", "refuse", "escalate") for s in mix[kind]]
    weights = [MIX_WEIGHTS[s.kind] / len(mix[s.kind]) for s in singles]
    scripts = rng.choices(singles, weights, k=60)
    bodies = [s.turns[0] for s in rng.choices(singles, weights, k=200)]
    capture_bodies = [mix[kind][0].turns[0] for kind in ("answer", "clarify", "refuse", "escalate")]
    with tenant_context(bench.tenant):
        template_ids = template_turns(bench, scripts)
        _token, owner_key = api_token_issue(user=bench.owner)
    client = Client(HTTP_HOST=DOMAIN, HTTP_AUTHORIZATION=f"Token {owner_key}")
    queue_url = f"/twins/{bench.twin.pk}/owner-review-queue"

    stages, loaded, results = _stages(), 0, []
    for target in stages:
        load_s = history_load(
            schema=SCHEMA, tenant_id=bench.tenant.pk, template_ids=template_ids, twin_id=str(bench.twin.pk),
            chat_key_id=str(bench.chat_keys[0][0].pk), start=loaded, stop=target,
        )  # fmt: skip
        rng = random.Random(20)  # every stage sends the same messages, in the same order
        with tenant_context(bench.tenant):
            seen = history_check(twin_id=str(bench.twin.pk))
            if seen["messages"] < 2 * target:
                raise RuntimeError(f"the application sees {seen} after loading {target} turns")
            conversations = target // TURNS_PER_CONVERSATION
            turns_time(conversations=conversations, bodies=bodies, count=5, rng=rng)  # warm
            turn_runs = []
            for _ in range(runs):
                samples, database = turns_time(conversations=conversations, bodies=bodies, count=per_run_turns, rng=rng)
                turn_runs.append({**latency_summary(samples), "database_p50_ms": percentile(database, 50)})
            _profiled(
                f"{target}-turn",
                lambda n=conversations, r=rng: turns_time(conversations=n, bodies=bodies, count=per_run_turns, rng=r),
            )
            turn_queries = _captured(
                lambda n=conversations, r=rng: turns_time(conversations=n, bodies=capture_bodies, count=8, rng=r)
            )
        connection.set_schema_to_public()
        queue_page_time(client, queue_url, 3)  # warm
        page_runs, page_info = [], {}
        for _ in range(runs):
            samples, database, page_info = queue_page_time(client, queue_url, per_run_pages)
            page_runs.append({**latency_summary(samples), "database_p50_ms": percentile(database, 50)})
        _profiled(f"{target}-queue", lambda: queue_page_time(client, queue_url, per_run_pages))
        page_queries = _captured(lambda: client.get(queue_url))
        with tenant_context(bench.tenant):
            explained = {"turn": explain_selects(turn_queries), "queue_page": explain_selects(page_queries)}
            sizes = _table_sizes()
        loaded = target
        stage = {
            "stored_turns": target,
            "load_seconds": round(load_s, 1),
            "turns_per_second_loaded": round((target - (results[-1]["stored_turns"] if results else 0)) / load_s),
            "turn_ms": {f: spread([r[f] for r in turn_runs], 2) for f in ("p50_ms", "p95_ms", "database_p50_ms")},
            "queue_page_ms": {f: spread([r[f] for r in page_runs], 2) for f in ("p50_ms", "p95_ms", "database_p50_ms")},
            "queue": page_info,
            "rows_seen_by_the_application": seen,
            "table_sizes_mb": sizes,
            "explain": explained,
            "sequential_scans": sorted(
                {s for plans in explained.values() for p in plans for s in p["sequential_scans_of_growing_tables"]}
            ),
        }
        results.append(stage)
        print(
            f"  {target:>9,} turns  loaded in {load_s:6.1f} s  turn p50 {stage['turn_ms']['p50_ms']['median']:.1f} ms"
            f" (database {stage['turn_ms']['database_p50_ms']['median']:.1f})"
            f"  queue page p50 {stage['queue_page_ms']['p50_ms']['median']:.1f} ms"
            f" (database {stage['queue_page_ms']['database_p50_ms']['median']:.1f})"
            f"  ({page_info.get('count')} pending)  seq scans: {stage['sequential_scans'] or 'none'}",
            flush=True,
        )
    payload = {
        "benchmark": "growth",
        "machine": machine(),
        "versions": versions(),
        "settings": {
            "backlog_turns": BACKLOG_TURNS,
            "stages": stages,
            "runs": runs,
            "turns_per_run": per_run_turns,
            "pages_per_run": per_run_pages,
        },
        "results": results,
        "drift": _drift(results),
    }
    path = write_json("growth", payload)
    print(f"written to {path}")
    return 0


def _table_sizes() -> dict[str, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND relname = ANY(%s)",
            [sorted(GROWING)],
        )
        return {name: round(size / 2**20, 1) for name, size in cursor.fetchall()}


def _drift(results: list[dict]) -> dict[str, float]:
    """How far the largest stage's medians are from the smallest's, as a fraction."""
    first, last = results[0], results[-1]

    def change(key: str) -> float:
        a, b = first[key]["p50_ms"]["median"], last[key]["p50_ms"]["median"]
        return round((b - a) / a, 3) if a else float("nan")

    return {"turn_p50": change("turn_ms"), "queue_page_p50": change("queue_page_ms")}


if __name__ == "__main__":
    sys.exit(main())
