"""Row-level security for Django's own tables in each tenant schema.

Sessions, the admin log, content types, permissions and groups are tenant data
too; they get a ``tenant_id`` column filled by the database and the same policy.
"""

from django.db import migrations

import twinproject.rls


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        twinproject.rls.EnableTenantRLS(table, add_column=True)
        for table in [
            "django_session",
            "django_admin_log",
            "django_content_type",
            "auth_permission",
            "auth_group",
            "auth_group_permissions",
        ]
    ]
