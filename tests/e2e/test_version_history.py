"""Version history and workflow files in Chromium against a real `crmflow serve`.

A workflow saved twice through the API shows, on its Versions tab, what the second save changed
in words; restoring version 1 from the UI makes it version 3 and the current definition again.
A workflow exported from its page downloads as a file, and importing that file from the
workflows list creates a draft copy and opens it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.browser import api_json, open_signed_in, snap, wait_until_ready
from tests.e2e.server import LiveServer

FIRST = {
    "name": "E2E version history",
    "trigger_type": "manual",
    "actions": [
        {"name": "Call the client", "type": "create_task", "config": {"title": "Call them"}},
        {"name": "Tag as new", "type": "add_tag", "config": {"tag": "new"}},
    ],
}
SECOND_ACTIONS = [
    {"name": "Call the client", "type": "create_task", "config": {"title": "Call them today"}},
    {"name": "Tag as new", "type": "add_tag", "config": {"tag": "new"}},
]


def _version_button(page: Page, number: int) -> Any:
    """The versions list's button of version `number` (not 10 for 1)."""
    versions = page.get_by_role("list", name="Versions")
    return versions.get_by_role("button", name=re.compile(rf"^Version {number}(?!\d)"))


def test_the_versions_tab_shows_changes_in_words_and_restores_an_old_version(
    page: Page, server: LiveServer
) -> None:
    workflow = api_json(server, "POST", "/workflows", json=FIRST)
    workflow_id = workflow["id"]
    api_json(
        server,
        "PUT",
        f"/workflows/{workflow_id}",
        json={**FIRST, "actions": SECOND_ACTIONS, "change_note": "call the same day"},
    )

    open_signed_in(page, server, f"/workflows/{workflow_id}?tab=versions")
    wait_until_ready(page)
    expect(_version_button(page, 2)).to_contain_text("current")
    expect(_version_button(page, 2)).to_contain_text("call the same day")
    changes = page.get_by_role("region", name="Changes from version 1 to 2")
    step = changes.get_by_role("region", name="Steps changed")
    expect(step).to_contain_text("Call the client (step 1)")
    expect(step).to_contain_text("config.title: “Call them” → “Call them today”")
    snap(page, "versions-01-diff")

    _version_button(page, 1).click()
    expect(page).to_have_url(re.compile(r"version=1"))
    page.get_by_role("button", name="Restore this version").click()
    dialog = page.get_by_role("dialog", name="Restore version 1?")
    expect(dialog).to_contain_text("version 3")
    snap(page, "versions-02-restore-dialog")
    dialog.get_by_role("button", name="Restore").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Restored version 1 as version 3.")).to_be_visible()
    newest = _version_button(page, 3)
    expect(newest).to_contain_text("restored version 1")
    expect(newest).to_contain_text("current")
    expect(newest).to_have_attribute("aria-current", "true")
    expect(page.locator(".wf-meta")).to_contain_text("version 3")
    # Version 3 against version 2 puts the old title back.
    expect(page.get_by_role("region", name="Changes from version 2 to 3")).to_contain_text(
        "config.title: “Call them today” → “Call them”"
    )
    expect(page.get_by_role("button", name="Restore this version")).to_have_count(0)
    snap(page, "versions-03-restored")

    current = api_json(server, "GET", f"/workflows/{workflow_id}")
    versions = api_json(server, "GET", f"/workflows/{workflow_id}/versions")
    assert [v["version"] for v in versions] == [3, 2, 1]
    assert versions[0]["definition"] == versions[2]["definition"]
    assert current["version"] == 3
    # The workflow itself reads as version 1 (fields version 1 left unset read as defaults).
    for key, value in versions[2]["definition"].items():
        if value is not None and key in current:
            assert current[key] == value, key
    assert current["actions"] == FIRST["actions"]
    same = api_json(server, "GET", f"/workflows/{workflow_id}/versions/3/diff?against=1")
    assert same["identical"], same


def test_a_workflow_exported_from_its_page_imports_as_a_draft(
    page: Page, server: LiveServer, tmp_path: Path
) -> None:
    workflow = api_json(
        server, "POST", "/workflows", json={**FIRST, "name": "E2E export me", "status": "active"}
    )

    open_signed_in(page, server, f"/workflows/{workflow['id']}")
    wait_until_ready(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export").click()
    download = download_info.value
    assert download.suggested_filename == "e2e-export-me.crmflow.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    document = json.loads(saved.read_text())
    assert document["crmflow_export"] == 1
    assert [w["name"] for w in document["workflows"]] == ["E2E export me"]
    expect(page.get_by_text("Exported as e2e-export-me.crmflow.json.")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Workflows").click()
    wait_until_ready(page)
    page.get_by_label("Workflow file to import").set_input_files(saved)
    expect(page).not_to_have_url(re.compile(rf"/workflows/({workflow['id']})?$"))
    expect(page).to_have_url(re.compile(r"/workflows/\d+$"))
    imported_id = int(page.url.rsplit("/", 1)[1])
    assert imported_id != workflow["id"]
    expect(page.get_by_role("heading", level=1)).to_have_text("E2E export me")
    expect(page.get_by_text("Imported 1 workflow as a draft.")).to_be_visible()
    expect(page.locator(".wf-head .badge").first).to_have_text("draft")
    snap(page, "versions-04-imported")

    imported = api_json(server, "GET", f"/workflows/{imported_id}")
    assert imported["status"] == "draft"
    assert imported["actions"] == workflow["actions"]
