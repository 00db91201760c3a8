"""The SLAs tab, the operations page and the all-runs page in Chromium against a real `crmflow
serve`: create an SLA on an approval step through the form, let a run wait on that approval past
its thresholds until the scheduler records the breaches, acknowledge one on /operations, and find
the run on /runs; each page without console errors and without sideways scrolling at 1,024 px.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from tests.e2e.browser import api_json, open_signed_in, snap, wait_until_ready
from tests.e2e.server import ADMIN_EMAIL, LiveServer

NARROW = {"width": 1024, "height": 768}
OVERFLOW_JS = "() => document.documentElement.scrollWidth - window.innerWidth"
SLA_NAME = "Sign-off within 2 seconds"
WORKFLOW_NAME = "E2E SLA: manager sign-off"


def _fits(page: Page, what: str) -> None:
    overflow = page.evaluate(OVERFLOW_JS)
    assert overflow <= 0, f"{what} scrolls sideways by {overflow} px at 1,024 px wide"


def _breaches(server: LiveServer, workflow_id: int, want: int) -> list[dict[str, object]]:
    """Wait for the scheduler (every 0.5 s here) to record `want` breaches of the workflow."""
    deadline = time.monotonic() + 20
    items: list[dict[str, object]] = []
    while time.monotonic() < deadline:
        items = api_json(
            server, "GET", "/workflow/sla-breaches/", params={"workflow_id": workflow_id}
        )["items"]
        if len(items) >= want:
            return items
        time.sleep(0.25)
    raise AssertionError(f"expected {want} breaches, got {items}")


def test_sla_tab_operations_and_all_runs(page: Page, server: LiveServer) -> None:
    workflow = api_json(
        server,
        "POST",
        "/workflows",
        json={
            "name": WORKFLOW_NAME,
            "trigger_type": "manual",
            "status": "active",
            "actions": [
                {"type": "create_task", "name": "Prepare offer", "config": {"title": "Offer"}},
                {
                    "type": "approval",
                    "name": "Manager sign-off",
                    "config": {"approvers": [f"user:{ADMIN_EMAIL}"]},
                },
            ],
        },
    )
    workflow_id = int(workflow["id"])
    page.set_viewport_size(NARROW)  # type: ignore[arg-type]

    # The SLAs tab: add one on the approval step through the form.
    open_signed_in(page, server, f"/workflows/{workflow_id}?tab=slas")
    wait_until_ready(page)
    expect(page.get_by_role("tab", name="SLAs")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("No SLA on this workflow yet.")).to_be_visible()
    page.get_by_role("button", name="Add an SLA").click()
    dialog = page.get_by_role("dialog", name="Add an SLA")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Name", exact=True).fill(SLA_NAME)
    dialog.get_by_label("Measures").select_option(label="Manager sign-off")
    for label, value in (("Target", "1"), ("Warning after", "1"), ("Critical after", "2")):
        dialog.get_by_label(label, exact=True).fill(value)
        dialog.get_by_label(f"{label} unit").select_option("seconds")
    _fits(page, "the SLA form")
    snap(page, "operations-01-sla-form")
    dialog.get_by_role("button", name="Add SLA").click()
    expect(dialog).to_be_hidden()

    card = page.get_by_role("article", name=SLA_NAME)
    expect(card).to_contain_text("The step “Manager sign-off”")
    expect(card).to_contain_text("Target 1 s; a warning past 1 s, critical past 2 s.")
    expect(card.get_by_label(f"Metrics of {SLA_NAME}")).to_contain_text("no runs yet")
    slas = api_json(server, "GET", "/workflow/workflow-slas/", params={"workflow_id": workflow_id})
    assert [
        (
            s["step_path"],
            s["target_duration_seconds"],
            s["warning_threshold_seconds"],
            s["critical_threshold_seconds"],
            s["slo_window_hours"],
            s["slo_target_percentage"],
        )
        for s in slas["items"]
    ] == [("actions/1", 1, 1, 2, 24, 99)]
    sla_id = int(slas["items"][0]["id"])
    _fits(page, "the SLAs tab")
    snap(page, "operations-02-sla-tab")

    # A run waits on the sign-off past both thresholds: a warning and a critical breach.
    run = api_json(server, "POST", f"/workflows/{workflow_id}/execute", json={}, params={"wait": 5})
    assert run["status"] == "waiting", run
    run_id = int(run["id"])
    try:
        _breaches(server, workflow_id, 2)

        # /operations: the SLO, the runs in flight and the breaches; acknowledge the critical one.
        open_signed_in(page, server, "/operations")
        wait_until_ready(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("Operations")
        slo_row = (
            page.get_by_role("table", name="SLO compliance")
            .get_by_role("row")
            .filter(has_text=SLA_NAME)
        )
        expect(slo_row).to_contain_text("no runs yet")
        expect(slo_row.get_by_role("link", name=WORKFLOW_NAME)).to_have_attribute(
            "href", f"/workflows/{workflow_id}?tab=slas"
        )
        in_flight = page.get_by_label("Totals").locator(".wf-stat", has_text="Runs in flight")
        expect(in_flight.locator("dd")).not_to_have_text("0")
        breaches = page.get_by_role("table", name="Open breaches")
        critical = (
            breaches.get_by_role("row")
            .filter(has=page.get_by_role("link", name=f"#{run_id}", exact=True))
            .filter(has_text="critical threshold")
        )
        expect(critical).to_contain_text("past the 2 s critical threshold")
        expect(critical.get_by_role("link", name=f"#{run_id}", exact=True)).to_have_attribute(
            "href", f"/workflows/{workflow_id}/executions/{run_id}"
        )
        _fits(page, "/operations")
        snap(page, "operations-03-overview")

        critical.get_by_role(
            "button", name=f"Acknowledge the critical breach of {SLA_NAME} on run #{run_id}"
        ).click()
        ack = page.get_by_role("dialog", name=f"Acknowledge the breach of “{SLA_NAME}”")
        ack.get_by_label("Notes").fill("Pinged the manager")
        ack.get_by_role("button", name="Acknowledge").click()
        expect(ack).to_be_hidden()
        expect(page.get_by_text(f"Breach on run #{run_id} acknowledged.")).to_be_visible()
        expect(critical).to_contain_text("acknowledged")
        expect(critical).to_contain_text("Pinged the manager")
        expect(critical.get_by_role("button", name=re.compile(r"^Acknowledge"))).to_have_count(0)
        acknowledged = api_json(
            server,
            "GET",
            "/workflow/sla-breaches/",
            params={"workflow_id": workflow_id, "status": "acknowledged"},
        )["items"]
        assert [(b["severity"], b["notes"]) for b in acknowledged] == [
            ("critical", "Pinged the manager")
        ]
        snap(page, "operations-04-acknowledged")

        # /runs: find the run by its workflow; the one-click "Failed" filter leaves it out.
        open_signed_in(page, server, "/runs")
        wait_until_ready(page)
        expect(page.get_by_role("heading", level=1)).to_have_text("All runs")
        page.get_by_label("Workflow", exact=True).select_option(label=WORKFLOW_NAME)
        expect(page).to_have_url(re.compile(rf"[?&]workflow_id={workflow_id}\b"))
        row = page.get_by_role("row").filter(
            has=page.get_by_role("link", name=f"#{run_id}", exact=True)
        )
        expect(row.get_by_role("link", name=WORKFLOW_NAME)).to_have_attribute(
            "href", f"/workflows/{workflow_id}"
        )
        expect(row).to_contain_text("waiting")
        _fits(page, "/runs")
        snap(page, "operations-05-runs")
        page.get_by_role("button", name="Failed", exact=True).click()
        expect(page).to_have_url(re.compile(r"[?&]status=failed\b"))
        expect(page.get_by_text("No run matches these filters.")).to_be_visible()
        _fits(page, "/runs filtered")
    finally:
        # Leave nothing waiting for the other browser tests: no pending approval, no SLA.
        server.api.post(f"/executions/{run_id}/cancel")
        server.api.delete(f"/workflow/workflow-slas/{sla_id}/")
