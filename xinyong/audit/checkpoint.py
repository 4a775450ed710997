"""Signed checkpoints anchoring the audit chain's head.

The hash chain shows an edited or deleted entry, but two attacks leave a valid chain: cutting
the newest entries, and rewriting the whole chain with recomputed hashes (the hash function is
in the source). A checkpoint is the head (seq, hash) signed with an Ed25519 key that lives in
the var directory, not in the database, written

- every `audit_checkpoint_every` entries, inside the transaction of the entry that reaches it;
- by `xinyong audit checkpoint` (cron, or before a backup).

Each checkpoint is kept three times: a row in `audit_checkpoint`; an `audit.checkpoint` event
in the exchange outbox, for the upper platform to keep; and the newest one in
`<key file>.head` beside the key, written after the commit (so deleting checkpoint rows does
not hide a cut). `verify_anchored` checks the signatures and holds the chain to them. The
checkpoint is generic: it anchors whatever the chain covers.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session

from xinyong.audit.service import (
    BrokenLink,
    VerifyResult,
    head,
    lock_chain,
    register_checkpoints,
    verify,
)
from xinyong.audit.tables import AuditCheckpoint
from xinyong.core import clock
from xinyong.core.errors import ConfigError
from xinyong.core.keys import read_or_create_private
from xinyong.exchange import insert_event

EVENT_KIND = "audit.checkpoint"
# The upper platform that keeps the anchors (the provincial platform receives the city's).
TARGETS = ("省公共信用信息平台",)
_PENDING = "audit_checkpoint_head"  # session.info key: head files to write after commit
_INSERT = insert(AuditCheckpoint.__table__)  # type: ignore[arg-type]


def _message(seq: int, head_hash: str, at: datetime) -> bytes:
    return f"xinyong-audit-checkpoint:v1:{seq}:{head_hash}:{at.isoformat()}".encode()


@dataclass(frozen=True)
class Signer:
    """The platform's checkpoint key and where the newest checkpoint is kept beside it."""

    key: Ed25519PrivateKey
    head_file: Path

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.key.public_key()

    @property
    def public_hex(self) -> str:
        return self.public_key.public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw).hex()

    @property
    def key_id(self) -> str:
        return hashlib.sha256(bytes.fromhex(self.public_hex)).hexdigest()[:16]

    def sign(self, seq: int, head_hash: str, at: datetime) -> str:
        return self.key.sign(_message(seq, head_hash, at)).hex()

    def holds(self, seq: int, head_hash: str, at: datetime, signature: str) -> bool:
        try:
            self.public_key.verify(bytes.fromhex(signature), _message(seq, head_hash, at))
        except (InvalidSignature, ValueError):
            return False
        return True


def _new_key_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())


def load_signer(path: Path) -> Signer:
    """The checkpoint key at `path`, generated on first use (owner-only file)."""
    pem = read_or_create_private(path, _new_key_pem)
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except ValueError as exc:
        raise ConfigError(f"{path}: 不是可读的 PEM 私钥：{exc}", code="audit_key_invalid") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path}: 审计签名密钥应为 Ed25519 私钥", code="audit_key_invalid")
    return Signer(key, path.with_name(path.name + ".head"))


# -- writing ---------------------------------------------------------------------------------

def _write_head_file(path: Path, record: dict[str, Any]) -> None:
    """Keep the newest checkpoint beside the key (never move it back to an older one)."""
    try:
        current = json.loads(path.read_text("utf-8"))
        if int(current.get("seq", 0)) >= int(record["seq"]):
            return
    except (OSError, ValueError, TypeError):
        pass
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(record, fh, ensure_ascii=False, sort_keys=True)
    os.replace(tmp, path)


def _after_commit(session: Session) -> None:
    for path, record in session.info.pop(_PENDING, []):
        _write_head_file(path, record)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def _anchor(session: Session, signer: Signer, seq: int, head_hash: str) -> AuditCheckpoint:
    at = clock.now()
    record = {"seq": seq, "head_hash": head_hash, "at": at.isoformat(),
              "key_id": signer.key_id, "signature": signer.sign(seq, head_hash, at)}
    session.connection().execute(_INSERT, {**record, "at": at})
    insert_event(session, EVENT_KIND, {**record, "public_key": signer.public_hex},
                 targets=TARGETS)
    if _PENDING not in session.info:
        session.info[_PENDING] = []
        if not event.contains(session, "after_commit", _after_commit):
            event.listen(session, "after_commit", _after_commit)
            event.listen(session, "after_rollback", _after_rollback)
    session.info[_PENDING].append((signer.head_file, record))
    return AuditCheckpoint(seq=seq, head_hash=head_hash, at=at, key_id=signer.key_id,
                           signature=record["signature"])


def write_checkpoint(session: Session, signer: Signer) -> AuditCheckpoint | None:
    """Sign the current head (None for an empty log; the existing checkpoint when the head
    has not moved since)."""
    lock_chain(session)
    top = head(session)
    if top is None:
        return None
    existing = session.scalar(select(AuditCheckpoint).where(AuditCheckpoint.seq == top[0])
                              .order_by(AuditCheckpoint.id.desc()).limit(1))
    if existing is not None and existing.head_hash == top[1]:
        return existing
    return _anchor(session, signer, *top)


def enable(engine: Engine, signer: Signer, every: int) -> None:
    """Every `every`-th entry appended through `engine` writes a checkpoint in its own
    transaction (0: only on request)."""
    def hook(session: Session, seq: int, head_hash: str) -> None:
        _anchor(session, signer, seq, head_hash)

    register_checkpoints(engine, every, hook)


# -- verifying -------------------------------------------------------------------------------

def _file_checkpoint(signer: Signer) -> dict[str, Any] | None:
    try:
        data = json.loads(signer.head_file.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"broken": True}
    return data if isinstance(data, dict) else {"broken": True}


def verify_anchored(session: Session, signer: Signer, *,
                    expect_head: str | None = None) -> VerifyResult:
    """`audit.verify` held to every signed checkpoint: the rows' signatures, the newest
    checkpoint kept beside the key, then the chain against them."""
    anchors: dict[int, str] = {}
    rows = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)))
    for cp in rows:
        if not signer.holds(cp.seq, cp.head_hash, cp.at, cp.signature):
            other = "" if cp.key_id == signer.key_id else (
                f"；它由另一把密钥（{cp.key_id}）签名，本机密钥为 {signer.key_id}："
                "请恢复原密钥文件")
            return VerifyResult(0, "", BrokenLink(
                cp.seq, "checkpoint_signature",
                f"第{cp.seq}条处的检查点签名无效（检查点被伪造或篡改{other}）"))
        if anchors.get(cp.seq, cp.head_hash) != cp.head_hash:
            return VerifyResult(0, "", BrokenLink(
                cp.seq, "checkpoint_signature", f"第{cp.seq}条处有两个互相矛盾的签名检查点"))
        anchors[cp.seq] = cp.head_hash
    kept = _file_checkpoint(signer)
    if kept is not None:
        try:
            seq, digest = int(kept["seq"]), str(kept["head_hash"])
            at = datetime.fromisoformat(str(kept["at"]))
            valid = signer.holds(seq, digest, at, str(kept["signature"]))
        except (KeyError, ValueError, TypeError):
            valid, seq = False, 0
        if not valid:
            return VerifyResult(0, "", BrokenLink(
                seq, "checkpoint_signature",
                f"{signer.head_file.name} 中的检查点签名无效（文件被篡改）"))
        if seq not in anchors:
            return VerifyResult(0, "", BrokenLink(
                seq, "checkpoint_missing",
                f"第{seq}条处的签名检查点已从数据库中删除（{signer.head_file.name} 仍记载它）"))
    return verify(session, expect_head=expect_head, anchors=anchors)
