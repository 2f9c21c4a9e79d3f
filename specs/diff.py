"""A structured diff between two spec JSON documents, for the API and the admin to render."""

from __future__ import annotations

from typing import Any, TypedDict

_MISSING = object()


class Change(TypedDict):
    path: str
    op: str  # added | removed | changed
    before: Any
    after: Any


def _same_scalar(before: Any, after: Any) -> bool:
    # JSON's true is not the number 1, while 1 and 1.0 are the same number.
    return before == after and isinstance(before, bool) == isinstance(after, bool)


def _walk(before: Any, after: Any, parts: list[str], out: list[Change]) -> None:
    if before is _MISSING:
        out.append({"path": ".".join(parts), "op": "added", "before": None, "after": after})
        return
    if after is _MISSING:
        out.append({"path": ".".join(parts), "op": "removed", "before": before, "after": None})
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(key for key in after if key not in before)]:
            _walk(before.get(key, _MISSING), after.get(key, _MISSING), [*parts, str(key)], out)
        return
    if isinstance(before, list) and isinstance(after, list):
        # Position by position: learning inputs append, so additions show up as added items at the end.
        for index in range(max(len(before), len(after))):
            old = before[index] if index < len(before) else _MISSING
            new = after[index] if index < len(after) else _MISSING
            _walk(old, new, [*parts, str(index)], out)
        return
    if not _same_scalar(before, after):
        out.append({"path": ".".join(parts), "op": "changed", "before": before, "after": after})


def spec_diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """What changes from ``before`` to ``after``: one entry per added, removed or changed leaf or subtree.

    Paths are dotted (``interaction_style.tone_sliders.directness``, ``faq_library.2``), like the schema's errors.
    """
    changes: list[Change] = []
    _walk(before, after, [], changes)
    return changes
