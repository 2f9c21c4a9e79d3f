"""Persona spec version labels: plain ``MAJOR.MINOR.PATCH`` semver, no pre-release or build parts."""

from __future__ import annotations

import re

# Each part is capped at six digits so the database can order versions as integer arrays.
SEMVER_REGEX = r"^(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})$"
_SEMVER = re.compile(SEMVER_REGEX)

FIRST_VERSION = "1.0.0"


def semver_parse(text: str) -> tuple[int, int, int]:
    """``"1.4.2"`` -> ``(1, 4, 2)``; ``ValueError`` for anything else."""
    match = _SEMVER.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a version like 1.4.2 (MAJOR.MINOR.PATCH, no leading zeros).")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def semver_next_patch(text: str) -> str:
    major, minor, patch = semver_parse(text)
    return f"{major}.{minor}.{patch + 1}"
