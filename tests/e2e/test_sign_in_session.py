"""The cookie session in Chromium: demo sign-in help, new tabs, a browser restart, sign-out
everywhere (issue 18)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SESSION_COOKIE,
    VIEWPORT,
    ConsoleWatch,
    snap,
    wait_until_ready,
)
from tests.e2e.server import LiveServer, start_server

SIGN_IN = "Sign in to crmflow"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`crmflow serve --demo`: demo data, and the sign-in page's help switched on."""
    # Loading the demo takes a minute or more on a busy machine (as in main_pages.start_demo).
    live = start_server(tmp_path_factory.mktemp("sign-in-demo"), demo=True, startup_timeout=240)
    yield live
    live.stop()


def _context(browser: Browser, console: ConsoleWatch, **options: Any) -> BrowserContext:
    context = browser.new_context(viewport=VIEWPORT, **options)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    console.watch_csp(context)
    return context


def _page(context: BrowserContext, console: ConsoleWatch) -> Page:
    page = context.new_page()
    console.attach(page)
    return page


def _check(console: ConsoleWatch) -> None:
    problems = console.unexpected() + console.csp_violations
    assert problems == [], "the pages reported errors:\n" + "\n".join(problems)


def test_the_demo_sign_in_page_says_how_to_sign_in(
    page: Page, demo_server: LiveServer, server: LiveServer
) -> None:
    page.goto(demo_server.base_url + "/")
    help_box = page.get_by_role("region", name="Demo accounts")
    expect(help_box).to_contain_text("password is demo")
    expect(help_box.get_by_role("button", name="alice@demo.crmflow")).to_be_visible()
    # CRMFLOW_ADMIN_TOKEN (demo-token under `make run`)
    expect(help_box).to_contain_text(demo_server.token)
    snap(page, "sign-in-demo-help")
    # The token button signs the admin in through the API-token form.
    help_box.get_by_role("button", name="Use the admin token").click()
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    # The signed-in page's own requests finish first: one still in flight when the cookies go
    # would come back 401 and log a console error (seen once in CI).
    page.wait_for_load_state("networkidle")
    # A server without --demo says nothing of the kind.
    page.context.clear_cookies()
    page.goto(server.base_url + "/")
    expect(page.get_by_role("heading", name=SIGN_IN)).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("region", name="Demo accounts")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(server.token)


def test_a_password_session_survives_new_tabs_and_a_browser_restart_until_signed_out_everywhere(
    browser: Browser, demo_server: LiveServer, console: ConsoleWatch
) -> None:
    workflows = demo_server.api.get("/workflows", params={"size": 1}).json()["items"]
    assert workflows, "the demo has workflows"
    deep_link = f"{demo_server.base_url}/workflows/{workflows[0]['id']}"

    context = _context(browser, console)
    first = _page(context, console)
    first.goto(demo_server.base_url + "/workflows")
    first.get_by_role("region", name="Demo accounts").get_by_role(
        "button", name="alice@demo.crmflow"
    ).click()
    first.get_by_role("button", name="Sign in").click()
    expect(first.get_by_role("banner")).to_contain_text("Alice Martin")
    cookie = next(c for c in context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert cookie["expires"] > 0, "a persistent cookie, not one that dies with the browser"
    stored = first.evaluate("() => JSON.stringify([{...sessionStorage}, {...localStorage}])")
    assert cookie["value"] not in stored and "cfw_" not in json.dumps(stored)

    # A second tab on a deep link: no sign-in asked.
    second = _page(context, console)
    second.goto(deep_link)
    wait_until_ready(second)
    expect(second.get_by_role("heading", name=SIGN_IN)).to_have_count(0)
    expect(second.get_by_role("heading", level=1)).to_contain_text(workflows[0]["name"])
    snap(second, "session-second-tab")

    # Close the browser, start a new one with the same profile state: still signed in.
    state = context.storage_state()
    context.close()
    relaunched = browser.browser_type.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        restored = _context(relaunched, console, storage_state=state)
        again = _page(restored, console)
        again.goto(deep_link)
        wait_until_ready(again)
        expect(again.get_by_role("banner")).to_contain_text("Alice Martin")

        # Another browser signed in as Alice, then "sign out everywhere" from the first one.
        other_browser = _context(browser, console, storage_state=state)
        other = _page(other_browser, console)
        other.goto(demo_server.base_url + "/workflows")
        wait_until_ready(other)
        console.expect("status of 401")  # the other browser's next request is refused
        again.get_by_role("button", name="Account: Alice Martin").click()
        again.get_by_role("button", name="Sign out everywhere").click()
        expect(again.get_by_role("heading", name=SIGN_IN)).to_be_visible()
        other.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
        expect(other.get_by_role("heading", name=SIGN_IN)).to_be_visible()
        other.reload()  # and it stays signed out
        expect(other.get_by_role("heading", name=SIGN_IN)).to_be_visible()
        snap(other, "session-signed-out-everywhere")
        other_browser.close()
        restored.close()
    finally:
        relaunched.close()
    # The admin's API token is not a browser session: it still works.
    assert demo_server.api.get("/users/me").status_code == 200
    _check(console)
