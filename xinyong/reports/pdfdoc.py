"""The report as a signed PDF: rendered by the one renderer (xinyong.documents), the signed
JSON embedded as an attachment (report.json), then a PDF signature (pyHanko, CMS with the
report key's self-signed certificate) over the whole file, so that readers show it signed.

The PDF signature and the attachment's JWS use the same Ed25519 key: a verifier needs only
the public keyring.
"""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache
from typing import Any

from xinyong.documents import Document, Heading, Items, KeyValues, Paragraph, QrCode, Spacer, Table

ATTACHMENT = "report.json"
FIELD = "PlatformSignature"
CMS_RESERVED = 8192  # bytes of the signature placeholder (hex: twice that in the file)


def _item_block(i: int, item: dict[str, Any]) -> list[Any]:
    head = f"{i}. {item['title']}"
    if item.get("number"):
        head += f"　{item['number']}"
    rows: list[tuple[str, str]] = [(k, v) for k, v in item["fields"]]
    if item.get("source"):
        rows.append(("数据来源单位", item["source"] + (f"（{item['source_uscc']}）"
                                                 if item.get("source_uscc") else "")))
    if item.get("publish_until"):
        rows.append(("公示截止日期", item["publish_until"]))
    if item.get("marks"):
        rows.append(("状态", "、".join(item["marks"])))
    return [Paragraph(head, indent=False, keep_with_next=True), KeyValues(tuple(rows))]


def document(content: dict[str, Any]) -> Document:
    """The report's content as a Document (the same content the JSON carries)."""
    s = content["subject"]
    blocks: list[Any] = [
        KeyValues((("报告编号", content["number"]), ("报告类型", content["kind_label"]
                                                   + "（" + content["version_label"] + "）"),
                   ("主体名称", s["name"]), ("统一社会信用代码", s["uscc"]),
                   ("查询期间", f"{content['window']['from']} 至 {content['window']['to']}"),
                   ("生成时间", content["generated_at"]),
                   ("出具平台", content["platform"]))),
        Paragraph("本报告依据公共信用信息平台归集的公共信用信息生成，仅反映查询期间截至报告日社会"
                  "公开（或本版本可见）的信息；各项信息以数据来源单位提供的为准。本报告由平台密钥"
                  "电子签名，可扫描二维码或访问报告验证页面核验真伪。"),
    ]
    if content["kind"] == "special":
        blocks.append(Heading("专项信用报告结论", numbered=False))
        blocks.append(Paragraph(f"依据：{content['policy']['title']}。"))
        blocks.append(Table(("领域", "主管部门", "结论"),
                            tuple((d["name"], d["department"], d["result"])
                                  for d in content["domains"]), widths=(2, 3, 3)))
        for d in content["domains"]:
            if d["items"]:
                blocks.append(Paragraph(f"{d['name']}领域相关记录：", indent=False,
                                        keep_with_next=True))
                for i, item in enumerate(d["items"], start=1):
                    blocks += _item_block(i, item)
    for sec in content["sections"]:
        blocks.append(Heading(sec["title"]))
        if not sec["items"]:
            blocks.append(Paragraph(sec["empty_text"], indent=False))
            continue
        if sec["key"] == "advice":
            blocks.append(Items(tuple(v for i in sec["items"] for _k, v in i["fields"])))
            continue
        if sec["key"] == "registration":
            blocks.append(KeyValues(tuple((k, v) for k, v in sec["items"][0]["fields"])))
            continue
        # the section at a glance, then each item in full
        blocks.append(Table(("序号", "类别", "文书号", "日期", "数据来源单位"),
                            tuple((str(i), it["title"], it.get("number") or "—",
                                   it.get("date") or "—", it.get("source") or "—")
                                  for i, it in enumerate(sec["items"], start=1)),
                            widths=(0.6, 2, 3, 1.6, 3)))
        for i, item in enumerate(sec["items"], start=1):
            blocks += _item_block(i, item)
        blocks.append(Spacer(2))
    footer = f"报告编号：{content['number']}　验证：{content['verify_url']}"
    return Document(title=content["kind_label"], authority=content["platform"],
                    issued_on=date.fromisoformat(content["generated_at"][:10]),
                    number=content["number"], blocks=tuple(blocks), sign=False,
                    footer=footer, qr=QrCode(content["verify_url"],
                                             f"报告编号 {content['number']} 扫码验证"),
                    subject=f"{s['name']} {content['kind_label']}",
                    keywords=(content["number"],))


@lru_cache(maxsize=4)
def _pyhanko_signer(kid: str, key_der: bytes, cert_pem: str) -> Any:
    from asn1crypto import keys as akeys
    from asn1crypto import pem as apem
    from asn1crypto import x509 as ax509
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    _t, _h, der = apem.unarmor(cert_pem.encode("ascii"))
    return signers.SimpleSigner(signing_cert=ax509.Certificate.load(der),
                                signing_key=akeys.PrivateKeyInfo.load(key_der),
                                cert_registry=SimpleCertificateStore())


def sign_pdf(pdf: bytes, signed_json: bytes, *, kid: str, key_der: bytes, cert_pem: str,
             number: str) -> bytes:
    """Embed the signed JSON and sign the whole file (incremental update)."""
    from pyhanko.pdf_utils import embed
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    w = IncrementalPdfFileWriter(io.BytesIO(pdf))
    ef = embed.EmbeddedFileObject.from_file_data(w, signed_json, mime_type="application/json")
    embed.embed_file(w, embed.FileSpec(file_spec_string=ATTACHMENT, embedded_data=ef,
                                       description=f"签名的报告内容（JWS，密钥 {kid}）"))
    meta = signers.PdfSignatureMetadata(field_name=FIELD, md_algorithm="sha512",
                                        reason=f"信用报告 {number}", name=kid)
    # room for the CMS (one Ed25519 certificate, ~2 KB): no dry-run signature to size it
    out = signers.PdfSigner(meta, _pyhanko_signer(kid, key_der, cert_pem)).sign_pdf(
        w, bytes_reserved=CMS_RESERVED)
    return bytes(out.getvalue())
