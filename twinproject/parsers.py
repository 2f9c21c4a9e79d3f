"""The API's JSON parser: refuses, as a 400, JSON that PostgreSQL cannot store.

Valid JSON can still carry values that fail only when written: a NUL character
(neither ``text`` nor ``jsonb`` accepts it), a lone surrogate (not encodable as
UTF-8), a number too large for a float (``1e400`` becomes infinity, which
``jsonb`` rejects), or nesting deep enough to exhaust the parser's or the
server's stack. Refusing them here turns what would be a 500 (or, for the stack,
a misleading 503) into a clear 400 for every endpoint at once.
"""

from __future__ import annotations

import math
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser

MAX_DEPTH = 64


def _problem_in_string(value: str) -> str | None:
    if "\x00" in value:
        return "Strings may not contain NUL (\\u0000) characters."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Strings may not contain unpaired surrogates."
    return None


def unstorable_reason(data: Any) -> str | None:
    """Why ``data`` (parsed JSON) cannot be stored, or None; iterative, so depth cannot overflow it."""
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            return f"JSON may be nested at most {MAX_DEPTH} levels deep."
        if isinstance(value, str):
            problem = _problem_in_string(value)
        elif isinstance(value, float):
            problem = None if math.isfinite(value) else "Numbers must be finite."
        elif isinstance(value, dict):
            problem = next(filter(None, map(_problem_in_string, value)), None)
            pending.extend((inner, depth + 1) for inner in value.values())
        elif isinstance(value, list):
            problem = None
            pending.extend((inner, depth + 1) for inner in value)
        else:
            problem = None
        if problem:
            return problem
    return None


class JSONParser(DRFJSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep.") from None
        reason = unstorable_reason(data)
        if reason:
            raise ParseError(f"JSON parse error - {reason}")
        return data
