"""`xinyong accounts ...` and `xinyong audit ...`.

The CLI runs on the server as the credit office's administrator: every command acts as an
Actor with role admin named after the login name (or --operator), and is audited as such.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from xinyong import audit
from xinyong.accounts import ROLE_LABELS, Actor, Role
from xinyong.accounts import service as accounts
from xinyong.cli.common import engine, err, out, print_json, reported, signer
from xinyong.cli.integrity import BatchOpt, RecordsOpt, print_report
from xinyong.core.db import unit_of_work
from xinyong.core.errors import Invalid
from xinyong.departments import Department
from xinyong.ingest.integrity import verify_stored

accounts_app = typer.Typer(help="账户与接口密钥 (accounts and API keys)", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 (audit log)", no_args_is_help=True)

OperatorOpt = Annotated[str | None, typer.Option(
    "--operator", help="who runs the command (default: login name); recorded in the audit log")]


def cli_actor(operator: str | None = None) -> Actor:
    return Actor(role=Role.ADMIN, name=operator or getpass.getuser(), client="cli")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("密码", hide_input=True)
    if typer.prompt("再次输入密码", hide_input=True) != first:
        raise Invalid("两次输入的密码不一致", code="password_mismatch")
    return str(first)


PasswordStdin = Annotated[bool, typer.Option(
    "--password-stdin", help="read the password from the first line of standard input")]


@accounts_app.command("create-admin")
def create_admin(ctx: typer.Context, name: str, password_stdin: PasswordStdin = False,
                 operator: OperatorOpt = None) -> None:
    """Create a platform administrator (the first one is created this way)."""
    with reported():
        password = _read_password(password_stdin)
        with unit_of_work(engine(ctx)) as session:
            accounts.create_account(session, cli_actor(operator), accounts.NewAccount(
                name=name, role=Role.ADMIN, password=password))
    out.print(f"已创建管理员账户： {name}")


@accounts_app.command("create")
def create(
    ctx: typer.Context, name: str,
    role: Annotated[Role, typer.Option(help="admin, data_officer, case_officer, inspector, "
                                       "subject")],
    department: Annotated[str | None, typer.Option(
        help="code (USCC) of a registered department (`xinyong departments add`); staff "
        "accounts other than admin need one. The department is not changed")] = None,
    subject: Annotated[str | None, typer.Option(help="USCC the subject account acts for")]
    = None,
    password: Annotated[bool, typer.Option(help="set a web login password (prompted)")] = True,
    password_stdin: PasswordStdin = False,
    operator: OperatorOpt = None,
) -> None:
    """Create an account of any role; staff accounts join a registered department."""
    with reported():
        secret = _read_password(password_stdin) if (password or password_stdin) else None
        with unit_of_work(engine(ctx)) as session:
            accounts.create_account(session, cli_actor(operator), accounts.NewAccount(
                name=name, role=role, password=secret, department=department,
                subject_uscc=subject))
    out.print(f"已创建账户：{name}（{ROLE_LABELS[role]}）")


@accounts_app.command("list")
def list_cmd(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List accounts."""
    with unit_of_work(engine(ctx)) as session:
        codes = {d.id: d.code for d in session.scalars(select(Department))}
        rows = [{"id": a.id, "name": a.name, "role": a.role,
                 "department": codes.get(a.department_id or 0), "subject": a.subject_uscc,
                 "active": a.active, "locked_until": a.locked_until}
                for a in accounts.list_accounts(session)]
    if as_json:
        print_json(rows)
        return
    table = Table("编号", "登录名", "角色", "单位", "信用主体", "启用", "锁定至", title="账户")
    for r in rows:
        table.add_row(str(r["id"]), str(r["name"]), str(r["role"]),
                      str(r["department"] or ""), str(r["subject"] or ""),
                      "是" if r["active"] else "否", str(r["locked_until"] or ""))
    out.print(table)


@accounts_app.command("set-password")
def set_password(ctx: typer.Context, name: str, password_stdin: PasswordStdin = False,
                 operator: OperatorOpt = None) -> None:
    """Set an account's web login password (also clears a lock-out)."""
    with reported():
        password = _read_password(password_stdin)
        with unit_of_work(engine(ctx)) as session:
            accounts.set_password(session, cli_actor(operator), name, password)
    out.print(f"已设置密码： {name}")


@accounts_app.command("unlock")
def unlock(ctx: typer.Context, name: str, operator: OperatorOpt = None) -> None:
    """Lift a lock-out after failed logins."""
    with reported(), unit_of_work(engine(ctx)) as session:
        accounts.unlock(session, cli_actor(operator), name)
    out.print(f"已解除锁定： {name}")


@accounts_app.command("disable")
def disable(ctx: typer.Context, name: str, operator: OperatorOpt = None) -> None:
    """Disable an account: its sessions and API keys stop working."""
    with reported(), unit_of_work(engine(ctx)) as session:
        accounts.set_active(session, cli_actor(operator), name, False)
    out.print(f"已停用账户： {name}")


@accounts_app.command("end-sessions")
def end_sessions(ctx: typer.Context, name: str, operator: OperatorOpt = None) -> None:
    """End every web session of an account at once (its cookies stop signing in)."""
    with reported(), unit_of_work(engine(ctx)) as session:
        ended = accounts.end_sessions(session, cli_actor(operator), name)
    out.print(f"已结束账户 {name} 的 {ended} 个会话")


def _print_key(key_id: int, clear: str, as_json: bool) -> None:
    if as_json:
        print_json({"id": key_id, "key": clear})
        return
    out.print(f"接口密钥 {key_id}（只显示这一次，请妥善保存）：")
    out.print(clear, soft_wrap=True, highlight=False)


@accounts_app.command("key-issue")
def key_issue(
    ctx: typer.Context, name: str,
    scope: Annotated[list[str] | None, typer.Option(
        help="limit the key to these permissions (repeatable), e.g. records:write")] = None,
    label: Annotated[str | None, typer.Option(help="what the key is for")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    operator: OperatorOpt = None,
) -> None:
    """Issue an API key for an account (X-API-Key or Authorization: Bearer)."""
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        key, clear = accounts.issue_key(session, cli_actor(operator), name, scopes=scope,
                                        label=label)
        key_id = key.id
    _print_key(key_id, clear, as_json)


@accounts_app.command("key-rotate")
def key_rotate(ctx: typer.Context, key_id: int,
               as_json: Annotated[bool, typer.Option("--json")] = False,
               operator: OperatorOpt = None) -> None:
    """Revoke a key and issue its successor with the same account and scopes."""
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        key, clear = accounts.rotate_key(session, cli_actor(operator), key_id)
        new_id = key.id
    _print_key(new_id, clear, as_json)


@accounts_app.command("key-revoke")
def key_revoke(ctx: typer.Context, key_id: int, operator: OperatorOpt = None) -> None:
    """Revoke a key at once."""
    with reported(), unit_of_work(engine(ctx)) as session:
        accounts.revoke_key(session, cli_actor(operator), key_id)
    out.print(f"已吊销接口密钥 {key_id}")


@accounts_app.command("keys")
def keys(ctx: typer.Context, name: Annotated[str | None, typer.Argument()] = None,
         as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List API keys (prefix, scopes, state); never the keys themselves."""
    with unit_of_work(engine(ctx)) as session:
        rows = [{"id": k.id, "account": n, "prefix": k.prefix, "scopes": k.scopes,
                 "label": k.label, "created_at": k.created_at, "revoked_at": k.revoked_at}
                for k, n in accounts.list_keys(session, name)]
    if as_json:
        print_json(rows)
        return
    table = Table("编号", "账户", "前缀", "权限范围", "说明", "吊销时间", title="接口密钥")
    for r in rows:
        table.add_row(str(r["id"]), str(r["account"]), str(r["prefix"]),
                      str(r["scopes"] or "（角色全部）"), str(r["label"] or ""),
                      str(r["revoked_at"] or ""))
    out.print(table)


@audit_app.command("verify")
def verify(ctx: typer.Context,
           expect_head: Annotated[str | None, typer.Option(
               help="a head hash noted earlier: also detects entries cut from the end")] = None,
           as_json: Annotated[bool, typer.Option("--json")] = False,
           records: RecordsOpt = True, batch: BatchOpt = None) -> None:
    """Check the hash chain against the signed checkpoints, then the stored records and list
    entries against the seals in it; exit 1 reporting the first broken link (an edit, a
    deletion, a cut end or a rewritten chain) or the first record that no longer matches."""
    with unit_of_work(engine(ctx)) as session:
        result = audit.verify_anchored(session, signer(ctx), expect_head=expect_head)
        stored = verify_stored(session, batch) if records else None
    b = result.broken
    if as_json:
        print_json({"ok": result.ok and (stored is None or stored.ok),
                    "checked": result.checked, "head_hash": result.head_hash,
                    "anchored_seq": result.anchored_seq,
                    "broken_seq": b.seq if b else None, "rule": b.rule if b else None,
                    "message": b.message if b else None,
                    "records": stored.as_dict() if stored else None})
    elif b is None:
        anchored = (f"；已对照第 {result.anchored_seq} 条处的签名检查点"
                    if result.anchored_seq else "；尚无签名检查点")
        out.print(f"[green]✓[/] 审计日志完整：已校验 {result.checked} 条，链头哈希 "
                  f"{result.head_hash}{anchored}")
    else:
        err.print(f"[bold red]✗ 审计日志被篡改[/]：第一处断链在第 {b.seq} 条 ({b.rule}):"
                  f"{b.message}")
    if stored is not None and not as_json:
        print_report(stored)
    if b is not None or (stored is not None and not stored.ok):
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint_cmd(ctx: typer.Context,
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Sign the chain's current head (a checkpoint row, the exchange outbox and the file
    beside the key); run it from cron or before a backup."""
    with reported(as_json), unit_of_work(engine(ctx)) as session:
        cp = audit.write_checkpoint(session, signer(ctx))
        row = None if cp is None else {"seq": cp.seq, "head_hash": cp.head_hash,
                                       "at": cp.at.isoformat(), "key_id": cp.key_id}
    if as_json:
        print_json({"ok": True, "checkpoint": row})
    elif row is None:
        out.print("审计日志为空，无需签名检查点")
    else:
        out.print(f"[green]✓[/] 已签名检查点：第 {row['seq']} 条，链头哈希 {row['head_hash']}"
                  f"（密钥 {row['key_id']}）")


@audit_app.command("grant")
def grant(ctx: typer.Context,
          role: Annotated[str, typer.Option(help="the application's PostgreSQL role")]) -> None:
    """PostgreSQL: allow the application role only INSERT and SELECT on the audit log."""
    with reported(), unit_of_work(engine(ctx)) as session:
        statements = audit.grant_append_only(session, role)
    for s in statements:
        out.print(s, highlight=False)
    out.print(f"[green]✓[/] 角色 {role} 对审计日志只有 INSERT、SELECT 权限")
