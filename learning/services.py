"""Learning inputs: create, apply (a new draft persona spec version), reject; and the regression cases
that an applied fix leaves behind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from learning.errors import LearningInputInvalidError, LearningInputNotPendingError, LearningInputSourceTakenError
from learning.models import LearningInput, RegressionCase
from learning.payloads import learning_payload_check
from learning.selectors import learning_input_base, learning_input_spec_after
from runtime.models import Conversation, Message
from specs.models import PersonaSpec, Twin
from specs.services import spec_version_create_draft
from twinproject.accounts.models import User

InputType = LearningInput.InputType
Status = LearningInput.Status
_DECIDED_FIELDS = ["status", "applied_version", "review_note", "decided_by", "decided_at", "updated_at"]


def _sources_check(twin: Twin, base_version, conversation, message, review_item) -> None:
    problems: dict[str, list[str]] = {}
    if base_version is not None and base_version.twin_id != twin.pk:
        problems["base_version"] = ["must be a version of the same twin"]
    if conversation is not None and conversation.twin_id != twin.pk:
        problems["source_conversation"] = ["must be a conversation of the same twin"]
    if message is not None and (conversation is None or message.conversation_id != conversation.pk):
        problems["source_message"] = ["must be a message of the source conversation"]
    if review_item is not None and review_item.twin_id != twin.pk:
        problems["source_review_item"] = ["must be a review item of the same twin"]
    elif review_item is not None and message is not None and review_item.message_id != message.pk:
        problems["source_message"] = ["must be the review item's own message"]
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
    source_conversation: Conversation | None = None,
    source_message: Message | None = None,
    source_review_item=None,
) -> LearningInput:
    """A pending learning input for ``twin``; a payload that does not fit its type is refused here, with
    field errors, not when the input is applied."""
    checked = learning_payload_check(input_type, payload)
    if source_review_item is not None:
        source_message = source_message or source_review_item.message
        source_conversation = source_conversation or source_review_item.conversation
    _sources_check(twin, base_version, source_conversation, source_message, source_review_item)
    if source_review_item is not None:
        taken = LearningInput.objects.filter(source_review_item=source_review_item).first()
        if taken is not None:
            # The partial unique index refuses it anyway; this says which input holds the item.
            raise LearningInputSourceTakenError(
                f"This review item already taught the twin (learning input {taken.pk}).",
                fields={"source_review_item": ["already has a learning input"]},
            )
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


def _locked_pending(learning_input: LearningInput) -> LearningInput:
    # Lock the input: two applies at once (two tabs, the admin and the API) would both read
    # "pending" and both make a draft. The second waits here, reads "applied" and gets a 409.
    locked = LearningInput.objects.select_for_update(of=("self",)).get(pk=learning_input.pk)
    if not locked.is_pending:
        raise LearningInputNotPendingError(f"This learning input is already {locked.status}; nothing was changed.")
    return locked


@dataclass(frozen=True)
class LearningInputApplied:
    learning_input: LearningInput
    version: PersonaSpec
    regression_case: RegressionCase | None


@transaction.atomic
def learning_input_apply(
    *, learning_input: LearningInput, actor: User | None, review_note: str = ""
) -> LearningInputApplied:
    """A new draft version (the next patch number) with the input's effect on its base version, and the
    input marked applied with it, in one transaction. An input that came from a conversation also adds
    that turn, with the outcome it must now get, to the twin's regression cases.

    409 when the input is not pending (also when another apply won a race); 400 with field errors when
    the result would break the spec schema. Nothing is written then. A ``review_note`` replaces the
    input's note (the one answer-and-teach gave it stays when none is given).
    """
    locked = _locked_pending(learning_input)
    base = learning_input_base(locked)
    spec = learning_input_spec_after(locked, base)
    draft = spec_version_create_draft(
        twin=locked.twin,
        actor=actor,
        spec=spec,
        copy_from=base,
        notes=f"{locked.get_input_type_display()} (learning input {locked.pk})",
        source=PersonaSpec.Source.LEARNING_INPUT,
    )
    locked.mark_applied(version=draft, actor=actor, at=timezone.now())
    if review_note:
        locked.review_note = review_note
    locked.save(update_fields=_DECIDED_FIELDS)
    case = _regression_case_create(locked)
    return LearningInputApplied(learning_input=locked, version=draft, regression_case=case)


@transaction.atomic
def learning_input_reject(*, learning_input: LearningInput, actor: User | None, review_note: str = "") -> LearningInput:
    """Reject a pending input, keeping the note; 409 when it is no longer pending."""
    locked = _locked_pending(learning_input)
    locked.mark_rejected(note=review_note, actor=actor, at=timezone.now())
    locked.save(update_fields=_DECIDED_FIELDS)
    return locked


# --- regression cases ---------------------------------------------------------------------

# What a fixed turn must now get, per input type: (action, intent, requires_citations).
# A guardrail refusal keeps the intent "answer", as the router reports for every guardrail refusal.
# The other types change how the twin answers, not which action a turn gets: they add no case.
EXPECTED_OUTCOMES: dict[str, tuple[str, str, bool]] = {
    InputType.ADD_FAQ_ANSWER: ("answer", "answer", True),
    InputType.ADD_GUARDRAIL_REFUSAL_RULE: ("refuse", "answer", False),
}


def _history_before(message: Message) -> list[dict[str, str]]:
    """The turns the router read with ``message``: the conversation's messages before it, as many as a chat
    turn reads (``runtime.selectors.conversation_history``), oldest first."""
    earlier = (
        Message.objects.filter(conversation_id=message.conversation_id, sequence__lt=message.sequence)
        .order_by("-sequence")
        .values_list("role", "content")[: 2 * settings.CHAT_HISTORY_TURNS]
    )
    return [{"role": role, "content": content} for role, content in reversed(earlier)]


def _regression_case_create(learning_input: LearningInput) -> RegressionCase | None:
    outcome = EXPECTED_OUTCOMES.get(learning_input.input_type)
    if outcome is None or learning_input.source_message_id is None:
        return None
    message = Message.objects.select_related("conversation").get(pk=learning_input.source_message_id)
    if message.role != Message.Role.USER:
        return None
    action, intent, citations = outcome
    pinned = (message.metadata or {}).get("pinned_context") or {}
    return RegressionCase.objects.create(
        twin_id=learning_input.twin_id,
        learning_input=learning_input,
        source_message=message,
        query=message.content,
        history=_history_before(message),
        pinned_context={str(key): str(value) for key, value in pinned.items()},
        interaction_context=message.conversation.interaction_context,
        expected_intent=intent,
        expected_action=action,
        requires_citations=citations,
    )
