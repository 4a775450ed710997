"""The API documentation pages (/docs: Swagger UI, /redoc: ReDoc) with their scripts and
styles served by the platform itself, from the `fastapi-offline` package's copies: an office
intranet that cannot reach a CDN still gets working documentation. No page loads anything
from another host (tests/api/test_docs_offline.py)."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/-/docs-assets"
# The browser itself refuses anything from another host: ReDoc's bundle would otherwise fetch
# its logo from its vendor's CDN (harmless when unreachable, but not offline).
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' blob:; worker-src 'self' blob:; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
       "connect-src 'self'")


def install(app: FastAPI, title: str) -> None:
    """Mount the assets and add /docs and /redoc (create the app with docs_url=None and
    redoc_url=None)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _local_only(get_swagger_ui_html(
            openapi_url=openapi_url, title=f"{title} - 接口文档",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            # No validator badge: it would call validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None}))

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _local_only(get_redoc_html(
            openapi_url=openapi_url, title=f"{title} - 接口文档",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png", with_google_fonts=False))


def _local_only(response: HTMLResponse) -> HTMLResponse:
    response.headers["Content-Security-Policy"] = CSP
    return response
