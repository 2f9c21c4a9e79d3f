"""Row-level security for tenant tables: the base model and the migration operation.

Every tenant table carries ``tenant_id`` and a policy that admits only rows whose
``tenant_id`` is both the schema's own tenant and the ``app.tenant_id`` setting of
the current connection, which ``twinproject.db`` sets whenever a schema is
selected. With FORCE ROW LEVEL SECURITY the policy also binds the table's owner,
which is the application role.

For a new model: subclass ``TenantScopedModel`` and add ``EnableTenantRLS`` for
its table to the migration that creates it. ``tests/tenancy/test_rls.py`` fails
for any table in a tenant schema that lacks either.
"""

from __future__ import annotations

from django.db import models, router
from django.db.migrations.operations.base import Operation

from twinproject.db import TENANT_SETTING

_CURRENT_TENANT_SQL = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::bigint"


class CurrentTenantId(models.Func):
    """The tenant selected on this connection, as the database sees it."""

    template = _CURRENT_TENANT_SQL
    output_field = models.BigIntegerField()

    def __init__(self) -> None:
        super().__init__(output_field=models.BigIntegerField())


class TenantScopedModel(models.Model):
    # Filled by the database from the connection's tenant; the RLS policy's
    # WITH CHECK refuses any other value.
    tenant_id = models.BigIntegerField(db_default=CurrentTenantId(), editable=False)

    class Meta:
        abstract = True


def _schema_tenant_id(schema_editor) -> int:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM public.tenancy_tenant WHERE schema_name = %s", [connection.schema_name])
        row = cursor.fetchone()
    if row is None:
        raise RuntimeError(f"The schema {connection.schema_name!r} belongs to no tenant; create the tenant first.")
    return int(row[0])


def _policy_name(table: str) -> str:
    return f"{table}_tenant_isolation"


class EnableTenantRLS(Operation):
    """Enable and force RLS on ``table`` with the tenant policy; reversible.

    ``add_column`` adds the ``tenant_id`` column first, for tables whose model we
    do not own (Django's sessions, admin log, auth tables).
    The public schema holds no tenant rows, so it is left alone there.
    """

    reduces_to_sql = True
    reversible = True

    def __init__(self, table: str, *, add_column: bool = False) -> None:
        self.table = table
        self.add_column = add_column

    def deconstruct(self):
        kwargs = {"add_column": True} if self.add_column else {}
        return self.__class__.__name__, [self.table], kwargs

    def state_forwards(self, app_label, state):
        pass

    def _applies(self, app_label: str, schema_editor) -> bool:
        from django_tenants.utils import get_public_schema_name

        connection = schema_editor.connection
        if getattr(connection, "schema_name", None) == get_public_schema_name():
            return False
        return router.allow_migrate(connection.alias, app_label)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self._applies(app_label, schema_editor):
            return
        tenant_id = _schema_tenant_id(schema_editor)
        table = schema_editor.quote_name(self.table)
        policy = schema_editor.quote_name(_policy_name(self.table))
        if self.add_column:
            schema_editor.execute(
                f"ALTER TABLE {table} ADD COLUMN tenant_id bigint NOT NULL DEFAULT {_CURRENT_TENANT_SQL}"
            )
        # The schema's own tenant id is part of the policy, so a connection whose
        # setting names another tenant can neither read these rows nor add any.
        rule = f"tenant_id = {_CURRENT_TENANT_SQL} AND tenant_id = {tenant_id:d}"
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"CREATE POLICY {policy} ON {table} USING ({rule}) WITH CHECK ({rule})")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not self._applies(app_label, schema_editor):
            return
        table = schema_editor.quote_name(self.table)
        policy = schema_editor.quote_name(_policy_name(self.table))
        schema_editor.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        if self.add_column:
            schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN tenant_id")

    def describe(self) -> str:
        return f"Enable tenant row-level security on {self.table}"
