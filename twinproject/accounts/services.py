from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from twinproject.accounts.keys import key_digest, key_display_prefix, key_generate
from twinproject.accounts.models import ApiToken, User

OWNER_TOKEN_PREFIX = "twn"


@transaction.atomic
def api_token_issue(*, user: User, name: str = "default") -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the key, which is never stored."""
    key = key_generate(OWNER_TOKEN_PREFIX)
    token = ApiToken.objects.create(user=user, name=name, prefix=key_display_prefix(key), digest=key_digest(key))
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def owner_ensure(*, username: str, email: str, password: str | None) -> tuple[User, bool]:
    """Create the owner (staff, not superuser) of the current tenant if missing."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    user = User(username=username, email=email, is_staff=True, is_superuser=False)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user, True
