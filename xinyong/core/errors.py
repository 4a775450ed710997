"""Error kinds shared by every domain. Each carries a stable machine code and a zh-CN message.

Domains raise these; the api layer maps the kind to an HTTP status in one table and the cli
layer prints them. Subclasses are by kind, not by domain.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One row/field/rule problem, as shown to a data officer. `level` "warning": the row
    was stored and the problem is reported (e.g. a provider's end date the rule overrides);
    "error": the row was rejected."""

    row: int | None
    field: str | None
    rule: str
    message: str
    value: str | None = None
    level: str = "error"

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


class RateLimited(XinyongError):
    """Too many failed attempts from one client or at one target: wait and retry."""

    code = "too_many_attempts"


class Unauthenticated(XinyongError):
    """No credentials where some are needed, or credentials the platform does not know."""

    code = "unauthenticated"
