"""Domain errors of learning inputs; ``twinproject.errors`` maps them to the API's error shape."""

from __future__ import annotations

from twinproject.errors import DomainError


class LearningInputInvalidError(DomainError):
    """The payload does not fit its input type; ``fields`` names the offending keys."""

    code = "invalid_learning_input"
