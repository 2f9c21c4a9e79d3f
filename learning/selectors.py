from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Case, IntegerField, QuerySet, Value, When

from learning.effects import learning_effect_apply
from learning.models import LearningInput, RegressionCase
from review.models import ReviewItem
from runtime.models import KnowledgeSource, Message
from runtime.selectors import knowledge_list
from specs.diff import Change, spec_diff
from specs.models import PersonaSpec, Twin
from specs.schema import persona_spec_validate
from specs.selectors import persona_spec_active, persona_spec_active_get
from twinproject.errors import DomainError, NotFoundError

STATUS_ALL = "all"


def learning_input_pending_first(queryset: QuerySet[LearningInput]) -> QuerySet[LearningInput]:
    """Pending inputs first, then the decided ones; newest first within each."""
    rank = Case(When(status=LearningInput.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField())
    return queryset.annotate(pending_rank=rank).order_by("pending_rank", "-created_at", "id")


def learning_input_list(
    *, twin: Twin, status: str = LearningInput.Status.PENDING, input_type: str | None = None
) -> QuerySet[LearningInput]:
    """The twin's learning inputs in ``status`` (``"all"``: every status, pending first), newest first."""
    inputs = LearningInput.objects.filter(twin=twin)
    if status != STATUS_ALL:
        inputs = inputs.filter(status=status)
    if input_type:
        inputs = inputs.filter(input_type=input_type)
    inputs = inputs.select_related("twin", "base_version", "applied_version", "created_by", "decided_by")
    return learning_input_pending_first(inputs)


def learning_input_get(*, twin: Twin, learning_input_id: UUID) -> LearningInput:
    found = learning_input_list(twin=twin, status=STATUS_ALL).filter(pk=learning_input_id).first()
    if found is None:
        raise NotFoundError("No learning input with this id for this twin.")
    return found


def learning_input_base(learning_input: LearningInput) -> PersonaSpec | None:
    """The version an input applies to: its own base version, else the twin's active one (None: the twin has none)."""
    if learning_input.base_version_id is not None:
        return PersonaSpec.objects.get(pk=learning_input.base_version_id)
    return persona_spec_active(learning_input.twin)


def learning_input_spec_after(learning_input: LearningInput, base: PersonaSpec | None) -> dict[str, Any]:
    """The spec that applying the input to ``base`` would make; raises what applying it would raise."""
    spec = learning_effect_apply(
        input_type=learning_input.input_type,
        spec=base.spec if base is not None else {},
        payload=learning_input.payload,
    )
    return persona_spec_validate(spec)


@dataclass(frozen=True)
class DraftPreview:
    """What applying a pending input now would do: the changes against its base, or why it would be refused."""

    base: PersonaSpec | None
    changes: list[Change]
    error: DomainError | None


def learning_input_draft_preview(learning_input: LearningInput) -> DraftPreview:
    base = learning_input_base(learning_input)
    try:
        after = learning_input_spec_after(learning_input, base)
    except DomainError as exc:
        return DraftPreview(base, [], exc)
    return DraftPreview(base, spec_diff(base.spec if base is not None else {}, after), None)


def learning_source_review_item_get(*, twin: Twin, item_id: UUID | None) -> ReviewItem | None:
    """A review item of ``twin`` named as a learning input's source; an unknown one is a field error."""
    if item_id is None:
        return None
    found = ReviewItem.objects.filter(twin=twin, pk=item_id).select_related("message", "conversation").first()
    if found is None:
        message = "No review item with this id for this twin."
        raise DomainError(message, fields={"source_review_item_id": [message]})
    return found


def learning_source_message_get(*, twin: Twin, message_id: UUID | None) -> Message | None:
    """A visitor's (user) message of ``twin``'s conversations named as a learning input's source."""
    if message_id is None:
        return None
    found = (
        Message.objects.filter(pk=message_id, conversation__twin=twin, role=Message.Role.USER)
        .select_related("conversation")
        .first()
    )
    if found is None:
        message = "No user message with this id in this twin's conversations."
        raise DomainError(message, fields={"source_message_id": [message]})
    return found


def regression_case_list(*, twin: Twin) -> QuerySet[RegressionCase]:
    return RegressionCase.objects.filter(twin=twin).select_related("learning_input").order_by("created_at", "id")


def regression_case_as_eval(case: RegressionCase) -> dict[str, Any]:
    """One case in the eval format (DESIGN.md, "Eval cases")."""
    return {
        "id": case.case_id,
        "query": case.query,
        "expected_intent": case.expected_intent,
        "expected_action": case.expected_action,
        "requires_citations": case.requires_citations,
        "interaction_context": case.interaction_context,
        "history": [{"role": str(turn["role"]), "content": str(turn["content"])} for turn in case.history],
        "pinned_context": dict(case.pinned_context),
        "learning_input": str(case.learning_input_id),
    }


def regression_cases_export(*, twin: Twin, version: PersonaSpec | None = None) -> dict[str, Any]:
    """The twin's regression cases as an eval file: its persona spec (the active version unless ``version``)
    and approved documents, and every case. ``run_eval --cases FILE`` runs it."""
    spec_version = version if version is not None else persona_spec_active_get(twin=twin)
    documents = knowledge_list(twin=twin, kind=KnowledgeSource.Kind.DOCUMENT).filter(approved=True)
    return {
        "twin": {
            "name": twin.name[:200],
            "persona_spec_version": spec_version.version,
            "persona_spec": spec_version.spec,
            "knowledge": [{"title": doc.title, "text": doc.body} for doc in documents if doc.title and doc.body],
        },
        "cases": [regression_case_as_eval(case) for case in regression_case_list(twin=twin)],
    }
