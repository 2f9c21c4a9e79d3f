"""PostgreSQL backend that keeps the row-level-security tenant setting in step with the schema.

django-tenants switches schemas by issuing ``search_path`` before a connection's
next statement. This backend issues the ``app.tenant_id`` setting that every
tenant table's RLS policy reads in the same statement, so no code path that
selects a schema (middleware, ``tenant_context``, ``schema_context``,
``migrate_schemas``) can leave the two out of step.
"""

from __future__ import annotations

import django.db.utils
from django.core.exceptions import ImproperlyConfigured
from django_tenants.postgresql_backend import base as tenants_base
from django_tenants.utils import get_limit_set_calls, get_public_schema_name, quote_schema_name

from twinproject.db import TENANT_SETTING

DatabaseError = tenants_base.DatabaseError
IntegrityError = tenants_base.IntegrityError


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    def _tenant_id_for(self, cursor, schema_name: str) -> str:
        if schema_name == get_public_schema_name():
            # The public schema has no RLS; its rows (operator accounts) carry 0.
            return "0"
        pk = getattr(self.tenant, "pk", None)
        if pk is not None:
            return str(pk)
        # A schema chosen by name (schema_context, migrate_schemas): find its tenant.
        cursor.execute("SELECT to_regclass('public.tenancy_tenant') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return ""
        cursor.execute("SELECT id FROM public.tenancy_tenant WHERE schema_name = %s", [schema_name])
        row = cursor.fetchone()
        return "" if row is None else str(row[0])

    def _handle_search_path(self, cursor=None):
        if self._setting_search_path:
            return
        if get_limit_set_calls() and self.search_path_set_schemas:
            return
        if not self.schema_name:
            raise ImproperlyConfigured("Database schema not set. Did you forget to call set_tenant()?")

        search_paths = self._get_cursor_search_paths()
        self._setting_search_path = True
        target = self.connection.cursor() if cursor is None else cursor
        try:
            tenant_id = self._tenant_id_for(target, self.schema_name)
            target.execute(
                "SELECT set_config('search_path', %s, false), set_config(%s, %s, false)",
                [",".join(quote_schema_name(s) for s in search_paths), TENANT_SETTING, tenant_id],
            )
        except (django.db.utils.DatabaseError, tenants_base.psycopg.Error):
            self.search_path_set_schemas = None
        else:
            self.search_path_set_schemas = search_paths
        finally:
            self._setting_search_path = False
            if cursor is None:
                target.close()


__all__ = ["DatabaseError", "DatabaseWrapper", "IntegrityError", "get_public_schema_name"]
