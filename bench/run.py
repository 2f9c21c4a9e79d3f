"""``make bench``: every benchmark in one run, one table, and the same figures in bench/results/summary.json.

Runs inside ``python -m twinproject.devdb run`` with ``TWIN_PGDATA`` pointing at the benchmark's
own PostgreSQL folder (``var/bench-pg``): the database there is dropped and created afresh, so a
run never touches the development database and every run starts from the same state. Then, each
as its own process and bounded in time: the router alone, chat turns over HTTP against the floor,
growth to 1M stored turns, tenants. ``BENCH_QUICK=1`` is a short smoke run of the same steps;
``BENCH_ONLY=router,http`` runs some of them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, machine, quick, read_json, versions, write_json

STEPS = ("router", "http", "growth", "tenants")


def database_reset() -> None:
    """Drop and create the benchmark database; refuses to run against the development folder."""
    from twinproject.devdb import APP_DATABASE, APP_ROLE, DEFAULT_DATA_DIR, SUPERUSER, server

    pgdata = os.environ.get("TWIN_PGDATA")
    srv = server()
    if not pgdata or srv.data_dir == DEFAULT_DATA_DIR.resolve() or os.environ.get("DATABASE_URL") != srv.url():
        raise SystemExit(
            "bench/run.py runs on its own embedded PostgreSQL: run it with `make bench`, or as "
            "TWIN_PGDATA=var/bench-pg python -m twinproject.devdb run -- python bench/run.py (DATABASE_URL unset)."
        )
    import psycopg

    with psycopg.connect(srv.url(role=SUPERUSER, database="postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{APP_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{APP_DATABASE}" OWNER "{APP_ROLE}"')
    srv.ensure_app_role()  # marks the full-text match leakproof in the new database


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "twinproject.settings_bench"
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _step(name: str, command: list[str], timeout: float) -> dict:
    print(f"\n== {name}", flush=True)
    started = time.perf_counter()
    try:
        code = subprocess.run(command, cwd=ROOT, env=_env(), timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    seconds = round(time.perf_counter() - started, 1)
    print(f"== {name}: {'done' if code == 0 else f'FAILED ({code})'} in {seconds} s", flush=True)
    return {"ok": code == 0, "exit": code, "seconds": seconds}


def main() -> int:
    started = time.perf_counter()
    only = [s for s in os.environ.get("BENCH_ONLY", ",".join(STEPS)).split(",") if s]
    load_before = os.getloadavg()
    database_reset()
    python = sys.executable
    steps = {"migrate": _step("migrate the public schema", [python, "manage.py", "migrate_schemas", "-v", "0"], 600)}
    router_args = ["--seconds", "1.5", "--runs", "1"] if quick() else ["--seconds", "4", "--runs", "3"]
    commands = {
        "router": ([python, "bench/router_bench.py", *router_args], 300),
        "http": ([python, "bench/http_bench.py"], 900),
        "growth": ([python, "bench/growth_bench.py"], 1200),
        "tenants": ([python, "bench/tenants_bench.py"], 900),
    }
    for name in STEPS:
        if name in only:
            for stale in (ROOT / "bench" / "results" / f"{name}.json",):
                stale.unlink(missing_ok=True)
            steps[name] = _step(name, *commands[name])
    elapsed = time.perf_counter() - started
    summary = summary_build(steps, elapsed, load_before)
    path = write_json("summary", summary)
    print()
    print(table_render(summary))
    print(f"\nfigures: {path} (and router.json, http.json, growth.json, tenants.json beside it)")
    return 0 if all(step["ok"] for step in steps.values()) else 1


def summary_build(steps: dict, elapsed: float, load_before: tuple[float, float, float]) -> dict:
    results = {name: read_json(name) if name in steps else None for name in STEPS}
    return {
        "benchmark": "summary",
        "quick": quick(),
        "elapsed_s": round(elapsed, 1),
        "machine": {**machine(), "load_average_at_start": [round(x, 2) for x in load_before]},
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "versions": versions(),
        "settings": {
            name: (results[name] or {}).get("settings") for name in ("http", "growth", "tenants") if results[name]
        },
        "steps": steps,
        "targets": targets_check(results),
        "results": {name: (data or {}).get("results") for name, data in results.items()},
        "http_actions": (results.get("http") or {}).get("actions_of_turns"),
    }


def targets_check(results: dict) -> dict:
    checks = {}
    http = (results.get("http") or {}).get("results") or {}
    if "8" in http:
        ratio = http["8"]["ratio_turn_floor"]["median"]
        checks["turn_throughput_vs_floor_at_8"] = {"value": ratio, "target": ">= 0.7", "met": ratio >= 0.7}
    router = (results.get("router") or {}).get("results") or {}
    if "with_retrieval" in router:
        p50 = router["with_retrieval"]["p50_ms"]
        checks["router_p50_with_retrieval_ms"] = {"value": p50, "target": "<= 5", "met": p50 <= 5.0}
    growth = results.get("growth") or {}
    if growth.get("results"):
        drift, last = growth["drift"], growth["results"][-1]
        for key in ("turn_p50", "queue_page_p50"):
            met = abs(drift[key]) <= 0.2
            checks[f"growth_{key}_drift"] = {"value": drift[key], "target": "within ±20%", "met": met}
        page = last["queue_page_ms"]["p50_ms"]["median"]
        checks["queue_page_p50_ms_at_largest"] = {"value": page, "target": "<= 30", "met": page <= 30.0}
        seq = sorted({s for stage in growth["results"] for s in stage["sequential_scans"]})
        checks["hot_queries_use_indexes"] = {
            "value": seq or "index scans only",
            "target": "no seq scans",
            "met": not seq,
        }
    return checks


def _mmm(figure: dict | None, digits: int = 1) -> str:
    if not figure:
        return f"{'-':>8}{'-':>9}{'-':>9}"
    return f"{figure['min']:>8.{digits}f}{figure['median']:>9.{digits}f}{figure['max']:>9.{digits}f}"


def _row(label: str, figure: dict | None, digits: int = 1, note: str = "") -> str:
    return f"{label:<46}{_mmm(figure, digits)}{note}"


def table_render(summary: dict) -> str:
    r, m = summary["results"], summary["machine"]
    lines = [
        f"Twin Runtime benchmarks: {m['cpu_count']} CPUs ({m['cpu_model']}), Python {m['python']}, "
        f"PostgreSQL {summary['versions'].get('postgresql')}; load {m['load_average_at_start'][0]} at start, "
        f"{summary['load_average_at_end'][0]} at end; {'QUICK ' if summary['quick'] else ''}run took "
        f"{summary['elapsed_s'] / 60:.1f} min",
        f"{'':<46}{'min':>8}{'median':>9}{'max':>9}   target",
    ]
    http = r.get("http")
    if http:
        settings = summary["settings"]["http"]
        lines.append(
            f"Chat turns over HTTP: gunicorn {settings['workers']} {'sync' if settings['threads'] == 1 else 'gthread'} "
            f"workers, wrk, {settings['seconds']:.0f} s x {settings['runs']} runs per point"
        )
        if summary.get("http_actions"):
            counted = ", ".join(f"{action} {n}" for action, n in summary["http_actions"].items())
            lines.append(f"  the turns' actions: {counted}")
        for clients, row in http.items():
            lines.append(f"  {clients} client{'s' if clients != '1' else ''}")
            for endpoint in ("turn", "floor"):
                e = row[endpoint]
                lines.append(_row(f"    {endpoint} requests/s", e["requests_per_s"]))
                lines.append(
                    f"{'    ' + endpoint + ' p50 / p95 / p99 ms (medians)':<46}"
                    f"{e['p50_ms']['median']:>8.1f}{e['p95_ms']['median']:>9.1f}{e['p99_ms']['median']:>9.1f}"
                    + (f"   {e['errors']} errors" if e["errors"] else "")
                )
            note = "   >= 0.70" if clients == "8" else ""
            lines.append(_row("    turn / floor requests/s", row["ratio_turn_floor"], 2, note))
    router = r.get("router")
    if router:
        lines.append("Router alone (eval cases, cold text caches)")
        for name, row in router.items():
            figure = {"min": row["p50_ms_min"], "median": row["p50_ms"], "max": row["p50_ms_max"]}
            note = "   <= 5" if name == "with_retrieval" else ""
            lines.append(_row(f"  {name.replace('_', ' ')}: p50 ms", figure, 2, note))
            lines.append(f"    {row['per_second']} decisions/s, p99 {row['p99_ms']} ms (median run)")
    growth = r.get("growth")
    if growth:
        lines.append("Growth: one tenant's stored turns (history loaded in the database)")
        for stage in growth:
            n = stage["stored_turns"]
            label = f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k"
            lines.append(_row(f"  {label:>4} turn p50 ms", stage["turn_ms"]["p50_ms"]))
            if "database_p50_ms" in stage["turn_ms"]:
                lines.append(_row("         of which in the database", stage["turn_ms"]["database_p50_ms"]))
            note = "   <= 30" if stage is growth[-1] else ""
            lines.append(_row("       queue first page p50 ms", stage["queue_page_ms"]["p50_ms"], 1, note))
            if "database_p50_ms" in stage["queue_page_ms"]:
                lines.append(_row("         of which in the database", stage["queue_page_ms"]["database_p50_ms"]))
            lines.append(
                f"       loaded in {stage['load_seconds']} s ({stage['turns_per_second_loaded']} turns/s); "
                f"{stage['queue']['count']} pending; seq scans: {', '.join(stage['sequential_scans']) or 'none'}"
            )
    tenants = r.get("tenants")
    if tenants:
        lines.append(f"Tenants ({tenants['tenants']})")
        lines.append(_row("  create a tenant s", tenants["create_tenant_s"], 2))
        key = "one" if tenants.get("one_migration") else "noop"
        what = "one migration" if key == "one" else "nothing to apply"
        runs = tenants.get("migrate_runs", 1)
        lines.append(f"  migrate_schemas over all tenants, {what} ({runs} run{'s' if runs != 1 else ''} each)")
        for executor in ("standard", "multiprocessing"):
            lines.append(_row(f"    {executor} executor s", tenants.get(f"migrate_{key}_{executor}_s")))
    lines.append("Targets")
    for name, check in summary["targets"].items():
        value = check["value"] if isinstance(check["value"], str) else json.dumps(check["value"])
        lines.append(f"  {'met   ' if check['met'] else 'MISSED'} {name}: {value} (target {check['target']})")
    failed = [name for name, step in summary["steps"].items() if not step["ok"]]
    if failed:
        lines.append(f"FAILED steps: {', '.join(failed)}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
