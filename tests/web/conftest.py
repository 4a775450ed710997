from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.factories import COMPANY_2, licence, penalty, person_penalty
from tests.ingest.helpers import push
from xinyong.api.app import create_app
from xinyong.core.settings import Settings
from xinyong.subjects.uscc import make

RECEIVED = date(2026, 11, 27)
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
# Screenshots of failed browser tests: kept here (or under $XINYONG_TEST_ARTEFACTS).
ARTEFACTS = Path(os.environ.get("XINYONG_TEST_ARTEFACTS",
                                Path(__file__).parents[2] / "tmp" / "artefacts"))


@pytest.fixture
def site_data(engine, settings):
    """Two named companies plus 25 others whose names share the trade name 华盛 (paging)."""
    others = [penalty(document_number=f"示市监处罚〔2026〕{100 + i}号",
                      subject_uscc=make("91", "350203", f"MA3XK{i:03d}"),
                      subject_name=f"示范市华盛第{i + 1}分店餐饮有限公司")
              for i in range(25)]
    push(engine, settings, "penalty", [penalty(), person_penalty(), *others],
         received_on=RECEIVED)
    push(engine, settings, "licence", [licence(), licence(
        document_number="示市监许〔2026〕2号", subject_uscc=COMPANY_2,
        subject_name="深圳市腾讯计算机系统有限公司")], received_on=RECEIVED)
    return engine


# -- browser tests: one Chromium per session, one server per database -----------------------

@pytest.fixture(scope="session")
def pw() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(pw) -> Iterator[Any]:
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    yield b
    b.close()


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


@pytest.fixture(scope="session")
def live_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One server for the session's browser tests on this database (each test's data is
    emptied after it, as for every storage test). Plain HTTP: the cookie is not Secure."""
    settings = Settings(database_url=database_url, var_dir=tmp_path_factory.mktemp("site"),
                        secret_key="test-secret-key", environment="test",
                        session_cookie_secure=False)
    with serving(settings) as url:
        yield url


@pytest.fixture
def open_page(browser, request) -> Iterator[Callable[..., Any]]:
    """Open pages (a fresh context each: its own cookies) whose screenshots are kept if
    the test fails."""
    contexts: list[Any] = []

    def _open(base_url: str, *, width: int = 1280, height: int = 900, **kw: Any) -> Any:
        context = browser.new_context(base_url=base_url, locale="zh-CN",
                                      viewport={"width": width, "height": height}, **kw)
        contexts.append(context)
        page = context.new_page()
        request.node.__dict__.setdefault("_pages", []).append(page)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    pages = list(item.__dict__.get("_pages", []))
    if "page" in getattr(item, "funcargs", {}):
        pages.append(item.funcargs["page"])
    saved = []
    for i, page in enumerate(pages):
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTEFACTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', item.nodeid)}-{i}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as exc:  # a closed page: say so, do not hide the test's failure
            saved.append(f"(no screenshot of page {i}: {exc!r})")
            continue
        saved.append(str(path))
    if saved:
        report.sections.append(("screenshots", "\n".join(saved)))
        print("\nscreenshots of the failed test:", *saved, sep="\n  ")  # noqa: T201
