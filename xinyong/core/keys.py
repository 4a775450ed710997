"""Keys the platform keeps in its var directory when none is configured.

The secret key (keyed hash of ID numbers, session signature) is never a built-in default:
when XINYONG_SECRET_KEY is not set, the first run writes a random one to
`<var_dir>/secret_key` and every later run reads it back. Files are created owner-only
(0600; a directory we create is 0700) with O_EXCL, so two processes starting at once agree on
one key, and a key file others may read is refused rather than trusted.

Called by create_app and the CLI at start, never at import time.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from xinyong.core.errors import ConfigError
from xinyong.core.settings import Settings, secret_key_problem

SECRET_KEY_FILE = "secret_key"


def _check_private(path: Path) -> None:
    mode = path.stat().st_mode
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{path}: 密钥文件可被其他用户读取（权限 {stat.S_IMODE(mode):o}），"
                          f"请执行 chmod 600 {path}", code="key_file_permissions")


def read_or_create_private(path: Path, make: Callable[[], bytes]) -> bytes:
    """The content of an owner-only file, created with `make()` if it does not exist yet."""
    if not path.exists():
        if not path.parent.exists():
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first: use theirs
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(make())
                fh.flush()
                os.fsync(fh.fileno())
    _check_private(path)
    content = path.read_bytes()
    if not content.strip():
        raise ConfigError(f"{path}: 密钥文件为空（可能在写入时中断），请删除后重新启动",
                          code="key_file_empty")
    return content


def load_secret_key(var_dir: Path) -> str:
    """The generated secret key of this installation (created on first use)."""
    path = var_dir / SECRET_KEY_FILE
    key = read_or_create_private(path, lambda: (secrets.token_hex(32) + "\n").encode())
    value = key.decode("ascii", errors="replace").strip()
    if problem := secret_key_problem(value, "production"):
        raise ConfigError(f"{path}: {problem}", code="secret_key_refused")
    return value


def with_secret_key(settings: Settings) -> Settings:
    """`settings` with its secret key resolved: the configured one (already checked by
    Settings), else the one generated into the var directory."""
    if settings.secret_key:
        return settings
    return settings.model_copy(update={"secret_key": load_secret_key(settings.var_dir)})
