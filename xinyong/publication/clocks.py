"""Re-judge revoked records after a year's calendar was added.

A revoked act leaves the site a number of working days after its revocation (publication
rules, `unpublish_working_days`): the only publication date counted in working days. A window
end computed before the year's notice was added lies on or after 1 January of that year, or,
where the calendar could not count the year at the time, is the revocation day itself (late
in the year before). Those records are re-judged through the general path (`judge_records`),
which honours every override.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong.publication.judging import judge_records
from xinyong.publication.tables import PublicationJudgement
from xinyong.recordstate import REVOKED, RecordOverride


def rejudge_revocations(session: Session, year: int) -> int:
    """Returns how many records were re-judged."""
    ids = sorted(set(session.scalars(
        select(RecordOverride.record_id)
        .outerjoin(PublicationJudgement,
                   PublicationJudgement.record_id == RecordOverride.record_id)
        .where(RecordOverride.reason == REVOKED, RecordOverride.voided_on.is_(None),
               or_(PublicationJudgement.window_end >= date(year, 1, 1),
                   RecordOverride.effective_on >= date(year - 1, 12, 1))))))
    if not ids:
        return 0
    return judge_records(session, record_ids=ids, rejudge=True)
