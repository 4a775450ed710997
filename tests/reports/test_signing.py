"""Signed reports: verify accepts the genuine JSON and PDF and catches a changed byte, a
foreign key and a revoked key; a rotated key still verifies; the PDF's text is extracted and
checked, and its signed JSON attachment is the JSON report."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from pypdf import PdfReader

from tests.reports.helpers import COMPANY, OTHER_PROVIDER, ecology_penalty, penalty, push_rows
from xinyong.accounts import PUBLIC
from xinyong.core.db import unit_of_work
from xinyong.core.settings import Settings
from xinyong.reports import EMPTY, SECTIONS, KeyStore, issue, keystore, verify_bytes
from xinyong.reports.signing import canonical

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def made(engine, settings):
    push_rows(engine, settings, "penalty", [penalty()])
    push_rows(engine, settings, "penalty", [ecology_penalty()], provider=OTHER_PROVIDER)
    with unit_of_work(engine) as s:
        rep = issue(s, settings, PUBLIC, COMPANY, kind="special",
                    domains=("ecology", "taxation"))
    return rep, rep.pdf(settings)


def _ring(settings: Settings):
    return keystore(settings).keyring()


def test_canonical_json_is_sorted_compact_utf8():
    assert canonical({"b": [1, "信"], "a": None, "c": {"z": True, "y": "\n"}}) == (
        '{"a":null,"b":[1,"信"],"c":{"y":"\\n","z":true}}'.encode())


@SQLITE
def test_json_genuine_changed_foreign_and_revoked(made, settings, tmp_path):
    rep, _pdf = made
    ring = _ring(settings)
    assert verify_bytes(rep.signed_json, ring).outcome == "valid"
    key_file = settings.var_dir / "report_keys" / f"{rep.kid}.key"
    assert key_file.stat().st_mode & 0o777 == 0o600  # generated on first use, owner-only
    assert "PRIVATE" not in ring.to_json() and ring.find(rep.kid).status == "active"
    name = "示范市华盛食品有限公司"
    changed = rep.signed_json.replace(name.encode(), name.replace("华", "军").encode(), 1)
    assert len(changed) == len(rep.signed_json)  # one character of content
    assert verify_bytes(changed, ring).outcome == "altered"
    assert verify_bytes(rep.signed_json[:-20], ring).outcome == "altered"
    # re-signed with another key: not the platform's
    other = KeyStore(tmp_path / "elsewhere", "伪造平台")
    kid, key, _cert = other.signer()
    from xinyong.reports.service import signed_document
    from xinyong.reports.signing import sign

    doc = json.loads(rep.signed_json)
    forged = signed_document(doc["report"], kid, sign(doc["report"], kid, key))
    assert verify_bytes(forged, ring).outcome == "unknown_key"
    # the key rotated: old reports still verify; revoked: refused
    store = keystore(settings)
    old = rep.kid
    store.rotate()
    assert verify_bytes(rep.signed_json, store.keyring()).outcome == "valid"
    store.revoke(old, "密钥泄露")
    verdict = verify_bytes(rep.signed_json, store.keyring())
    assert verdict.outcome == "revoked" and "密钥泄露" in verdict.detail


@SQLITE
def test_pdf_text_attachment_and_verification(made, settings, tmp_path):
    rep, pdf = made
    ring = _ring(settings)
    verdict = verify_bytes(pdf, ring)
    assert verdict.outcome == "valid", verdict.detail
    assert verdict.number == rep.number
    reader = PdfReader(BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "")
    for _key, title in SECTIONS:
        assert title in text, title
    for needle in (EMPTY, rep.number, "专项信用报告", "生态环境", "税务", "无违法违规记录",
                   "有相关记录1条", "示范市生态环境局", "第1页", "/reports/verify?number="):
        assert needle in text, needle
    assert json.loads(reader.attachments["report.json"][0]) == json.loads(rep.signed_json)
    assert "/Sig" in str(reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object())

    # one byte changed inside the signed range, one byte appended, the signature damaged
    i = pdf.index(b"/Producer")
    flipped = pdf[:i + 2] + bytes([pdf[i + 2] ^ 1]) + pdf[i + 3:]
    assert verify_bytes(flipped, ring).outcome == "altered"
    assert verify_bytes(pdf + b"\n", ring).outcome == "altered"
    j = pdf.index(b"/Contents <") + 20
    damaged = pdf[:j] + (b"0" if pdf[j:j + 1] != b"0" else b"1") + pdf[j + 1:]
    assert verify_bytes(damaged, ring).outcome == "altered"

    # signed with a foreign key (its own certificate): unknown; the key revoked: refused
    foreign = Settings(database_url=settings.database_url, var_dir=tmp_path / "foreign",
                       secret_key="test-secret-key", environment="test")
    assert verify_bytes(rep.pdf(foreign), ring).outcome == "unknown_key"
    keystore(settings).revoke(rep.kid, "轮换后吊销")
    assert verify_bytes(pdf, keystore(settings).keyring()).outcome == "revoked"
