"""The editor's Test panel in Chromium against a real `crmflow serve`: open a workflow's editor,
type an amount into the generated form, run the test and see the approval chain it would ask
(and its path marked on the graph). Nothing is run for real: no execution, no approval request.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.browser import api_json, open_signed_in, snap, wait_until_ready
from tests.e2e.server import ADMIN_EMAIL, LiveServer

CFO_EMAIL = "cleo.cfo.sim@e2e.test"


def _workflow_with_two_approvals(server: LiveServer) -> int:
    """A draft on new deals over 50,000: the admin signs off, then whoever holds the CFO title."""
    api_json(
        server,
        "POST",
        "/users",
        json={"email": CFO_EMAIL, "name": "Cleo CFO", "role": "editor", "titles": ["cfo"]},
    )
    workflow = api_json(
        server,
        "POST",
        "/workflows",
        json={
            "name": "E2E simulated approvals",
            "trigger_type": "deal_created",
            "status": "draft",
            "conditions": {
                "operator": "AND",
                "rules": [{"field": "deal.amount", "operator": ">", "value": 50000}],
            },
            "actions": [
                {
                    "type": "approval",
                    "name": "Manager sign-off",
                    "config": {"approvers": [f"user:{ADMIN_EMAIL}"], "timeout": "2 days"},
                },
                {
                    "type": "approval",
                    "name": "Finance sign-off",
                    "config": {"approvers": ["title:cfo"]},
                },
            ],
        },
    )
    return int(workflow["id"])


def test_the_test_panel_shows_the_approval_chain(page: Page, server: LiveServer) -> None:
    workflow_id = _workflow_with_two_approvals(server)
    open_signed_in(page, server, f"/workflows/{workflow_id}/edit")
    wait_until_ready(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("E2E simulated approvals")

    page.get_by_role("tab", name=re.compile(r"^\d+\. Test$")).click()
    form = page.get_by_role("form", name="Test input")
    form.get_by_label("Amount", exact=True).fill("75000")
    form.get_by_role("button", name="Run test").click()

    result = page.get_by_role("region", name="Test result")
    expect(result).to_be_visible()
    expect(result.locator("dt", has_text="Would trigger").locator("xpath=..")).to_contain_text(
        "yes"
    )
    chain = result.get_by_role("list", name="Approval chain")
    levels = chain.locator(":scope > li")
    expect(levels).to_have_count(2)
    expect(levels.nth(0)).to_contain_text("Level 1: Manager sign-off")
    expect(levels.nth(0)).to_contain_text(ADMIN_EMAIL)
    expect(levels.nth(0)).to_contain_text("Timeout 2 days")
    expect(levels.nth(1)).to_contain_text("Level 2: Finance sign-off")
    expect(levels.nth(1)).to_contain_text(CFO_EMAIL)

    # The path is marked on the graph beside the panel.
    graph = page.get_by_role("region", name="Workflow steps graph")
    first = graph.get_by_role("button", name='Edit step "Manager sign-off"')
    expect(first).to_be_visible()
    expect(first.locator("xpath=..")).to_have_class(re.compile(r"\bsim-mark\b"))
    snap(page, "simulation-01-test-panel")

    # "Try this" on the conditions' other way: the test runs again with the example input.
    decision = result.get_by_role("region", name="Decision: Conditions")
    decision.get_by_role("button", name=re.compile(r"^Try this: Conditions, no")).click()
    expect(result).to_contain_text("Does not trigger:")
    expect(result.locator("dt", has_text="Would trigger").locator("xpath=..")).to_contain_text("no")
    expect(form.get_by_label("Amount", exact=True)).not_to_have_value("75000")
    expect(result.get_by_role("list", name="Approval chain")).to_have_count(0)

    # No sideways scrolling at 1,024 px.
    page.set_viewport_size({"width": 1024, "height": 768})
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0

    # A simulation, not a run: nothing was executed and nobody was asked.
    assert api_json(server, "GET", f"/workflows/{workflow_id}/executions")["total"] == 0
    pending = api_json(server, "GET", "/approvals", params={"status": "pending", "mine": False})
    assert all(a.get("workflow_id") != workflow_id for a in pending["items"]), pending
