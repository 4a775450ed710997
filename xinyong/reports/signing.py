"""Signing reports: canonical JSON, a detached JWS (RFC 7515 appendix F) with Ed25519, and
the platform's report keys in the var directory.

Canonical JSON (RFC 8785 for the values a report holds: objects, arrays, strings, integers,
booleans, null): keys sorted by code point, no insignificant whitespace, strings as UTF-8
with only the escapes JSON requires. Floats never occur in a report (amounts are strings), so
the number rules of RFC 8785 reduce to integers and the output is the same as JCS.

Keys (`<var_dir>/report_keys/`, never committed; created owner-only on first use):
- `<kid>.key`: the Ed25519 private key (PKCS#8 PEM, 0600), one per key id;
- `keyring.json`: the public part of every key ever used, the signing certificate (self-
  signed X.509 of the same key, for the PDF signature) and its status: active (signs),
  retired (verifies, no longer signs: after a rotation) or revoked (reports signed with it
  are refused, with the day and reason). The keyring is what an offline verifier needs
  (`xinyong report keys export`): it holds no secret.
The key id is the first 16 hex digits of SHA-256 over the raw public key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.x509.oid import NameOID

from xinyong.core import clock
from xinyong.core.errors import ConfigError, Invalid, NotFound
from xinyong.core.keys import read_or_create_private

KEY_DIR = "report_keys"
KEYRING = "keyring.json"
ALG = "EdDSA"
TYP = "xinyong-report+jws"
Status = Literal["active", "retired", "revoked"]


def canonical(value: Any) -> bytes:
    """RFC 8785-style canonical JSON bytes of a report value."""
    _check(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _check(value: Any) -> None:
    if isinstance(value, float):
        raise Invalid("报告内容不得含浮点数（金额以字符串表示）", code="report_float")
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                raise Invalid("报告内容的键必须是字符串", code="report_key")
            _check(v)
    elif isinstance(value, list | tuple):
        for v in value:
            _check(v)


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass
class PublicKeyEntry:
    kid: str
    public_key: str  # base64url of the raw 32 bytes
    certificate: str  # PEM, self-signed, same key: the PDF signature's certificate
    created: str
    status: Status = "active"
    revoked_on: str | None = None
    reason: str | None = None

    def key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(unb64u(self.public_key))


@dataclass
class Keyring:
    """The public keyring: every key's public part and status. No secret."""

    keys: list[PublicKeyEntry]

    def find(self, kid: str) -> PublicKeyEntry | None:
        return next((k for k in self.keys if k.kid == kid), None)

    def by_public_key(self, raw: bytes) -> PublicKeyEntry | None:
        text = b64u(raw)
        return next((k for k in self.keys if k.public_key == text), None)

    def to_json(self) -> str:
        return json.dumps({"format": "xinyong-report-keyring/1",
                           "keys": [k.__dict__ for k in self.keys]},
                          ensure_ascii=False, indent=2) + "\n"

    @staticmethod
    def from_json(text: str) -> Keyring:
        try:
            raw = json.loads(text)
            return Keyring([PublicKeyEntry(**k) for k in raw["keys"]])
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"公钥文件格式有误：{exc}", code="keyring_invalid") from exc

    @staticmethod
    def load(path: Path) -> Keyring:
        if not path.exists():
            raise NotFound(f"公钥文件 {path} 不存在", code="keyring_missing")
        return Keyring.from_json(path.read_text(encoding="utf-8"))


def _certificate(key: Ed25519PrivateKey, platform: str, kid: str) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{platform} 信用报告签名 {kid}"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, platform)])
    start = clock.now().astimezone(dt.UTC).replace(microsecond=0)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(int(kid, 16))
            .not_valid_before(start - dt.timedelta(days=1))
            .not_valid_after(start + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(key, None))
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


@contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    """One process at a time changes the keyring (two servers starting at once agree on one
    first key): an advisory lock on `<dir>/.lock` where the platform supports it."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not POSIX: the thread lock alone
        yield
        return
    with open(directory / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class KeyStore:
    """The platform's report keys in `<var_dir>/report_keys` (see the module doc)."""

    _lock = threading.Lock()

    def __init__(self, var_dir: Path, platform: str) -> None:
        self.dir = Path(var_dir) / KEY_DIR
        self.platform = platform
        self._signer: tuple[str, Ed25519PrivateKey, str] | None = None
        self._stamp: float | None = None  # keyring mtime when the signer was loaded

    def _mtime(self) -> float | None:
        try:
            return self.keyring_path.stat().st_mtime_ns / 1e9
        except FileNotFoundError:
            return None

    @property
    def keyring_path(self) -> Path:
        return self.dir / KEYRING

    def keyring(self) -> Keyring:
        if not self.keyring_path.exists():
            return Keyring([])
        return Keyring.load(self.keyring_path)

    def _save(self, ring: Keyring) -> None:
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.keyring_path.with_suffix(".tmp")
        tmp.write_text(ring.to_json(), encoding="utf-8")
        tmp.replace(self.keyring_path)

    def _new_key(self, ring: Keyring) -> PublicKeyEntry:
        key = Ed25519PrivateKey.generate()
        kid = key_id(key.public_key())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        read_or_create_private(self.dir / f"{kid}.key", lambda: pem)
        raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
        entry = PublicKeyEntry(kid, b64u(raw), _certificate(key, self.platform, kid),
                               clock.now().isoformat(timespec="seconds"))
        ring.keys.append(entry)
        return entry

    def signer(self) -> tuple[str, Ed25519PrivateKey, str]:
        """(kid, private key, certificate PEM) of the active key; made on first use."""
        # a rotation or revocation by another process (the CLI) takes effect on the next report
        if self._signer is not None and self._mtime() == self._stamp:
            return self._signer
        with self._lock, _exclusive(self.dir):
            ring = self.keyring()
            active = [k for k in ring.keys if k.status == "active"]
            if not active:
                entry = self._new_key(ring)
                self._save(ring)
            else:
                entry = active[-1]
            path = self.dir / f"{entry.kid}.key"
            if not path.exists():
                raise ConfigError(f"签名私钥 {path} 不存在（公钥文件中的有效密钥 {entry.kid}）",
                                  code="report_key_missing")
            key = serialization.load_pem_private_key(
                read_or_create_private(path, lambda: b""), None)
            assert isinstance(key, Ed25519PrivateKey)
            self._signer = (entry.kid, key, entry.certificate)
            self._stamp = self._mtime()
            return self._signer

    def rotate(self) -> PublicKeyEntry:
        """A new active key; the previous ones are retired (they still verify)."""
        with self._lock, _exclusive(self.dir):
            ring = self.keyring()
            for k in ring.keys:
                if k.status == "active":
                    k.status = "retired"
            entry = self._new_key(ring)
            self._save(ring)
            self._signer = None
            return entry

    def revoke(self, kid: str, reason: str) -> PublicKeyEntry:
        """Revoke a key: reports signed with it are refused from now on."""
        with self._lock, _exclusive(self.dir):
            ring = self.keyring()
            entry = ring.find(kid)
            if entry is None:
                raise NotFound(f"密钥 {kid} 不存在", code="report_key_unknown")
            entry.status = "revoked"
            entry.revoked_on = clock.today().isoformat()
            entry.reason = reason
            self._save(ring)
            self._signer = None
            return entry


def sign(payload: dict[str, Any], kid: str, key: Ed25519PrivateKey) -> str:
    """The detached compact JWS of the canonical payload: header..signature."""
    header = b64u(canonical({"alg": ALG, "kid": kid, "typ": TYP}))
    signature = key.sign(f"{header}.{b64u(canonical(payload))}".encode("ascii"))
    return f"{header}..{b64u(signature)}"


Outcome = Literal["valid", "altered", "unknown_key", "revoked"]
OUTCOME_LABELS: dict[str, str] = {
    "valid": "有效：报告由本平台签发，内容未被改动",
    "altered": "无效：报告内容或签名已被改动",
    "unknown_key": "无法验证：签名密钥不是本平台的密钥",
    "revoked": "无效：签名密钥已被吊销",
}


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    detail: str
    kid: str | None = None
    number: str | None = None
    content: dict[str, Any] | None = None

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def ok(self) -> bool:
        return self.outcome == "valid"


def verify_jws(payload: Any, jws: Any, ring: Keyring) -> Verdict:
    """Check a detached JWS over the canonical payload with the keyring's public keys."""
    number = payload.get("number") if isinstance(payload, dict) else None
    if not isinstance(jws, str) or jws.count(".") != 2 or ".." not in jws:
        return Verdict("altered", "签名格式有误", number=number)
    header_b64, _empty, sig_b64 = jws.split(".")
    try:
        header = json.loads(unb64u(header_b64))
        signature = unb64u(sig_b64)
        kid = str(header["kid"])
        if header.get("alg") != ALG:
            return Verdict("altered", f"签名算法 {header.get('alg')} 不受支持", number=number)
    except (ValueError, KeyError, TypeError):
        return Verdict("altered", "签名头无法解析", number=number)
    entry = ring.find(kid)
    if entry is None:
        return Verdict("unknown_key", f"密钥 {kid} 不在本平台公钥文件中", kid, number)
    try:
        data = canonical(payload)
    except Invalid:
        return Verdict("altered", "报告内容不是规范的 JSON 值", kid, number)
    try:
        entry.key().verify(signature, f"{header_b64}.{b64u(data)}".encode("ascii"))
    except (InvalidSignature, ValueError):
        return Verdict("altered", "签名与报告内容不符", kid, number)
    if entry.status == "revoked":
        return Verdict("revoked", f"密钥 {kid} 已于 {entry.revoked_on} 吊销："
                       f"{entry.reason or ''}", kid, number)
    return Verdict("valid", f"签名有效（密钥 {kid}）", kid, number, payload)
