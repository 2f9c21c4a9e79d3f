"""Domain errors of persona specs; ``twinproject.errors`` maps them to the API's error shape."""

from __future__ import annotations

from twinproject.errors import ConflictError, DomainError, NotFoundError


class PersonaSpecInvalidError(DomainError):
    """The spec JSON breaks the schema; ``fields`` maps each offending path to its messages."""

    code = "invalid_spec"


class PersonaSpecVersionInvalidError(DomainError):
    code = "invalid_version"


class PersonaSpecNotFoundError(NotFoundError):
    code = "persona_spec_not_found"


class PersonaSpecActiveMissingError(NotFoundError):
    code = "no_active_persona_spec"


class PersonaSpecVersionTakenError(ConflictError):
    code = "version_exists"


class PersonaSpecImmutableError(ConflictError):
    """Only drafts can be edited; active and archived versions are history."""

    code = "persona_spec_immutable"


class PersonaSpecTransitionError(ConflictError):
    code = "invalid_transition"
