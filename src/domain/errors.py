"""Errors the domain raises; the gRPC layer maps each kind to one status code."""
from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Base of every expected failure."""


@dataclass(frozen=True)
class FieldViolation:
    field: str
    description: str

    def __str__(self) -> str:
        return f"{self.field}: {self.description}"


class ValidationFailed(DomainError):
    """Input breaks a rule; nothing was changed."""

    def __init__(self, violations: list[FieldViolation], subject: str = "request"):
        self.violations = list(violations)
        self.subject = subject
        super().__init__(f"{subject} is invalid: " + "; ".join(map(str, self.violations)))


class IllegalTransition(DomainError):
    """The operation does not fit the current state (settle twice, fees after settlement...)."""


class NotFound(DomainError):
    pass


class AlreadyExists(DomainError):
    """What the request would create exists already (a visit with the same 门诊号)."""

    def __init__(self, message: str, resource: str = "", name: str = ""):
        super().__init__(message)
        self.resource, self.name = resource, name


class ConcurrencyConflict(DomainError):
    """Someone else changed the same record first."""


class Unauthorized(DomainError):
    pass


class PermissionDenied(DomainError):
    pass
