"""The demo twin of `make run` gets Maya Chen's persona spec as its active version, once."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from specs.models import PersonaSpec, Twin
from specs.selectors import persona_spec_active
from specs.twin_spec import twin_spec_of_version
from twinproject.demo import DEMO_SCHEMA, demo_seed
from twinproject.tenancy.models import Tenant


def test_the_demo_seed_publishes_maya_chens_spec_once_and_keeps_later_versions(db, tenants, settings, tmp_path):
    settings.BASE_DIR = tmp_path  # the credentials file goes here, not into the checkout's var/
    credentials = demo_seed()
    with tenant_context(Tenant.objects.get(schema_name=DEMO_SCHEMA)):
        twin = Twin.objects.get(pk=credentials["TWIN_ID"])
        active = persona_spec_active(twin)
        assert (active.version, active.source, active.created_by.username) == ("1.0.0", "import", "maya")
        twin_spec = twin_spec_of_version(version=active)
        assert twin_spec["persona"]["name"] == "Maya Chen"
        assert "legal advice" in twin_spec["guardrails"]["forbidden_topics"]
        PersonaSpec.objects.filter(pk=active.pk).update(notes="kept")

    demo_seed()
    with tenant_context(Tenant.objects.get(schema_name=DEMO_SCHEMA)):
        assert list(PersonaSpec.objects.values_list("version", "status", "notes")) == [("1.0.0", "active", "kept")]
