"""System pages under /-/."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from xinyong import __version__
from xinyong.api.deps import SessionDep
from xinyong.core.workdays import load_calendar, outlook

router = APIRouter(prefix="/-", tags=["system"])


@router.get("/health")
def health(session: SessionDep) -> dict[str, Any]:
    """The database answers; and the working-day calendar: whether this year or next is
    provisional (no State Council notice added), with the warning shown from 1 November."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "calendar": outlook(load_calendar(session)).as_dict()}


@router.get("/version")
def version() -> dict[str, str]:
    return {"version": __version__}
