from __future__ import annotations

from typing import Any

from django.db import transaction

from learning.errors import LearningInputInvalidError
from learning.models import LearningInput
from specs.models import PersonaSpec, Twin
from specs.schema import persona_spec_errors
from twinproject.accounts.models import User

InputType = LearningInput.InputType


def _faq_answer_payload(payload: Any) -> dict[str, Any]:
    """``{question, answer, template?}`` checked against the persona spec's own FAQ entry schema.

    Applying the input appends the payload to ``faq_library``, so it must fit there as it is.
    """
    if not isinstance(payload, dict):
        raise LearningInputInvalidError("The payload must be an object.", fields={"payload": ["must be an object"]})
    errors = persona_spec_errors({"faq_library": [payload]}, prefix="spec")
    if errors:
        fields = {key.replace("spec.faq_library.0", "payload", 1): found for key, found in errors.items()}
        raise LearningInputInvalidError("The add_faq_answer payload is not valid.", fields=fields)
    return {"question": payload["question"], "answer": payload["answer"], "template": payload.get("template")}


def _payload_check(input_type: str, payload: Any) -> dict[str, Any]:
    if input_type not in InputType.values:
        message = "must be one of: " + ", ".join(InputType.values)
        raise LearningInputInvalidError("Unknown learning input type.", fields={"input_type": [message]})
    if input_type == InputType.ADD_FAQ_ANSWER:
        return _faq_answer_payload(payload)
    # The other types' payloads are checked field by field when they are applied (the learning API's issue).
    if not isinstance(payload, dict) or not payload:
        raise LearningInputInvalidError("The payload must be a non-empty object.", fields={"payload": ["required"]})
    return payload


def _sources_check(twin: Twin, base_version: PersonaSpec | None, conversation, message, review_item) -> None:
    problems: dict[str, list[str]] = {}
    if base_version is not None and base_version.twin_id != twin.pk:
        problems["base_version"] = ["must be a version of the same twin"]
    if conversation is not None and conversation.twin_id != twin.pk:
        problems["source_conversation"] = ["must be a conversation of the same twin"]
    if message is not None and (conversation is None or message.conversation_id != conversation.pk):
        problems["source_message"] = ["must be a message of the source conversation"]
    if review_item is not None and review_item.twin_id != twin.pk:
        problems["source_review_item"] = ["must be a review item of the same twin"]
    if problems:
        raise LearningInputInvalidError("The learning input's sources do not belong together.", fields=problems)


@transaction.atomic
def learning_input_create(
    *,
    twin: Twin,
    input_type: str,
    payload: Any,
    actor: User | None,
    base_version: PersonaSpec | None = None,
    review_note: str = "",
    source_conversation=None,
    source_message=None,
    source_review_item=None,
) -> LearningInput:
    """A pending learning input for ``twin``; applying it is a later step (a new draft persona spec version)."""
    checked = _payload_check(input_type, payload)
    _sources_check(twin, base_version, source_conversation, source_message, source_review_item)
    return LearningInput.objects.create(
        twin=twin,
        input_type=input_type,
        payload=checked,
        base_version=base_version,
        review_note=review_note,
        created_by=actor,
        source_conversation=source_conversation,
        source_message=source_message,
        source_review_item=source_review_item,
    )
