"""create_app(settings): the ASGI application. No import-time configuration."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from xinyong import __version__, audit
from xinyong.api import docs, errors
from xinyong.api.guards import refuse_unstorable_text
from xinyong.api.limits import BodyLimitMiddleware
from xinyong.api.routers import (
    accounts,
    batches,
    departments,
    me,
    records,
    shared,
    subjects,
    system,
)
from xinyong.api.routers import audit as audit_api
from xinyong.api.routers import checks as checks_api
from xinyong.api.routers import commitments as commitments_api
from xinyong.api.routers import grading as grading_api
from xinyong.api.routers import inspections as inspections_api
from xinyong.api.routers import lists as lists_api
from xinyong.api.routers import monitoring as monitoring_api
from xinyong.api.routers import my_lists as my_lists_api
from xinyong.api.routers import notices as notices_api
from xinyong.api.routers import objections as objections_api
from xinyong.api.routers import public_lists as public_lists_api
from xinyong.api.routers import quality as quality_api
from xinyong.api.routers import repair as repair_api
from xinyong.api.routers import reports as reports_api
from xinyong.api.routers import reviews as reviews_api
from xinyong.api.routers import watch as watch_api
from xinyong.audit import checkpoint
from xinyong.core import attachments, clock
from xinyong.core.db import engine_for, ensure_schema, session_factory
from xinyong.core.keys import with_secret_key
from xinyong.core.settings import Settings
from xinyong.web import STATIC_DIR
from xinyong.web.auth.routes import router as web_auth_router
from xinyong.web.cases.lists import router as web_cases_lists_router
from xinyong.web.cases.routes import router as web_cases_router
from xinyong.web.checks.routes import router as web_checks_router
from xinyong.web.commitments import router as web_commitments_router
from xinyong.web.errors import error_page
from xinyong.web.inspections import router as web_inspections_router
from xinyong.web.lists import router as web_lists_router
from xinyong.web.me.grade import router as web_me_grade_router
from xinyong.web.me.lists import router as web_me_lists_router
from xinyong.web.me.routes import router as web_me_router
from xinyong.web.monitoring import router as web_monitoring_router
from xinyong.web.notices import router as web_notices_router
from xinyong.web.reports import router as web_reports_router
from xinyong.web.routes import router as web_router
from xinyong.web.staff.routes import router as web_staff_router


def session_secret(settings: Settings) -> str:
    # Derived, so that the session key differs from the key of the personal-identifier hash.
    return hmac.new(settings.secret_key.encode(), b"web-session", hashlib.sha256).hexdigest()


def create_app(settings: Settings | None = None) -> FastAPI:
    # The secret key is resolved here, not at import: configured, or generated into the var
    # directory on the first run and read back after.
    settings = with_secret_key(settings or Settings())
    clock.configure(settings.time_zone)
    title = f"xinyong — {settings.platform_name} API"
    # Every route refuses text no database can store (api/guards.py) and declares the error
    # statuses any operation may answer (api/errors.RESPONSES).
    app = FastAPI(title=title, version=__version__, docs_url=None, redoc_url=None,
                  dependencies=[Depends(refuse_unstorable_text)], responses=errors.RESPONSES)
    docs.install(app, settings.platform_name)
    app.state.settings = settings
    app.state.engine = engine_for(settings)
    # One sessionmaker for the app's life: building one makes a Session subclass and sets up
    # its event dispatch, about 0.1 ms, which get_session would otherwise pay per request.
    app.state.sessions = session_factory(app.state.engine)
    ensure_schema(app.state.engine)
    app.state.csrf_key = hmac.new(session_secret(settings).encode(), b"csrf",
                                  hashlib.sha256).digest()
    # Every N-th audit entry written through this engine signs a checkpoint of the chain.
    if settings.audit_checkpoint_every:
        checkpoint.enable(app.state.engine,
                          audit.load_signer(settings.effective_audit_signing_key_file),
                          settings.audit_checkpoint_every)
    errors.install(app, html=error_page)  # browsers get the page, API clients the JSON
    # The public reads first: routes are matched in order and these are the busiest. No other
    # router has paths under their prefixes (/api/v1/subjects, /records, /columns,
    # /publication), so the order changes nothing else.
    app.include_router(subjects.router)
    app.include_router(records.router)
    app.include_router(system.router)
    app.include_router(batches.router)
    app.include_router(accounts.router)
    app.include_router(audit_api.router)
    app.include_router(departments.router)
    app.include_router(me.router)
    app.include_router(shared.router)
    app.include_router(web_auth_router)
    app.include_router(checks_api.router)
    app.include_router(lists_api.router)
    app.include_router(my_lists_api.router)
    app.include_router(public_lists_api.router)
    app.include_router(objections_api.router)
    app.include_router(repair_api.router)
    app.include_router(notices_api.router)
    app.include_router(quality_api.router)
    app.include_router(monitoring_api.router)
    app.include_router(watch_api.router)
    app.include_router(reviews_api.router)
    app.include_router(commitments_api.router)
    app.include_router(reports_api.router)
    app.include_router(grading_api.router)  # credit evaluation: own grade, shared reads
    app.include_router(inspections_api.router)  # 双随机一公开: draws, results, publication
    app.include_router(web_me_router)  # the subject's own pages (/me)
    app.include_router(web_me_lists_router)  # its listings: statement, early removal
    app.include_router(web_me_grade_router)  # its credit evaluation, explained (/me/grade)
    app.include_router(web_inspections_router)  # 双随机 draws and results (/inspections)
    app.include_router(web_checks_router)  # case officer check pages (/checks)
    app.include_router(web_cases_router)  # staff pages deciding objections and repairs (/cases)
    app.include_router(web_staff_router)  # work desk, uploads, quality, late, audit
    app.include_router(web_notices_router)  # 通知公告 and their management
    app.include_router(web_monitoring_router)  # scorecard, charts, public turnaround figures
    app.include_router(web_cases_lists_router)  # the listing department's pages (/cases/lists)
    app.include_router(web_lists_router)  # list columns and the measure list
    app.include_router(web_commitments_router)  # 信用承诺 column, signing, verification
    app.include_router(web_reports_router)  # credit reports: request and verification pages
    app.include_router(web_router)  # the public site: / is its home page
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Signed (not encrypted) cookie holding only a random session id: whose session it is,
    # and whether it still holds, is kept server-side (web_session).
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings),
                       session_cookie="xinyong_session", max_age=settings.session_max_age_s,
                       same_site="lax", https_only=settings.session_cookie_secure)
    # Outermost: an oversized body is refused before anything else looks at the request.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes,
                       max_json_bytes=settings.max_json_bytes,
                       max_files=attachments.MAX_FILES, max_file_bytes=attachments.MAX_BYTES)

    return app
