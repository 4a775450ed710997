"""Types shared by the API's output models.

Timestamps are stored naive in the platform's zone (see xinyong.core.clock); every one that
leaves the API carries that zone's offset (`2026-12-05T14:19:22+08:00`), so a client in any
zone reads the same instant and the OpenAPI `date-time` format holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BeforeValidator

from xinyong.catalog import default_catalog
from xinyong.core import clock
from xinyong.measures import default_measures
from xinyong.publication.reads import public_type_ids

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


def _iso_date_text(value: Any) -> Any:
    """An input date is a YYYY-MM-DD text (or a date): pydantic would also take a number as
    seconds since 1970 (`as_of=0` = 1970-01-01), which no client means."""
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("日期格式应为 YYYY-MM-DD")
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("日期格式应为 YYYY-MM-DD")
    return value


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]


def one_of(values: Iterable[str]) -> dict[str, Any]:
    """`json_schema_extra` that documents the values a text parameter takes: the list comes
    from the data (catalog, measures, state machines), which the domain checks and refuses
    by name; the schema then promises no more than the server accepts."""
    return {"enum": sorted(values)}


RECORD_TYPES = one_of(default_catalog().record_types)
MATTERS = one_of(default_measures().matters)
LICENCE_KINDS = one_of(default_measures().licence_kinds)
RecordTypePath = Annotated[str, Path(description="信息类别", json_schema_extra=RECORD_TYPES)]
# The columns and a subject's public records take only the types the public site shows.
PUBLIC_RECORD_TYPES = one_of(public_type_ids(default_catalog()))
PublicRecordTypePath = Annotated[str, Path(description="公示的信息类别",
                                           json_schema_extra=PUBLIC_RECORD_TYPES)]
