"""Publish a workflow as a blueprint from its page, in Chromium against a real `crmflow serve`.

A workflow made through the API is published from its page (version 1.0.0, a name new to the
catalog); the dialog's link opens the new blueprint in the catalog. Publishing it again suggests
1.1.0, and the version already installed is refused under the version field.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.browser import ConsoleWatch, api_json, open_signed_in, snap, wait_until_ready
from tests.e2e.server import LiveServer

NAME = "E2E published workflow"
WORKFLOW = {
    "name": NAME,
    "description": "Tag and call new deals",
    "trigger_type": "deal_created",
    "actions": [
        {"name": "Tag as new", "type": "add_tag", "config": {"tag": "new"}},
        {"name": "Call the client", "type": "create_task", "config": {"title": "Call them"}},
    ],
}


def test_publish_a_workflow_and_find_it_in_the_catalog(
    page: Page, server: LiveServer, console: ConsoleWatch
) -> None:
    # Publishing the installed version again is a 409 answer, which Chromium logs.
    console.expect("409")
    workflow = api_json(server, "POST", "/workflows", json=WORKFLOW)

    open_signed_in(page, server, f"/workflows/{workflow['id']}")
    wait_until_ready(page)
    page.get_by_role("button", name="Publish as blueprint").click()
    dialog = page.get_by_role("dialog", name="Publish as blueprint")
    expect(dialog.get_by_label("Name")).to_have_value(NAME)
    expect(dialog.get_by_label("Description")).to_have_value("Tag and call new deals")
    # The catalog has no blueprint of that name: 1.0.0.
    expect(dialog.get_by_text("Semantic Versioning: MAJOR.MINOR.PATCH")).to_be_visible()
    expect(dialog.get_by_label("Version")).to_have_value("1.0.0")
    dialog.get_by_label("Type").select_option("follow_up")
    snap(page, "publish-01-dialog")
    dialog.get_by_role("button", name="Publish", exact=True).click()
    expect(dialog.get_by_text(f"Published “{NAME}” 1.0.0 as a blueprint.")).to_be_visible()
    snap(page, "publish-02-published")

    dialog.get_by_role("link", name="Open in the catalog").click()
    expect(page).to_have_url(re.compile(r"/blueprints\?id=\d+$"))
    blueprint_id = int(page.url.rsplit("=", 1)[1])
    wait_until_ready(page)
    detail = page.get_by_role("article")
    expect(detail.get_by_role("heading", level=2, name=NAME)).to_be_visible()
    card = page.get_by_role("list", name="Blueprints").get_by_role("listitem").filter(has_text=NAME)
    expect(card).to_contain_text("v1.0.0")
    expect(card).to_contain_text("follow up")
    snap(page, "publish-03-catalog")

    blueprint = api_json(server, "GET", f"/workflow/process-templates/{blueprint_id}/")
    assert (blueprint["name"], blueprint["version"], blueprint["template_type"]) == (
        NAME,
        "1.0.0",
        "follow_up",
    )
    assert blueprint["process_steps"] == workflow["actions"]

    # Again: the next minor version is suggested; the installed one is refused on its field.
    page.go_back()
    wait_until_ready(page)
    page.get_by_role("button", name="Publish as blueprint").click()
    dialog = page.get_by_role("dialog", name="Publish as blueprint")
    version = dialog.get_by_label("Version")
    expect(version).to_have_value("1.1.0")
    expect(dialog).to_contain_text(f"“{NAME}” is in the catalog, newest version 1.0.0")
    version.fill("1.0.0")
    dialog.get_by_role("button", name="Publish", exact=True).click()
    expect(version).to_have_attribute("aria-invalid", "true")
    expect(dialog).to_contain_text("1.0.0 is not above the installed version 1.0.0")
    snap(page, "publish-04-refused")
    found = api_json(
        server,
        "GET",
        "/workflow/process-templates/",
        params={"search": NAME, "all_versions": True},
    )
    assert [b["version"] for b in found["items"] if b["name"] == NAME] == ["1.0.0"]
