"""`xinyong report ...`: credit reports from the server's shell (the credit office), their
offline verification, and the report signing keys (rotation, revocation, export)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from xinyong import audit, reports
from xinyong.cli.accounts import OperatorOpt, cli_actor
from xinyong.cli.common import date_option, engine, err, out, print_json, reported, settings
from xinyong.core.db import unit_of_work
from xinyong.reports.signing import Keyring

report_app = typer.Typer(help="信用报告 (credit reports): make, verify, keys",
                         no_args_is_help=True)
keys_app = typer.Typer(help="报告签名密钥 (report signing keys)", no_args_is_help=True)
report_app.add_typer(keys_app, name="keys")


@report_app.command("make")
def make(ctx: typer.Context,
         uscc: Annotated[str, typer.Option("--uscc", help="统一社会信用代码 of the subject")],
         special: Annotated[list[str] | None, typer.Option(
             "--special", help="专项信用报告 for this domain (repeat; see `report domains`)")]
         = None,
         as_json: Annotated[bool, typer.Option("--json", help="the signed JSON, not a PDF")]
         = False,
         output: Annotated[Path, typer.Option("-o", "--output", help="file to write")] = Path(
             "report.pdf"),
         since: Annotated[str | None, typer.Option(help="query window from (YYYY-MM-DD)")]
         = None,
         operator: OperatorOpt = None) -> None:
    """Issue a signed report (public version) and write it as PDF or JSON."""
    start = date_option(since, "--since")
    cfg = settings(ctx)
    with reported(), unit_of_work(engine(ctx)) as session:
        rep = reports.issue(session, cfg, cli_actor(operator), uscc,
                            kind="special" if special else "public",
                            domains=tuple(special or ()), since=start)
    output.write_bytes(rep.signed_json if as_json else rep.pdf(cfg))
    out.print(f"报告 {rep.number} 已写入 {output}（密钥 {rep.kid}）")


@report_app.command("verify")
def verify(ctx: typer.Context, file: Path,
           keys: Annotated[Path | None, typer.Option(
               help="public keyring (default: the platform's var/report_keys/keyring.json)")]
           = None,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Check a report (PDF or JSON) with the public keys only: valid / altered / unknown key
    / revoked. Exit 0 only when valid."""
    with reported(as_json):
        ring = Keyring.load(keys) if keys else reports.keystore(settings(ctx)).keyring()
        verdict = reports.verify_bytes(file.read_bytes(), ring)
    if as_json:
        print_json({"outcome": verdict.outcome, "label": verdict.label,
                    "detail": verdict.detail, "kid": verdict.kid, "number": verdict.number})
    else:
        (out if verdict.ok else err).print(f"{verdict.label}（{verdict.detail}）"
                                          + (f"，报告编号 {verdict.number}" if verdict.number
                                             else ""))
    raise typer.Exit(0 if verdict.ok else 1)


@report_app.command("domains")
def domains() -> None:
    """The 33 domains of the 专项信用报告 and their legal basis."""
    table = Table("id", "领域", "部门", "计入", "依据")
    for d in reports.default_domains().domains:
        table.add_row(d.id, d.name, d.department, "、".join(d.record_types + d.lists),
                      d.legal_basis[0].cite())
    out.print(table)


@keys_app.command("list")
def keys_list(ctx: typer.Context) -> None:
    """The keys of the keyring and their status."""
    table = Table("kid", "状态", "创建", "吊销")
    for k in reports.keystore(settings(ctx)).keyring().keys:
        table.add_row(k.kid, k.status, k.created, f"{k.revoked_on or ''} {k.reason or ''}")
    out.print(table)


def _audit(ctx: typer.Context, operator: str | None, action: str, details: dict) -> None:
    with unit_of_work(engine(ctx)) as session:
        audit.append(session, cli_actor(operator), action, details=details)


@keys_app.command("rotate")
def keys_rotate(ctx: typer.Context, operator: OperatorOpt = None) -> None:
    """A new signing key; the previous one is retired (its reports still verify)."""
    with reported():
        entry = reports.keystore(settings(ctx)).rotate()
        _audit(ctx, operator, "report_key.rotate", {"kid": entry.kid})
    out.print(f"新签名密钥 {entry.kid}；请重新导出公钥文件（report keys export）")


@keys_app.command("revoke")
def keys_revoke(ctx: typer.Context, kid: str,
                reason: Annotated[str, typer.Option(help="吊销原因")],
                operator: OperatorOpt = None) -> None:
    """Revoke a key: every report signed with it is refused from now on."""
    with reported():
        entry = reports.keystore(settings(ctx)).revoke(kid, reason)
        _audit(ctx, operator, "report_key.revoke", {"kid": kid, "reason": reason})
    out.print(f"密钥 {entry.kid} 已吊销；请重新导出公钥文件并发布")


@keys_app.command("export")
def keys_export(ctx: typer.Context,
                output: Annotated[Path, typer.Option("-o", "--output")] = Path(
                    "report-keyring.json")) -> None:
    """Write the public keyring (no secret) for offline verifiers."""
    store = reports.keystore(settings(ctx))
    store.signer()  # a first run makes the key
    output.write_text(store.keyring().to_json(), encoding="utf-8")
    out.print(f"公钥文件已写入 {output}")
