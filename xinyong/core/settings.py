"""One settings class for the whole platform (prefix XINYONG_).

Operational knobs live here; legal rules live in YAML beside their domain; departments and
accounts are data in the database.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The built-in key of earlier versions and the example values of the documentation: anyone
# can read them, so a key equal to one of them forges sessions and reverses ID-number hashes.
DEV_SECRET = "dev-only-secret-change-me"
EXAMPLE_SECRETS = frozenset({DEV_SECRET, "change-me", "changeme", "change_me", "secret",
                             "your-secret-key", "test-secret-key-change-me"})
MIN_PRODUCTION_SECRET = 32


def secret_key_problem(value: str, environment: str) -> str | None:
    """Why a configured secret key is refused, or None. A key that is not configured at all
    is not judged here: the platform generates one (xinyong.core.keys)."""
    if not value.strip():
        return ("XINYONG_SECRET_KEY is set but empty: remove it to let the platform generate "
                "a key in the var directory, or set a real random key")
    if value.strip().lower() in EXAMPLE_SECRETS:
        return ("XINYONG_SECRET_KEY is an example value that anyone can read in the source "
                "or the documentation: remove it to let the platform generate a key in the "
                "var directory, or set a real random key (python3 -c 'import secrets; "
                "print(secrets.token_hex(32))')")
    if environment == "production" and len(value) < MIN_PRODUCTION_SECRET:
        return (f"XINYONG_SECRET_KEY must be at least {MIN_PRODUCTION_SECRET} characters in "
                "production")
    return None


# No administrative decision of the People's Republic predates its founding: an earlier date
# is a typing or spreadsheet error (0001-01-01, Excel's 1900-01-00), refused at ingest.
EARLIEST_DECISION_DATE = date(1949, 10, 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    environment: str = Field("dev", description="dev, test or production; production refuses "
                             "placeholder secrets")
    var_dir: Path = Field(Path("var"), description="Directory for the embedded SQLite database, "
                          "error files and generated demo data")
    database_url: str = Field("", description="SQLAlchemy URL; empty means SQLite at "
                              "<var_dir>/xinyong.db (WAL)")
    secret_key: str = Field("", description="Key for the keyed hash of personal identifiers "
                            "(HMAC-SHA256) and, derived from it, the session cookie signature. "
                            "Empty (not set): generated on first run into <var_dir>/secret_key "
                            "(owner-only) and reused after. Example values are refused; at "
                            "least 32 characters in production. Several application servers "
                            "must share one key")
    time_zone: str = Field("Asia/Shanghai", description="IANA zone in which every date and "
                           "timestamp of the platform is taken (receipt dates, clocks, "
                           "publication days, audit times), whatever the server's zone")
    platform_name: str = Field("信用中国（示范市）", description="Name of the platform shown on "
                               "the web site and in documents")
    timeliness_working_days: int = Field(7, description="A record is late when received more "
                                         "than this many working days after its decision date")
    earliest_decision_date: date = Field(EARLIEST_DECISION_DATE, description="Dates in "
                                         "records (decision, validity) earlier than this are "
                                         "refused at ingest with row, field and rule")
    ingest_chunk_rows: int = Field(2000, description="Rows validated and written per chunk "
                                   "inside one batch transaction")
    login_max_failures: int = Field(5, description="Consecutive failed web logins that lock "
                                    "an account")
    login_lockout_minutes: int = Field(15, description="How long a locked account stays "
                                       "locked, in minutes")
    session_max_age_s: int = Field(8 * 3600, description="Lifetime of a web login session, "
                                   "in seconds (the session ends then whatever the cookie "
                                   "says; logout, a password change, disabling and lock-out "
                                   "end it at once)")
    identity_max_failures_per_client: int = Field(10, ge=1, description="Failed identity "
                                                  "attempts (web logins; ID numbers on the "
                                                  "objection form) one client address may "
                                                  "make in the window before it gets 429")
    identity_max_failures_per_target: int = Field(5, ge=1, description="Failed identity "
                                                  "attempts at one target (a login name; a "
                                                  "record or list entry objected to) in the "
                                                  "window before further attempts get 429")
    identity_window_minutes: int = Field(15, ge=1, description="Window over which failed "
                                         "identity attempts are counted, in minutes")
    max_request_bytes: int = Field(30 * 1024 * 1024, ge=1024, description="Largest request "
                                   "body accepted, in bytes (default 30 MB: five 5 MB "
                                   "attachments and the form); larger gets 413 before it is "
                                   "read")
    max_json_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="Largest JSON request "
                                "body accepted, in bytes (an API batch push); larger gets 413 "
                                "before it is parsed")
    audit_checkpoint_every: int = Field(1000, ge=0, description="Write a signed checkpoint "
                                        "of the audit chain's head every this many entries "
                                        "(0: only with `xinyong audit checkpoint`)")
    audit_signing_key_file: Path | None = Field(None, description="Ed25519 private key (PEM) "
                                                "signing audit checkpoints; empty: "
                                                "<var_dir>/audit_signing_key, generated on "
                                                "first use (owner-only). Several application "
                                                "servers must share one key file")
    session_cookie_secure: bool = Field(True, description="Send the session cookie over HTTPS "
                                        "only; set false only for local development over HTTP")
    objection_clocks_file: Path | None = Field(None, description="YAML with the objection "
                                               "clocks (working days); empty: the Shanghai "
                                               "model shipped with the platform")
    public_base_url: str = Field("http://127.0.0.1:8000", description="Address of the public "
                                 "site as its users reach it, printed on documents (the "
                                 "repair notice's link to apply online)")
    pdf_font: str = Field("", description="Font files for PDF documents, separated by ':'; "
                          "the first that exists is used (a .ttc collection by its Simplified "
                          "Chinese face, its -Bold sibling for headings). Empty: Debian's "
                          "fonts-noto-cjk (Noto Serif CJK, else Noto Sans CJK)")
    webhook_allowed_hosts: str = Field("", description="Intranet receivers that watch "
                                       "webhooks may reach (host names or addresses, "
                                       "separated by ','): a webhook resolving to a private, "
                                       "loopback, link-local or reserved address is refused "
                                       "unless its host is named here")
    audit_reads: bool = Field(True, description="Record non-public reads in the audit log. "
                              "Only the audit benchmark turns this off to measure its cost; "
                              "never disable it in production")

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.secret_key or "secret_key" in self.model_fields_set:
            problem = secret_key_problem(self.secret_key, self.environment)
            if problem:
                raise ValueError(problem)
        if self.environment == "production" and not self.audit_reads:
            raise ValueError("XINYONG_AUDIT_READS cannot be turned off in production")
        return self

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as "
                             "Asia/Shanghai)") from exc
        return value

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'xinyong.db').as_posix()}"

    @property
    def effective_audit_signing_key_file(self) -> Path:
        return self.audit_signing_key_file or self.var_dir / "audit_signing_key"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")
