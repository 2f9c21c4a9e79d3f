"""Schemathesis against our own OpenAPI schema: no 5xx, and every answer matches the schema.

The requests go through the real WSGI application in this process (Django's
whole middleware chain, no test client shortcuts), as the owner of a tenant made
for this test: its data is committed, so the application sees it as it would in
production, and the tenant's schema is dropped afterwards. Path parameters are
pinned to that owner's twin (and its versions and document) most of the time, so
the fuzzing reaches past the 404 of an unknown id.

Bounded for ``make test``: ``FUZZ_EXAMPLES`` cases per operation and mode
(set ``FUZZ_EXAMPLES`` in the environment for a longer run), derandomized so a
run is repeatable.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django_tenants.utils import tenant_context
from drf_spectacular.generators import SchemaGenerator
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import make_spec_version, make_twin
from twinproject.accounts.models import User
from twinproject.tenancy.models import Tenant
from twinproject.tenancy.services import tenant_provision

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
HOST = "fuzz.localhost"
POSITIVE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Invalid input must be refused in a documented way, never with a 5xx.
NEGATIVE_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]


@dataclass(frozen=True)
class FuzzTenant:
    token: str
    path_values: dict[str, list[str]]


def _fill(tenant: Tenant, owner: User) -> dict[str, list[str]]:
    with tenant_context(tenant):
        twin = make_twin(owner=owner, name="Fuzzed twin")
        archived = make_spec_version(twin=twin, publish=True)
        active = make_spec_version(twin=twin, publish=True)
        draft = make_spec_version(twin=twin)
        values = {"twin_id": [str(twin.pk)], "version": [archived.version, active.version, draft.version]}
        try:
            from runtime.services import knowledge_document_create
        except ImportError:
            return values
        document = knowledge_document_create(twin=twin, title="A document", body="Some approved text.")
        values["document_id"] = [str(document.pk)]
        try:
            from runtime.services import chat_key_issue, conversation_start
        except ImportError:
            return values
        conversation = conversation_start(twin=twin, interaction_context="owner_chat", actor=owner)
        values["conversation_id"] = [str(conversation.pk)]
        values["key_id"] = [str(chat_key_issue(twin=twin, actor=owner)[0].pk)]
        try:
            from learning.services import learning_input_create
        except ImportError:
            return values
        taught = learning_input_create(
            twin=twin, input_type="add_faq_answer", payload={"question": "Q?", "answer": "A."}, actor=owner
        )
        values["learning_input_id"] = [str(taught.pk)]
        return values


@pytest.fixture(scope="module")
def fuzz_tenant(django_db_setup, django_db_blocker) -> Iterator[FuzzTenant]:
    with django_db_blocker.unblock():
        made = tenant_provision(schema_name="fuzz", name="Fuzz", domain=HOST, owner_username="fuzz-owner")
        assert made.token_key is not None
        try:
            yield FuzzTenant(made.token_key, _fill(made.tenant, made.owner))
        finally:
            connection.set_schema_to_public()
            made.tenant.delete(force_drop=True)


@pytest.fixture(scope="module")
def api_schema() -> Any:
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    schema.app = get_wsgi_application()
    return schema


def _strategy(operation: Any, mode: GenerationMode, path_values: dict[str, list[str]]) -> st.SearchStrategy:
    names = {p.name for p in operation.path_parameters}
    known = {name: values for name, values in path_values.items() if name in names}
    if not known:
        return operation.as_strategy(generation_mode=mode)
    pinned = st.fixed_dictionaries({name: st.sampled_from(values) for name, values in known.items()})
    return st.one_of(
        pinned.flatmap(lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)),
        operation.as_strategy(generation_mode=mode),
    )


def _fuzz(operation: Any, mode: GenerationMode, fuzz_tenant: FuzzTenant, failures: list[str]) -> Counter[int]:
    checks = POSITIVE_CHECKS if mode is GenerationMode.POSITIVE else NEGATIVE_CHECKS
    headers = {"Authorization": f"Token {fuzz_tenant.token}"}
    statuses: Counter[int] = Counter()

    @hypothesis.settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    @hypothesis.given(case=_strategy(operation, mode, fuzz_tenant.path_values))
    def run(case: Any) -> None:
        response = case.call(base_url=f"http://{HOST}", headers=headers)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=checks, headers=headers)

    try:
        run()
    except Exception as exc:
        failures.append(f"{operation.label} ({mode.value}): {exc}"[:3000])
    return statuses


def test_fuzzing_finds_no_server_error_and_no_answer_outside_the_schema(fuzz_tenant, api_schema):
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 2
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            statuses = _fuzz(operation, mode, fuzz_tenant, failures)
            print(f"{operation.label} {mode.value}: {dict(sorted(statuses.items()))}")
    assert not failures, "\n\n".join(failures)
