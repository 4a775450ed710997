"""Commands for the check (逢办必查), lists with due process, and the measure reports."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from xinyong.accounts import Actor, Role
from xinyong.cli.common import date_option, engine, err, out, print_json, reported, settings
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid
from xinyong.documents.tabular import write_csv
from xinyong.ingest.readers import table_rows

lists_app = typer.Typer(help="名单 (red / serious dishonesty / watch / received lists)",
                        no_args_is_help=True)
measures_app = typer.Typer(help="联合奖惩措施 (measure catalog, statistics, case report)",
                           no_args_is_help=True)
screening_app = typer.Typer(help="核查比对 (name index of the check)", no_args_is_help=True)

HEADER_ALIASES = {"统一社会信用代码": "uscc", "uscc": "uscc", "名称": "name", "单位名称": "name",
                  "投标人": "name", "申请人": "name", "name": "name",
                  "法定代表人": "legal_representative",
                  "legal_representative": "legal_representative",
                  # Hashed as the file is read: the clear number goes no further.
                  "法定代表人身份证号码": "legal_representative_id",
                  "法定代表人证件号码": "legal_representative_id",
                  "legal_representative_id": "legal_representative_id"}
CHUNK = 500


def _operator(name: str | None, department: str | None = None) -> Actor:
    """The CLI runs on the server as the credit office's operator."""
    return Actor(role=Role.ADMIN, name=name or getpass.getuser(), client="cli",
                 department_name=department)


def _read_applicants(path: Path, secret: str) -> list[dict[str, str | None]]:
    rows = table_rows(path)
    header = [HEADER_ALIASES.get(str(h or "").strip()) for h in rows[0]]
    if "uscc" not in header and "name" not in header:
        raise Invalid(f"{path.name}: 第1行须有「统一社会信用代码」或「名称」列",
                      code="columns_missing")
    from xinyong.screening.check import person_key

    out_rows = []
    for n, r in enumerate(rows[1:], start=2):
        item = {key: (str(v).strip() if v is not None and str(v).strip() else None)
                for key, v in zip(header, r, strict=False) if key}
        raw_id = item.pop("legal_representative_id", None)
        if raw_id:
            try:
                item["representative_key"], item["representative_id_masked"] = person_key(
                    secret, raw_id)
            except Invalid as exc:
                raise Invalid(f"{path.name} 第{n}行：{exc.message}", code=exc.code) from None
        if item.get("uscc") or item.get("name"):
            out_rows.append(item)
    return out_rows


def _request(matter: str, licence_kind: str | None, a: dict[str, str | None]) -> Any:
    from xinyong.screening.check import CheckRequest

    return CheckRequest(matter, a.get("uscc"), a.get("name"), a.get("legal_representative"),
                        licence_kind, None, None, a.get("representative_key"),
                        a.get("representative_id_masked"))


def check(
    ctx: typer.Context,
    uscc: Annotated[str | None, typer.Option("--uscc", help="统一社会信用代码")] = None,
    name: Annotated[str | None, typer.Option("--name", help="名称")] = None,
    legal_rep: Annotated[str | None, typer.Option("--legal-representative")] = None,
    legal_rep_id: Annotated[str | None, typer.Option(
        "--legal-representative-id", help="法定代表人身份证件号码 (hashed at once, never stored)")]
    = None,
    matter: Annotated[str, typer.Option(help="办理事项， e.g. procurement, bidding, licensing")]
    = "procurement",
    licence_kind: Annotated[str | None, typer.Option(
        "--licence-kind", help="licensing: the licence applied for, e.g. food_operation")]
    = None,
    file: Annotated[Path | None, typer.Option("--file", help="批量核查： XLSX/CSV with columns "
                                              "统一社会信用代码 / 名称 / 法定代表人 / "
                                              "法定代表人身份证号码 (optional)")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output",
                                                help="batch result as CSV")] = None,
    operator: Annotated[str | None, typer.Option(help="who checks (default: login name)")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON (hits best first)")]
    = False,
) -> None:
    """逢办必查: check an applicant (or a file of applicants) for a matter."""
    from xinyong.screening.check import person_key, run_checks

    actor = _operator(operator)
    with reported(as_json):
        eng = engine(ctx)
        secret = settings(ctx).secret_key
        if file is None:
            if not uscc and not name:
                raise Invalid("请给出 --uscc、--name 或 --file", code="applicant_required")
            key, masked = person_key(secret, legal_rep_id)
            with unit_of_work(eng) as session:
                result = run_checks(session, [_request(matter, licence_kind, {
                    "uscc": uscc, "name": name, "legal_representative": legal_rep,
                    "representative_key": key, "representative_id_masked": masked})],
                    actor)[0]
            if as_json:
                print_json(result)
            else:
                _print_result(result)
            return
        applicants = _read_applicants(file, secret)
        results: list[dict[str, Any]] = []
        with Progress(TextColumn("[bold]核查 {task.description}"), BarColumn(),
                      MofNCompleteColumn(), TimeElapsedColumn(), console=err.console,
                      transient=as_json) as progress:
            task = progress.add_task(file.name, total=len(applicants))
            with unit_of_work(eng) as session:
                for i in range(0, len(applicants), CHUNK):
                    part = applicants[i:i + CHUNK]
                    results += run_checks(session, [_request(matter, licence_kind, a)
                                                    for a in part], actor)
                    progress.advance(task, len(part))
    rows = [_batch_row(i, a, r) for i, (a, r) in enumerate(zip(applicants, results,
                                                               strict=True), start=1)]
    if output:
        # the names come from the applicants' file: neutralised, never run as formulas
        write_csv(output, list(rows[0]) if rows else ["行号"], (r.values() for r in rows))
    if as_json:
        print_json(rows)
        return
    table = Table(*(rows[0].keys() if rows else ["行号"]),
                  title=f"批量核查结果（{len(rows)} 个申请人）")
    for row in rows:
        table.add_row(*(str(v) for v in row.values()))
    out.print(table)
    hits = sum(1 for r in results if r["status"] == "hit")
    out.print(f"命中 {hits} 个；结果已保存： {output}" if output else f"命中 {hits} 个")


def check_confirm(
    ctx: typer.Context, check_id: int, subject_id: int,
    reason: Annotated[str, typer.Option(help="核实情况， e.g. 核对营业执照代码一致")],
    operator: Annotated[str | None, typer.Option()] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Confirm a name hit (variant, fuzzy, former name) is the applicant: the measures it
    makes applicable are prompted on the check, and the confirmation is remembered."""
    from xinyong.screening.check import get_check
    from xinyong.screening.confirm import confirm_match

    with reported(as_json), unit_of_work(engine(ctx)) as session:
        confirm_match(session, check_id, subject_id, reason, _operator(operator))
        result = get_check(session, check_id).result
    if as_json:
        print_json(result)
    else:
        _print_result(result)


def _batch_row(i: int, a: dict[str, str | None], r: dict[str, Any]) -> dict[str, Any]:
    best = r["hits"][0] if r["hits"] else None
    return {"行号": i, "核查编号": r["id"], "统一社会信用代码": a.get("uscc") or "",
            "名称": a.get("name") or "", "结果": r["status_label"],
            "命中主体": f"{best['name']}({best['score']:.2f})" if best else "",
            "措施": "、".join(m["name"] for m in r["measures"]),
            "待确认": "、".join(h["name"] for h in r["hits"] if h.get("needs_confirmation")),
            "说明": (r["uscc_problem"] or {}).get("message", "") if r["uscc_problem"]
            else (best["explanation"] if best else "")}


def _print_result(r: dict[str, Any]) -> None:
    out.print(f"[bold]核查编号 {r['id']}[/] 事项：{r['matter_label']} 结果：{r['status_label']}")
    if r["uscc_problem"]:
        out.print(f"[red]统一社会信用代码错误：{r['uscc_problem']['message']}[/]")
    for h in r["hits"]:
        out.print(f"命中 {h['name']} {h['uscc'] or ''} 得分 {h['score']:.2f}：{h['explanation']}")
        if h.get("needs_confirmation"):
            out.print(f"  [yellow]疑似同一主体，待确认（xinyong check-confirm {r['id']} "
                      f"{h['subject_id']} --reason ...）[/]")
        for e in h["list_entries"]:
            out.print(f"  名单：{e['list_name']} {e['document_number']} 依据 {e['legal_basis']}")
        for rec in h["records"][:5]:
            out.print(f"  记录：{rec['document_number']}（{rec['decision_date']}）")
    for h in r["reviewed"]:
        rv = h["review"]
        out.print(f"[dim]已复核误报 {h['name']}:{rv['reason']} — {rv['reviewed_by']} "
                  f"{rv['reviewed_at']}[/]")
    for p in r.get("persons", []):
        for f in p["found"]:
            out.print(f"{p['as_label']}({p['id_masked']}):{f['listed_subject']} 名单载明的"
                      f"{f['role']}")
    if not r["measures"]:
        # An empty table reads like a failure; say what the empty answer means.
        out.print("应实施的措施：无（未命中，或命中的名单和记录不触发本事项适用的措施）")
    table = Table("措施", "类型", "设定依据", "期限", title="应实施的措施")
    for m in r["measures"] if r["measures"] else ():
        table.add_row(m["name"], ("惩戒" if m["kind"] == "punishment" else "激励")
                      + f"/第{m['category']}类", ";".join(m["legal_basis"]),
                      m["period"] + (f"（至 {m['period_end']}）" if m["period_end"] else ""))
    if r["measures"]:
        out.print(table)
    for x in r.get("not_prompted", []):
        out.print(f"[dim]不适用：{x['name']}：{x['reason']}[/]")


# ---------------------------------------------------------------- lists


def _entry_out(e: Any, as_json: bool) -> None:
    from xinyong.lists import STATE_LABELS

    data = {"id": e.id, "list_kind": e.list_kind, "subject": e.subject_name, "state": e.state,
            "statement_until": e.statement_until, "listed_until": e.listed_until}
    if as_json:
        print_json(data)
    else:
        out.print(f"名单记录 {e.id}({e.list_kind}){e.subject_name}:{STATE_LABELS[e.state]}"
                  + (f"，陈述申辩期至 {e.statement_until}" if e.statement_until else "")
                  + (f"，列入至 {e.listed_until}" if e.listed_until else ""))


@lists_app.command("propose")
def lists_propose(
    ctx: typer.Context,
    kind: Annotated[str, typer.Option("--kind", help="serious_dishonesty, red, watch, ...")],
    uscc: Annotated[str, typer.Option()],
    doc_type: Annotated[str, typer.Option("--doc-type", help="文书类型")],
    doc_number: Annotated[str, typer.Option("--doc-number", help="文书编号")],
    doc_date: Annotated[str, typer.Option("--doc-date", help="文书日期 YYYY-MM-DD")],
    issuing_body: Annotated[str, typer.Option("--issuing-body", help="作出机关")],
    basis: Annotated[str, typer.Option("--basis", help="list kind's legal basis id")],
    facts: Annotated[str, typer.Option(help="列入事实")],
    person: Annotated[str | None, typer.Option(help="责任人（仅依据允许时）")] = None,
    person_role: Annotated[str | None, typer.Option()] = None,
    person_id: Annotated[str | None, typer.Option(
        "--person-id", help="责任人身份证件号码 (hashed and masked at once)")] = None,
    operator: Annotated[str | None, typer.Option()] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """拟列入: propose a listing on a legal-effect document and an allowed legal basis."""
    from xinyong.lists import LegalDocument, NamedPerson, Proposal, propose

    persons = (NamedPerson(person, person_role or "", person_id),) if person else ()
    day = date_option(doc_date, "--doc-date")
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        entry = propose(session, Proposal(kind, uscc, LegalDocument(
            doc_type, doc_number, day, issuing_body), basis, facts,
            persons=persons), _operator(operator), secret=settings(ctx).secret_key)
        _entry_out(entry, as_json)


@lists_app.command("import")
def lists_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8) or XLSX，列：操作、统一社会信用代码、"
                                              "列入原因、决定书文号、决定日期、作出决定机关、"
                                              "移出原因、列入决定书文号")],
    kind: Annotated[str, typer.Option("--kind", help="a received list kind, e.g. "
                                                     "abnormal_operations")],
    operator: Annotated[str | None, typer.Option()] = None,
    department: Annotated[str | None, typer.Option(help="接收部门名称")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """导入其他机关决定的名单（列入、移出）: all rows or none; refusals name row, field, rule."""
    from xinyong.lists.received import import_received

    with reported(as_json), unit_of_work(engine(ctx)) as session:
        rows = _read_table(file)
        done = import_received(session, kind, rows, _operator(operator, department))
        data = {"listed": [e.id for e in done.listed], "removed": [e.id for e in done.removed]}
        if as_json:
            print_json(data)
        else:
            out.print(f"列入 {len(done.listed)} 条，移出 {len(done.removed)} 条")


def _read_table(path: Path) -> list[dict[str, Any]]:
    table = table_rows(path)
    header = [str(h or "").strip() for h in table[0]]
    return [dict(zip(header, r, strict=False)) for r in table[1:]]


def _step(ctx: typer.Context, action: str, entry_id: int, reason: str, operator: str | None,
          as_json: bool, outcome: str | None = None, consideration: str | None = None) -> None:
    from xinyong import lists

    with reported(as_json), unit_of_work(engine(ctx)) as session:
        actor = _operator(operator)
        if action == "decide":
            entry = lists.decide(session, entry_id, actor, outcome or "", reason,
                                 consideration=consideration)
        else:
            entry = getattr(lists, action)(session, entry_id, actor, reason)
        _entry_out(entry, as_json)


@lists_app.command("notify")
def lists_notify(ctx: typer.Context, entry_id: int, reason: Annotated[str, typer.Option()],
                 operator: Annotated[str | None, typer.Option()] = None,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """告知: record the notice; the statement period starts."""
    _step(ctx, "notify", entry_id, reason, operator, as_json)


@lists_app.command("decide")
def lists_decide(ctx: typer.Context, entry_id: int,
                 outcome: Annotated[str, typer.Option(help="listed or dropped")],
                 reason: Annotated[str, typer.Option()],
                 consideration: Annotated[str | None, typer.Option(
                     help="对陈述申辩的审查和采纳情况 (required when a statement was made)")]
                 = None,
                 operator: Annotated[str | None, typer.Option()] = None,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """作出决定 (after the statement period): listed or dropped."""
    _step(ctx, "decide", entry_id, reason, operator, as_json, outcome, consideration)


@lists_app.command("publish")
def lists_publish(ctx: typer.Context, entry_id: int, reason: Annotated[str, typer.Option()],
                  operator: Annotated[str | None, typer.Option()] = None,
                  as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """公示 a decided listing."""
    _step(ctx, "publish", entry_id, reason, operator, as_json)


@lists_app.command("remove")
def lists_remove(ctx: typer.Context, entry_id: int, reason: Annotated[str, typer.Option()],
                 operator: Annotated[str | None, typer.Option()] = None,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """提前移出 after correction, under the list kind's rule."""
    _step(ctx, "remove", entry_id, reason, operator, as_json)


def expire_lists(ctx: typer.Context) -> int:
    from xinyong.lists import expire

    with unit_of_work(engine(ctx)) as session:
        return len(expire(session))  # audited as the scheduler when it removes any


@lists_app.command("expire")
def lists_expire(ctx: typer.Context,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Remove every listing whose period has run (schedule daily; also run by serve)."""
    with reported(as_json):
        n = expire_lists(ctx)
    print_json({"removed": n}) if as_json else out.print(f"期满移出 {n} 条名单记录")


@lists_app.command("show")
def lists_show(ctx: typer.Context, entry_id: int,
               operator: Annotated[str | None, typer.Option()] = None) -> None:
    """An entry and every step of its procedure (who, why, when)."""
    from xinyong import audit
    from xinyong.lists import get_entry, transitions_of

    with reported(), unit_of_work(engine(ctx)) as session:
        entry = get_entry(session, entry_id)
        audit.append(session, _operator(operator), "list.read",
                     details={"entry_ids": [entry.id]})
        _entry_out(entry, False)
        table = Table("步骤", "从", "到", "经办人", "理由", "日期")
        for t in transitions_of(session, entry_id):
            table.add_row(t.action, t.from_state or "", t.to_state, t.actor, t.reason,
                          t.on_day.isoformat())
        out.print(table)


# ---------------------------------------------------------------- measures, index


@measures_app.command("report")
def measures_report(
    ctx: typer.Context,
    month: Annotated[str, typer.Option(help="YYYY-MM")],
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx")] = "csv",
    output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
) -> None:
    """Monthly joint reward and punishment case report (联合奖惩案例)."""
    from xinyong.measures import case_rows, default_measures, write_report

    if fmt not in ("csv", "xlsx"):
        err.print("[red]--format 只能是 csv 或 xlsx[/]")
        raise typer.Exit(2)
    with reported(), unit_of_work(engine(ctx)) as session:
        rows = case_rows(session, month, default_measures().matters)
    path = write_report(output or Path(f"联合奖惩案例_{month}.{fmt}"), rows, fmt)
    out.print(f"已生成 {len(rows)} 条案例： {path}")


@measures_app.command("stats")
def measures_stats(ctx: typer.Context, month: Annotated[str | None, typer.Option()] = None,
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Initiation -> response -> feedback per department and measure."""
    from xinyong.measures import measure_stats

    with reported(as_json), unit_of_work(engine(ctx)) as session:
        stats = measure_stats(session, month=month)
    if as_json:
        print_json([vars(s) for s in stats])
        return
    table = Table("部门", "措施", "发起", "反馈", "已实施", "未实施")
    for s in stats:
        table.add_row(s.department, s.measure_name, str(s.initiated), str(s.responded),
                      str(s.applied), str(s.not_applied))
    out.print(table)


@measures_app.command("check")
def measures_check() -> None:
    """Load and validate the measure catalog and the list kinds (exit 2 on error)."""
    from xinyong.measures import default_measures

    with reported():
        cat = default_measures()
    out.print(f"[green]✓[/] {len(cat.measures)} 项措施，{len(cat.matters)} 类事项，均有设定依据")


def refresh_check_index(ctx: typer.Context) -> int:
    """Index the subjects and names that committed batches recorded as pending, in a
    transaction of its own after the batch: otherwise the first case officer's check after
    a large batch would wait for it."""
    from xinyong.screening.match import refresh_index

    with unit_of_work(engine(ctx)) as session:
        return refresh_index(session)


@screening_app.command("refresh")
def screening_refresh(ctx: typer.Context,
                      as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Index what committed batches left pending for the check (also run after ingest and
    by serve; every check does it too)."""
    with reported(as_json):
        n = refresh_check_index(ctx)
    print_json({"indexed": n}) if as_json else out.print(f"已索引 {n} 个新名称")


@screening_app.command("reindex")
def screening_reindex(ctx: typer.Context) -> None:
    """Rebuild the check's name index from the registry (after a bulk load)."""
    from xinyong.screening.match import reindex

    with reported(), unit_of_work(engine(ctx)) as session:
        n = reindex(session)
    out.print(f"已索引 {n} 个名称")
