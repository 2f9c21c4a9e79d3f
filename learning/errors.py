"""Domain errors of learning inputs; ``twinproject.errors`` maps them to the API's error shape."""

from __future__ import annotations

from twinproject.errors import ConflictError, DomainError


class LearningInputInvalidError(DomainError):
    """The payload does not fit its input type; ``fields`` names the offending keys."""

    code = "invalid_learning_input"


class PersonaFundamentalChangeError(DomainError):
    """An ``add_style_preference`` touches ``identity_voice`` without ``allow_persona_fundamental_change: true``."""

    code = "persona_fundamental_change_refused"


class LearningInputNotPendingError(ConflictError):
    """The input was applied or rejected already (perhaps a moment ago, in another tab or request)."""

    code = "learning_input_not_pending"


class LearningInputSourceTakenError(ConflictError):
    """The review item already taught the twin through another learning input."""

    code = "review_item_already_taught"
