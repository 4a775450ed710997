"""Credit reports (信用报告): the 公共信用信息报告 and the 专项信用报告 for 33 domains (in place of
无违法违规证明), as signed JSON and signed PDF, verifiable offline with the public keyring."""

from xinyong.reports.content import EMPTY, SECTIONS, Request, build, gather
from xinyong.reports.domains import Domain, DomainSet, default_domains, load_domains
from xinyong.reports.service import (
    REPORT_ISSUE,
    Issued,
    issue,
    issued,
    keystore,
    verify_url,
)
from xinyong.reports.signing import (
    OUTCOME_LABELS,
    Keyring,
    KeyStore,
    Verdict,
    canonical,
    verify_jws,
)
from xinyong.reports.tables import ReportIssue
from xinyong.reports.verify import verify_bytes, verify_json_bytes, verify_pdf_bytes

__all__ = ["EMPTY", "OUTCOME_LABELS", "REPORT_ISSUE", "SECTIONS", "Domain", "DomainSet",
           "Issued", "KeyStore", "Keyring", "ReportIssue", "Request", "Verdict", "build",
           "canonical", "default_domains", "gather", "issue", "issued", "keystore",
           "load_domains", "verify_bytes", "verify_json_bytes", "verify_jws", "verify_pdf_bytes",
           "verify_url"]
