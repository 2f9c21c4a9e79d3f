"""The persona spec JSON Schema (``specs/schemas/persona_spec.schema.json``) and its field-level errors.

Every way a spec enters (API, admin, learning inputs, import) goes through
``persona_spec_validate``, so they all refuse the same specs with the same messages.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from specs.errors import PersonaSpecInvalidError

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "persona_spec.schema.json"

_TYPE_NAMES = {"object": "an object", "array": "a list", "string": "a string", "number": "a number"}
_TYPE_NAMES |= {"integer": "an integer", "boolean": "true or false", "null": "null"}


@cache
def persona_spec_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text())


@cache
def _validator() -> Draft202012Validator:
    schema = persona_spec_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _path(prefix: str, parts: list[Any]) -> str:
    return ".".join([prefix, *(str(part) for part in parts)])


def _messages(error: ValidationError) -> list[tuple[list[Any], str]]:
    """(path below the error's instance, message) pairs, worded for an owner rather than a schema author."""
    kind, expected = error.validator, error.validator_value
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        return [([key], "unknown key") for key in error.instance if key not in known]
    if kind == "required":
        return [([key], "is required") for key in expected if key not in error.instance]
    if kind == "pattern" and "propertyNames" in error.relative_schema_path:
        return [([error.instance], f"name must match {expected}")]
    if kind == "anyOf" and all(set(option) == {"required"} for option in expected):
        keys = [key for option in expected for key in option["required"]]
        return [([], "must give at least one of: " + ", ".join(keys))]
    if kind == "type":
        names = [expected] if isinstance(expected, str) else expected
        return [([], "must be " + " or ".join(_TYPE_NAMES.get(name, name) for name in names))]
    wording = {
        "maximum": lambda: f"must be <= {expected}",
        "minimum": lambda: f"must be >= {expected}",
        "minLength": lambda: "must not be empty" if expected == 1 else f"must be at least {expected} characters",
        "maxLength": lambda: f"must be at most {expected} characters",
        "maxItems": lambda: f"must have at most {expected} items",
        "minItems": lambda: "must not be empty" if expected == 1 else f"must have at least {expected} items",
        "minProperties": lambda: "must not be empty" if expected == 1 else f"must have at least {expected} entries",
        "maxProperties": lambda: f"must have at most {expected} entries",
        "uniqueItems": lambda: "must not repeat an item",
        "enum": lambda: "must be one of: " + ", ".join(str(option) for option in expected),
        "pattern": lambda: f"must match {expected}",
    }
    return [([], wording[kind]() if kind in wording else error.message)]


def json_schema_errors(validator: Draft202012Validator, instance: Any, *, prefix: str) -> dict[str, list[str]]:
    """Field errors of ``instance`` under ``validator``, keyed by dotted path below ``prefix``; empty when valid.

    Worded like the persona spec's own errors; learning inputs check their payloads with it.
    """
    fields: dict[str, list[str]] = {}
    errors = sorted(validator.iter_errors(instance), key=lambda error: [str(part) for part in error.absolute_path])
    for error in errors:
        for below, message in _messages(error):
            key = _path(prefix, [*error.absolute_path, *below])
            if message not in fields.setdefault(key, []):
                fields[key].append(message)
    return fields


def persona_spec_errors(spec: Any, *, prefix: str = "spec") -> dict[str, list[str]]:
    """Field errors of ``spec`` keyed by dotted path (``spec.guardrails.forbidden_topics.0``); empty when valid."""
    return json_schema_errors(_validator(), spec, prefix=prefix)


def persona_spec_validate(spec: Any, *, prefix: str = "spec") -> dict[str, Any]:
    """``spec`` unchanged if it fits the schema; else ``PersonaSpecInvalidError`` with every field error."""
    fields = persona_spec_errors(spec, prefix=prefix)
    if fields:
        raise PersonaSpecInvalidError("The persona spec does not fit its schema.", fields=fields)
    return spec


def persona_spec_drop_unknown_keys(spec: dict[str, Any]) -> list[str]:
    """Removes from ``spec``, in place, every key the schema does not know; returns their dotted paths.

    For specs written elsewhere (an eval file's twin) that carry notes of their own; the API
    and admin still refuse unknown keys.
    """
    removed: list[str] = []
    for error in list(_validator().iter_errors(spec)):
        if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
            continue
        known = error.schema.get("properties", {})
        for key in [k for k in error.instance if k not in known]:
            del error.instance[key]
            removed.append(_path("spec", [*error.absolute_path, key]))
    return sorted(removed)
