"""The caller's own account; for a subject account its credit file and 'who looked at me'."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from xinyong import audit
from xinyong.accounts import PURPOSE_LABELS, Actor, Permission, Purpose, permissions_of
from xinyong.accounts.access import read_own_file
from xinyong.api.deps import ActorDep, CatalogDep, SessionDep, require
from xinyong.api.routers.shared import FileShared, file_model
from xinyong.api.types import AwareDatetime
from xinyong.core.errors import Forbidden

router = APIRouter(prefix="/api/v1/me", tags=["me"])
Subject = Annotated[Actor, Depends(require(Permission.OWN_FILE_READ))]


class MePublic(BaseModel):
    name: str
    role: str
    department_uscc: str | None
    department_name: str | None
    department_class: str | None
    subject_uscc: str | None
    permissions: list[str]


QUERY_KINDS = {audit.READ_SHARED: "共享查询", audit.CHECK_RUN: "信用核查（逢办必查）",
               audit.REPORT_ISSUE: "信用报告"}


class QueryPublic(BaseModel):
    at: AwareDatetime
    kind: str = Field(description="records.read_shared 共享查询 or check.run 信用核查 "
                      "or report.issue 信用报告")
    kind_label: str
    department_name: str | None
    department_uscc: str | None
    role: str
    purpose: str | None
    purpose_label: str | None
    purpose_text: str | None


class QueryList(BaseModel):
    items: list[QueryPublic]
    total: int


@router.get("", response_model=MePublic,
            dependencies=[Depends(require(Permission.PUBLIC_READ))])
def me(actor: ActorDep) -> MePublic:
    """Who the server takes the caller for, and what it may do."""
    return MePublic(name=actor.name, role=actor.role.value,
                    department_uscc=actor.department_uscc,
                    department_name=actor.department_name,
                    department_class=actor.department_class, subject_uscc=actor.subject_uscc,
                    permissions=sorted(permissions_of(actor)))


@router.get("/file", response_model=FileShared)
def my_file(session: SessionDep, catalog: CatalogDep, actor: Subject) -> FileShared:
    """The subject's whole credit file, non-public records included."""
    return file_model(read_own_file(session, catalog, actor))


@router.get("/queries", response_model=QueryList)
def my_queries(session: SessionDep, actor: Subject) -> QueryList:
    """Every non-public query made about the subject: department, date, purpose."""
    if not actor.subject_uscc:
        raise Forbidden("该账户未关联信用主体", code="no_subject")
    items = [QueryPublic(at=e.at, kind=e.action, kind_label=QUERY_KINDS.get(e.action, e.action),
                         department_name=e.department_name,
                         department_uscc=e.department_uscc, role=e.role, purpose=e.purpose,
                         purpose_label=PURPOSE_LABELS[Purpose(e.purpose)] if e.purpose else None,
                         purpose_text=e.purpose_text)
             for e in audit.list_queries_about(session, actor.subject_uscc)]
    audit.append(session, actor, "own_queries.read", subject_uscc=actor.subject_uscc,
                 details={"entries": len(items)})
    return QueryList(items=items, total=len(items))
