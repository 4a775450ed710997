"""Verifying a report file (PDF or JSON) with the public keyring only: valid, altered, unknown
key or revoked. A PDF must carry one signature covering the whole file, made with a key of
the keyring, and its embedded report.json must verify with the same key."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

from xinyong.reports.signing import Keyring, Verdict, b64u, verify_jws

_ALTERED_PDF = "PDF 文件已被改动或不是本平台签发的报告"


def verify_json_bytes(data: bytes, ring: Keyring) -> Verdict:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Verdict("altered", "不是有效的 JSON 报告文件")
    if not isinstance(doc, dict) or not isinstance(doc.get("signature"), dict):
        return Verdict("altered", "报告文件缺少签名")
    return verify_jws(doc.get("report"), doc["signature"].get("jws"), ring)


def verify_bytes(data: bytes, ring: Keyring) -> Verdict:
    """A PDF (by its header) or a JSON report."""
    if data.lstrip()[:5] == b"%PDF-":
        return verify_pdf_bytes(data, ring)
    return verify_json_bytes(data, ring)


def _attachment(reader: Any) -> bytes | None:
    from xinyong.reports.pdfdoc import ATTACHMENT

    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    for i in range(0, len(names), 2):
        if str(names[i]) == ATTACHMENT:
            spec = names[i + 1].get_object()
            return bytes(spec["/EF"]["/F"].get_object().data)
    return None


def verify_pdf_bytes(data: bytes, ring: Keyring) -> Verdict:
    from asn1crypto import pem as apem
    from asn1crypto import x509 as ax509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
        if len(sigs) != 1:
            return Verdict("altered", f"应有一个平台签名，实有 {len(sigs)} 个")
        sig = sigs[0]
        cert = sig.signer_cert
        raw = cert.public_key["public_key"].native
        entry = ring.by_public_key(bytes(raw)) if isinstance(raw, bytes) else None
        if entry is None:
            return Verdict("unknown_key", "PDF 签名证书的密钥不在本平台公钥文件中")
        _t, _h, der = apem.unarmor(entry.certificate.encode("ascii"))
        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
        status = validate_pdf_signature(sig, signer_validation_context=ValidationContext(
            trust_roots=[ax509.Certificate.load(der)]))
        if not (status.intact and status.valid
                and status.coverage == SignatureCoverageLevel.ENTIRE_FILE):
            return Verdict("altered", _ALTERED_PDF, entry.kid)
        attached = _attachment(reader)
    except Exception as exc:  # any parse failure of a changed file is "altered"
        return Verdict("altered", f"{_ALTERED_PDF}（{type(exc).__name__}）")
    if attached is None:
        return Verdict("altered", "PDF 中缺少签名的报告内容附件", entry.kid)
    verdict = verify_json_bytes(attached, ring)
    if verdict.ok and verdict.kid != entry.kid:
        return Verdict("altered", "PDF 签名与报告内容签名的密钥不一致", entry.kid)
    if verdict.outcome == "valid" and entry.status == "revoked":
        return Verdict("revoked", "签名密钥已被吊销", entry.kid, verdict.number)
    return verdict


__all__ = ["b64u", "verify_bytes", "verify_json_bytes", "verify_pdf_bytes"]
