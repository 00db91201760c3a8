"""Choices instead of free text, in Chromium against a real `crmflow serve`, in English and in
French: a new user signs in, builds a workflow on the deal-stage trigger whose "To stage" is chosen
from the company's stages, a send_email step whose recipient is checked as it is typed, a task
assigned to a user picked by name; saves and activates it, and the saved definition holds the
chosen values. Every label is read from the interface's catalogues (or the server's, for what the
server names) in the language under test: nothing is typed but names and texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from crmflow.common.i18n_editor import translate
from tests.e2e.browser import ConsoleWatch, api_json, snap, watched_page
from tests.e2e.catalogue import text
from tests.e2e.server import LiveServer

BROWSER_LOCALE = {"en": "en-GB", "fr": "fr-FR"}
PLANNER = {"en": ("paula.planner", "Paula Planner"), "fr": ("paulette.planif", "Paulette Planif")}


@pytest.fixture(params=["en", "fr"])
def lang(request: pytest.FixtureRequest) -> str:
    """The language of the browser, hence of the interface (its default is the browser's)."""
    return str(request.param)


@pytest.fixture()
def new_user_page(browser: Browser, console: ConsoleWatch, lang: str) -> Iterator[Page]:
    """A fresh browser set to `lang`, as a new user's would be."""
    with watched_page(browser, console, locale=BROWSER_LOCALE[lang]) as page:
        yield page


def sign_in(page: Page, server: LiveServer, lang: str) -> None:
    """Sign in through the form with the admin's API token, in `lang`."""
    page.goto(server.base_url + "/workflows/new")
    expect(page.get_by_role("heading", name=text(lang, "auth:signIn.title"))).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == lang
    page.get_by_role("radio", name=text(lang, "auth:signIn.token")).check()
    field = page.locator("input[type=password]")
    field.and_(page.get_by_label(text(lang, "auth:signIn.token"), exact=True)).fill(server.token)
    page.get_by_role("button", name=text(lang, "auth:signIn.submit"), exact=True).click()


def test_a_workflow_built_from_choices(new_user_page: Page, server: LiveServer, lang: str) -> None:
    page = new_user_page
    said = lambda key, **params: text(lang, key, **params)  # noqa: E731
    server_says = lambda english: translate(lang, english)  # noqa: E731
    login, name = PLANNER[lang]
    planner = api_json(
        server,
        "POST",
        "/users",
        json={"email": f"{login}@e2e.test", "name": name, "role": "editor"},
    )
    sign_in(page, server, lang)
    page.get_by_role("button", name=said("editor:templates.blank")).click()
    page.get_by_label(said("editor:basics.name"), exact=True).fill(f"E2E choices {lang}")

    # The trigger and its "To stage", chosen from the pipeline's stages (a list, not a text box).
    page.get_by_role("tab", name=re.compile(said("editor:sections.trigger"))).click()
    trigger = page.get_by_label(said("editor:trigger.label"), exact=True)
    trigger.select_option(label=server_says("Deal stage changed"))
    to_stage = page.get_by_role("combobox", name=server_says("To stage"), exact=True)
    expect(to_stage).to_have_js_property("tagName", "SELECT")
    expect(to_stage.locator("option", has_text="Negotiation")).to_have_count(1)  # loaded
    stages = to_stage.locator("option").all_inner_texts()
    assert stages[1:6] == ["Qualification", "Proposition", "Negotiation", "Signed", "Lost"], stages
    to_stage.select_option(label="Negotiation")
    snap(page, f"choices-{lang}-01-stage-picker")

    # A send_email step: a malformed recipient is flagged as typed, a valid one clears it.
    page.get_by_role("tab", name=re.compile(said("editor:sections.steps"))).click()
    page.get_by_role("button", name=said("editor:page.addStep"), exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name=server_says("Send email"), exact=True).click()
    panel = page.locator(".step-panel")
    to = panel.get_by_label(server_says("To"), exact=True)
    to.fill("jean.dupont@@example")
    expect(to).to_have_attribute("aria-invalid", "true")
    invalid = said("pickers:email.invalid", entry="jean.dupont@@example")
    expect(panel).to_contain_text(invalid)
    snap(page, f"choices-{lang}-02-invalid-recipient")
    to.fill("jean.dupont@example.com")
    expect(to).not_to_have_attribute("aria-invalid", "true")
    expect(panel).not_to_contain_text(invalid)
    panel.get_by_label(server_says("Subject"), exact=True).fill("Deal in negotiation")

    # A task for a user picked by name (searched, then chosen; no id typed).
    graph = page.get_by_role("region", name=said("editor:canvas.label"))
    add_after = said("editor:graph.addAfter", label="§").split("§")[0]
    graph.get_by_role("button", name=re.compile("^" + re.escape(add_after))).last.click()
    dialog.get_by_role("button", name=server_says("Create task"), exact=True).click()
    editing = said("editor:panel.title", label="§").split("§")[0]
    expect(panel.get_by_role("heading", name=re.compile(re.escape(editing)))).to_be_visible()
    panel.get_by_label(server_says("Title"), exact=True).fill("Prepare the contract")
    assignee_label = server_says("Assignee")
    search = said("pickers:user.search", label=assignee_label)
    panel.get_by_role("searchbox", name=search).fill(login.split(".")[0])
    assignee = panel.get_by_role("combobox", name=assignee_label, exact=True)
    assignee.select_option(label=f"{planner['name']} ({planner['email']})")
    snap(page, f"choices-{lang}-03-assignee-picker")

    page.get_by_role("button", name=said("editor:page.save")).click()
    saved_note = said("editor:save.saved", version=1)
    expect(page.get_by_role("status").filter(has_text=saved_note)).to_be_visible()
    workflow_id = int(re.search(r"/workflows/(\d+)/edit", page.url).group(1))  # type: ignore[union-attr]

    page.get_by_role("link", name=said("editor:save.viewWorkflow")).click()
    activate = said("workflows:actions.activate")
    page.get_by_role("button", name=activate, exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name=activate).click()
    deactivate = said("workflows:actions.deactivate")
    expect(page.get_by_role("button", name=deactivate, exact=True)).to_be_visible()
    snap(page, f"choices-{lang}-04-activated")

    saved = api_json(server, "GET", f"/workflows/{workflow_id}")
    assert saved["status"] == "active"
    assert saved["trigger_type"] == "deal_stage_changed"
    assert saved["trigger_config"] == {"to_stage": "negotiation"}, saved["trigger_config"]
    email, task = saved["actions"]
    assert (email["type"], email["config"]["to"]) == ("send_email", "jean.dupont@example.com")
    assert (task["type"], task["config"]["assignee"]) == ("create_task", planner["id"])
