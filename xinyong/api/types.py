"""Types shared by the API's output models.

Timestamps are stored naive in the platform's zone (see xinyong.core.clock); every one that
leaves the API carries that zone's offset (`2026-12-05T14:19:22+08:00`), so a client in any
zone reads the same instant and the OpenAPI `date-time` format holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator

from xinyong.core import clock

AwareDatetime = Annotated[datetime, AfterValidator(clock.aware)]


def aware_iso(value: datetime | str | None, *, timespec: str = "seconds") -> str | None:
    """A stored timestamp (or its stored ISO text) as ISO 8601 with the platform's offset,
    for the routes that answer with plain dicts."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return clock.aware(parsed).isoformat(timespec=timespec)
    return clock.aware(value).isoformat(timespec=timespec)


def aware_fields(item: dict[str, Any], *names: str) -> dict[str, Any]:
    """`item` with the named timestamp fields (stored ISO text) given their offset."""
    return item | {n: aware_iso(item[n]) for n in names if item.get(n) is not None}
