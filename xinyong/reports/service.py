"""Issuing a report: who may have which version, building, signing, storing and auditing.

- public version: anyone, for an organisation (never a natural person);
- own version: the subject's account, for itself (its records not shown publicly too);
- department version: a department account with a declared purpose (the record types the
  catalog shares with its class).
Every report issued is audited (`report.issue`, with the purpose for a department) and so
appears in the subject's "who looked at me". Nothing here commits.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong import audit
from xinyong.accounts import Actor, DeclaredPurpose, Permission, Role, authorize, can
from xinyong.accounts.policy import readable_types
from xinyong.catalog import Catalog, default_catalog
from xinyong.core import clock
from xinyong.core.errors import Forbidden, Invalid, NotFound
from xinyong.core.settings import Settings
from xinyong.publication.reads import find_public_subject
from xinyong.reports.content import Kind, Request, Version, build
from xinyong.reports.domains import default_domains
from xinyong.reports.pdfdoc import document, sign_pdf
from xinyong.reports.signing import KeyStore, canonical, sign
from xinyong.reports.tables import ReportIssue
from xinyong.subjects.tables import Subject

REPORT_ISSUE = audit.REPORT_ISSUE
DEFAULT_YEARS = 3
_STORES: dict[tuple[str, str], KeyStore] = {}


def keystore(settings: Settings) -> KeyStore:
    """One key store per var directory and process (the signer is loaded once)."""
    k = (str(Path(settings.var_dir).resolve()), settings.platform_name)
    if k not in _STORES:
        _STORES[k] = KeyStore(settings.var_dir, settings.platform_name)
    return _STORES[k]


def new_number(day: date) -> str:
    return f"XYBG-{day:%Y%m%d}-{secrets.token_hex(5).upper()}"


def verify_url(settings: Settings, number: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/reports/verify?number={number}"


@dataclass(frozen=True)
class Issued:
    number: str
    content: dict[str, Any]
    signed_json: bytes
    kid: str

    def pdf(self, settings: Settings) -> bytes:
        from xinyong.documents import render_pdf

        kid, key, cert = keystore(settings).signer()
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        return sign_pdf(render_pdf(document(self.content)), self.signed_json, kid=kid,
                        key_der=der, cert_pem=cert, number=self.number)


def signed_document(content: dict[str, Any], kid: str, jws: str) -> bytes:
    return (json.dumps({"report": content, "signature": {"alg": "EdDSA", "kid": kid,
                                                         "jws": jws}},
                       ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def resolve_version(actor: Actor, subject: Subject, purpose: DeclaredPurpose | None,
                    wanted: Version) -> Version:
    """The version the actor may have; refuses a version it may not."""
    if wanted == "public":
        if subject.kind == "person":
            raise NotFound("自然人不提供社会公开版信用报告", code="subject_not_found")
        return "public"
    if wanted == "own":
        authorize(actor, Permission.OWN_FILE_READ)
        if actor.subject_uscc != subject.uscc:
            raise Forbidden("只能获取本主体的自查版信用报告", code="not_own_subject")
        return "own"
    authorize(actor, Permission.RECORDS_READ_SHARED)
    if purpose is None:
        raise Invalid("部门查询版信用报告须声明查询事由（purpose）", code="purpose_required")
    return "department"


def issue(session: Session, settings: Settings, actor: Actor, uscc: str, *,
          kind: Kind = "public", version: Version = "public", domains: tuple[str, ...] = (),
          since: date | None = None, until: date | None = None,
          purpose: DeclaredPurpose | None = None, catalog: Catalog | None = None) -> Issued:
    """Build, sign, store and audit one report (JSON form; `Issued.pdf` renders the PDF)."""
    catalog = catalog or default_catalog()
    if version == "own" and actor.subject_uscc:
        subject = session.scalar(select(Subject).where(Subject.uscc == uscc.strip().upper()))
        if subject is None:
            raise NotFound(f"未找到统一社会信用代码为 {uscc} 的信用主体",
                           code="subject_not_found")
    else:
        subject = find_public_subject(session, uscc)
    version = resolve_version(actor, subject, purpose, version)
    today = clock.today()
    until = until or today
    if until > today:
        raise Invalid("报告日期不能晚于今天", code="until_future")
    if since is None:  # the last three years up to the report's day
        try:
            since = until.replace(year=until.year - DEFAULT_YEARS) + timedelta(days=1)
        except ValueError:  # 29 February
            since = until - timedelta(days=365 * DEFAULT_YEARS)
    if since > until:
        raise Invalid("查询期间的起始日期不能晚于截止日期", code="window_invalid")
    if kind == "special":
        ds = default_domains()
        if not domains:
            raise Invalid("专项信用报告须选择至少一个领域（domain）", code="domains_required")
        unknown = [d for d in domains if ds.get(d) is None]
        if unknown:
            raise Invalid(f"未知领域：{'、'.join(unknown)}", code="domain_unknown")
        retired = [d for d in domains if not ds.get(d).in_force(until)]  # type: ignore[union-attr]
        if retired:
            raise Invalid(f"领域在 {until.isoformat()} 不适用：{'、'.join(retired)}",
                          code="domain_not_in_force")
        domains = tuple(dict.fromkeys(domains))
    elif domains:
        raise Invalid("只有专项信用报告可选择领域", code="domains_not_special")
    types = None
    if version == "department":
        types = tuple(readable_types(actor, catalog.record_types.values()))
    number = new_number(today)
    content = build(session, subject, Request(kind, version, until, since, domains, types,
                                           actor.department_uscc),
                    number=number, generated_at=clock.now(), platform=settings.platform_name,
                    verify_url=verify_url(settings, number), catalog=catalog)
    kid, key, _cert = keystore(settings).signer()
    signed = signed_document(content, kid, sign(content, kid, key))
    session.add(ReportIssue(
        number=number, subject_id=subject.id, subject_uscc=subject.uscc or "", kind=kind,
        version=version, domains=",".join(domains), as_of=until, issued_at=clock.now(),
        kid=kid, digest=hashlib.sha256(canonical(content)).hexdigest(),
        requested_by=actor.name or actor.role.value,
        department_uscc=actor.department_uscc if version == "department" else None,
        signed_json=signed.decode("utf-8")))
    audit.append(session, actor, REPORT_ISSUE, subject_uscc=subject.uscc,
                 purpose=purpose if version == "department" else None,
                 details={"number": number, "kind": kind, "version": version,
                          "domains": list(domains), "kid": kid})
    return Issued(number, content, signed, kid)


def issued(session: Session, number: str) -> ReportIssue:
    row = session.scalar(select(ReportIssue).where(ReportIssue.number == number.strip()))
    if row is None:
        raise NotFound(f"报告编号 {number[:40]} 不存在", code="report_not_found")
    return row


def may_issue_own(actor: Actor) -> bool:
    return can(actor, Permission.OWN_FILE_READ) and actor.role == Role.SUBJECT
