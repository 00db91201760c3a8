"""The issue's end-to-end journey in Chromium against a real `crmflow serve`.

Sign in, create a workflow from a template, edit its condition in the builder, add an approval
step in the visual editor, save, activate, create an organisation through the API, watch the
execution appear and open its timeline, approve the request, and see the run end. The server has
no SMTP server, so the template's email step fails and the run goes on past it (`on_error:
continue`): it ends "completed with errors" (`partial`), not in success.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.browser import ConsoleWatch, api_json, sign_in_with_token, snap, wait_until_ready
from tests.e2e.server import ADMIN_EMAIL, LiveServer

TEMPLATE_NAME = "Alerte manager deal > 50k€"


def _salesperson_reporting_to_admin(server: LiveServer) -> int:
    """Create a sales user whose manager is the admin (the template mails the owner's manager)."""
    admin = api_json(server, "GET", "/users/me")
    user = api_json(
        server,
        "POST",
        "/users",
        json={
            "email": "sam.sales@e2e.test",
            "name": "Sam Sales",
            "role": "editor",
            "titles": ["sales"],
            "manager_id": admin["id"],
        },
    )
    return int(user["id"])


def _bell_label(unread: int) -> str:
    return f"Notifications, {unread} unread" if unread else "Notifications, none unread"


def test_template_to_approved_run(page: Page, server: LiveServer) -> None:
    sales_id = _salesperson_reporting_to_admin(server)
    sign_in_with_token(page, server, path="/workflows")
    wait_until_ready(page)
    snap(page, "journey-01-workflows-empty")

    # Create from a template.
    page.get_by_role("link", name="New workflow").click()
    expect(page.get_by_role("heading", name="Create from template")).to_be_visible()
    snap(page, "journey-02-template-catalog")
    page.get_by_role("button", name=f'Use template "{TEMPLATE_NAME}"').click()
    expect(page.get_by_label("Name")).to_have_value(TEMPLATE_NAME)
    page.get_by_label("Name").fill("E2E big potential alert")

    # Edit the template's condition in the builder: 50,000 becomes 20,000.
    page.get_by_role("tab", name=re.compile("Conditions")).click()
    builder = page.get_by_role("region", name="Conditions")
    expect(builder.get_by_label("Rule 1 field")).to_have_value("organisation.potential_amount")
    expect(builder.get_by_label("Rule 1 value")).to_have_value("50000")
    builder.get_by_label("Rule 1 value").fill("20000")
    snap(page, "journey-03-condition-builder")

    # Add an approval step at the end in the visual editor (the graph's last "+" button).
    page.get_by_role("tab", name=re.compile("Steps")).click()
    graph = page.get_by_role("region", name="Workflow steps graph")
    expect(graph.get_by_role("button", name=re.compile(r'^Edit step "'))).to_have_count(2)
    graph.get_by_role("button", name=re.compile(r"^Add step")).last.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Approval", exact=True).click()
    expect(dialog).to_be_hidden()
    panel = page.locator(".step-panel")
    expect(panel.get_by_role("heading", name=re.compile("Edit step"))).to_be_visible()
    panel.get_by_label("Step name").fill("Manager sign-off")
    expect(graph.get_by_role("button", name='Edit step "Manager sign-off"')).to_be_visible()
    expect(graph.get_by_role("button", name=re.compile(r'^Edit step "'))).to_have_count(3)
    snap(page, "journey-04-visual-editor")

    # The JSON view follows the form and the graph.
    page.get_by_role("tab", name="JSON").click()
    json_text = page.get_by_label("Workflow definition (JSON)").input_value()
    assert '"value": 20000' in json_text and '"type": "approval"' in json_text, json_text

    page.get_by_role("button", name="Save workflow").click()
    expect(page.get_by_role("status").filter(has_text="Saved as version 1")).to_be_visible()
    workflow_id = int(re.search(r"/workflows/(\d+)/edit", page.url).group(1))  # type: ignore[union-attr]
    saved = api_json(server, "GET", f"/workflows/{workflow_id}")
    assert saved["status"] == "draft"
    assert saved["conditions"]["rules"][0]["value"] == 20000
    assert [step["type"] for step in saved["actions"]] == [
        "send_email",
        "send_notification",
        "approval",
    ]
    assert saved["actions"][2]["name"] == "Manager sign-off"

    # Activate from the workflow's page, through the confirmation dialog.
    page.get_by_role("link", name="View workflow").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("E2E big potential alert")
    page.get_by_role("button", name="Activate", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Activate").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator(".wf-head .badge").first).to_have_text("active")
    expect(page.get_by_role("button", name="Deactivate", exact=True)).to_be_visible()
    assert api_json(server, "GET", f"/workflows/{workflow_id}")["status"] == "active"
    snap(page, "journey-05-workflow-details")

    # A record created through the API starts a run, which appears on the executions tab.
    page.get_by_role("tab", name=re.compile("Executions")).click()
    expect(page.locator("#main")).to_contain_text("This workflow has not run yet.")
    bell = page.get_by_role("banner").locator("button.bell")
    expect(bell).to_have_attribute("title", "Notifications (live)")  # the WebSocket is open
    # Other tests share the server: count from what the API says is unread now.
    unread = api_json(server, "GET", "/notifications/unread-count")["count"]
    expect(bell).to_have_attribute("aria-label", _bell_label(unread))
    api_json(
        server,
        "POST",
        "/organisations",
        json={"name": "Globex E2E", "potential_amount": 30000, "owner_id": sales_id},
    )
    # The run notifies the manager (the admin) and asks for the approval: pushed over the
    # socket, well before the 30 s fallback poll.
    expect(bell).to_have_attribute("aria-label", _bell_label(unread + 2), timeout=8_000)
    runs = page.get_by_role("link", name=re.compile(r"^#\d+$"))
    expect(runs).to_have_count(1, timeout=15_000)
    expect(page.locator("#main table")).to_contain_text("waiting")
    snap(page, "journey-06-executions-tab")

    # The timeline: the email and notification done, the approval waiting for the manager.
    runs.first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Execution")
    main = page.locator("#main")
    expect(main).to_contain_text("Email au manager")
    expect(main).to_contain_text("Manager sign-off")
    expect(main).to_contain_text("Globex E2E")
    expect(main.locator(".badge").first).to_have_text("waiting")
    execution_url = page.url
    snap(page, "journey-07-execution-waiting")

    # Approve it from the approvals inbox.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Approvals").click()
    card = page.get_by_role("article").filter(has_text="Globex E2E")
    expect(card).to_be_visible()
    snap(page, "journey-08-approvals")
    card.get_by_role("button", name="Approve").click()
    decision = page.get_by_role("dialog")
    decision.get_by_label("Comment").fill("OK, go ahead")
    decision.get_by_role("button", name="Approve").click()
    expect(decision).to_be_hidden()
    expect(page.get_by_role("article").filter(has_text="Globex E2E")).to_have_count(0)

    approvals = api_json(server, "GET", "/approvals", params={"status": "approved"})["items"]
    assert len(approvals) == 1
    detail = api_json(server, "GET", f"/approvals/{approvals[0]['id']}")
    assert [
        (d["email"], d["decision"], d["comment"], d["override"]) for d in detail["decisions"]
    ] == [(ADMIN_EMAIL, "approved", "OK, go ahead", False)], detail

    # Back on the timeline, the run has finished and shows who decided what; the unsent email
    # is a failed step, so the run completed with errors.
    page.goto(execution_url)
    wait_until_ready(page)
    expect(main.locator(".badge").first).to_have_text("completed with errors", timeout=15_000)
    expect(main.get_by_role("note", name="Failed steps")).to_contain_text(
        "1 step failed; the run went on"
    )
    expect(main.get_by_role("note", name="Step error")).to_contain_text(
        "not sent: no SMTP server is configured"
    )
    expect(main).to_contain_text("OK, go ahead")
    snap(page, "journey-09-execution-finished")
    execution = api_json(server, "GET", f"/workflows/{workflow_id}/executions")["items"][0]
    assert (execution["status"], execution["steps_failed"]) == ("partial", 1), execution


def test_an_invalid_step_is_refused_and_the_error_shows_next_to_its_field(
    page: Page, server: LiveServer, console: ConsoleWatch
) -> None:
    console.expect("status of 422")  # the browser logs the refused save
    sign_in_with_token(page, server, path="/workflows/new")
    page.get_by_role("button", name="Start from scratch").click()
    page.get_by_label("Name").fill("E2E broken task date")
    page.get_by_role("tab", name=re.compile("Steps")).click()
    page.get_by_role("button", name="Add step", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Create task", exact=True).click()
    panel = page.locator(".step-panel")
    panel.get_by_label("Title", exact=True).fill("Call back")
    panel.get_by_label("Due date", exact=True).fill("+3 dayz")
    page.get_by_role("button", name="Save workflow").click()
    alert = page.locator(".error-box[role=alert]")
    expect(alert).to_contain_text("The workflow was not saved")
    expect(alert).to_contain_text("actions[0].config.due_date")
    expect(panel).to_contain_text("invalid date '+3 dayz'")
    expect(panel.get_by_label("Due date", exact=True)).to_have_attribute("aria-invalid", "true")
    snap(page, "journey-10-validation-error")
    names = [w["name"] for w in api_json(server, "GET", "/workflows")["items"]]
    assert "E2E broken task date" not in names
