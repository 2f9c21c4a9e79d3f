"""The demo tenant that ``make run`` seeds: idempotent, and it can always print its credentials."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django_tenants.utils import tenant_context

from specs.services import spec_version_seed, twin_ensure
from twinproject.tenancy.services import tenant_provision

DEMO_SCHEMA = "demo"
DEMO_DOMAIN = "demo.localhost"
DEMO_OWNER = "maya"
DEMO_PASSWORD_DEFAULT = "demo-owner-pass"
DEMO_PERSONA_SPEC = Path(settings.BASE_DIR) / "specs" / "fixtures" / "demo_persona_spec.json"


def _credentials_file() -> Path:
    return Path(settings.BASE_DIR) / "var" / "demo-credentials.env"


def _read_credentials() -> dict[str, str]:
    path = _credentials_file()
    if not path.exists():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def _write_credentials(values: dict[str, str]) -> None:
    path = _credentials_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    path.chmod(0o600)


def demo_seed() -> dict[str, str]:
    """Seed the demo tenant, owner, token and twin; return what a person needs to try it."""
    credentials = _read_credentials()
    password = os.environ.get("DEMO_OWNER_PASSWORD") or DEMO_PASSWORD_DEFAULT
    # Only a token whose key we still hold can be printed; otherwise issue a fresh one.
    result = tenant_provision(
        schema_name=DEMO_SCHEMA,
        name="Demo",
        domain=DEMO_DOMAIN,
        owner_username=DEMO_OWNER,
        owner_email="maya@example.com",
        owner_password=password,
        new_token="OWNER_TOKEN" not in credentials,
    )
    if result.token_key:
        credentials["OWNER_TOKEN"] = result.token_key
    with tenant_context(result.tenant):
        twin, _ = twin_ensure(owner=result.owner, slug="maya-chen", name="Maya Chen")
        # Published once as 1.0.0; later runs keep whatever versions the owner has made since.
        spec_version_seed(
            twin=twin,
            actor=result.owner,
            spec=json.loads(DEMO_PERSONA_SPEC.read_text()),
            notes="Demo persona: Maya Chen, startup advisor and early-stage investor.",
        )
    credentials.update(
        {
            "ADMIN_URL": f"http://{DEMO_DOMAIN}:8000/admin/",
            "OWNER_LOGIN": DEMO_OWNER,
            "OWNER_PASSWORD": password,
            "TWIN_ID": str(twin.pk),
        }
    )
    _write_credentials(credentials)
    return credentials
