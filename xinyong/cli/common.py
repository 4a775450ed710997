"""Shared plumbing for the commands: settings, engine (migrated on first use), error output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from xinyong.core import clock
from xinyong.core.db import engine_for, ensure_schema
from xinyong.core.errors import XinyongError
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


def settings(ctx: typer.Context) -> Settings:
    if ctx.obj is None:
        ctx.obj = Settings()
        clock.configure(ctx.obj.time_zone)
    assert isinstance(ctx.obj, Settings)
    return ctx.obj


def engine(ctx: typer.Context) -> Engine:
    eng = engine_for(settings(ctx))
    ensure_schema(eng)  # every command upgrades a fresh database by itself
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
        err.print(f"[bold red]错误[/] (date_invalid): {option} 「{value[:40]}」不是有效日期，"
                  "应为 YYYY-MM-DD，如 2026-03-01")
        raise typer.Exit(2) from None


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
            err.print(f"[bold red]错误[/] ({exc.code}): {exc.message}")
            if exc.errors:
                table = Table("行号", "字段", "规则", "说明")
                for p in exc.errors[:50]:
                    table.add_row(str(p.row or ""), p.field or "", p.rule, p.message)
                err.print(table)
        raise typer.Exit(2) from None
