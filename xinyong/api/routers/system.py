"""System pages under /-/."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from xinyong import __version__
from xinyong.api.deps import SessionDep

router = APIRouter(prefix="/-", tags=["system"])


@router.get("/health")
def health(session: SessionDep) -> dict[str, str]:
    session.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.get("/version")
def version() -> dict[str, str]:
    return {"version": __version__}
