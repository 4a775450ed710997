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

DEV_SECRET = "dev-only-secret-change-me"
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
    secret_key: str = Field(DEV_SECRET, description="Key for the keyed hash of personal "
                            "identifiers (HMAC-SHA256); must be set outside dev")
    time_zone: str = Field("Asia/Shanghai", description="IANA zone in which every date and "
                           "timestamp of the platform is taken (receipt dates, clocks, "
                           "publication days, audit times), whatever the server's zone")
    platform_name: str = Field("信用中国(示范市)", description="Name of the platform shown on the "
                               "web site and in documents")
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
    session_max_age_s: int = Field(8 * 3600, description="Lifetime of a web login session "
                                   "cookie, in seconds")
    session_cookie_secure: bool = Field(True, description="Send the session cookie over HTTPS "
                                        "only; set false only for local development over HTTP")
    objection_clocks_file: Path | None = Field(None, description="YAML with the objection "
                                               "clocks (working days); empty: the Shanghai "
                                               "model shipped with the platform")
    public_base_url: str = Field("http://127.0.0.1:8000", description="Address of the public "
                                 "site, printed on documents (repair notices)")
    audit_reads: bool = Field(True, description="Record non-public reads in the audit log. "
                              "Only the audit benchmark turns this off to measure its cost; "
                              "never disable it in production")

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise ValueError("XINYONG_SECRET_KEY must be set to a real secret in production")
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
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")
