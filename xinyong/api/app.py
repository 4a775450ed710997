"""create_app(settings): the ASGI application. No import-time configuration."""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from xinyong import __version__
from xinyong.api import errors
from xinyong.api.guards import refuse_unstorable_text
from xinyong.api.routers import accounts, audit, batches, me, records, shared, subjects, system
from xinyong.api.routers import checks as checks_api
from xinyong.api.routers import lists as lists_api
from xinyong.api.routers import objections as objections_api
from xinyong.api.routers import repair as repair_api
from xinyong.core import clock
from xinyong.core.db import engine_for, ensure_schema, session_factory
from xinyong.core.settings import Settings
from xinyong.web import STATIC_DIR
from xinyong.web.auth.routes import router as web_auth_router
from xinyong.web.cases.routes import router as web_cases_router
from xinyong.web.checks.routes import router as web_checks_router
from xinyong.web.me.routes import router as web_me_router
from xinyong.web.routes import router as web_router


def session_secret(settings: Settings) -> str:
    # Derived, so that the session key differs from the key of the personal-identifier hash.
    return hmac.new(settings.secret_key.encode(), b"web-session", hashlib.sha256).hexdigest()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    clock.configure(settings.time_zone)
    app = FastAPI(title=f"xinyong — {settings.platform_name} API", version=__version__,
                  docs_url="/docs", dependencies=[Depends(refuse_unstorable_text)],
                  responses=errors.RESPONSES)
    app.state.settings = settings
    app.state.engine = engine_for(settings)
    # One sessionmaker for the app's life: building one makes a Session subclass and sets up
    # its event dispatch, about 0.1 ms, which get_session would otherwise pay per request.
    app.state.sessions = session_factory(app.state.engine)
    ensure_schema(app.state.engine)
    errors.install(app)
    # The public reads first: routes are matched in order and these are the busiest. No other
    # router has paths under their prefixes (/api/v1/subjects, /records, /columns,
    # /publication), so the order changes nothing else.
    app.include_router(subjects.router)
    app.include_router(records.router)
    app.include_router(system.router)
    app.include_router(batches.router)
    app.include_router(accounts.router)
    app.include_router(audit.router)
    app.include_router(me.router)
    app.include_router(shared.router)
    app.include_router(web_auth_router)
    app.include_router(checks_api.router)
    app.include_router(lists_api.router)
    app.include_router(objections_api.router)
    app.include_router(repair_api.router)
    app.include_router(web_me_router)  # the subject's own pages (/me)
    app.include_router(web_checks_router)  # case officer check pages (/checks)
    app.include_router(web_cases_router)  # staff pages deciding objections and repairs (/cases)
    app.include_router(web_router)  # the public site: / is its home page
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Signed (not encrypted) cookie: it holds only the account id and the CSRF token.
    app.add_middleware(SessionMiddleware, secret_key=session_secret(settings),
                       session_cookie="xinyong_session", max_age=settings.session_max_age_s,
                       same_site="lax", https_only=settings.session_cookie_secure)

    return app
