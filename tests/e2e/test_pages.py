"""Every main page at 1,024 px (no sideways scrolling, no console errors, a screenshot); keyboard.

The pages are opened on data made through the API (a workflow with finished, failed and waiting
runs, and a pending approval), so tables, charts and timelines have something to draw.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import (
    ConsoleWatch,
    api_json,
    open_signed_in,
    put_token,
    snap,
    wait_until_ready,
    watched_page,
)
from tests.e2e.server import ADMIN_EMAIL, LiveServer

NARROW = {"width": 1024, "height": 768}
OVERFLOW_JS = "() => document.documentElement.scrollWidth - window.innerWidth"


@dataclass
class Seeded:
    """Ids of what the pages show."""

    workflow_id: int
    finished_execution_id: int
    waiting_execution_id: int


@pytest.fixture(scope="module")
def seeded(server: LiveServer) -> Seeded:
    """A workflow with three runs completed with errors (their notification step fails, and the
    run goes on) and one run waiting for approval."""
    workflow = api_json(
        server,
        "POST",
        "/workflows",
        json={
            "name": "Pages: discount approval",
            "trigger_type": "manual",
            "status": "active",
            "actions": [
                {"type": "create_task", "name": "Prepare offer", "config": {"title": "Offer"}},
                {
                    "type": "branch",
                    "name": "Big deal?",
                    "branches": [
                        {
                            "when": {"field": "trigger.data.big", "operator": "==", "value": True},
                            "actions": [
                                {
                                    "type": "approval",
                                    "name": "Admin approval",
                                    "config": {"approvers": [f"user:{ADMIN_EMAIL}"]},
                                }
                            ],
                        }
                    ],
                    "else": [
                        {
                            "type": "send_notification",
                            "name": "Notify nobody",
                            "config": {"user": "999999", "message": "no such user"},
                        }
                    ],
                },
            ],
        },
    )
    workflow_id = int(workflow["id"])
    finished = [
        api_json(server, "POST", f"/workflows/{workflow_id}/execute", json={}, params={"wait": 5})
        for _ in range(3)
    ]
    waiting = api_json(
        server,
        "POST",
        f"/workflows/{workflow_id}/execute",
        json={"trigger_data": {"big": True}},
        params={"wait": 5},
    )
    assert waiting["status"] == "waiting", waiting
    return Seeded(workflow_id, int(finished[0]["id"]), int(waiting["id"]))


@pytest.fixture()
def narrow_page(browser: Browser, console: ConsoleWatch) -> Iterator[Page]:
    """A 1,024 x 768 page; the test fails on any console or page error."""
    with watched_page(browser, console, NARROW) as page:
        yield page


PAGES = {
    "workflows": "/workflows",
    "workflow-details": "/workflows/{w}",
    "workflow-executions": "/workflows/{w}?tab=executions",
    "workflow-statistics": "/workflows/{w}?tab=statistics",
    "workflow-versions": "/workflows/{w}?tab=versions",
    "workflow-editor": "/workflows/{w}/edit",
    "workflow-new": "/workflows/new",
    "execution-finished": "/workflows/{w}/executions/{f}",
    "execution-waiting": "/workflows/{w}/executions/{x}",
    "approvals": "/approvals",
    "blueprints": "/blueprints",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_1024_pixels_without_errors(
    narrow_page: Page, server: LiveServer, seeded: Seeded, name: str
) -> None:
    path = PAGES[name].format(
        w=seeded.workflow_id, f=seeded.finished_execution_id, x=seeded.waiting_execution_id
    )
    open_signed_in(narrow_page, server, path)
    wait_until_ready(narrow_page)
    narrow_page.wait_for_load_state("networkidle")
    main = narrow_page.locator("#main")
    expect(main.get_by_role("heading", level=1).first).to_be_visible()
    expect(main.get_by_role("alert")).to_have_count(0)
    overflow = narrow_page.evaluate(OVERFLOW_JS)
    snap(narrow_page, f"page-1024-{name}")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at 1,024 px wide"


def test_statistics_tab_draws_its_charts(page: Page, server: LiveServer, seeded: Seeded) -> None:
    open_signed_in(page, server, f"/workflows/{seeded.workflow_id}?tab=statistics")
    wait_until_ready(page)
    summary = page.get_by_label("Summary")
    expect(summary).to_contain_text("Total runs")
    # Three runs completed with errors: counted in the success rate as not successes.
    cards = summary.locator(".wf-stat")
    expect(cards.filter(has_text="Completed with errors").locator("dd")).to_have_text("3")
    expect(cards.filter(has_text="Success rate").locator("dd")).to_have_text("0%")
    expect(page.locator("#main")).to_contain_text("Success rate = success ÷ (success + completed")
    # Three finished runs today, drawn as SVG charts (runs by status, success rate, durations).
    charts = page.locator("figure.wf-chart")
    expect(charts).to_have_count(3)
    expect(charts.first.locator("svg.chart-svg rect[fill]")).to_have_count(1)  # today's bar
    charts.first.locator("rect.chart-hit").last.hover()
    expect(charts.first.locator(".chart-tooltip")).to_contain_text("completed with errors: 3")
    snap(page, "workflow-statistics")


def test_an_unknown_workflow_shows_an_error_state(
    page: Page, server: LiveServer, console: ConsoleWatch
) -> None:
    console.expect("status of 404")
    open_signed_in(page, server, "/workflows/987654")
    alert = page.locator("#main").get_by_role("alert")
    expect(alert).to_contain_text("Workflow #987654 does not exist")


def test_keyboard_moves_through_tabs_and_dialogs(
    page: Page, server: LiveServer, seeded: Seeded
) -> None:
    open_signed_in(page, server, f"/workflows/{seeded.workflow_id}/edit")
    wait_until_ready(page)
    basics = page.get_by_role("tab", name=re.compile("Basics"))
    basics.focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name=re.compile("Trigger"))).to_be_focused()
    expect(page.get_by_role("tab", name=re.compile("Trigger"))).to_have_attribute(
        "aria-selected", "true"
    )
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name="JSON")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Home")
    expect(basics).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Name")).to_have_value("Pages: discount approval")

    # The add-step dialog opens from the keyboard, takes the focus, and Escape closes it.
    page.get_by_role("tab", name=re.compile("Steps")).click()
    add = page.get_by_role("button", name="Add step", exact=True)
    add.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Search steps")).to_be_focused()
    page.keyboard.type("delay")
    expect(dialog.get_by_role("button", name="Delay", exact=True)).to_be_visible()
    expect(dialog.get_by_role("button", name="Create task", exact=True)).to_have_count(0)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(add).to_be_focused()

    # A step opens its side panel from the keyboard.
    graph = page.get_by_role("region", name="Workflow steps graph")
    graph.get_by_role("button", name='Edit step "Prepare offer"').focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Step name")).to_have_value("Prepare offer")


def test_a_viewer_sees_no_write_actions(page: Page, server: LiveServer, seeded: Seeded) -> None:
    user = {"email": "vi@e2e.test", "name": "Vi Ewer", "role": "viewer", "password": "view-only-1"}
    api_json(server, "POST", "/users", json=user)
    login = httpx.post(
        f"{server.base_url}/api/v1/auth/login",
        json={"email": user["email"], "password": user["password"]},
    )
    assert login.status_code == 200, login.text
    put_token(page, login.json()["access_token"])
    page.goto(f"{server.base_url}/workflows/{seeded.workflow_id}")
    wait_until_ready(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pages: discount approval")
    for name in ("Run now", "Edit", "Duplicate", "Delete", "Deactivate"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="New workflow")).to_have_count(0)
