"""Database backend (``ENGINE = "twinproject.db"``)."""

# The connection setting every tenant table's RLS policy compares ``tenant_id`` with.
TENANT_SETTING = "app.tenant_id"
