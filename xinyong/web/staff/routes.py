"""Staff pages: the work desk (工作台), the data officer's upload page (the file goes through
the same ingest service as `xinyong ingest`, with the summary and the error file to
download), quality figures, late records and the audit log. Each calls the service its API or
CLI twin calls; access is by permission (xinyong.web.pages.gate)."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from xinyong import audit
from xinyong.accounts import Actor, Permission, Role, can
from xinyong.api.deps import ActorDep, CatalogDep, SessionDep, SettingsDep
from xinyong.catalog import Catalog, RecordType
from xinyong.core import clock
from xinyong.core.errors import Forbidden, Invalid, NotFound, XinyongError
from xinyong.core.settings import Settings
from xinyong.ingest import write_template
from xinyong.ingest.reads import read_late, read_quality
from xinyong.ingest.runner import FileBatch, run_file_batch
from xinyong.ingest.service import BatchSummary
from xinyong.web.auth.csrf import csrf_token, form_csrf
from xinyong.web.menu import ROLE_LABELS, work_menu
from xinyong.web.pages import gate, render

router = APIRouter(include_in_schema=False)
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
FORMATS = ("csv", "xlsx", "json")
ACTION_LABELS = {
    # accounts, sessions and the log
    "account.create": "创建账户", "account.disable": "停用账户", "account.enable": "启用账户",
    "account.password": "修改密码", "account.unlock": "解除锁定", "account.list": "查看账户列表",
    "api_key.issue": "签发接口密钥", "api_key.revoke": "吊销接口密钥",
    "api_key.rotate": "更换接口密钥", "session.login": "登录", "session.login_failed": "登录失败",
    "session.logout": "退出登录", "session.end_all": "结束账户的全部会话",
    "audit.read": "查看审计日志", "audit.verify": "校验审计日志", "records.seal": "封存已有记录",
    "department.add": "登记单位", "department.update": "更改单位",
    "departments.list": "查看单位列表",
    "calendar.add": "添加节假日安排",
    # collection and quality
    "batch.ingest": "报送数据", "batch.read": "查看报送批次", "batch.errors.read": "下载错误清单",
    "publication.late.read": "查看迟报记录", "publication.end": "终止公示",
    "quality.read": "查看数据质量", "quality.end_dates.read": "查看公示截止期警告",
    "subject_review.list": "查看重错码核查", "subject_review.resolve": "处理重错码核查",
    # subjects' files and shared reads
    "own_file.read": "查看本主体信用信息", "own_queries.read": "查看本主体被查询记录",
    "records.read_shared": "查询共享信息",
    # checks, measures and lists
    "check.run": "信用核查", "check.read": "查看核查结果", "check.feedback": "反馈措施实施情况",
    "check.review": "标记误报", "measures.stats.read": "查看措施实施统计",
    "measures.overrides.read": "查看未实施措施", "measures.report.read": "查看措施月报",
    "list.propose": "拟列入名单", "list.notify": "告知拟列入", "list.decide": "作出列入决定",
    "list.publish": "公示名单", "list.remove": "移出名单", "list.merge": "名单随主体合并",
    "list.seal": "封存名单记录", "list.expire": "名单到期检查", "list.read": "查看名单记录",
    # objections and repair
    "objection.file": "提出异议", "objection.route": "转办异议", "objection.decide": "处理异议",
    "objection.identity": "核验异议人身份", "objection.read": "查看异议",
    "objection.attachment.read": "查看异议附件", "objection.list": "查看异议列表",
    "objection.overdue.read": "查看超期异议", "objection.report.read": "查看有效异议率",
    "objection.record_read": "查看异议所涉信息",
    "repair.apply": "申请信用修复", "repair.accept": "受理修复申请",
    "repair.refuse": "不予受理修复申请", "repair.approve": "准予修复", "repair.reject": "不予修复",
    "repair.commitment_broken": "认定违反修复承诺", "repair.read": "查看修复申请",
    "repair.attachment.read": "查看修复申请附件", "repair.list": "查看修复申请列表",
    "repair.overdue.read": "查看超期修复申请", "repair.eligibility.read": "查询可否修复",
    "repair_notice.download": "下载修复告知书",
    # notices
    "notice.create": "撰写公告", "notice.update": "修改公告", "notice.publish": "发布公告",
    "notice.withdraw": "撤下公告", "notice.list": "查看全部公告"}


def _uploads_dir(settings: Settings) -> Path:
    path = Path(settings.var_dir) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def writable_types(actor: Actor, catalog: Catalog) -> list[RecordType]:
    """The record types this account may submit: every type for the credit office, the
    types the catalog assigns to its department class for a data officer."""
    if not can(actor, Permission.RECORDS_WRITE):
        return []
    return [rt for rt in catalog.record_types.values()
            if actor.role == Role.ADMIN or rt.sent_by(actor.department_class)]


@router.get("/desk", response_class=HTMLResponse)
def desk(request: Request, actor: ActorDep) -> Response:
    if (refused := gate(request, actor, (Permission.ACCOUNTS_MANAGE,
                                         Permission.RECORDS_READ_SHARED),
                        "工作台供工作人员使用。")) is not None:
        return refused
    entries = [e for e in work_menu(actor) if e.href != "/desk"]
    return render(request, "desk.html", {"title": "工作台", "entries": entries,
                                         "actor": actor})


def _upload_page(request: Request, actor: Actor, catalog: Catalog, *, status: int = 200,
                 **ctx: object) -> Response:
    return render(request, "uploads.html", {
        "title": "数据报送", "actor": actor, "types": writable_types(actor, catalog),
        "names_provider": actor.role == Role.ADMIN, "csrf_token": csrf_token(request),
        "summary": None, "error": None, "errors_url": None, "form": {}, **ctx}, status)


@router.get("/uploads", response_class=HTMLResponse)
def upload_form(request: Request, actor: ActorDep, catalog: CatalogDep) -> Response:
    if (refused := gate(request, actor, (Permission.RECORDS_WRITE,),
                        "数据报送由数据提供单位的报送员办理。")) is not None:
        return refused
    return _upload_page(request, actor, catalog)


@router.post("/uploads", response_class=HTMLResponse, dependencies=[Depends(form_csrf)])
async def upload_submit(request: Request, actor: ActorDep, catalog: CatalogDep,
                        settings: SettingsDep) -> Response:
    if (refused := gate(request, actor, (Permission.RECORDS_WRITE,),
                        "数据报送由数据提供单位的报送员办理。")) is not None:
        return refused
    form = await request.form()
    fields = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Invalid("请选择要上传的数据文件", code="file_required")
        suffix = Path(upload.filename).suffix.lower().lstrip(".")
        if suffix not in FORMATS:
            raise Invalid("只支持 CSV、XLSX 或 JSON 文件", code="bad_format")
        content = await upload.read(UPLOAD_MAX_BYTES + 1)
        if len(content) > UPLOAD_MAX_BYTES:
            raise Invalid("文件超过 50 MB，请分批报送或使用接口", code="file_too_large")
        rt_id = fields.get("record_type", "")
        if rt_id not in {rt.id for rt in writable_types(actor, catalog)}:
            raise Invalid("请选择本单位可报送的信息类别", code="record_type_required")
        token = f"{actor.account_id or 0}-{uuid.uuid4().hex}"
        path = _uploads_dir(settings) / f"{token}.{suffix}"
        path.write_bytes(content)
        errors_path = _uploads_dir(settings) / f"{token}_错误.csv"
        job = FileBatch(path=path, record_type=rt_id,
                        provider_uscc=fields.get("provider") or actor.department_uscc or "",
                        operator=actor.name, received_on=clock.today(), fmt=suffix,
                        errors_path=errors_path, atomic=fields.get("atomic") == "yes",
                        actor=actor)
        summary, errors = await _run(request, catalog, settings, job)
        path.unlink(missing_ok=True)
    except XinyongError as exc:
        return _upload_page(request, actor, catalog, status=422, error=exc.message,
                            form=fields)
    return _upload_page(request, actor, catalog, summary=summary, form=fields,
                        record_type_name=catalog.get(summary.record_type).name,
                        errors_url=f"/uploads/errors/{token}" if errors else None)


async def _run(request: Request, catalog: Catalog, settings: Settings, job: FileBatch
               ) -> tuple[BatchSummary, Path | None]:
    return await run_in_threadpool(run_file_batch, request.app.state.engine, catalog,
                                   settings, job)


@router.get("/uploads/errors/{token}")
def upload_errors(request: Request, token: str, actor: ActorDep, session: SessionDep,
                  settings: SettingsDep) -> Response:
    """The error file of an upload, for the account that made it."""
    if (refused := gate(request, actor, (Permission.RECORDS_WRITE,),
                        "数据报送由数据提供单位的报送员办理。")) is not None:
        return refused
    if not re.fullmatch(r"\d+-[0-9a-f]{32}", token):
        raise NotFound("错误清单不存在", code="error_file_not_found")
    if token.split("-", 1)[0] != str(actor.account_id or 0):
        raise Forbidden("只能下载本账户上传文件的错误清单", code="forbidden")
    path = _uploads_dir(settings) / f"{token}_错误.csv"
    if not path.is_file():
        raise NotFound("错误清单不存在或已过期", code="error_file_not_found")
    # The rejected rows as the department sent them: a non-public read.
    audit.append(session, actor, "batch.errors.read", details={"upload": token})
    return FileResponse(path, media_type="text/csv; charset=utf-8", filename="错误清单.csv")


@router.get("/uploads/template/{record_type}.{fmt}")
def upload_template(request: Request, record_type: str, fmt: str, actor: ActorDep,
                    catalog: CatalogDep, settings: SettingsDep) -> Response:
    """The upload template of a record type (the file `xinyong template` writes)."""
    if (refused := gate(request, actor, (Permission.RECORDS_WRITE,),
                        "数据报送由数据提供单位的报送员办理。")) is not None:
        return refused
    if fmt not in ("csv", "xlsx"):
        raise NotFound("模板格式只有 CSV 和 XLSX", code="template_format")
    rt = catalog.get(record_type)
    path = _uploads_dir(settings) / f"template-{rt.id}.{fmt}"
    write_template(rt, path, fmt)
    media = ("text/csv; charset=utf-8" if fmt == "csv" else
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return FileResponse(path, media_type=media, filename=f"{rt.name}报送模板.{fmt}")


@router.get("/quality", response_class=HTMLResponse)
def quality(request: Request, actor: ActorDep, session: SessionDep) -> Response:
    if (refused := gate(request, actor, (Permission.QUALITY_READ,),
                        "数据质量供数据提供单位和信用办查看。")) is not None:
        return refused
    # A data officer sees its own department, the credit office every one (audited).
    rows = read_quality(session, actor)
    return render(request, "quality.html", {"title": "数据质量", "rows": rows,
                                            "actor": actor})


@router.get("/late", response_class=HTMLResponse)
def late(request: Request, actor: ActorDep, session: SessionDep,
         page: Annotated[int, Query(ge=1, le=100000)] = 1) -> Response:
    if (refused := gate(request, actor, (Permission.QUALITY_READ,),
                        "迟报记录供数据提供单位和信用办查看。")) is not None:
        return refused
    own = None if actor.role == Role.ADMIN else actor.department_uscc
    items, total = read_late(session, actor, page=page)
    pages = max((total + 49) // 50, 1)
    if page > pages:
        page = pages
        items, total = read_late(session, actor, page=page)
    return render(request, "late.html", {
        "title": "迟报记录", "items": items, "total": total, "page": page, "pages": pages,
        "params": {}, "actor": actor,
        "json_url": "/api/v1/publication/late" + (f"?provider={own}" if own else "")})


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, actor: ActorDep, session: SessionDep,
              page: Annotated[int, Query(ge=1, le=100000)] = 1,
              verify: str | None = None) -> Response:
    if (refused := gate(request, actor, (Permission.AUDIT_READ,),
                        "审计日志由信用办查看。")) is not None:
        return refused
    per_page = 50
    total = audit.count(session)
    pages = max((total + per_page - 1) // per_page, 1)
    page = min(page, pages)
    entries = [(e, json.loads(e.details)) for e in
               audit.list_entries(session, limit=per_page, offset=(page - 1) * per_page)]
    checked = audit.verify(session) if verify else None
    # Reading the log, and checking it, are recorded (after the read, as the API does).
    audit.append(session, actor, "audit.read", details={
        "page": page, "entries": len(entries)})
    if checked is not None:
        audit.append(session, actor, "audit.verify", details={
            "ok": checked.ok, "checked": checked.checked, "head_hash": checked.head_hash})
    return render(request, "audit.html", {
        "title": "审计日志", "entries": entries, "total": total, "page": page,
        "pages": pages, "params": {}, "labels": ACTION_LABELS, "roles": ROLE_LABELS,
        "checked": checked, "actor": actor, "json_url": "/api/v1/audit/entries"})
