"""Tenants: the time to create one, and ``migrate_schemas`` over 100 tenants, standard and parallel executors.

Creates ``BENCH_TENANTS`` (100; 10 with ``BENCH_QUICK``) tenants with ``tenant_provision`` (schema,
every tenant migration with its row-level-security policies, domain, owner, token): the first three
one after another, timed, the rest by two processes side by side. Then times ``manage.py
migrate_schemas`` over all schemas as an operator runs it, with the standard executor and with
``--executor=multiprocessing``, applying one migration everywhere (the newest migration of a
tenant app that nothing depends on, undone first by its reverse SQL; with nothing to apply when
there is none that can be reversed). Each run renders every migration's state again in every
schema (about a second a schema here), so ``BENCH_MIGRATE_RUNS`` is 1 by default; the creation
time is min/median/max over the first tenants.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, django_setup, machine, quick, spread, versions, write_json

EXECUTORS = ("standard", "multiprocessing")


def _migrate(*args: str) -> float:
    command = [sys.executable, "manage.py", "migrate_schemas", "-v", "0", "--noinput", *args]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def tenants_create(numbers) -> list[float]:
    from bench.fixtures import tenant_drop
    from twinproject.tenancy.services import tenant_provision

    seconds = []
    for i in numbers:
        schema = f"bench_t{i:03d}"
        tenant_drop(schema=schema)
        started = time.perf_counter()
        tenant_provision(
            schema_name=schema, name=f"Bench tenant {i}", domain=f"bench-t{i:03d}.localhost", owner_username="owner"
        )
        seconds.append(time.perf_counter() - started)
    return seconds


def reversible_leaf(apps: tuple[str, ...] = ("runtime", "review", "learning", "specs")) -> tuple[str, str] | None:
    """A tenant app's newest migration that nothing depends on and that can be undone: (app, the one before it)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    for app in apps:
        leaves = graph.leaf_nodes(app)
        if len(leaves) != 1 or graph.node_map[leaves[0]].children:
            continue
        if not all(operation.reversible for operation in graph.nodes[leaves[0]].operations):
            continue
        parents = [p.key[1] for p in graph.node_map[leaves[0]].parents if p.key[0] == app]
        return (app, parents[0] if parents else "zero")
    return None


def migration_unapply_by_sql(app: str, before: str) -> None:
    """Undo the app's migration after ``before`` in every tenant schema with its reverse SQL, and forget it.

    ``migrate_schemas`` would take as long to undo it as to apply it (Django renders every
    migration's state again in each schema); the reverse SQL is the same in every schema.
    """
    import psycopg
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(connection, ignore_no_migrations=True).graph
    name = next(key[1] for key in graph.leaf_nodes(app))
    schemas = _tenant_schemas()
    command = [sys.executable, "manage.py", "tenant_command", "sqlmigrate", app, name, "--backwards", "-s", schemas[0]]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    statements = "\n".join(
        line
        for line in out.splitlines()
        if line.strip() and not line.startswith("--") and line not in ("BEGIN;", "COMMIT;")
    )
    params = connection.get_connection_params()
    params = {key: params[key] for key in ("dbname", "host", "port", "user", "password") if params.get(key)}
    with psycopg.connect(**params, autocommit=True, cursor_factory=psycopg.ClientCursor) as conn:
        for schema in schemas:
            with conn.transaction():
                conn.execute("SELECT set_config('search_path', %s, true)", [schema])
                conn.execute(statements)
                conn.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", [app, name])


def _tenant_schemas() -> list[str]:
    from django_tenants.utils import get_public_schema_name

    from twinproject.tenancy.models import Tenant

    return list(Tenant.objects.exclude(schema_name=get_public_schema_name()).values_list("schema_name", flat=True))


def _create_in_parallel(first: int, count: int, processes: int) -> float:
    """Tenants ``first`` … ``count - 1`` by ``processes`` worker processes; the wall time."""
    started = time.perf_counter()
    workers = [
        subprocess.Popen([sys.executable, __file__, "--create", str(i), str(count), str(processes)], cwd=ROOT)
        for i in range(first, min(count, first + processes))
    ]
    for worker in workers:
        if worker.wait() != 0:
            raise RuntimeError("creating tenants failed")
    return time.perf_counter() - started


def main() -> int:
    django_setup()
    if sys.argv[1:2] == ["--create"]:
        first, count, step = (int(x) for x in sys.argv[2:5])
        tenants_create(range(first, count, step))
        return 0
    count = int(os.environ.get("BENCH_TENANTS", "10" if quick() else "100"))
    runs = 1 if quick() else 3
    timed = min(count, 3)
    create = tenants_create(range(timed))
    fleet = _create_in_parallel(timed, count, processes=2)
    results: dict = {
        "tenants": count,
        "create_tenant_s": spread(create, 3),
        "create_rest_in_2_processes_s": round(fleet, 1),
    }
    print(
        f"  create a tenant: median {results['create_tenant_s']['median']:.2f} s "
        f"(min {results['create_tenant_s']['min']:.2f}, max {results['create_tenant_s']['max']:.2f}); "
        f"{count - timed} more in {fleet:.0f} s",
        flush=True,
    )
    leaf = reversible_leaf()
    results["one_migration"] = f"the {leaf[0]} migration after {leaf[1]}" if leaf else None
    migrate_runs = int(os.environ.get("BENCH_MIGRATE_RUNS", "1"))
    results["migrate_runs"] = migrate_runs
    for executor in EXECUTORS:
        options = ["--executor", executor]
        if leaf:
            forward = []
            for _ in range(migrate_runs):
                migration_unapply_by_sql(*leaf)  # not timed
                forward.append(_migrate(*options))
            results[f"migrate_one_{executor}_s"] = spread(forward, 2)
        else:
            results[f"migrate_noop_{executor}_s"] = spread([_migrate(*options) for _ in range(runs)], 2)
        figure = results.get(f"migrate_one_{executor}_s") or results[f"migrate_noop_{executor}_s"]
        print(
            f"  migrate_schemas over {count} tenants, {executor}: "
            f"{'one migration' if leaf else 'nothing to apply'} {figure['median']:.1f} s",
            flush=True,
        )
    from django.conf import settings

    payload = {
        "benchmark": "tenants",
        "machine": machine(),
        "versions": versions(),
        "settings": {
            "runs": runs,
            "TENANT_MULTIPROCESSING_MAX_PROCESSES": getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2),
            "TENANT_MULTIPROCESSING_CHUNKS": getattr(settings, "TENANT_MULTIPROCESSING_CHUNKS", 2),
        },
        "results": results,
    }
    path = write_json("tenants", payload)
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
