"""Credit commitments (信用承诺): the public column and templates; the subject signs online
and reads its own; the accepting department sends commitments, works its verification
tasks and records the verdict; the credit office sees overdue tasks and coverage.
Handlers call xinyong.commitments."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from xinyong import commitments
from xinyong.accounts import Actor, Permission, authorize, can
from xinyong.api.deps import ActorDep, PurposeDep, SessionDep, SettingsDep, require
from xinyong.api.params import refuse_unknown_query
from xinyong.commitments import reads
from xinyong.commitments.document import commitment_pdf
from xinyong.core.errors import Forbidden, NotFound
from xinyong.core.workdays import load_calendar
from xinyong.subjects import get_subject

router = APIRouter(tags=["commitments"])
Reader = Annotated[Actor, Depends(require(Permission.PUBLIC_READ))]
Signer = Annotated[Actor, Depends(require(Permission.COMMITMENTS_SIGN))]
Verifier = Annotated[Actor, Depends(require(Permission.COMMITMENTS_VERIFY))]
Manager = Annotated[Actor, Depends(require(Permission.COMMITMENTS_MANAGE))]
Code = Annotated[str, Path(pattern=r"^\d{20}$",
                          description="承诺编码：6位行政区划+8位日期+6位流水号")]
Uscc = Annotated[str, Path(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")]
KindId = Literal["approval_substitute", "deficiency", "certification", "voluntary", "industry",
                 "repair"]
DisclosureId = Literal["public", "scoped", "none"]


class CommitmentOut(BaseModel):
    code: str = Field(description="承诺编码")
    kind: str
    kind_label: str = Field(description="承诺类型")
    committer_name: str
    committer_code: str
    reason: str = Field(description="承诺事由")
    content: str
    liability: str = Field(description="违诺责任")
    made_on: date
    valid_until: date | None
    state: str
    state_label: str
    fulfilment: str | None
    fulfilment_label: str | None = Field(description="承诺履行状态")
    unfulfilled_content: str | None
    liability_pursued: str | None
    determined_on: date | None
    determined_by_name: str | None
    disclosure: str
    disclosure_label: str = Field(description="公开类型")
    accepting_uscc: str
    accepting_name: str = Field(description="承诺受理单位")
    source: str
    verify_due: date | None
    overdue: bool
    verified_late: bool | None
    consequence_label: str | None
    breach_published_until: date | None
    breach_record_id: int | None = Field(
        None,
        description="违诺产生的违背信用承诺失信信息记录编号（公示期内见 /api/v1/records/{id}）")


class CommitmentList(BaseModel):
    items: list[CommitmentOut]
    total: int


def out(v: reads.CommitmentView) -> CommitmentOut:
    return CommitmentOut(**v.__dict__)


class TemplateOut(BaseModel):
    id: str
    kind: str
    kind_label: str
    matter: str
    title: str
    reason: str
    content: str
    liability: str
    legal_basis: str
    effective_from: date
    effective_to: date | None


@router.get("/api/v1/commitments", response_model=CommitmentList,
            summary="信用承诺公示专栏：可向社会公开的承诺（最新在前）",
            dependencies=[Depends(refuse_unknown_query)])
def column(session: SessionDep, _actor: Reader, kind: KindId | None = None,
           page: Annotated[int, Query(ge=1, le=10000)] = 1,
           per_page: Annotated[int, Query(ge=1, le=100)] = 20) -> CommitmentList:
    items, total = reads.public_column(session, kind=kind, limit=per_page,
                                       offset=(page - 1) * per_page)
    return CommitmentList(items=[out(v) for v in items], total=total)


def templates_out(day: date | None = None) -> list[TemplateOut]:
    from xinyong.core import clock

    data = commitments.load_rules()
    return [TemplateOut(id=t.id, kind=t.kind, kind_label=commitments.rules.KINDS[t.kind],
                        matter=t.matter, title=t.title, reason=t.reason, content=t.content,
                        liability=t.liability, legal_basis=t.cite(),
                        effective_from=t.effective_from, effective_to=t.effective_to)
            for t in data.templates_in_force(day or clock.today())]


@router.get("/api/v1/commitments/templates", response_model=list[TemplateOut],
            summary="在线承诺书模板（按类型和事项，含依据）")
def templates(_actor: Reader) -> list[TemplateOut]:
    return templates_out()


@router.get("/api/v1/commitments/tasks", response_model=list[CommitmentOut],
            summary="履约核查任务：本部门受理的（信用办：全部），逾期在前")
def tasks(session: SessionDep, actor: ActorDep, overdue: bool = False) -> list[CommitmentOut]:
    if not (can(actor, Permission.COMMITMENTS_VERIFY)
            or can(actor, Permission.COMMITMENTS_MANAGE)):
        authorize(actor, Permission.COMMITMENTS_VERIFY)
    return [out(v) for v in reads.queue(session, actor, overdue_only=overdue)]


class CoverageOut(BaseModel):
    key: str
    label: str
    commitments: int
    fulfilment_records: int
    enterprises: int | None
    ratio: float | None = Field(description="（承诺信息数+履约践诺信息数）÷登记企业数，目标100%")


@router.get("/api/v1/commitments/coverage", response_model=list[CoverageOut],
            summary="信用承诺及履约信息覆盖率（按行政区划或受理部门）")
def coverage(session: SessionDep, actor: Manager,
             by: Literal["region", "department"] = "region",
             as_of: date | None = None) -> list[CoverageOut]:
    from xinyong import audit

    rows = reads.coverage(session, as_of, by)
    audit.append(session, actor, "commitment.coverage", details={"by": by})
    return [CoverageOut(**r.__dict__) for r in rows]


class IncomingIn(BaseModel):
    committer_uscc: str = Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", description="承诺人代码")
    committer_name: str = Field(min_length=1, max_length=200)
    category: Literal["legal", "individual"] = "legal"
    kind: KindId
    reason: str = Field(min_length=1, max_length=512)
    content: str = Field(min_length=1, max_length=4000)
    liability: str = Field(min_length=1, max_length=4000)
    made_on: date
    valid_until: date | None = None
    verify_due: date | None = Field(None, description="容缺受理：补齐材料的期限")
    disclosure: DisclosureId
    remark: str | None = Field(None, max_length=1000)
    accepting_uscc: str | None = Field(None, pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
                                       description="仅信用办：受理单位")


@router.post("/api/v1/commitments", response_model=CommitmentOut, status_code=201,
             summary="受理部门报送一条信用承诺（本部门审批系统作出的）")
def receive(body: IncomingIn, session: SessionDep, actor: Verifier) -> CommitmentOut:
    c = commitments.receive(session, actor, commitments.Incoming(
        committer_uscc=body.committer_uscc, committer_name=body.committer_name,
        kind=body.kind, reason=body.reason, content=body.content, liability=body.liability,
        made_on=body.made_on, disclosure=body.disclosure, valid_until=body.valid_until,
        verify_due=body.verify_due, category=body.category, remark=body.remark),
        calendar=load_calendar(session), accepting_uscc=body.accepting_uscc)
    return out(reads.view(c))


class DeterminationIn(BaseModel):
    fulfilment: Literal["kept", "partly", "not_kept"] = Field(
        description="全部履行 / 部分履行 / 全部未履行")
    determined_on: date | None = None
    unfulfilled_content: str | None = Field(None, max_length=4000)
    liability_pursued: str | None = Field(None, max_length=4000)


@router.post("/api/v1/commitments/{code}/determination", response_model=CommitmentOut,
             summary="受理单位认定承诺履行状态（核查结论及日期）")
def determination(code: Code, body: DeterminationIn, session: SessionDep,
                  actor: Verifier, settings: SettingsDep) -> CommitmentOut:
    c = commitments.determine(session, actor, code, commitments.Determination(
        body.fulfilment, body.determined_on, body.unfulfilled_content,
        body.liability_pursued), secret=settings.secret_key)
    return out(reads.view(c))


@router.get("/api/v1/commitments/subject/{uscc}", response_model=list[CommitmentOut],
            summary="某主体可向社会公开的信用承诺",
            dependencies=[Depends(refuse_unknown_query)])
def subject_public(uscc: Uscc, session: SessionDep, _actor: Reader) -> list[CommitmentOut]:
    subject = get_subject(session, uscc)
    return [out(v) for v in reads.for_subject(session, subject.id, audience="public")]


@router.get("/api/v1/commitments/subject/{uscc}/shared", response_model=list[CommitmentOut],
            summary="部门共享查询某主体的信用承诺（含特定范围内公开的），须声明查询事由")
def subject_shared(uscc: Uscc, purpose: PurposeDep, session: SessionDep,
                   actor: ActorDep) -> list[CommitmentOut]:
    if not (can(actor, Permission.COMMITMENTS_VERIFY)
            or can(actor, Permission.RECORDS_READ_SHARED)):
        authorize(actor, Permission.RECORDS_READ_SHARED)
    subject = get_subject(session, uscc)
    audience = "own" if actor.role.value == "admin" else (actor.department_uscc or "public")
    views = reads.for_subject(session, subject.id, audience=audience)
    from xinyong import audit

    audit.append(session, actor, audit.READ_SHARED, subject_uscc=subject.uscc,
                 purpose=purpose, details={"what": "commitments",
                                           "codes": [v.code for v in views][:50]})
    return [out(v) for v in views]


def own_commitments(session: Session, actor: Actor) -> list[reads.CommitmentView]:
    if not actor.subject_uscc:
        raise Forbidden("该账户未关联信用主体", code="no_subject")
    subject = get_subject(session, actor.subject_uscc)
    views = reads.for_subject(session, subject.id, audience="own")
    reads.audit_read(session, actor, subject.uscc, "own_commitments", [v.code for v in views])
    return views


@router.get("/api/v1/me/commitments", response_model=list[CommitmentOut],
            summary="本主体的全部信用承诺（含不公开的）及履约情况")
def my_commitments(session: SessionDep,
                   actor: Annotated[Actor, Depends(require(Permission.OWN_FILE_READ))]
                   ) -> list[CommitmentOut]:
    return [out(v) for v in own_commitments(session, actor)]


class SignIn(BaseModel):
    template_id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,59}$")
    accepting_uscc: str = Field(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$", description="受理单位")
    disclosure: DisclosureId = "public"
    matter_detail: str | None = Field(None, max_length=200, description="办理事项说明")


class SignedOut(CommitmentOut):
    content_hash: str
    document_url: str


@router.post("/api/v1/me/commitments", response_model=SignedOut, status_code=201,
             summary="在线签署信用承诺书（按模板），生成承诺书PDF和签署记录")
def sign(body: SignIn, session: SessionDep, actor: Signer) -> SignedOut:
    c = commitments.sign(session, actor, commitments.Signing(
        body.template_id, body.accepting_uscc, body.disclosure, body.matter_detail),
        calendar=load_calendar(session))
    sig = commitments.signature_of(session, c)
    return SignedOut(**out(reads.view(c)).model_dump(),
                     content_hash=sig.content_hash if sig else "",
                     document_url=f"/api/v1/me/commitments/{c.code}.pdf")


@router.get("/api/v1/me/commitments/{code}.pdf", summary="本主体的承诺书PDF",
            response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def my_pdf(code: Code, session: SessionDep,
           actor: Annotated[Actor, Depends(require(Permission.OWN_FILE_READ))]) -> Response:
    c = commitments.get(session, code)
    if not actor.subject_uscc or c.committer_code != actor.subject_uscc:
        raise NotFound(f"未找到承诺编码为 {code} 的本主体信用承诺", code="commitment_not_found")
    reads.audit_read(session, actor, c.committer_code, "commitment_pdf", [c.code])
    pdf = commitment_pdf(c, commitments.signature_of(session, c))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="commitment-{c.code}.pdf"'})


@router.get("/api/v1/commitments/{code}", response_model=CommitmentOut,
            summary="一条可向社会公开的信用承诺",
            dependencies=[Depends(refuse_unknown_query)])
def public_one(code: Code, session: SessionDep, _actor: Reader) -> CommitmentOut:
    v = reads.public_one(session, code)
    if v is None:
        raise NotFound(f"未找到承诺编码为 {code} 的公开信用承诺", code="commitment_not_found")
    return out(v)
