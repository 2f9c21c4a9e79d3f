"""Row-level security is on every tenant table, and the app cannot bypass it."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import get_public_schema_name

from twinproject.rls import TenantScopedModel

# Django's migration ledger holds no tenant data.
_NOT_TENANT_DATA = {"django_migrations"}


def _tables_of(schema: str) -> dict[str, tuple[bool, bool]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
            [schema],
        )
        return {name: (enabled, forced) for name, enabled, forced in cursor.fetchall()}


def _policies_of(schema: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename, qual FROM pg_policies WHERE schemaname = %s", [schema])
        return dict(cursor.fetchall())


def _columns_named_tenant_id(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = %s AND column_name = 'tenant_id'",
            [schema],
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_application_role_is_neither_superuser_nor_exempt_from_rls(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)


def test_every_table_of_a_tenant_schema_forces_rls_with_the_tenant_policy(tenant_a):
    schema = tenant_a.tenant.schema_name
    tables = _tables_of(schema)
    policies = _policies_of(schema)
    with_column = _columns_named_tenant_id(schema)
    assert "specs_twin" in tables and "django_session" in tables
    for table, (enabled, forced) in tables.items():
        if table in _NOT_TENANT_DATA:
            continue
        assert enabled and forced, f"{table} lacks ENABLE/FORCE ROW LEVEL SECURITY"
        assert table in with_column, f"{table} has no tenant_id column"
        assert "app.tenant_id" in policies.get(table, ""), f"{table} has no tenant policy"
        assert str(tenant_a.tenant.pk) in policies[table], f"{table}'s policy does not pin its tenant"


def test_every_model_of_a_tenant_app_is_tenant_scoped(db):
    ours = [app for app in settings.TENANT_APPS if not app.startswith("django.")]
    for label in ours:
        config = apps.get_app_config(label.rsplit(".", 1)[-1])
        for model in config.get_models():
            assert issubclass(model, TenantScopedModel), f"{model.__name__} must subclass TenantScopedModel"


def test_public_schema_tables_carry_no_tenant_policy(db):
    assert _policies_of(get_public_schema_name()) == {}


def test_tenant_migrations_reverse_and_apply_again(tenant_a):
    schema = tenant_a.tenant.schema_name
    call_command("migrate_schemas", "specs", "zero", schema_name=schema, verbosity=0)
    call_command("migrate_schemas", "accounts", "0001", schema_name=schema, verbosity=0)
    connection.set_tenant(tenant_a.tenant)
    tables = _tables_of(schema)
    assert "specs_twin" not in tables
    assert tables["django_session"] == (False, False)
    assert "django_session" not in _columns_named_tenant_id(schema)

    call_command("migrate_schemas", schema_name=schema, verbosity=0)
    connection.set_tenant(tenant_a.tenant)
    tables = _tables_of(schema)
    assert tables["specs_twin"] == (True, True)
    assert tables["django_session"] == (True, True)
