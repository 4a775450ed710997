"""Shared plumbing for the commands: settings, engine (an existing database, migrated on first
use), error output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, make_url

from xinyong import audit
from xinyong.audit import checkpoint
from xinyong.core import clock
from xinyong.core.db import engine_for, ensure_schema
from xinyong.core.errors import Invalid, XinyongError
from xinyong.core.keys import with_secret_key
from xinyong.core.settings import Settings


class LazyConsole:
    """A Rich console built when first used under the current COLUMNS, not at import time."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._cache: dict[str | None, Console] = {}

    @property
    def console(self) -> Console:
        key = os.environ.get("COLUMNS")
        if key not in self._cache:
            self._cache[key] = Console(stderr=self._stderr)
        return self._cache[key]

    def print(self, *objects: Any, **kwargs: Any) -> None:
        self.console.print(*objects, **kwargs)


out = LazyConsole()
err = LazyConsole(stderr=True)


def load_settings() -> Settings:
    """The environment's settings with the secret key resolved (generated into the var
    directory on first run); a refused configuration exits 2 with the reason, no traceback."""
    try:
        return with_secret_key(Settings())
    except ValidationError as exc:
        for e in exc.errors():
            where = ".".join(str(p) for p in e["loc"])
            err.print(f"[bold red]配置错误[/] {('XINYONG_' + where.upper()) if where else ''}"
                      f" {e['msg'].removeprefix('Value error, ')}", highlight=False)
        raise typer.Exit(2) from None
    except XinyongError as exc:
        err.print(f"[bold red]配置错误[/] ({exc.code}): {exc.message}", highlight=False)
        raise typer.Exit(2) from None


def settings(ctx: typer.Context) -> Settings:
    if ctx.obj is None:
        ctx.obj = load_settings()
        clock.configure(ctx.obj.time_zone)
    assert isinstance(ctx.obj, Settings)
    return ctx.obj


def signer(ctx: typer.Context) -> audit.Signer:
    """The audit checkpoint key (generated into the var directory on first use)."""
    try:
        return audit.load_signer(settings(ctx).effective_audit_signing_key_file)
    except XinyongError as exc:
        err.print(f"[bold red]配置错误[/] ({exc.code}): {exc.message}", highlight=False)
        raise typer.Exit(2) from None


def sqlite_file(s: Settings) -> Path | None:
    """The absolute path of the SQLite database file the settings name (None: another
    database, or SQLite in memory)."""
    url = make_url(s.effective_database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser().resolve()


def missing_database_message(path: Path) -> str:
    return (f"找不到数据库文件 {path}（未创建新库）。"
            "请在项目目录中运行，或用 XINYONG_DATABASE_URL（如 sqlite:////绝对路径/xinyong.db 或 "
            "PostgreSQL 地址）或 XINYONG_VAR_DIR（数据库为 <目录>/xinyong.db）指定数据库；"
            "新建数据库请执行 xinyong db upgrade，或 xinyong demo-data --ingest 导入演示数据。")


def engine(ctx: typer.Context, *, create: bool = False) -> Engine:
    """The database of the settings, upgraded to the latest schema. A SQLite file that does
    not exist is refused (exit 2, naming the path looked for) unless `create`: a command run
    from the wrong directory must not answer from a new empty database."""
    s = settings(ctx)
    path = sqlite_file(s)
    if path is not None and not create and not path.is_file():
        err.print(f"[bold red]错误[/]：{missing_database_message(path)}")
        raise typer.Exit(2)
    eng = engine_for(s)
    ensure_schema(eng)  # every command upgrades an older database by itself
    # Entries the command writes sign a checkpoint every N, as the server's do.
    if s.audit_checkpoint_every:
        checkpoint.enable(eng, signer(ctx), s.audit_checkpoint_every)
    return eng


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def date_option(value: str | None, option: str) -> date | None:
    """A YYYY-MM-DD command-line option; a value that is no date is refused (exit 2) with
    the option named, never a traceback."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        pass
    with reported():  # printed as every refusal of the command line is, with its code
        raise Invalid(f"{option} 「{value[:40]}」不是有效日期，应为 YYYY-MM-DD，如 2026-03-01",
                      code="date_invalid")
    raise typer.Exit(2)  # not reached: reported() exits


@contextmanager
def reported(as_json: bool = False) -> Iterator[None]:
    """Turn a domain error into a clear message (or JSON object) and exit code 2."""
    try:
        yield
    except XinyongError as exc:
        if as_json:
            print_json({"ok": False, "code": exc.code, "message": exc.message,
                        "errors": [p.as_dict() for p in exc.errors]})
        else:
            err.print(f"[bold red]错误[/]（{exc.code}）：{exc.message}")
            if exc.errors:
                table = Table("行号", "字段", "规则", "说明")
                for p in exc.errors[:50]:
                    table.add_row(str(p.row or ""), p.field or "", p.rule, p.message)
                err.print(table)
        raise typer.Exit(2) from None
