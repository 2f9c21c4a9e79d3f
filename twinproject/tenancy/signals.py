"""Keep the per-process host → tenant cache honest when domains or tenants change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from twinproject.tenancy.lookup import tenant_cache_clear
from twinproject.tenancy.models import Domain, Tenant


@receiver([post_save, post_delete], sender=Domain)
@receiver([post_save, post_delete], sender=Tenant)
def _domains_changed(**_kwargs) -> None:
    tenant_cache_clear()
