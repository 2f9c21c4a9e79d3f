"""Router cost: decisions per second and p50/p99 per decision, with and without retrieval.

Run with `make bench` (or `python bench/router_bench.py [--cases FILE] [--seconds N]`
with DATABASE_URL set). Loads the eval file's twin into the eval scratch tenant,
warms the caches, then times every case repeatedly for a bounded time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinproject.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _time(cases, call, seconds: float, before_each=None) -> dict:
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for case in cases:
            if before_each is not None:
                before_each()
            start = time.perf_counter()
            call(case)
            samples.append((time.perf_counter() - start) * 1000)
    total_s = sum(samples) / 1000
    return {
        "decisions": len(samples),
        "per_second": round(len(samples) / total_s, 1),
        "p50_ms": round(statistics.median(samples), 3),
        "p99_ms": round(_percentile(samples, 0.99), 3),
        "max_ms": round(max(samples), 3),
    }


def main() -> int:
    import django

    django.setup()
    from django_tenants.utils import tenant_context

    from runtime.evaluation import eval_file_load
    from runtime.intent import intent_model_for, request_cache_clear
    from runtime.management.commands.run_eval import SCRATCH_SCHEMA, _load_twin
    from runtime.normalize import detection_views
    from runtime.router import RouterInput, Turn, route
    from runtime.routing_context import routing_snapshot
    from runtime.safety import exfiltration_hit, injection_hit
    from runtime.services import routing_decide
    from twinproject.tenancy.services import tenant_provision

    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=Path, default=ROOT / "eval" / "twin_runtime_eval_cases.json")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "router.json")
    args = parser.parse_args()

    twin_data, cases = eval_file_load(args.cases)
    scratch = tenant_provision(
        schema_name=SCRATCH_SCHEMA, name="Eval scratch", domain="eval-scratch.localhost", owner_username="eval"
    )
    with tenant_context(scratch.tenant):
        twin = _load_twin(scratch.owner, "bench-router", twin_data)

        def with_retrieval(case):
            routing_decide(
                twin=twin, message=case.query, history=case.history, pinned_context=case.pinned_context,
                interaction_context=case.interaction_context,
            )  # fmt: skip

        retrieved = {case.id: routing_snapshot(twin_id=twin.pk, text=case.query).sources for case in cases}

        def without_retrieval(case):
            route(
                RouterInput(
                    message=case.query, spec=twin_data.spec, history=tuple(Turn(r, c) for r, c in case.history),
                    pinned_context=case.pinned_context, interaction_context=case.interaction_context,
                    sources=retrieved[case.id],
                )
            )  # fmt: skip

        for case in cases:  # warm: model training, spec and FAQ index
            with_retrieval(case)
        model = intent_model_for(twin_data.spec)

        def cold_text() -> None:
            # Every decision scores its texts afresh: no help from the per-text score cache.
            model.cache_clear()
            detection_views.cache_clear()
            injection_hit.cache_clear()
            exfiltration_hit.cache_clear()
            request_cache_clear()

        results = {}
        for name, call in (("with_retrieval", with_retrieval), ("without_retrieval", without_retrieval)):
            runs = [_time(cases, call, args.seconds, cold_text) for _ in range(args.runs)]
            p50s = sorted(run["p50_ms"] for run in runs)
            results[name] = {**runs[len(runs) // 2], "p50_ms_min": p50s[0], "p50_ms_max": p50s[-1], "runs": runs}
    payload = {
        "benchmark": "router",
        "cases_file": str(args.cases),
        "cases": len(cases),
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(), "platform": platform.platform()},
        "results": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, indent=2))
    print(f"router on {len(cases)} eval cases ({args.cases.name})")
    print(f"{'':<20}{'decisions/s':>12}{'p50 ms (min-max)':>20}{'p99 ms':>10}{'max ms':>10}")
    for name, row in results.items():
        p50 = f"{row['p50_ms']} ({row['p50_ms_min']}-{row['p50_ms_max']})"
        print(f"{name:<20}{row['per_second']:>12}{p50:>20}{row['p99_ms']:>10}{row['max_ms']:>10}")
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
