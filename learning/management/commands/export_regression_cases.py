from __future__ import annotations

import json
import sys
from pathlib import Path
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import tenant_context

from learning.selectors import regression_cases_export
from specs.errors import PersonaSpecNotFoundError
from specs.models import Twin
from specs.selectors import persona_spec_get
from twinproject.errors import DomainError
from twinproject.tenancy.models import Tenant


class Command(BaseCommand):
    help = (
        "Write a twin's regression cases as an eval file (DESIGN.md's format) for run_eval --cases FILE: "
        "its active persona spec (or --version), its approved documents and every case."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--twin", required=True, type=UUID, help="The twin's id.")
        parser.add_argument("--schema", required=True, help="The tenant's schema name.")
        parser.add_argument(
            "--spec-version", metavar="X.Y.Z", help="A persona spec version to export instead of the active one."
        )
        parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="Where to write it (default: stdout).")

    def handle(self, *args, **options) -> None:
        tenant = Tenant.objects.filter(schema_name=options["schema"]).first()
        if tenant is None:
            raise CommandError(f"No tenant with the schema {options['schema']!r}.")
        with tenant_context(tenant):
            twin = Twin.objects.filter(pk=options["twin"]).first()
            if twin is None:
                raise CommandError(f"The tenant {options['schema']!r} has no twin {options['twin']}.")
            try:
                label = options["spec_version"]
                version = persona_spec_get(twin=twin, version=label) if label else None
                exported = regression_cases_export(twin=twin, version=version)
            except (DomainError, PersonaSpecNotFoundError) as exc:
                raise CommandError(exc.message) from exc
        text = json.dumps(exported, indent=2, ensure_ascii=False) + "\n"
        if options["output"] is None:
            sys.stdout.write(text)
            return
        options["output"].write_text(text)
        cases = len(exported["cases"])
        version_label = exported["twin"]["persona_spec_version"]
        self.stderr.write(f"Wrote {cases} case(s) of {twin} (persona spec {version_label}) to {options['output']}.")
