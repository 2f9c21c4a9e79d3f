"""Chat turns over HTTP against the floor: gunicorn on 127.0.0.1, wrk from a second process.

At 1, 8 and 32 concurrent clients, the same plan of visitors' conversations (bench/fixtures.py:
answers with retrieval, clarifications, refusals, escalations, multi-turn) goes to the chat
endpoint and to the floor (bench/floor.py), alternating, against the same server and database.
Reports requests/s and p50/p95/p99 per endpoint and the ratio turn/floor, min/median/max over runs.

Run by bench/run.py (``make bench``); settings from the environment: ``BENCH_WORKERS`` (2),
``BENCH_THREADS`` (1: sync workers), ``BENCH_SECONDS`` (10), ``BENCH_RUNS`` (3),
``BENCH_CONCURRENCY`` (1,8,32), ``DB_CONN_MAX_AGE`` (600).
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, django_setup, machine, quick, spread, versions, write_json

SCHEMA = "bench_http"
DOMAIN = "bench-http.localhost"
LUA = ROOT / "bench" / "turns.lua"
ENDPOINTS = ("turn", "floor")


def _settings() -> dict:
    return {
        "workers": int(os.environ.get("BENCH_WORKERS", "2")),
        "threads": int(os.environ.get("BENCH_THREADS", "1")),
        "seconds": float(os.environ.get("BENCH_SECONDS", "3" if quick() else "10")),
        "warmup_seconds": 2.0 if quick() else 4.0,
        "runs": int(os.environ.get("BENCH_RUNS", "1" if quick() else "3")),
        "concurrency": [int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,8,32").split(",")],
        "db_conn_max_age": int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        "cold_text": os.environ.get("BENCH_COLD_TEXT", "1") not in ("0", "false", "no"),
        "wrk_threads": 1,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_start(settings: dict, port: int, log: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "twinproject.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(settings["workers"]),
        "--worker-class",
        "gthread" if settings["threads"] > 1 else "sync",
        "--threads",
        str(settings["threads"]),
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="twinproject.settings_bench")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 30 s")


def gunicorn_stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def plan_scripts(mix: dict, weights: dict, rng: random.Random) -> Iterator:
    """Visitors' conversations drawn from the mix by weight, without end."""
    kinds = [k for k in weights if mix.get(k)]
    shares = [weights[k] for k in kinds]
    while True:
        yield rng.choice(mix[rng.choices(kinds, shares)[0]])


def plan_write(bench, mix: dict, weights: dict, *, requests: int, concurrency: int, rng: random.Random, paths: dict):
    """Plans of ``requests`` turns, one per endpoint, with the same conversations' messages in the same order.

    Conversations take turns round-robin in a window of 4 x concurrency, so a conversation's next
    message is sent only after its previous one was answered and no two requests lock one conversation.
    """
    from bench.fixtures import conversations_create

    window = max(8, 4 * concurrency)
    pending = plan_scripts(mix, weights, rng)
    active: deque[tuple[int, list]] = deque()
    layout: list[tuple[int, dict]] = []  # (the how-manieth conversation, the message)
    started = 0
    while len(layout) < requests:
        while len(active) < window:
            active.append((started, list(next(pending).turns)))
            started += 1
        number, turns = active.popleft()
        layout.append((number, turns.pop(0)))
        if turns:
            active.append((number, turns))
    per_endpoint = {}
    for endpoint in ENDPOINTS:
        conversations = conversations_create(bench, started)
        lines = []
        for number, body in layout:
            conversation, key = conversations[number]
            path = paths[endpoint].format(twin=bench.twin.pk, conversation=conversation)
            lines.append(f"{key}\t{path}\t{json.dumps(body)}")
        file = Path(tempfile.mkstemp(prefix=f"bench-{endpoint}-", suffix=".plan")[1])
        file.write_text("\n".join(lines) + "\n")
        per_endpoint[endpoint] = file
    return per_endpoint


def wrk_run(port: int, plan: Path, concurrency: int, seconds: float, threads: int) -> dict:
    command = [
        "wrk",
        f"-t{min(threads, concurrency)}",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
        "--",
        str(plan),
        DOMAIN,
    ]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    seconds_run = result["duration_us"] / 1e6
    lat = result["latency_us"]
    return {
        "requests": result["requests"],
        "requests_per_s": round(result["requests"] / seconds_run, 1),
        "p50_ms": lat["p50"] / 1000,
        "p95_ms": lat["p95"] / 1000,
        "p99_ms": lat["p99"] / 1000,
        "max_ms": lat["max"] / 1000,
        "errors": result["errors"],
    }


def action_mix(bench) -> dict:
    from django.db.models import Count
    from django_tenants.utils import tenant_context

    from runtime.models import ResponseAudit

    with tenant_context(bench.tenant):
        rows = (
            ResponseAudit.objects.exclude(realizer_backend="floor")
            .values("action")
            .annotate(n=Count("id"))
            .order_by("action")
        )
        return {row["action"]: row["n"] for row in rows}


def main() -> int:
    django_setup()
    from bench.fixtures import MIX_WEIGHTS, bench_tenant_create, message_mix
    from bench.floor import FLOOR_PATH

    settings = _settings()
    rng = random.Random(8)
    bench = bench_tenant_create(schema=SCHEMA, domain=DOMAIN)
    mix = message_mix()
    paths = {
        "turn": "/twins/{twin}/conversations/{conversation}/messages",
        "floor": "/"
        + FLOOR_PATH.replace("<uuid:twin_id>", "{twin}").replace("<uuid:conversation_id>", "{conversation}"),
    }
    port = _free_port()
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    server = gunicorn_start(settings, port, log)
    plans: list[Path] = []
    # Requests per second expected before anything is measured; each run sizes the next plan.
    expected = {"turn": 600.0, "floor": 1200.0}
    samples: dict[str, dict[int, list[dict]]] = {e: {c: [] for c in settings["concurrency"]} for e in ENDPOINTS}
    try:
        # Warm both workers (the intent model, the spec and vocabulary caches) on both endpoints.
        warm = plan_write(
            bench, mix, MIX_WEIGHTS, requests=int(400 * settings["warmup_seconds"]), concurrency=4, rng=rng, paths=paths
        )
        plans.extend(warm.values())
        for endpoint in ENDPOINTS:
            wrk_run(port, warm[endpoint], 4, settings["warmup_seconds"] / 2, 1)
        for run in range(settings["runs"]):
            for concurrency in settings["concurrency"]:
                size = int(1.5 * max(expected.values()) * settings["seconds"]) + 50
                plan = plan_write(bench, mix, MIX_WEIGHTS, requests=size, concurrency=concurrency, rng=rng, paths=paths)
                plans.extend(plan.values())
                for endpoint in ENDPOINTS:
                    result = wrk_run(port, plan[endpoint], concurrency, settings["seconds"], settings["wrk_threads"])
                    result["plan_wrapped"] = result["requests"] > size
                    samples[endpoint][concurrency].append(result)
                    expected[endpoint] = max(expected[endpoint] * 0.5, result["requests_per_s"])
                    print(
                        f"  run {run + 1} c={concurrency:<3} {endpoint:<5} {result['requests_per_s']:>8.1f} req/s "
                        f"p50 {result['p50_ms']:.1f} p95 {result['p95_ms']:.1f} p99 {result['p99_ms']:.1f} ms"
                        + (f" errors {result['errors']}" if any(result["errors"].values()) else ""),
                        flush=True,
                    )
    finally:
        gunicorn_stop(server)
        for plan in plans:
            plan.unlink(missing_ok=True)
    payload = {
        "benchmark": "http",
        "settings": settings,
        "machine": machine(),
        "versions": versions(),
        "mix_weights": MIX_WEIGHTS,
        "actions_of_turns": action_mix(bench),
        "results": _summarize(samples, settings),
        "server_log_tail": log.read_text()[-2000:],
    }
    log.unlink(missing_ok=True)
    path = write_json("http", payload)
    print(f"written to {path}")
    return 0


def _summarize(samples: dict, settings: dict) -> dict:
    summary = {}
    for concurrency in settings["concurrency"]:
        row = {}
        for endpoint in ENDPOINTS:
            runs = samples[endpoint][concurrency]
            row[endpoint] = {
                figure: spread([r[figure] for r in runs], 2)
                for figure in ("requests_per_s", "p50_ms", "p95_ms", "p99_ms")
            }
            row[endpoint]["errors"] = sum(sum(r["errors"].values()) for r in runs)
            row[endpoint]["runs"] = runs
        ratios = [
            t["requests_per_s"] / f["requests_per_s"]
            for t, f in zip(samples["turn"][concurrency], samples["floor"][concurrency], strict=True)
        ]
        row["ratio_turn_floor"] = spread(ratios, 3)
        summary[str(concurrency)] = row
    return summary


if __name__ == "__main__":
    sys.exit(main())
