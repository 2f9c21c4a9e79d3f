from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django_tenants.utils import get_public_schema_name, tenant_context

from twinproject.accounts.models import ApiToken, User
from twinproject.accounts.services import api_token_issue, owner_ensure
from twinproject.tenancy.models import Domain, Tenant


@dataclass
class TenantProvision:
    tenant: Tenant
    domain: Domain
    owner: User
    tenant_created: bool
    domain_created: bool
    owner_created: bool
    token: ApiToken | None
    token_key: str | None  # only when a token was issued by this call


def tenant_public_ensure(*, domain: str = "localhost") -> Tenant:
    """The public schema's own tenant row, so the bare host serves the operator's admin."""
    tenant, _ = Tenant.objects.get_or_create(schema_name=get_public_schema_name(), defaults={"name": "Platform"})
    Domain.objects.get_or_create(domain=domain, defaults={"tenant": tenant, "is_primary": True})
    return tenant


@transaction.atomic
def tenant_provision(
    *,
    schema_name: str,
    name: str,
    domain: str,
    owner_username: str,
    owner_email: str = "",
    owner_password: str | None = None,
    new_token: bool = False,
) -> TenantProvision:
    """Create (or find) a tenant, its domain, its owner and the owner's API token.

    Idempotent: what exists is kept and reported; a token is issued only when the
    owner has none (or ``new_token``), because stored tokens cannot be shown again.
    One transaction: a failure leaves no schema, domain or user behind.
    """
    if schema_name == get_public_schema_name():
        raise ValueError("The public schema is not a tenant.")
    tenant_public_ensure()
    tenant = Tenant.objects.filter(schema_name=schema_name).first()
    tenant_created = tenant is None
    if tenant is None:
        tenant = Tenant(schema_name=schema_name, name=name)
        tenant.save(verbosity=0)  # creates the schema and migrates it
    existing_domain = Domain.objects.filter(domain=domain).first()
    if existing_domain is not None and existing_domain.tenant_id != tenant.pk:
        raise ValueError(f"The domain {domain} already belongs to the tenant {existing_domain.tenant.schema_name}.")
    domain_row, domain_created = Domain.objects.get_or_create(
        domain=domain, defaults={"tenant": tenant, "is_primary": not tenant.domains.exists()}
    )
    with tenant_context(tenant):
        owner, owner_created = owner_ensure(username=owner_username, email=owner_email, password=owner_password)
        token = ApiToken.objects.filter(user=owner, revoked_at__isnull=True).first()
        key = None
        if token is None or new_token:
            token, key = api_token_issue(user=owner)
    return TenantProvision(tenant, domain_row, owner, tenant_created, domain_created, owner_created, token, key)
