"""Safe editing in the workflow editor, in Chromium against a real `crmflow serve`: leaving with
unsaved changes asks first (in-app dialog for links and the back button, the browser's prompt on
reload), a removed step comes back with the toast's Undo and with Ctrl+Z and stays after saving,
Ctrl+S saves, and unsaved edits survive closing the tab as a local draft. The guard and the undo
run in English and in French, naming what they click from the interface's catalogues.
"""

from __future__ import annotations

import re
from itertools import count

import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from tests.e2e.browser import ConsoleWatch, api_json, open_signed_in, snap, wait_until_ready
from tests.e2e.catalogue import text
from tests.e2e.main_pages import LANGUAGE_KEY, LANGUAGES
from tests.e2e.server import LiveServer

ACTIONS = [
    {
        "type": "send_notification",
        "name": "Tell the owner",
        "config": {"user": "1", "message": "Hi"},
    },
    {
        "type": "create_task",
        "name": "Plan the call",
        "config": {"title": "Call", "due_date": "+3 days"},
    },
]
_numbers = count(1)


def _workflow(server: LiveServer) -> tuple[int, str]:
    """A manual draft with two steps; a new name each time (tests share the server)."""
    name = f"E2E safe editing {next(_numbers)}"
    body = {"name": name, "trigger_type": "manual", "actions": ACTIONS}
    return int(api_json(server, "POST", "/workflows", json=body)["id"]), name


def _in(page: Page, lang: str) -> None:
    """Open every page of this tab in `lang` (this browser's choice; the admin saved none)."""
    page.add_init_script(f"localStorage.setItem({LANGUAGE_KEY!r}, {lang!r});")


def _open_editor(page: Page, server: LiveServer, workflow_id: int, lang: str = "en") -> Locator:
    _in(page, lang)
    open_signed_in(page, server, f"/workflows/{workflow_id}/edit")
    wait_until_ready(page)
    name = page.get_by_label(text(lang, "editor:basics.name"), exact=True)
    expect(name).to_have_value(re.compile("E2E safe editing"))
    return name


def _type_into(field: Locator, text: str) -> None:
    """Type at the end of a field as a person does (keys give the page user activation)."""
    field.click()
    field.press("End")
    field.page.keyboard.type(text)


def _unsaved(page: Page, lang: str = "en") -> Locator:
    return page.get_by_role("status").filter(has_text=text(lang, "editor:page.unsaved"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_leaving_with_unsaved_changes_asks_first(page: Page, server: LiveServer, lang: str) -> None:
    workflow_id, name = _workflow(server)
    # Into the editor by an in-app link, so the back button stays inside the app.
    _in(page, lang)
    open_signed_in(page, server, "/workflows")
    wait_until_ready(page)
    page.get_by_role("link", name=text(lang, "workflows:actions.editNamed", name=name)).click()
    field = page.get_by_label(text(lang, "editor:basics.name"), exact=True)
    expect(field).to_have_value(name)
    _type_into(field, " (edited)")
    expect(_unsaved(page, lang)).to_be_visible()

    # A navigation link: the dialog; Stay keeps the edit and the page.
    nav = page.get_by_role("navigation", name=text(lang, "common:nav.main"))
    all_runs = nav.get_by_role("link", name=text(lang, "common:nav.allRuns"))
    all_runs.click()
    dialog = page.get_by_role("dialog", name=text(lang, "editor:leave.title"))
    expect(dialog).to_be_visible()
    snap(page, f"safe-editing-{lang}-01-leave-dialog")
    stay = dialog.get_by_role("button", name=text(lang, "editor:leave.stay"))
    stay.click()
    expect(dialog).to_be_hidden()
    assert page.url.endswith(f"/workflows/{workflow_id}/edit"), page.url
    expect(field).to_have_value(f"{name} (edited)")

    # The back button asks too.
    page.evaluate("history.back()")
    expect(dialog).to_be_visible()
    stay.click()
    assert page.url.endswith(f"/workflows/{workflow_id}/edit"), page.url
    expect(field).to_have_value(f"{name} (edited)")

    # Leave goes, and nothing was saved.
    all_runs.click()
    dialog.get_by_role("button", name=text(lang, "editor:leave.leave"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/runs$"))
    assert api_json(server, "GET", f"/workflows/{workflow_id}")["name"] == name


def test_reloading_with_unsaved_changes_gets_the_browser_prompt(
    page: Page, server: LiveServer
) -> None:
    workflow_id, _ = _workflow(server)
    field = _open_editor(page, server, workflow_id)
    seen: list[str] = []

    def answer(dialog: Dialog) -> None:
        seen.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    # Nothing unsaved: a reload asks nothing.
    page.reload()
    wait_until_ready(page)
    assert seen == []
    _type_into(field, " (edited)")
    expect(_unsaved(page)).to_be_visible()
    page.reload()
    wait_until_ready(page)
    assert seen == ["beforeunload"], seen


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_removed_step_comes_back_with_undo_and_stays_saved(
    page: Page, server: LiveServer, lang: str
) -> None:
    workflow_id, name = _workflow(server)
    field = _open_editor(page, server, workflow_id, lang)
    _type_into(field, " v2")
    page.get_by_role("tab", name=re.compile(text(lang, "editor:sections.steps"))).click()
    graph = page.get_by_role("region", name=text(lang, "editor:canvas.label"))
    toast = page.locator(".undo-toast")
    remove = page.get_by_role("button", name=text(lang, "editor:panel.remove"))

    def step(label: str) -> Locator:
        return graph.get_by_role("button", name=text(lang, "editor:canvas.editStep", label=label))

    # Remove a step; the toast's Undo brings it back.
    step("Tell the owner").click()
    remove.click()
    expect(step("Tell the owner")).to_have_count(0)
    expect(toast).to_contain_text(text(lang, "editor:page.stepRemoved"))
    snap(page, f"safe-editing-{lang}-02-undo-toast")
    toast.get_by_role("button", name=text(lang, "editor:undoToast.undo")).click()
    expect(step("Tell the owner")).to_be_visible()
    expect(toast).to_have_count(0)

    # Remove the other one; Ctrl+Z brings it back.
    step("Plan the call").click()
    remove.click()
    expect(step("Plan the call")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(step("Plan the call")).to_be_visible()

    page.get_by_role("button", name=text(lang, "editor:page.save")).click()
    saved_note = text(lang, "editor:save.saved", version=2)
    expect(page.get_by_role("status").filter(has_text=saved_note)).to_be_visible()
    page.reload()
    wait_until_ready(page)
    page.get_by_role("tab", name=re.compile(text(lang, "editor:sections.steps"))).click()
    expect(step("Tell the owner")).to_be_visible()
    expect(step("Plan the call")).to_be_visible()
    saved = api_json(server, "GET", f"/workflows/{workflow_id}")
    assert (saved["version"], saved["name"], saved["actions"]) == (2, f"{name} v2", ACTIONS), saved


def test_ctrl_s_saves_a_new_version(page: Page, server: LiveServer) -> None:
    workflow_id, name = _workflow(server)
    field = _open_editor(page, server, workflow_id)
    _type_into(field, " (renamed)")
    # Still in the text field: Ctrl+S saves there too, and the browser's save dialog stays shut.
    page.keyboard.press("Control+s")
    expect(page.get_by_role("status").filter(has_text="Saved as version 2")).to_be_visible()
    expect(_unsaved(page)).to_have_count(0)
    versions = api_json(server, "GET", f"/workflows/{workflow_id}/versions")
    assert sorted(v["version"] for v in versions) == [1, 2], versions
    assert api_json(server, "GET", f"/workflows/{workflow_id}")["name"] == f"{name} (renamed)"


def test_a_local_draft_is_offered_after_closing_the_tab(
    page: Page, server: LiveServer, console: ConsoleWatch
) -> None:
    workflow_id, name = _workflow(server)
    field = _open_editor(page, server, workflow_id)
    _type_into(field, " (draft)")
    # The draft is written a moment after the last keystroke.
    page.wait_for_function(
        "key => (JSON.parse(localStorage.getItem(key) || 'null') || {})"
        ".def?.name?.endsWith('(draft)')",
        arg=f"crmflow.editor-draft.{workflow_id}",
    )
    context = page.context
    page.close()  # no beforeunload: as a crash or a closed tab

    again = context.new_page()
    console.attach(again)
    field = _open_editor(again, server, workflow_id)
    expect(field).to_have_value(name)
    offer = again.get_by_role("group", name=re.compile(r"^Restore unsaved changes from .+\?$"))
    expect(offer).to_be_visible()
    snap(again, "safe-editing-03-draft-offer")
    offer.get_by_role("button", name="Restore").click()
    expect(field).to_have_value(f"{name} (draft)")
    expect(_unsaved(again)).to_be_visible()
    expect(offer).to_have_count(0)
    # Saving clears the draft.
    again.get_by_role("button", name="Save workflow").click()
    expect(again.get_by_role("status").filter(has_text="Saved as version 2")).to_be_visible()
    key = f"crmflow.editor-draft.{workflow_id}"
    assert again.evaluate("key => localStorage.getItem(key)", key) is None
