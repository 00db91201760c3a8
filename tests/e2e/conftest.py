"""Fixtures for browser tests: one real server and one Chromium for tests/e2e, a page per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.browser import ConsoleWatch, launch_chromium, watched_page
from tests.e2e.server import LiveServer, require_built_ui, start_server

_LIVE: list[LiveServer] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    """Attach the tail of the server's log to a failing browser test's report."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and _LIVE and "tests/e2e/" in item.nodeid:
        report.sections.append(("crmflow serve log (tail)", _LIVE[0].log_tail(3000)))


@pytest.fixture(scope="package")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A `crmflow serve` with the built UI on a fresh SQLite database and a free port."""
    require_built_ui()
    live = start_server(tmp_path_factory.mktemp("e2e"))
    _LIVE.append(live)
    yield live
    _LIVE.remove(live)
    live.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture()
def console() -> ConsoleWatch:
    """The console errors of this test's page (call .expect() for ones the test provokes)."""
    return ConsoleWatch()


@pytest.fixture()
def page(browser: Browser, console: ConsoleWatch) -> Iterator[Page]:
    """A fresh 1280x900 page; the test fails if the page logged a console or page error."""
    with watched_page(browser, console) as fresh:
        yield fresh
