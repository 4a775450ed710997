"""Credit repair (信用修复): eligibility, application, the deciding department's steps, broken
commitments, and the subject's repair notice (两书同达). Handlers call xinyong.repair."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from xinyong.accounts import Actor, Permission
from xinyong.api.deps import DbId, SessionDep, SettingsDep, require
from xinyong.api.routers.objections import (
    AttachmentOut,
    StepOut,
    _quote,
    attachment_response,
    attachments_out,
    read_uploads,
    steps_out,
)
from xinyong.api.types import one_of
from xinyong.core import clock
from xinyong.core.errors import Forbidden, XinyongError
from xinyong.core.workdays import load_calendar, provisional_fields, session_calendar
from xinyong.ingest.tables import Record
from xinyong.publication.loader import default_rules
from xinyong.repair import reads as repair_reads
from xinyong.repair import service as repair
from xinyong.repair.notices import department_notice_pdf, notice_pdf
from xinyong.repair.tables import RepairApplication, RepairNotice
from xinyong.subjects.tables import Subject

router = APIRouter(tags=["repair"])
Applicant = Annotated[Actor, Depends(require(Permission.REPAIR_APPLY))]
Reader = Annotated[Actor, Depends(require(Permission.PUBLIC_READ))]
Decider = Annotated[Actor, Depends(require(Permission.REPAIR_DECIDE))]
Manager = Annotated[Actor, Depends(require(Permission.REPAIR_MANAGE))]
OwnFile = Annotated[Actor, Depends(require(Permission.OWN_FILE_READ))]
Pusher = Annotated[Actor, Depends(require(Permission.RECORDS_WRITE))]


class RepairOut(BaseModel):
    id: int
    record_id: int
    record_version: int
    subject_name: str
    provider_uscc: str
    provider_name: str
    rule_set_id: str
    severity: str | None
    state: str
    state_label: str
    applicant_name: str
    fulfilment: str
    commitment_text: str
    commitment_state: str
    commitment_broken_on: date | None
    commitment_broken_reason: str | None
    submitted_on: date
    forward_due: date | None
    forwarded_on: date | None
    accept_due: date | None
    accepted_on: date | None
    decide_due: date | None
    decided_on: date | None
    sync_due: date | None
    synced_on: date | None
    decided_by: str | None
    outcome_reasons: str | None
    refusal_code: str | None
    # Due dates in a year whose working-day calendar is provisional (recomputed when the
    # year's notice is added).
    provisional_dates: list[str] = []
    attachments: list[AttachmentOut] = []
    steps: list[StepOut] = []


DUE_FIELDS = ("forward_due", "accept_due", "decide_due", "sync_due")


def repair_out(session: Any, app: RepairApplication, *, full: bool = False) -> RepairOut:
    fields = {k: getattr(app, k) for k in RepairOut.model_fields
              if k not in ("state_label", "attachments", "steps", "provisional_dates")}
    out = RepairOut(**fields, state_label=repair.STATE_LABELS[app.state],
                    provisional_dates=provisional_fields(session_calendar(session), app,
                                                         DUE_FIELDS))
    if full:
        out.attachments = attachments_out(session, "repair", app.id)
        out.steps = steps_out(repair.steps_of(session, app.id))
    return out


def own_record(session: Any, actor: Actor, record_id: int) -> Record:
    record = session.get(Record, record_id)
    subject = session.get(Subject, record.subject_id) if record is not None else None
    if record is None or subject is None or not actor.subject_uscc \
            or subject.uscc != actor.subject_uscc:
        raise Forbidden("只能查看本主体的信息", code="record_not_own")
    return record


class EligibilityOut(BaseModel):
    record_id: int
    eligible: bool
    code: str | None
    message: str | None
    rule_set_id: str | None
    repairable_from: date | None
    commitment_text: str | None
    clocks: dict[str, dict[str, Any]] | None


@router.get("/api/v1/repairs/eligibility/{record_id}", response_model=EligibilityOut,
            summary="本主体某条处罚信息现在能否申请信用修复；不能时给出所依据的规则")
def eligibility(record_id: DbId, session: SessionDep, actor: Applicant) -> EligibilityOut:
    record = own_record(session, actor, record_id)
    repair_reads.audit_eligibility(session, actor, record.id, actor.subject_uscc)
    try:
        el = repair.eligibility(session, record.id, clock.today())
    except XinyongError as exc:
        return EligibilityOut(record_id=record.id, eligible=False, code=exc.code,
                              message=exc.message, rule_set_id=None, repairable_from=None,
                              commitment_text=None, clocks=None)
    rs = el.rule_set
    clocks = {name: getattr(rs.repair, name).model_dump()
              for name in ("forward", "accept", "decide", "sync")}
    return EligibilityOut(record_id=record.id, eligible=True, code=None, message=None,
                          rule_set_id=rs.id, repairable_from=el.repairable_from,
                          commitment_text=repair.commitment_text(
                              el.subject.name, str(record.data.get("document_number", "")), rs),
                          clocks=clocks)


@router.post("/api/v1/repairs", response_model=RepairOut, status_code=201,
             summary="申请信用修复：履行情况、证明材料（PDF/图片）和信用修复承诺")
async def apply(session: SessionDep, actor: Applicant,
                record_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
                fulfilment: Annotated[str, Form(min_length=1, max_length=repair.TEXT_MAX)],
                commitment_accepted: Annotated[bool, Form()] = False,
                files: Annotated[list[UploadFile] | None, File()] = None) -> RepairOut:
    uploads = await read_uploads(files or [])
    app = repair.apply(session, actor, repair.Application(record_id, fulfilment,
                                                          commitment_accepted, tuple(uploads)),
                       calendar=load_calendar(session))
    return repair_out(session, app, full=True)


class RepairList(BaseModel):
    items: list[RepairOut]
    total: int


@router.get("/api/v1/repairs", response_model=RepairList,
            summary="修复申请列表：信用主体看本主体的，认定单位看本单位的，信用办看全部")
def list_repairs(session: SessionDep, actor: Reader,
                 state: Annotated[str | None, Query(max_length=20, json_schema_extra=one_of(
                     ["open", *repair.STATE_LABELS]))] = None) -> RepairList:
    items = [repair_out(session, a) for a in repair_reads.read_queue(session, actor,
                                                                     state=state)]
    return RepairList(items=items, total=len(items))


class OverdueRepair(BaseModel):
    application: RepairOut
    step: str
    due: date | None


@router.get("/api/v1/repairs/overdue", response_model=list[OverdueRepair],
            summary="超过办理时限的修复申请（信用办）")
def overdue(session: SessionDep, actor: Manager) -> list[OverdueRepair]:
    return [OverdueRepair(application=repair_out(session, o.application), step=o.step,
                          due=o.due) for o in repair_reads.read_overdue(session, actor)]


@router.get("/api/v1/repairs/{app_id}", response_model=RepairOut)
def get_repair(app_id: DbId, session: SessionDep, actor: Reader) -> RepairOut:
    return repair_out(session, repair_reads.read(session, actor, app_id), full=True)


@router.get("/api/v1/repairs/{app_id}/attachments/{attachment_id}",
            responses={200: {"content": {"application/pdf": {}, "image/png": {}}}})
def get_attachment(app_id: DbId, attachment_id: DbId, session: SessionDep,
                   actor: Reader) -> Response:
    return attachment_response(repair_reads.read_attachment(session, actor, app_id,
                                                            attachment_id))


class ReasonsIn(BaseModel):
    reasons: str = Field(min_length=1, max_length=repair.TEXT_MAX)


class CodedReasonsIn(ReasonsIn):
    code: str = Field(description="、".join(f"{k}={v}" for k, v in repair.REFUSAL_CODES.items()),
                      json_schema_extra=one_of(repair.REFUSAL_CODES))


@router.post("/api/v1/repairs/{app_id}/accept", response_model=RepairOut, summary="受理")
def accept(app_id: DbId, session: SessionDep, actor: Decider) -> RepairOut:
    return repair_out(session, repair.accept(session, app_id, actor,
                                             calendar=load_calendar(session)), full=True)


@router.post("/api/v1/repairs/{app_id}/refuse", response_model=RepairOut, summary="不予受理")
def refuse(app_id: DbId, body: CodedReasonsIn, session: SessionDep,
           actor: Decider) -> RepairOut:
    return repair_out(session, repair.refuse(session, app_id, actor, body.reasons, body.code),
                      full=True)


@router.post("/api/v1/repairs/{app_id}/approve", response_model=RepairOut,
             summary="准予修复：终止公示、停止共享和使用、重新评价、推送上级平台")
def approve(app_id: DbId, body: ReasonsIn, session: SessionDep, actor: Decider) -> RepairOut:
    return repair_out(session, repair.approve(session, app_id, actor, body.reasons,
                                              calendar=load_calendar(session)), full=True)


@router.post("/api/v1/repairs/{app_id}/reject", response_model=RepairOut, summary="不予修复")
def reject(app_id: DbId, body: CodedReasonsIn, session: SessionDep,
           actor: Decider) -> RepairOut:
    return repair_out(session, repair.reject(session, app_id, actor, body.reasons, body.code),
                      full=True)


@router.post("/api/v1/repairs/{app_id}/commitment-broken", response_model=RepairOut,
             summary="认定违反信用修复承诺：按最长公示期重新公示")
def commitment_broken(app_id: DbId, body: ReasonsIn, session: SessionDep,
                      actor: Decider) -> RepairOut:
    return repair_out(session, repair.break_commitment(session, app_id, actor, body.reasons),
                      full=True)


class RuleClocks(BaseModel):
    rule_set_id: str
    title: str
    effective_from: date
    effective_to: date | None
    clocks: dict[str, dict[str, Any]]
    repeat_block_months: int
    false_materials_block_months: int


@router.get("/api/v1/repairs-rules", response_model=list[RuleClocks],
            summary="各版本修复规则的办理时限（工作日）及其确认状态")
def rules(_actor: Reader) -> list[RuleClocks]:
    return [RuleClocks(rule_set_id=rs.id, title=rs.title, effective_from=rs.effective_from,
                       effective_to=rs.effective_to,
                       clocks={n: getattr(rs.repair, n).model_dump()
                               for n in ("forward", "accept", "decide", "sync")},
                       repeat_block_months=rs.repair.repeat_block_months,
                       false_materials_block_months=rs.repair.false_materials_block_months)
            for rs in default_rules().rule_sets]


@router.get("/api/v1/me/records/{record_id}/repair-notice.pdf",
            responses={200: {"content": {"application/pdf": {}}}},
            summary="下载本主体处罚信息的信用修复告知书（PDF）")
def my_notice(record_id: DbId, session: SessionDep, settings: SettingsDep,
              actor: OwnFile) -> Response:
    record = own_record(session, actor, record_id)
    notice, pdf = notice_pdf(session, record.id, platform_name=settings.platform_name,
                             base_url=settings.public_base_url)
    from xinyong import audit

    audit.append(session, actor, "repair_notice.download", subject_uscc=actor.subject_uscc,
                 details={"record_id": record.id, "notice_id": notice.id})
    return _notice_response(notice, pdf)


@router.get("/api/v1/records/{record_id}/repair-notice.pdf",
            responses={200: {"content": {"application/pdf": {}}}},
            summary="处罚机关下载信用修复告知书（PDF），随行政处罚决定书一并送达（两书同达）；"
                    "限本信息的数据提供单位和信用办")
def department_notice(record_id: DbId, session: SessionDep, settings: SettingsDep,
                      actor: Pusher) -> Response:
    notice, pdf = department_notice_pdf(session, actor, record_id,
                                        platform_name=settings.platform_name,
                                        base_url=settings.public_base_url)
    return _notice_response(notice, pdf)


def _notice_response(notice: RepairNotice, pdf: bytes) -> Response:
    name = f"信用修复告知书-{notice.id}.pdf"
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(name)}",
        "X-Notice-Issued-On": notice.issued_on.isoformat(),
        "Cache-Control": "private, no-store",
        "X-Generated-At": clock.aware(clock.now()).replace(microsecond=0).isoformat()})
