"""structlog configuration; a processor masks resident ID numbers in any logged value."""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

import structlog

_RESIDENT_ID = re.compile(r"\b(\d{4})\d{10}(\d{3}[\dXx])\b")


def _mask(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in event.items():
        if isinstance(value, str):
            event[key] = _RESIDENT_ID.sub(r"\1**********\2", value)
    return event


structlog.configure(processors=[_mask, structlog.processors.add_log_level,
                                structlog.processors.TimeStamper(fmt="iso"),
                                structlog.dev.ConsoleRenderer()])


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
