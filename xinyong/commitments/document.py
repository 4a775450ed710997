"""The commitment document (信用承诺书) as a PDF, through xinyong.documents: the same
commitment and signature give the same bytes on every download."""

from __future__ import annotations

from xinyong.commitments import rules
from xinyong.commitments.model import load_rules
from xinyong.commitments.tables import Commitment, CommitmentSignature
from xinyong.documents import (
    Block,
    Document,
    Heading,
    KeyValues,
    Paragraph,
    Signature,
    cn_date,
)


def commitment_document(c: Commitment, sig: CommitmentSignature | None) -> Document:
    data = load_rules()
    template = data.template(c.template_id) if c.template_id else None
    kind = data.kind(c.kind)
    facts = [("承诺编码", c.code), ("承诺人", c.committer_name), ("承诺人代码", c.committer_code),
             ("承诺类型", rules.KINDS[c.kind]), ("承诺事由", c.reason),
             ("承诺受理单位", c.accepting_name), ("承诺作出日期", cn_date(c.made_on)),
             ("承诺有效期", cn_date(c.valid_until) if c.valid_until else "长期"),
             ("公开类型", rules.DISCLOSURES[c.disclosure])]
    blocks: list[Block] = [KeyValues(tuple(facts)), Heading("承诺内容"), Paragraph(c.content),
              Heading("违诺责任"), Paragraph(c.liability), Heading("依据"),
              Paragraph((template or kind).cite())]
    if sig is not None:
        blocks += [Heading("签署记录"), KeyValues((
            ("签署人", sig.signer_name), ("签署时间", sig.signed_at.strftime("%Y-%m-%d %H:%M")),
            ("内容摘要（SHA-256）", sig.content_hash)))]
    return Document(title=template.title if template else "信用承诺书",
                    authority=c.accepting_name, issued_on=c.made_on, number=c.code,
                    blocks=tuple(blocks),
                    signature=Signature(c.committer_name, c.made_on, "（签章）"),
                    subject="信用承诺书", keywords=("信用承诺", c.code))


def commitment_pdf(c: Commitment, sig: CommitmentSignature | None) -> bytes:
    from xinyong.documents import render_pdf

    return render_pdf(commitment_document(c, sig))
