"""The app shell in a real browser: sign-in, sign-out, deep links, API 404s, no console errors."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import (
    ConsoleWatch,
    api_json,
    open_signed_in,
    sign_in_with_token,
    snap,
    stored_token,
    submit_token,
    wait_until_ready,
)
from tests.e2e.server import ADMIN_EMAIL, LiveServer


def test_a_wrong_token_is_refused_and_the_right_one_signs_in(
    page: Page, server: LiveServer, console: ConsoleWatch
) -> None:
    console.expect("status of 401")  # the browser logs the refused /users/me check
    sign_in_with_token(page, server, token="not-a-token")
    expect(page.get_by_role("alert")).to_contain_text("not valid")
    assert stored_token(page) is None
    snap(page, "sign-in-refused")
    submit_token(page, server.token)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Workflows")).to_be_visible()
    expect(nav.get_by_role("link", name="Approvals")).to_be_visible()
    me = api_json(server, "GET", "/users/me")
    assert me["email"] == ADMIN_EMAIL
    expect(page.get_by_role("banner")).to_contain_text(me["name"] or me["email"])
    expect(page.get_by_role("alert")).to_have_count(0)
    # The token was exchanged for a session of its own: the API token is kept nowhere.
    assert stored_token(page) not in (None, server.token)
    snap(page, "signed-in")


def test_sign_out_returns_to_the_form_and_forgets_the_token(page: Page, server: LiveServer) -> None:
    sign_in_with_token(page, server, path="/workflows")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert stored_token(page) is not None
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in to crmflow")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    assert stored_token(page) is None
    page.reload()  # still signed out after a reload: nothing kept the token
    expect(page.get_by_role("heading", name="Sign in to crmflow")).to_be_visible()


def test_password_sign_in(page: Page, server: LiveServer) -> None:
    created = server.api.post(
        "/users",
        json={
            "email": "ed@e2e.test",
            "name": "Ed Itor",
            "role": "editor",
            "password": "s3cret-pw!",
        },
    )
    assert created.status_code == 201, created.text
    page.goto(server.base_url + "/")
    page.get_by_label("Email", exact=True).fill("ed@e2e.test")
    page.get_by_label("Password", exact=True).fill("s3cret-pw!")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("banner")).to_contain_text("Ed Itor")


def test_a_deep_link_opens_the_app_after_sign_in(page: Page, server: LiveServer) -> None:
    raw = httpx.get(server.base_url + "/workflows/123")
    assert raw.status_code == 200, raw.status_code
    assert '<div id="root">' in raw.text and raw.headers["content-type"].startswith("text/html")
    workflow = api_json(
        server,
        "POST",
        "/workflows",
        json={
            "name": "Deep-linked workflow",
            "trigger_type": "manual",
            "actions": [{"type": "create_task", "config": {"title": "Call back"}}],
        },
    )
    path = f"/workflows/{workflow['id']}"
    sign_in_with_token(page, server, path=path)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(server.base_url + path) + r"(\?.*)?$"))
    wait_until_ready(page)
    expect(page.locator("#main")).not_to_contain_text("This page does not exist")
    snap(page, "deep-link-workflow")


def test_unknown_api_paths_stay_json_404s_and_the_api_docs_still_work(server: LiveServer) -> None:
    for path in ("/api/v1/nope", "/api", "/api/v2/workflows", "/assets/nope.js"):
        response = httpx.get(server.base_url + path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/json"), path
        assert response.json() == {"detail": "Not Found"}, path
    docs = httpx.get(server.base_url + "/docs")
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert httpx.get(server.base_url + "/openapi.json").json()["info"]["title"] == "crmflow"
    assert httpx.get(server.base_url + "/healthz").status_code == 200


@pytest.mark.parametrize("path", ["/workflows", "/approvals"])
def test_each_main_route_renders_without_console_errors(
    page: Page, server: LiveServer, path: str
) -> None:
    open_signed_in(page, server, path)
    wait_until_ready(page)
    main = page.locator("#main")
    expect(main.get_by_role("heading", level=1).first).to_be_visible()
    expect(main).not_to_contain_text("This page does not exist")
    expect(main.get_by_role("alert")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    snap(page, "route" + path.replace("/", "-"))


def test_an_unknown_page_says_so_inside_the_app(page: Page, server: LiveServer) -> None:
    open_signed_in(page, server, "/no-such-page")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator("#main").get_by_role("alert")).to_contain_text("does not exist")
