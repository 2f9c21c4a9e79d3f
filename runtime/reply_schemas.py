"""The JSON Schemas of a reply's structured output (``runtime/schemas/``), and their validation.

An answer is shaped by its workflow's ``output_schema`` (``workflow.plan.v1`` …):
each built-in workflow has its own file; a workflow an owner added is checked
against ``workflow.generic.v1``. Clarify, escalate and refuse replies have their
own ``reply.<action>.v1``. Output that breaks its schema is never sent.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
GENERIC_WORKFLOW_SCHEMA = "workflow.generic.v1"


class ReplySchemaError(ValueError):
    pass


def _file_for(schema_id: str) -> Path | None:
    path = SCHEMA_DIR / f"{schema_id}.json"
    return path if path.parent == SCHEMA_DIR and path.is_file() else None


@cache
def reply_schema(schema_id: str) -> dict[str, Any]:
    """The JSON Schema for ``schema_id``; an owner's own workflow gets the generic one."""
    path = _file_for(schema_id)
    if path is None:
        if not (schema_id.startswith("workflow.") and schema_id.endswith(".v1")):
            raise ReplySchemaError(f"No reply schema {schema_id!r}.")
        path = SCHEMA_DIR / f"{GENERIC_WORKFLOW_SCHEMA}.json"
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    return schema


@cache
def _validator(schema_id: str) -> Draft202012Validator:
    return Draft202012Validator(reply_schema(schema_id))


def reply_validate(schema_id: str, output: dict[str, Any]) -> dict[str, Any]:
    """``output`` itself if it matches its schema; else ``ReplySchemaError`` naming the first problem."""
    errors = sorted(_validator(schema_id).iter_errors(output), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise ReplySchemaError(f"{schema_id}: {where}: {first.message}"[:500])
    if output.get("schema") != schema_id:
        raise ReplySchemaError(f"{schema_id}: the output names the schema {output.get('schema')!r}.")
    return output
