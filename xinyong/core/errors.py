"""Error kinds shared by every domain. Each carries a stable machine code and a zh-CN message.

Domains raise these; the api layer maps the kind to an HTTP status in one table and the cli
layer prints them. Subclasses are by kind, not by domain.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One row/field/rule problem, as shown to a data officer."""

    row: int | None
    field: str | None
    rule: str
    message: str
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class XinyongError(Exception):
    code = "error"

    def __init__(self, message: str, *, code: str | None = None,
                 errors: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.errors = errors or []


class NotFound(XinyongError):
    code = "not_found"


class Invalid(XinyongError):
    code = "invalid"


class Conflict(XinyongError):
    code = "conflict"


class Forbidden(XinyongError):
    code = "forbidden"


class RuleViolation(XinyongError):
    code = "rule_violation"


class ConfigError(XinyongError):
    code = "config_error"


class Unauthenticated(XinyongError):
    """No credentials where some are needed, or credentials the platform does not know."""

    code = "unauthenticated"
