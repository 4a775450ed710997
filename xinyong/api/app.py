"""create_app(settings): the ASGI application. No import-time configuration."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse

from xinyong import __version__
from xinyong.api import errors
from xinyong.api.routers import batches, system
from xinyong.core.db import engine_for, ensure_schema
from xinyong.core.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title=f"xinyong — {settings.platform_name} API", version=__version__,
                  docs_url="/docs")
    app.state.settings = settings
    app.state.engine = engine_for(settings)
    ensure_schema(app.state.engine)
    errors.install(app)
    app.include_router(system.router)
    app.include_router(batches.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/docs")

    return app
