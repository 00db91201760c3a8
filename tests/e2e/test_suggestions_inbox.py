"""The suggestions inbox in Chromium against a real `crmflow serve`.

A company of its own in the server's database gets the planted history (six workflows and the
runs, approvals and tasks a good miner finds patterns in), so the other tests' data stays out of
its mining and its history stays out of theirs. Generate from the inbox and follow the job to
its end; open the auto-approval of discounts under 10 %: its counts, its examples linked to their
runs, the change as a diff and on the read-only graph with the changed step marked; accept it
with notes (the discount workflow is active: a draft copy holds the change). Reject the two
approvals in a row with notes: it is listed under "Rejected" and not proposed again. A viewer
reads a suggestion but cannot decide.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Response, expect
from sqlalchemy.orm import sessionmaker

from crmflow.auth.service import Principal, create_user, get_or_create_company, issue_token
from crmflow.db.session import build_engine
from crmflow.demo_history import Planted, plant_history
from tests.e2e.browser import put_token, snap, wait_until_ready
from tests.e2e.server import LiveServer

URL = "/workflow/workflow-suggestions/"
COMPANY = "Suggestions E2E"
JOB_KEY = "crmflow.suggestions.job"
JOB_POLL = re.compile(r"/workflow-suggestions/generate/\d+/$")


@dataclass
class Tenant:
    """The company with the planted history: its tokens, workflows and an admin API client."""

    base_url: str
    admin_id: int
    admin_token: str
    viewer_token: str
    planted: Planted
    api: httpx.Client

    def get(self, path: str, **params: Any) -> Any:
        response = self.api.get(path, params=params)
        assert response.is_success, (path, response.status_code, response.text)
        return response.json()


@pytest.fixture(scope="module")
def tenant(server: LiveServer) -> Iterator[Tenant]:
    """A new company in the server's SQLite file (the server keeps running), with an admin, a
    director and a manager (the planted approvals name them) and a viewer, and the history of
    `plant_history` (seed 7) over the last 30 days."""
    engine = build_engine(f"sqlite:///{server.database}")
    try:
        with sessionmaker(engine, expire_on_commit=False)() as session:
            company = get_or_create_company(session, name=COMPANY)
            director = create_user(
                session,
                company_id=company.id,
                email="dana.director@suggest.test",
                role="editor",
                titles=["director"],
            )
            manager = create_user(
                session,
                company_id=company.id,
                email="max.manager@suggest.test",
                role="editor",
                titles=["manager"],
                manager_id=director.id,
            )
            admin = create_user(
                session,
                company_id=company.id,
                email="ada.admin@suggest.test",
                role="admin",
                titles=["sales"],
                manager_id=manager.id,
            )
            viewer = create_user(session, company_id=company.id, email="vic.viewer@suggest.test")
            admin_token, viewer_token = (
                issue_token(session, user=admin),
                issue_token(session, user=viewer),
            )
            session.commit()
            principal = Principal(
                user_id=admin.id, company_id=company.id, role="admin", email=admin.email
            )
            planted = plant_history(session, principal=principal, days=30, seed=7)
            session.commit()
            admin_id = admin.id
    finally:
        engine.dispose()
    api = httpx.Client(
        base_url=f"{server.base_url}/api/v1",
        headers={"Authorization": f"Bearer {admin_token}"},
        timeout=30,
    )
    yield Tenant(server.base_url, admin_id, admin_token, viewer_token, planted, api)
    api.close()


def generated(tenant: Tenant) -> dict[str, Any]:
    """Run a generation through the API (rule-based texts) and return the finished job."""
    started = tenant.api.post(f"{URL}generate/", json={"use_llm": False})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 20
    while True:
        job: dict[str, Any] = tenant.get(f"{URL}generate/{started.json()['id']}/")
        if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert job["status"] == "completed", job
    return job


def suggestion_of(tenant: Tenant, kind: str, workflow: str, status: str) -> dict[str, Any]:
    """The company's suggestion of `kind` on a planted workflow, in `status`."""
    items: list[dict[str, Any]] = tenant.get(URL, status=status, kind=kind, size=100)["items"]
    workflow_id = tenant.planted.workflows[workflow]
    found = [s for s in items if s["workflow_id"] == workflow_id]
    assert len(found) == 1, items
    return found[0]


def step_of(page: Page, name: str) -> Any:
    """The read-only graph's node (the `.flow-step` box) of the step called `name`."""
    graph = page.get_by_role("figure", name=re.compile("^The workflow with the change"))
    button = page.get_by_role("button", name=f'Step "{name}"', exact=True)
    return graph.locator(".flow-step").filter(has=button)


def test_generate_then_accept_the_discount_auto_approval_as_a_draft_copy(
    page: Page, tenant: Tenant
) -> None:
    put_token(page, tenant.admin_token)
    page.goto(f"{tenant.base_url}/")
    wait_until_ready(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Suggestions").click()
    expect(page).to_have_url(re.compile(r"/suggestions$"))
    expect(page.get_by_role("heading", level=1, name="Suggestions")).to_be_visible()

    # Generate, without a language model: the job's progress, then what it found.
    polls: list[Response] = []
    page.on("response", lambda r: polls.append(r) if JOB_POLL.search(r.url) else None)
    page.get_by_role("button", name="Generate suggestions").click()
    dialog = page.get_by_role("dialog", name="Generate suggestions")
    expect(dialog.get_by_label("Days of history")).to_have_value("30")
    expect(dialog.get_by_label("Minimum occurrences")).to_have_value("10")
    dialog.get_by_label("Use AI to rewrite the texts").uncheck()
    dialog.get_by_role("button", name="Generate", exact=True).click()
    expect(dialog).to_be_hidden()
    done = page.locator(".sg-job-done")
    expect(done).to_contain_text(re.compile(r"Done: \d+ new, \d+ refreshed, \d+ discarded\."))
    job_id = int(page.evaluate(f"window.sessionStorage.getItem({JOB_KEY!r})"))
    job = tenant.get(f"{URL}generate/{job_id}/")
    assert (job["status"], job["progress"], job["stage"], job["use_llm"]) == (
        "completed",
        100.0,
        "done",
        False,
    ), job
    assert job["created_count"] + job["refreshed_count"] >= 6, job
    # The page followed the job until it was done (however quickly it ran), never backwards.
    seen = [(body["status"], body["progress"]) for body in (r.json() for r in polls)]
    assert seen and seen[-1] == ("completed", 100.0), seen
    assert all(status in ("queued", "running") for status, _ in seen[:-1]), seen
    assert [p for _, p in seen] == sorted(p for _, p in seen), seen
    expect(done).to_contain_text(
        f"Done: {job['created_count']} new, {job['refreshed_count']} refreshed, "
        f"{len(job['discarded'])} discarded."
    )
    snap(page, "suggestions-01-generated")

    # The inbox lists every pending suggestion (most confident first) once the job is done.
    pending = tenant.get(URL, status="pending", size=100)
    table = page.get_by_role("table", name="Pending suggestions")
    expect(table.locator("tbody tr")).to_have_count(pending["total"])
    auto = suggestion_of(tenant, "auto_approval", "discount", "pending")
    assert auto["evidence"]["segment"] == {
        "field": "deal.discount_percent",
        "operator": "<",
        "value": 10,
    }, auto["evidence"]
    row = table.locator("tbody tr").filter(has=page.get_by_role("link", name=auto["title"]))
    expect(row).to_contain_text("Auto-approval")
    expect(row).to_contain_text(f"seen {auto['pattern_frequency']:,} times")
    expect(row.get_by_role("link", name="Discount approval")).to_have_attribute(
        "href", f"/workflows/{tenant.planted.workflows['discount']}"
    )
    row.get_by_role("link", name=auto["title"]).click()

    # The evidence: counts in and outside the segment, examples linked to their runs.
    expect(page).to_have_url(re.compile(rf"/suggestions/{auto['id']}$"))
    wait_until_ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(auto["title"])
    evidence = page.get_by_role("region", name="Evidence", exact=True)
    inside, outside = auto["evidence"]["in_segment"], auto["evidence"]["outside_segment"]
    assert inside["approved"] >= 10 and inside["rejected"] == 0, inside
    expect(evidence).to_contain_text(
        f"When deal.discount_percent < 10, {inside['approved']} of {inside['approved']} requests"
        " were approved (100 %)"
    )
    counts = evidence.get_by_role("table", name="Decisions in and outside the segment")
    expect(counts.get_by_role("row", name=re.compile("^With deal.discount_percent"))).to_have_text(
        re.compile(rf"{inside['approved']}\s*0\s*100 %")
    )
    expect(counts.get_by_role("row", name=re.compile("^Other requests"))).to_contain_text(
        f"{outside['approved']}{outside['rejected']}"
    )
    expect(evidence).to_contain_text("None: every request in the segment was approved.")
    runs = evidence.get_by_role("table", name="Examples").get_by_role(
        "link", name=re.compile(r"^Run #\d+$")
    )
    expect(runs).to_have_count(len(auto["evidence"]["examples"]))
    first_run = auto["evidence"]["examples"][0]["execution_id"]
    expect(runs.first).to_have_attribute(
        "href", f"/workflows/{tenant.planted.workflows['discount']}/executions/{first_run}"
    )
    snap(page, "suggestions-02-evidence")
    runs.first.click()
    expect(page).to_have_url(re.compile(rf"/executions/{first_run}$"))
    wait_until_ready(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Execution #{first_run}")
    expect(page.locator("#main")).to_contain_text("Manager approval")
    page.go_back()
    wait_until_ready(page)

    # The change in words, and on the graph with the changed step marked.
    change = page.get_by_role("region", name="The change", exact=True)
    expect(change).to_contain_text(
        "The workflow is active: accepting saves a draft copy with the change"
    )
    diff = change.get_by_role("region", name="What the change does")
    expect(diff).to_contain_text("Steps changed (1)")
    expect(diff).to_contain_text("Manager approval")
    expect(diff).to_contain_text("when: (none) → Discount percent (Deal) is at least 10%")
    approval = step_of(page, "Manager approval")
    expect(approval).to_have_class(re.compile(r"\bflow-step-highlight\b"))
    expect(approval).to_contain_text("if deal.discount_percent >= 10")
    untouched = step_of(page, "Tag approved")
    expect(untouched).to_have_count(1)
    expect(untouched).not_to_have_class(re.compile(r"flow-step-highlight"))
    backtest = page.get_by_role("region", name="Back-test", exact=True)
    figures = auto["backtest"]
    expect(backtest.get_by_role("region", name="Back-test report")).to_contain_text(
        f"Events considered{figures['events_considered']:,}Triggered{figures['triggered']:,}"
    )
    snap(page, "suggestions-03-change")

    # Accept with notes: the live workflow is active, so a draft copy holds the change.
    page.get_by_role("button", name="Accept", exact=True).click()
    decide = page.get_by_role("dialog", name=f"Accept “{auto['title']}”")
    decide.get_by_label("Notes").fill("Agreed with sales: small discounts go through.")
    decide.get_by_role("button", name="Accept", exact=True).click()
    expect(decide).to_be_hidden()
    outcome = page.locator(".sg-outcome")
    expect(outcome).to_contain_text("Accepted by you on")
    expect(outcome).to_contain_text(
        "The workflow is active, so the change was saved as a draft copy, "
        "“Discount approval (suggested)”."
    )
    expect(outcome).to_contain_text("Notes: Agreed with sales: small discounts go through.")
    expect(page.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Reject", exact=True)).to_have_count(0)
    snap(page, "suggestions-04-accepted")

    decided = tenant.get(f"{URL}{auto['id']}/")
    assert (decided["status"], decided["notes"], decided["decided_by"]) == (
        "accepted",
        "Agreed with sales: small discounts go through.",
        tenant.admin_id,
    )
    copy_id = decided["applied_workflow_id"]
    assert copy_id not in (None, tenant.planted.workflows["discount"]), decided
    expect(outcome.get_by_role("link", name="Open the draft")).to_have_attribute(
        "href", f"/workflows/{copy_id}"
    )
    copy = tenant.get(f"/workflows/{copy_id}")
    assert (copy["status"], copy["name"]) == ("draft", "Discount approval (suggested)")
    assert copy["actions"][0]["when"] == {
        "operator": "AND",
        "rules": [{"field": "deal.discount_percent", "operator": ">=", "value": 10}],
    }
    live = tenant.get(f"/workflows/{tenant.planted.workflows['discount']}")
    assert live["status"] == "active" and "when" not in live["actions"][0]

    outcome.get_by_role("link", name="Open the draft").click()
    expect(page).to_have_url(re.compile(rf"/workflows/{copy_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Discount approval (suggested)")
    expect(page.locator(".wf-head .badge").first).to_have_text("draft")


def test_a_rejected_suggestion_is_listed_under_rejected_and_not_proposed_again(
    page: Page, tenant: Tenant
) -> None:
    generated(tenant)
    parallel = suggestion_of(tenant, "parallel_approvals", "big_deal", "pending")
    put_token(page, tenant.admin_token)
    page.goto(f"{tenant.base_url}/suggestions")
    wait_until_ready(page)
    page.get_by_label("Kind").select_option(label="Parallel approvals")
    expect(page).to_have_url(re.compile(r"kind=parallel_approvals"))
    table = page.get_by_role("table", name="Pending suggestions")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Parallel approvals")
    table.get_by_role("link", name=parallel["title"]).click()
    wait_until_ready(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(parallel["title"])
    expect(page.get_by_role("region", name="Evidence", exact=True)).to_contain_text(
        f"were both asked in {parallel['evidence']['runs_with_both']} runs"
    )

    page.get_by_role("button", name="Reject", exact=True).click()
    decide = page.get_by_role("dialog", name=f"Reject “{parallel['title']}”")
    expect(decide).to_contain_text("The same pattern is not proposed again.")
    decide.get_by_label("Notes").fill("Finance must see the director's yes first.")
    decide.get_by_role("button", name="Reject", exact=True).click()
    expect(decide).to_be_hidden()
    outcome = page.locator(".sg-outcome-rejected")
    expect(outcome).to_contain_text("Rejected by you on")
    expect(outcome).to_contain_text("Notes: Finance must see the director's yes first.")
    expect(page.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
    snap(page, "suggestions-05-rejected")

    # Back to the inbox, on the "Rejected" tab.
    page.get_by_role("link", name="← Suggestions").click()
    expect(page).to_have_url(re.compile(r"/suggestions\?status=rejected$"))
    expect(page.get_by_role("tab", name="Rejected")).to_have_attribute("aria-selected", "true")
    rejected = page.get_by_role("table", name="Rejected suggestions")
    expect(rejected.get_by_role("link", name=parallel["title"])).to_be_visible()
    page.get_by_role("tab", name="Pending").click()
    expect(page.get_by_role("table", name="Pending suggestions")).to_be_visible()
    expect(page.get_by_role("link", name=parallel["title"])).to_have_count(0)
    snap(page, "suggestions-06-pending-after-reject")

    decided = tenant.get(f"{URL}{parallel['id']}/")
    assert (decided["status"], decided["notes"], decided["applied_workflow_id"]) == (
        "rejected",
        "Finance must see the director's yes first.",
        None,
    )
    # Mining again finds the pattern but does not propose it again.
    again = generated(tenant)
    assert any(d["reason"] == "decided before" for d in again["discarded"]), again["discarded"]
    assert tenant.get(URL, status="pending", kind="parallel_approvals")["total"] == 0


def test_a_viewer_reads_a_suggestion_but_cannot_decide(page: Page, tenant: Tenant) -> None:
    generated(tenant)
    retry = suggestion_of(tenant, "error_handling", "erp", "pending")
    put_token(page, tenant.viewer_token)
    page.goto(f"{tenant.base_url}/suggestions")
    wait_until_ready(page)
    expect(page.get_by_role("link", name=retry["title"])).to_be_visible()
    expect(page.get_by_role("button", name="Generate suggestions")).to_have_count(0)
    page.get_by_role("link", name=retry["title"]).click()
    wait_until_ready(page)
    expect(page.get_by_role("region", name="Evidence", exact=True)).to_contain_text("Push to ERP")
    expect(page.get_by_role("region", name="What the change does")).to_be_visible()
    expect(page.get_by_role("button", name="Accept", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Reject", exact=True)).to_have_count(0)
