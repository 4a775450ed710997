"""Objections (异议): filing with attachments, the provider's decision, routing, overdue and
the effective-objection report. Each handler calls xinyong.objections.service."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from xinyong.accounts import Actor, Permission, Role
from xinyong.api.deps import DbId, SessionDep, SettingsDep, identity_limits, require
from xinyong.api.types import AwareDatetime, IsoDate, one_of
from xinyong.core import attachments
from xinyong.core.settings import Settings
from xinyong.core.workdays import load_calendar, provisional_fields, session_calendar
from xinyong.objections import identity
from xinyong.objections import reads as objection_reads
from xinyong.objections import service as objections
from xinyong.objections.clocks import ObjectionClocks, clocks_from
from xinyong.objections.tables import Objection

router = APIRouter(prefix="/api/v1/objections", tags=["objections"])
Filer = Annotated[Actor, Depends(require(Permission.PUBLIC_READ))]
Decider = Annotated[Actor, Depends(require(Permission.OBJECTIONS_DECIDE))]
Manager = Annotated[Actor, Depends(require(Permission.OBJECTIONS_MANAGE))]


def clocks_of(settings: Settings) -> ObjectionClocks:
    path = settings.objection_clocks_file
    return clocks_from(str(path) if path else None)


class AttachmentOut(BaseModel):
    id: int
    file_name: str
    content_type: str
    size: int
    sha256: str


class StepOut(BaseModel):
    action: str
    from_state: str | None
    to_state: str
    actor: str
    department: str | None
    note: str | None
    on_day: date
    at: AwareDatetime


class ObjectionOut(BaseModel):
    id: int
    target: str
    record_id: int | None
    record_version: int | None
    list_entry_id: int | None
    subject_name: str
    provider_uscc: str | None
    provider_name: str | None
    applicant_kind: str
    applicant_name: str
    reasons: str
    state: str
    state_label: str
    clock_rule_id: str
    filed_on: date
    marked_on: date | None
    mark_due: date | None
    route_due: date | None
    routed_on: date | None
    decide_due: date | None
    decided_on: date | None
    decided_by: str | None
    outcome_reasons: str | None
    corrected_version: int | None
    revoked_on: date | None
    # Due dates in a year whose working-day calendar is provisional (no State Council notice
    # added yet): recomputed when it is added.
    provisional_dates: list[str] = []
    attachments: list[AttachmentOut] = []
    steps: list[StepOut] = []


DUE_FIELDS = ("mark_due", "route_due", "decide_due")


def attachments_out(session: Any, owner_kind: str, owner_id: int) -> list[AttachmentOut]:
    return [AttachmentOut(id=a.id, file_name=a.file_name, content_type=a.content_type,
                          size=a.size, sha256=a.sha256)
            for a in attachments.list_for(session, owner_kind, owner_id)]


def steps_out(steps: list[Any]) -> list[StepOut]:
    return [StepOut(**{k: getattr(s, k) for k in StepOut.model_fields}) for s in steps]


def objection_out(session: Any, o: Objection, *, full: bool = False) -> ObjectionOut:
    fields = {k: getattr(o, k) for k in ObjectionOut.model_fields
              if k not in ("state_label", "attachments", "steps", "provisional_dates")}
    out = ObjectionOut(**fields, state_label=objections.STATE_LABELS[o.state],
                       provisional_dates=provisional_fields(session_calendar(session), o,
                                                            DUE_FIELDS))
    if full:
        out.attachments = attachments_out(session, "objection", o.id)
        out.steps = steps_out(objections.steps_of(session, o.id))
    return out


async def read_uploads(files: list[UploadFile]) -> list[attachments.Upload]:
    # Read one byte past the limit: enough to refuse an oversized file without holding more.
    return [attachments.Upload(f.filename or "", await f.read(attachments.MAX_BYTES + 1))
            for f in files]


@router.post("", response_model=ObjectionOut, status_code=201,
             summary="提出异议（信用主体账户，或以证件号码核验身份的自然人），可附 PDF/图片")
async def file_objection(
        session: SessionDep, settings: SettingsDep, actor: Filer,
        target: Annotated[Literal["record", "list_entry"], Form()],
        target_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
        reasons: Annotated[str, Form(min_length=1, max_length=objections.REASONS_MAX)],
        contact: Annotated[str | None, Form(max_length=100)] = None,
        person_id_number: Annotated[str | None, Form(max_length=40)] = None,
        person_name: Annotated[str | None, Form(max_length=50)] = None,
        files: Annotated[list[UploadFile] | None, File()] = None) -> ObjectionOut:
    if person_id_number and actor.role != Role.SUBJECT:
        # Limited, audited, one answer for every failure; the attempt is committed before
        # the refusal so that it stays counted.
        check = identity.check_person(session, actor, target, target_id, person_id_number,
                                      secret=settings.secret_key,
                                      limits=identity_limits(settings))
        if check.error is not None:
            session.commit()
            raise check.error
    uploads = await read_uploads(files or [])
    o = objections.file_objection(
        session, actor, objections.Filing(target, target_id, reasons, tuple(uploads),
                                          person_id_number, person_name, contact),
        clocks=clocks_of(settings), calendar=load_calendar(session),
        secret=settings.secret_key)
    return objection_out(session, o, full=True)


class ObjectionList(BaseModel):
    items: list[ObjectionOut]
    total: int


@router.get("", response_model=ObjectionList,
            summary="异议列表：信用主体看本主体的，提供单位看本单位的，信用办看全部")
def list_objections(session: SessionDep, actor: Filer,
                    state: Annotated[str | None, Query(
                        max_length=20, description="open 或具体状态",
                        json_schema_extra=one_of(["open", *objections.STATE_LABELS]))] = None
                    ) -> ObjectionList:
    items = [objection_out(session, o) for o in objection_reads.read_queue(session, actor,
                                                                           state=state)]
    return ObjectionList(items=items, total=len(items))


class OverdueOut(BaseModel):
    objection: ObjectionOut
    step: str
    due: date | None
    working_days_late: int | None


@router.get("/overdue", response_model=list[OverdueOut], summary="超期未办结的异议（信用办）")
def overdue(session: SessionDep, actor: Manager) -> list[OverdueOut]:
    return [OverdueOut(objection=objection_out(session, od.objection), step=od.step,
                       due=od.due, working_days_late=od.working_days_late)
            for od in objection_reads.read_overdue(session, actor, load_calendar(session))]


class RatioOut(BaseModel):
    provider_uscc: str
    provider_name: str
    records: int
    objections: int
    effective: int
    per_100k: float
    within_target: bool


@router.get("/report", response_model=list[RatioOut],
            summary="各数据提供单位的有效异议率（每十万条，目标低于1）")
def report(session: SessionDep, actor: Manager,
           since: Annotated[IsoDate | None, Query()] = None) -> list[RatioOut]:
    return [RatioOut(provider_uscc=r.provider_uscc, provider_name=r.provider_name,
                     records=r.records, objections=r.objections, effective=r.effective,
                     per_100k=round(r.per_100k, 3), within_target=r.within_target)
            for r in objection_reads.read_report(session, actor, since=since)]


@router.get("/{objection_id}", response_model=ObjectionOut)
def get_objection(objection_id: DbId, session: SessionDep, actor: Filer) -> ObjectionOut:
    return objection_out(session, objection_reads.read(session, actor, objection_id),
                         full=True)


@router.get("/{objection_id}/attachments/{attachment_id}",
            responses={200: {"content": {"application/pdf": {}, "image/png": {}}}})
def get_attachment(objection_id: DbId, attachment_id: DbId, session: SessionDep,
                   actor: Filer) -> Response:
    return attachment_response(objection_reads.read_attachment(session, actor, objection_id,
                                                               attachment_id))


def attachment_response(a: attachments.Attachment) -> Response:
    # Always a download, never rendered inline: the content came from outside.
    return Response(a.content, media_type=a.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(a.file_name)}",
        "X-Content-Type-Options": "nosniff"})


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


class RouteIn(BaseModel):
    provider_uscc: str = Field(min_length=18, max_length=18)


@router.post("/{objection_id}/route", response_model=ObjectionOut,
             summary="信用办将异议转办给数据提供单位")
def route(objection_id: DbId, body: RouteIn, session: SessionDep, settings: SettingsDep,
          actor: Manager) -> ObjectionOut:
    o = objections.route(session, objection_id, actor, body.provider_uscc,
                         clocks=clocks_of(settings), calendar=load_calendar(session))
    return objection_out(session, o, full=True)


class DecisionIn(BaseModel):
    outcome: Literal["corrected", "revoked", "kept"]
    reasons: str = Field(min_length=1, max_length=objections.REASONS_MAX)
    changes: dict[str, Any] | None = Field(None, description="更正：字段英文名 -> 更正后的值")
    revoked_on: IsoDate | None = Field(None, description="撤销：行政行为被撤销之日，默认今天")


@router.post("/{objection_id}/decision", response_model=ObjectionOut,
             summary="数据提供单位核查处理：更正（新版本）、撤销或维持，须说明理由")
def decide(objection_id: DbId, body: DecisionIn, session: SessionDep, settings: SettingsDep,
           actor: Decider) -> ObjectionOut:
    o = objections.decide(session, objection_id, actor,
                          objections.Decision(body.outcome, body.reasons, body.changes,
                                              body.revoked_on),
                          calendar=load_calendar(session), secret=settings.secret_key)
    return objection_out(session, o, full=True)
