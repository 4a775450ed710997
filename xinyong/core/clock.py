"""The platform's clock: every date and timestamp in the platform's zone, not the server's.

A credit office works on Beijing dates: a batch received at 05:00 in Lanzhou on 3 March is
received on 3 March, whatever zone the server runs in. So nothing in the package calls
`date.today()` or `datetime.now()`; it asks this module, which answers in the configured zone
(`XINYONG_TIME_ZONE`, Asia/Shanghai by default).

Storage: timestamps are kept as naive wall-clock time of the platform zone (the columns are
`timestamp without time zone` on PostgreSQL, text on SQLite; an aware value would be shifted
by the database session's zone on PostgreSQL and silently stripped on SQLite). `aware()` puts
the zone back where a timestamp leaves the platform (API responses, documents).
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"

_zone: tzinfo = ZoneInfo(DEFAULT_ZONE)


def configure(zone_name: str) -> None:
    """Set the platform zone (called by create_app and the CLI from Settings.time_zone)."""
    global _zone
    _zone = ZoneInfo(zone_name)


def zone() -> tzinfo:
    return _zone


def now() -> datetime:
    """Wall-clock time in the platform zone, naive (the storage form)."""
    return datetime.now(_zone).replace(tzinfo=None)


def today() -> date:
    """Today in the platform zone."""
    return datetime.now(_zone).date()


def aware(value: datetime) -> datetime:
    """A stored (naive, platform-zone) timestamp with its zone attached, for output."""
    if value.tzinfo is not None:
        return value.astimezone(_zone)
    return value.replace(tzinfo=_zone)
