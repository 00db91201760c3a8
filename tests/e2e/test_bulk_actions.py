"""Bulk actions and tags on the workflow list, in Chromium against a real `crmflow serve`.

Two of three workflows are selected and deactivated, tagged, exported as one file, found again
through the tag filter (kept in the URL), and one of them is deleted after a confirmation that
says how many; the API confirms each step.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.browser import api_json, open_signed_in, snap, wait_until_ready
from tests.e2e.server import LiveServer

PREFIX = "E2E bulk"
TAG = "e2e-bulk"


def _workflow(server: LiveServer, name: str) -> Any:
    body = {
        "name": f"{PREFIX} {name}",
        "trigger_type": "manual",
        "actions": [{"type": "create_task", "config": {"title": "Call them"}}],
    }
    created = api_json(server, "POST", "/workflows", json=body)
    api_json(server, "POST", f"/workflows/{created['id']}/activate", json={"status": "active"})
    return created


def _row(page: Page, name: str) -> Any:
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=f"{PREFIX} {name}"))


def test_select_deactivate_tag_filter_and_delete(
    page: Page, server: LiveServer, tmp_path: Path
) -> None:
    alpha, beta, gamma = (_workflow(server, name) for name in ("Alpha", "Beta", "Gamma"))
    open_signed_in(page, server, f"/workflows?q={PREFIX.replace(' ', '%20')}&sort=name")
    wait_until_ready(page)
    expect(page.get_by_role("link", name=re.compile(f"^{PREFIX}"))).to_have_count(3)

    page.get_by_role("checkbox", name=f"Select {PREFIX} Alpha").check()
    page.get_by_role("checkbox", name=f"Select {PREFIX} Beta").check()
    bar = page.get_by_role("region", name="Bulk actions")
    expect(bar).to_contain_text("2 selected")
    snap(page, "bulk-01-selected")
    bar.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("Deactivated 2 workflows.")).to_be_visible()
    expect(bar).to_be_hidden()  # done: nothing selected any more
    expect(_row(page, "Alpha")).to_contain_text("inactive")
    expect(_row(page, "Gamma")).to_contain_text("active")
    statuses = [
        api_json(server, "GET", f"/workflows/{w['id']}")["status"] for w in (alpha, beta, gamma)
    ]
    assert statuses == ["inactive", "inactive", "active"]

    page.get_by_role("checkbox", name=f"Select {PREFIX} Alpha").check()
    page.get_by_role("checkbox", name=f"Select {PREFIX} Beta").check()
    bar.get_by_role("button", name="Add tag").click()
    bar.get_by_label("Tag to add").fill(TAG)
    bar.get_by_role("button", name="Add to 2 workflows").click()
    expect(page.get_by_text(f"Tagged 2 workflows “{TAG}”.")).to_be_visible()
    expect(_row(page, "Alpha").get_by_role("list", name="Tags")).to_have_text(TAG)
    expect(_row(page, "Gamma").get_by_role("list", name="Tags")).to_have_count(0)

    page.get_by_role("checkbox", name=f"Select {PREFIX} Alpha").check()
    page.get_by_role("checkbox", name=f"Select {PREFIX} Beta").check()
    with page.expect_download() as download:
        bar.get_by_role("button", name="Export").click()
    saved = tmp_path / "export.json"
    download.value.save_as(saved)
    exported = json.loads(saved.read_text())
    assert [w["name"] for w in exported["workflows"]] == [f"{PREFIX} Alpha", f"{PREFIX} Beta"]
    assert all(w["tags"] == [TAG] for w in exported["workflows"])
    page.get_by_role("checkbox", name="Select all on this page").uncheck()

    page.get_by_role("combobox", name=re.compile("^Tag")).select_option(label=f"{TAG} (2)")
    expect(page).to_have_url(re.compile(f"tag={TAG}"))
    expect(page.get_by_role("link", name=re.compile(f"^{PREFIX}"))).to_have_count(2)
    expect(_row(page, "Gamma")).to_have_count(0)
    snap(page, "bulk-02-tag-filter")

    page.get_by_role("checkbox", name=f"Select {PREFIX} Alpha").check()
    bar.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete 1 workflow?")
    expect(dialog).to_contain_text(f"{PREFIX} Alpha")
    snap(page, "bulk-03-delete-confirmation")
    dialog.get_by_role("button", name="Delete 1 workflow").click()
    expect(page.get_by_text("Deleted 1 workflow.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(f"^{PREFIX}"))).to_have_count(1)
    assert server.api.get(f"/workflows/{alpha['id']}").status_code == 404
    tags = {t["name"]: t["count"] for t in api_json(server, "GET", "/workflows/tags")}
    assert tags[TAG] == 1
