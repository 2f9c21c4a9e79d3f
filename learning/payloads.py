"""Each learning input type's payload, checked against its JSON Schema (``learning/schemas/<type>.schema.json``).

A payload that would not fit is refused when the input is created, with field errors
(``payload.question``), so applying it later fails only on the spec as a whole
(a list grown past its limit), never on the payload itself.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from learning.errors import LearningInputInvalidError, PersonaFundamentalChangeError
from learning.models import LearningInput
from specs.schema import json_schema_errors

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
FUNDAMENTAL_CHANGE_FLAG = "allow_persona_fundamental_change"
FUNDAMENTAL_CHANGE_MESSAGE = (
    "identity_voice is the persona itself (name, bio, voice rules, signature phrases); a style preference may "
    f"change it only with {FUNDAMENTAL_CHANGE_FLAG}: true"
)


@cache
def payload_schema(input_type: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / f"{input_type}.schema.json").read_text())


@cache
def _validator(input_type: str) -> Draft202012Validator:
    schema = payload_schema(input_type)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def fundamental_change_check(input_type: str, payload: dict[str, Any], *, prefix: str = "payload") -> None:
    """Refuse a style preference that changes ``identity_voice`` unless the owner said it may."""
    if input_type != LearningInput.InputType.ADD_STYLE_PREFERENCE or "identity_voice" not in payload:
        return
    if payload.get(FUNDAMENTAL_CHANGE_FLAG) is not True:
        raise PersonaFundamentalChangeError(
            "This style preference would change the persona's identity_voice, which is refused without "
            f"{FUNDAMENTAL_CHANGE_FLAG}: true.",
            fields={f"{prefix}.identity_voice": [FUNDAMENTAL_CHANGE_MESSAGE]},
        )


def learning_payload_check(input_type: str, payload: Any) -> dict[str, Any]:
    """``payload`` as it will be stored, or ``LearningInputInvalidError`` with every field error."""
    if input_type not in LearningInput.InputType.values:
        message = "must be one of: " + ", ".join(LearningInput.InputType.values)
        raise LearningInputInvalidError("Unknown learning input type.", fields={"input_type": [message]})
    errors = json_schema_errors(_validator(input_type), payload, prefix="payload")
    if errors:
        raise LearningInputInvalidError(f"The {input_type} payload is not valid.", fields=errors)
    fundamental_change_check(input_type, payload)
    if input_type == LearningInput.InputType.ADD_FAQ_ANSWER:
        # Spelled out, so the stored payload is exactly the FAQ entry that applying it appends.
        return {"question": payload["question"], "answer": payload["answer"], "template": payload.get("template")}
    return dict(payload)
