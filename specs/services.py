from __future__ import annotations

from django.db import transaction

from specs.models import Twin
from twinproject.accounts.models import User


@transaction.atomic
def twin_ensure(*, owner: User, slug: str, name: str) -> tuple[Twin, bool]:
    """The owner's twin with this slug, created if missing."""
    return Twin.objects.get_or_create(slug=slug, defaults={"owner": owner, "name": name})
