from __future__ import annotations

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_tenants.utils import tenant_context
from tqdm import tqdm

from runtime.evaluation import EvalCase, EvalFileError, EvalTwin, eval_cases_run, eval_file_load, eval_report
from runtime.services import knowledge_document_create, routing_decide
from specs.models import Twin
from specs.services import spec_version_import
from twinproject.tenancy.services import tenant_provision

SCRATCH_SCHEMA = "eval_scratch"
DEFAULT_CASES = Path(settings.BASE_DIR) / "eval" / "twin_runtime_eval_cases.json"


@transaction.atomic
def _load_twin(owner, slug: str, twin_data: EvalTwin) -> Twin:
    Twin.objects.filter(slug=slug).delete()
    twin = Twin.objects.create(owner=owner, slug=slug, name=twin_data.name[:200])
    spec_version_import(twin=twin, actor=owner, spec=twin_data.spec, notes="loaded by run_eval")
    for doc in twin_data.knowledge:
        knowledge_document_create(twin=twin, title=doc["title"][:300], body=doc["text"])
    return twin


class Command(BaseCommand):
    help = "Run eval files through the real router in a scratch tenant and report accuracy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", nargs="+", type=Path, default=[DEFAULT_CASES], metavar="FILE")
        parser.add_argument("--json-report", type=Path, metavar="FILE")
        parser.add_argument("--min-action-accuracy", type=float, default=0.0, metavar="X")
        parser.add_argument("--min-intent-accuracy", type=float, default=0.0, metavar="X")
        parser.add_argument("--min-citation-compliance", type=float, default=0.0, metavar="X")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:
        loaded = []
        for path in options["cases"]:
            try:
                loaded.append((path, *eval_file_load(path)))
            except EvalFileError as exc:
                raise CommandError(str(exc)) from exc
            for key in loaded[-1][1].set_aside:
                self.stderr.write(f"{path}: not a persona spec key: {key}")
        scratch = tenant_provision(
            schema_name=SCRATCH_SCHEMA, name="Eval scratch", domain="eval-scratch.localhost", owner_username="eval"
        )
        reports = {}
        pooled = []
        with tenant_context(scratch.tenant):
            for path, twin_data, cases in loaded:
                twin = _load_twin(scratch.owner, f"eval-{path.stem.replace('_', '-')}"[:100], twin_data)

                def decide(case: EvalCase, twin=twin):
                    decision, _ = routing_decide(
                        twin=twin,
                        message=case.query,
                        history=case.history,
                        pinned_context=case.pinned_context,
                        interaction_context=case.interaction_context,
                    )
                    return decision

                progress = tqdm(cases, desc=path.name, file=sys.stderr, disable=options["no_progress"], leave=False)
                results = eval_cases_run(progress, decide)
                pooled.extend(results)
                reports[str(path)] = eval_report(results)
        for path, report in reports.items():
            self._print(path, report)
        combined = eval_report(pooled)
        if len(reports) > 1:
            self._print("all files", combined)
        if options["json_report"]:
            payload = dict(combined, files=reports) if len(reports) > 1 else combined
            options["json_report"].write_text(json.dumps(payload, indent=2))
        below = [
            f"{name} {combined[key]:.3f} < {options[option]:.3f}"
            for name, key, option in [
                ("action accuracy", "action_accuracy", "min_action_accuracy"),
                ("intent accuracy", "intent_accuracy", "min_intent_accuracy"),
                ("citation compliance", "citation_compliance", "min_citation_compliance"),
            ]
            if combined[key] < options[option]
        ]
        if below:
            raise CommandError("Below threshold: " + "; ".join(below))

    def _print(self, path: str, report: dict) -> None:
        write = self.stdout.write
        write(f"\n== {path}: {report['total']} cases")
        for key in ("action_accuracy", "intent_accuracy", "citation_compliance", "required_inputs_accuracy"):
            write(f"  {key.replace('_', ' '):<26} {report[key]:.1%}")
        write("  per action                 precision  recall   f1     support")
        for action, row in report["per_action"].items():
            write(
                f"    {action:<24} {row['precision']:.3f}      {row['recall']:.3f}   {row['f1']:.3f}  {row['support']}"
            )
        labels = report["confusion_matrix"]["labels"]
        write("  confusion (rows expected, columns got): " + " ".join(f"{a[:7]:>8}" for a in labels))
        for label, row in zip(labels, report["confusion_matrix"]["rows"], strict=True):
            write(f"    {label:<37}" + " ".join(f"{n:>8}" for n in row))
        write("  accuracy by confidence band:")
        for band in report["confidence_bands"]:
            write(f"    {band['band']}  {band['cases']:>4} cases  {band['action_accuracy']:.1%}")
        write(f"  failures: {len(report['failures'])}")
        for failure in report["failures"]:
            exp, got = failure["expected"], failure["got"]
            write(
                f"    {failure['id']}: expected {exp['action']}/{exp['intent']} {exp['required_inputs_missing']}"
                f" got {got['action']}/{got['intent']} {got['required_inputs_missing']}"
                f" conf {got['confidence']:.2f} by {failure['rule']} ({failure['reason']})"
            )
