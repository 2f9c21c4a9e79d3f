from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from twinproject.tenancy.services import TenantProvision, tenant_provision


class Command(BaseCommand):
    help = (
        "Create a tenant with its domain, an owner user and the owner's API token. "
        "Idempotent: running it again reports what already exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("schema", help="schema name, also the tenant's short name (e.g. acme)")
        parser.add_argument("--name", help="display name (default: the schema name)")
        parser.add_argument("--domain", help="host that selects the tenant (default: <schema>.localhost)")
        parser.add_argument("--owner", required=True, help="owner's username")
        parser.add_argument("--owner-email", default="")
        parser.add_argument(
            "--owner-password-env",
            metavar="VAR",
            help="read the owner's admin password from this environment variable",
        )
        parser.add_argument("--new-token", action="store_true", help="issue a new API token even if one exists")

    def handle(self, *args, **options) -> None:
        password = None
        if options["owner_password_env"]:
            password = os.environ.get(options["owner_password_env"])
            if not password:
                raise CommandError(f"The environment variable {options['owner_password_env']} is empty or unset.")
        schema = options["schema"]
        try:
            result = tenant_provision(
                schema_name=schema,
                name=options["name"] or schema,
                domain=options["domain"] or f"{schema}.localhost",
                owner_username=options["owner"],
                owner_email=options["owner_email"],
                owner_password=password,
                new_token=options["new_token"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        report_provision(self.stdout.write, result)


def report_provision(write, result: TenantProvision) -> None:
    def state(created: bool) -> str:
        return "created" if created else "exists "

    write(f"tenant  {state(result.tenant_created)}  {result.tenant.schema_name} ({result.tenant.name})")
    write(f"domain  {state(result.domain_created)}  {result.domain.domain}")
    write(f"owner   {state(result.owner_created)}  {result.owner.username}")
    if result.token_key:
        write(f"token   created  {result.token_key}")
    elif result.token is not None:
        write(f"token   exists   {result.token.prefix}… (keys are shown once; --new-token issues another)")
