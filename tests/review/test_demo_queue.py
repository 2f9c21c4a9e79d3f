"""`make run`'s demo fills the review desk with escalated and refused turns, once."""

from __future__ import annotations

import re
from uuid import UUID

from django.test import Client
from django_tenants.utils import tenant_context

from review.models import ReviewItem
from review.services import review_item_resolve
from twinproject.accounts.models import User
from twinproject.demo import DEMO_DOMAIN, DEMO_OWNER, DEMO_SCHEMA, demo_seed
from twinproject.tenancy.models import Tenant


def test_the_demo_queues_escalated_and_refused_turns_once_and_shows_them_first(db, tenants, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    demo_seed()
    demo = Tenant.objects.get(schema_name=DEMO_SCHEMA)
    with tenant_context(demo):
        queued = list(ReviewItem.objects.values_list("reason", "priority", "message__content"))
        assert sorted((reason, priority) for reason, priority, _ in queued) == [
            ("clarification_loop", "low"),
            ("escalation", "high"),
            ("escalation", "high"),
            ("refusal", "medium"),
            ("refusal", "medium"),
        ]
        maya = User.objects.get(username=DEMO_OWNER)
        review_item_resolve(item=ReviewItem.objects.filter(reason="refusal").first(), actor=maya, status="dismissed")

    demo_seed()
    with tenant_context(demo):
        assert ReviewItem.objects.count() == 5
        assert ReviewItem.objects.filter(status="pending").count() == 4

    desk = Client(HTTP_HOST=DEMO_DOMAIN)
    with tenant_context(demo):
        desk.force_login(maya)
    response = desk.get("/admin/review/reviewitem/")
    listed = re.findall(r'name="_selected_action" value="([0-9a-f-]{36})"', response.content.decode())
    with tenant_context(demo):
        reasons = dict(ReviewItem.objects.values_list("pk", "reason"))
    assert [reasons[UUID(pk)] for pk in listed] == ["escalation", "escalation", "refusal", "clarification_loop"]
