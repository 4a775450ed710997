"""Credit reports (信用报告): the 公共信用信息报告 and the 专项信用报告 as signed JSON or signed
PDF, the 33 domains, and verification (by report number or by uploading the file).

Who gets which version: `version=public` for anyone (organisations only); `version=own` for
the subject's own account; `version=department` for a department account with a declared
purpose. Every report issued is audited and listed in the subject's 'who looked at me'."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Path, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from xinyong import reports
from xinyong.accounts import Actor, DeclaredPurpose, declare_purpose
from xinyong.api.deps import ActorDep, PurposeCode, SessionDep, SettingsDep, run_and_commit
from xinyong.api.params import refuse_unknown_query
from xinyong.api.routers.subjects import PublicReader
from xinyong.api.types import IsoDate
from xinyong.core.errors import Invalid, NotFound
from xinyong.core.settings import Settings

router = APIRouter(prefix="/api/v1/reports", tags=["reports"],
                   dependencies=[Depends(refuse_unknown_query)])
DOMAIN_IDS = tuple(reports.default_domains().ids)
DomainId = Literal[DOMAIN_IDS]  # type: ignore[valid-type]
Format = Annotated[Literal["json", "pdf"], Query(description="json: 签名的 JSON（JWS）；pdf: "
                                                 "签名的 PDF（内嵌 report.json）")]
VersionQ = Annotated[Literal["public", "own", "department"], Query(
    description="public 社会公开版（任何人，仅限组织）；own 主体自查版（本主体账户）；"
    "department 部门查询版（部门账户，须声明 purpose）")]
Since = Annotated[IsoDate | None, Query(description="查询期间起始日（YYYY-MM-DD），默认三年前；"
                                     "截止日为今天")]
Purpose = Annotated[PurposeCode | None, Query(description="查询事由（部门查询版必填）")]
PurposeText = Annotated[str | None, Query(max_length=200, description="查询事由说明")]
FILE_BODY: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "application/pdf": {}},
          "description": "签名的报告（JSON 或 PDF）"}}


class VerdictOut(BaseModel):
    outcome: Literal["valid", "altered", "unknown_key", "revoked"]
    label: str
    detail: str
    kid: str | None
    number: str | None
    issued: dict[str, Any] | None = None  # as stored: number, subject, kind, version, time
    report: dict[str, Any] | None = None  # the content, for a public version


def _purpose(version: str, purpose: str | None, text: str | None) -> DeclaredPurpose | None:
    return declare_purpose(purpose, text) if version == "department" else None


def _answer(rep: reports.Issued, fmt: str, settings: Settings) -> Response:
    if fmt == "pdf":
        name = quote(f"{rep.number}.pdf")
        return Response(rep.pdf(settings), media_type="application/pdf",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})
    return Response(rep.signed_json, media_type="application/json")


async def _make(session: Any, settings: Settings, actor: Actor, uscc: str, fmt: str,
                **kw: Any) -> Response:
    rep = await run_and_commit(session, lambda: reports.issue(session, settings, actor, uscc,
                                                               **kw))
    return await run_in_threadpool(_answer, rep, fmt, settings)


@router.get("/domains", summary="专项信用报告的33个领域：部门、计入的信息类别和名单、替代依据")
def domains(_actor: PublicReader) -> dict[str, Any]:
    ds = reports.default_domains()
    return {"policy": {"title": ds.policy.title,
                       "legal_basis": [b.cite() for b in ds.policy.legal_basis]},
            "items": [{"id": d.id, "name": d.name, "department": d.department,
                       "department_classes": list(d.department_classes),
                       "record_types": list(d.record_types), "lists": list(d.lists),
                       "effective_from": d.effective_from.isoformat(),
                       "legal_basis": [b.cite() for b in d.legal_basis]}
                      for d in ds.domains], "total": len(ds.domains)}


@router.get("/public/{uscc}", responses=FILE_BODY, response_class=Response,
            summary="公共信用信息报告（签名的 JSON 或 PDF）")
async def public_report(uscc: str, session: SessionDep, settings: SettingsDep,
                        actor: PublicReader, format: Format = "json",
                        version: VersionQ = "public", since: Since = None,
                        purpose: Purpose = None, purpose_text: PurposeText = None) -> Response:
    return await _make(session, settings, actor, uscc, format, kind="public", version=version,
                       since=since, purpose=_purpose(version, purpose, purpose_text))


@router.get("/special/{uscc}", responses=FILE_BODY, response_class=Response,
            summary="专项信用报告（代替无违法违规证明）：所选领域“无违法违规记录”或所列信息")
async def special_report(uscc: str, session: SessionDep, settings: SettingsDep,
                         actor: PublicReader,
                         domain: Annotated[list[DomainId], Query(
                             min_length=1, max_length=33, description="领域（可多选）")],
                         format: Format = "json", version: VersionQ = "public",
                         since: Since = None, purpose: Purpose = None,
                         purpose_text: PurposeText = None) -> Response:
    return await _make(session, settings, actor, uscc, format, kind="special",
                       version=version, domains=tuple(domain), since=since,
                       purpose=_purpose(version, purpose, purpose_text))


def issued_verdict(session: Any, settings: Settings, number: str) -> VerdictOut:
    """A stored report verified again with the keyring (a revoked key shows as revoked)."""
    row = reports.issued(session, number)
    v = reports.verify_json_bytes(row.signed_json.encode("utf-8"),
                                  reports.keystore(settings).keyring())
    return VerdictOut(outcome=v.outcome, label=v.label, detail=v.detail, kid=v.kid,
                      number=row.number,
                      issued={"number": row.number, "subject_uscc": row.subject_uscc,
                              "kind": row.kind, "version": row.version,
                              "issued_at": row.issued_at.isoformat(timespec="seconds"),
                              "kid": row.kid, "digest": row.digest},
                      report=v.content if v.ok and row.version == "public" else None)


def file_verdict(session: Any, settings: Settings, data: bytes) -> VerdictOut:
    """An uploaded PDF or JSON checked with the public keyring; when valid, the report as
    issued (public version) is shown."""
    v = reports.verify_bytes(data, reports.keystore(settings).keyring())
    out = VerdictOut(outcome=v.outcome, label=v.label, detail=v.detail, kid=v.kid,
                     number=v.number)
    if v.ok and v.content is not None:
        out.report = v.content if v.content.get("version") == "public" else None
        try:
            stored = issued_verdict(session, settings, str(v.number))
            out.issued = stored.issued
        except NotFound:  # issued elsewhere (another instance's database): the file decides
            out.issued = None
    return out


@router.get("/issued/{number}", response_model=VerdictOut,
            summary="按报告编号核验：报告是否由本平台签发、是否被改动或密钥被吊销")
async def issued(session: SessionDep, settings: SettingsDep, _actor: PublicReader,
                 number: Annotated[str, Path(pattern=r"^XYBG-\d{8}-[0-9A-F]{10}$")]
                 ) -> VerdictOut:
    return await run_and_commit(session, lambda: issued_verdict(session, settings, number))


MAX_UPLOAD = 8 * 1024 * 1024


@router.post("/verify", response_model=VerdictOut,
             summary="上传报告文件（PDF 或 JSON）核验签名：有效、已被改动、未知密钥或密钥已吊销")
async def verify_upload(session: SessionDep, settings: SettingsDep, _actor: ActorDep,
                        file: Annotated[UploadFile, File(description="报告文件")]) -> VerdictOut:
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise Invalid("报告文件超过 8 MB", code="file_too_large")
    return await run_and_commit(session, lambda: file_verdict(session, settings, data))
