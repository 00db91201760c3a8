"""Choices instead of free text, in Chromium against a real `crmflow serve`: a workflow on the
deal-stage trigger whose "To stage" is chosen from the company's stages, a send_email step whose
recipient is checked as it is typed, a task assigned to a user picked by name; saved, activated,
and the saved definition holds the chosen values.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.browser import api_json, sign_in_with_token, snap
from tests.e2e.server import LiveServer


def test_a_workflow_built_from_choices(page: Page, server: LiveServer) -> None:
    planner = api_json(
        server,
        "POST",
        "/users",
        json={"email": "paula.planner@e2e.test", "name": "Paula Planner", "role": "editor"},
    )
    sign_in_with_token(page, server, path="/workflows/new")
    page.get_by_role("button", name="Start from scratch").click()
    page.get_by_label("Name").fill("E2E choices")

    # The trigger and its "To stage", chosen from the pipeline's stages (a list, not a text box).
    page.get_by_role("tab", name=re.compile("Trigger")).click()
    page.get_by_label("Trigger", exact=True).select_option(label="Deal stage changed")
    to_stage = page.get_by_role("combobox", name="To stage", exact=True)
    expect(to_stage).to_have_js_property("tagName", "SELECT")
    expect(to_stage.locator("option", has_text="Negotiation")).to_have_count(1)  # loaded
    stages = to_stage.locator("option").all_inner_texts()
    assert stages[1:6] == ["Qualification", "Proposition", "Negotiation", "Signed", "Lost"], stages
    to_stage.select_option(label="Negotiation")
    snap(page, "choices-01-stage-picker")

    # A send_email step: a malformed recipient is flagged as typed, a valid one clears it.
    page.get_by_role("tab", name=re.compile("Steps")).click()
    page.get_by_role("button", name="Add step", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Send email", exact=True).click()
    panel = page.locator(".step-panel")
    to = panel.get_by_label("To", exact=True)
    to.fill("jean.dupont@@example")
    expect(to).to_have_attribute("aria-invalid", "true")
    expect(panel).to_contain_text("“jean.dupont@@example” is not a valid email address")
    snap(page, "choices-02-invalid-recipient")
    to.fill("jean.dupont@example.com")
    expect(to).not_to_have_attribute("aria-invalid", "true")
    expect(panel).not_to_contain_text("is not a valid email address")
    panel.get_by_label("Subject", exact=True).fill("Deal in negotiation")

    # A task for a user picked by name (searched, then chosen; no id typed).
    graph = page.get_by_role("region", name="Workflow steps graph")
    graph.get_by_role("button", name=re.compile(r"^Add step")).last.click()
    page.get_by_role("dialog").get_by_role("button", name="Create task", exact=True).click()
    expect(panel.get_by_role("heading", name=re.compile("Edit step"))).to_be_visible()
    panel.get_by_label("Title", exact=True).fill("Prepare the contract")
    panel.get_by_role("searchbox", name="Search people for Assignee").fill("paula")
    assignee = panel.get_by_role("combobox", name="Assignee", exact=True)
    assignee.select_option(label="Paula Planner (paula.planner@e2e.test)")
    snap(page, "choices-03-assignee-picker")

    page.get_by_role("button", name="Save workflow").click()
    expect(page.get_by_role("status").filter(has_text="Saved as version 1")).to_be_visible()
    workflow_id = int(re.search(r"/workflows/(\d+)/edit", page.url).group(1))  # type: ignore[union-attr]

    page.get_by_role("link", name="View workflow").click()
    page.get_by_role("button", name="Activate", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Activate").click()
    expect(page.get_by_role("button", name="Deactivate", exact=True)).to_be_visible()

    saved = api_json(server, "GET", f"/workflows/{workflow_id}")
    assert saved["status"] == "active"
    assert saved["trigger_type"] == "deal_stage_changed"
    assert saved["trigger_config"] == {"to_stage": "negotiation"}, saved["trigger_config"]
    email, task = saved["actions"]
    assert (email["type"], email["config"]["to"]) == ("send_email", "jean.dupont@example.com")
    assert (task["type"], task["config"]["assignee"]) == ("create_task", planner["id"])
