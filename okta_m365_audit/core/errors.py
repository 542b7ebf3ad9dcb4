"""Errors the suite raises on purpose: each one says what is wrong and how to fix it."""

from __future__ import annotations


class AuditError(Exception):
    """Base class: an error whose message is meant for the operator, not a traceback."""


class ConfigError(AuditError):
    """A tenant YAML file (or a secret it references) is unusable."""

    def __init__(self, file: str, field: str, problem: str, fix: str, line: int | None = None):
        self.file, self.field, self.problem, self.fix, self.line = file, field, problem, fix, line
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {field}: {problem}. Fix: {fix}")


class ReadOnlyViolation(AuditError):
    """Something tried to send a non-GET request to a tenant API."""


class ConnectError(AuditError):
    """A tenant endpoint could not be reached (DNS, TCP, TLS, reset, timeout): the real cause
    is kept. ``transient``: worth another try (a reset or a timeout; not a bad certificate)."""

    def __init__(self, message: str, transient: bool = True):
        super().__init__(message)
        self.transient = transient


class CollectionError(AuditError):
    """A resource could not be read; checks that need it must ERROR, never pass."""
