"""The blueprint catalog in Chromium against a real `crmflow serve`.

Find the built-in discount-approval blueprint by searching, change one of its inputs, create a
workflow from it and land in the editor of the new draft, whose definition holds the value typed.
Then export that blueprint from the UI and import the same file again: the installation already
has that version, so the UI shows the API's refusal.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.browser import ConsoleWatch, api_json, open_signed_in, snap, wait_until_ready
from tests.e2e.server import LiveServer

BLUEPRINT = "Approbation de remise"
DISCOUNT_INPUT = "Remise soumise à accord (%)"


def _approvers_with_titles(server: LiveServer) -> None:
    """A director and a CFO: the blueprint's approval steps ask users with these titles."""
    for title in ("director", "cfo"):
        api_json(
            server,
            "POST",
            "/users",
            json={
                "email": f"{title}@e2e.test",
                "name": title.upper(),
                "role": "editor",
                "titles": [title],
            },
        )


def _open_blueprint(page: Page, search: str, name: str) -> None:
    """Search the catalog and open the one blueprint found."""
    filters = page.get_by_role("search", name="Filter blueprints")
    filters.get_by_label("Search").fill(search)
    cards = page.get_by_role("list", name="Blueprints").get_by_role("listitem")
    expect(cards).to_have_count(1)
    cards.get_by_role("link", name=name).click()
    expect(page.get_by_role("article").get_by_role("heading", level=2, name=name)).to_be_visible()


def test_blueprint_to_draft_workflow(page: Page, server: LiveServer) -> None:
    _approvers_with_titles(server)
    open_signed_in(page, server, "/workflows")
    wait_until_ready(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Blueprints").click()
    expect(page.get_by_role("heading", level=1, name="Blueprints")).to_be_visible()
    wait_until_ready(page)
    # The eight built-in blueprints are installed on first use.
    expect(page.get_by_role("list", name="Blueprints").get_by_role("listitem")).to_have_count(8)
    snap(page, "blueprints-01-catalog")

    _open_blueprint(page, "remise", BLUEPRINT)
    detail = page.get_by_role("article")
    expect(detail).to_contain_text("When a deal is updated")
    expect(detail.get_by_role("img", name=re.compile("Graph preview"))).to_be_visible()
    discount = detail.get_by_label(DISCOUNT_INPUT)
    expect(discount).to_have_value("10")

    # Out of bounds: refused in the browser, next to the field, before any request.
    discount.fill("150")
    detail.get_by_role("button", name="Create workflow").click()
    expect(detail.get_by_text("Must be at most 100.")).to_be_visible()
    expect(discount).to_have_attribute("aria-invalid", "true")

    discount.fill("15")
    detail.get_by_label("Workflow name").fill("E2E remise 15 %")
    snap(page, "blueprints-02-inputs")
    detail.get_by_role("button", name="Create workflow").click()

    expect(page).to_have_url(re.compile(r"/workflows/\d+/edit$"))
    expect(
        page.get_by_role("status").filter(
            has_text=f"Created from blueprint “{BLUEPRINT}” 1.0.0 as a draft."
        )
    ).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("E2E remise 15 %")
    workflow_id = int(re.search(r"/workflows/(\d+)/edit", page.url).group(1))  # type: ignore[union-attr]
    snap(page, "blueprints-03-editor")

    workflow = api_json(server, "GET", f"/workflows/{workflow_id}")
    assert workflow["status"] == "draft"
    assert workflow["name"] == "E2E remise 15 %"
    rules = workflow["conditions"]["rules"]
    assert {"field": "deal.discount_percent", "operator": ">", "value": 15} in rules, rules
    # The inputs left at their defaults are filled in too.
    approvers = [s["config"]["approvers"] for s in workflow["actions"] if s["type"] == "approval"]
    assert approvers == [["manager"], ["title:director"], ["title:cfo"]], approvers


def test_export_then_import_the_same_version_is_refused(
    page: Page, server: LiveServer, console: ConsoleWatch, tmp_path: Path
) -> None:
    # The refused import is a 409 answer, which Chromium logs as a failed resource.
    console.expect("409")
    open_signed_in(page, server, "/blueprints")
    wait_until_ready(page)
    _open_blueprint(page, "dormant", "Relance lead dormant")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export").click()
    download = download_info.value
    assert download.suggested_filename == "relance-lead-dormant-1.0.0.blueprint.json"
    exported = tmp_path / download.suggested_filename
    download.save_as(exported)
    document = json.loads(exported.read_text())
    assert document["name"] == "Relance lead dormant" and document["version"] == "1.0.0"
    expect(page.get_by_text(f"Exported as {download.suggested_filename}.")).to_be_visible()

    with page.expect_file_chooser() as chooser_info:
        page.get_by_role("button", name="Import blueprint").click()
    chooser_info.value.set_files(exported)
    refusal = page.get_by_role("alert").filter(has_text="was not imported")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("is not above the installed version 1.0.0")
    snap(page, "blueprints-04-import-refused")
    # Nothing was installed: still one version.
    found = api_json(
        server,
        "GET",
        "/workflow/process-templates/",
        params={"search": "Relance lead dormant", "all_versions": True},
    )
    assert [b["version"] for b in found["items"]] == ["1.0.0"]
