"""The main pages on a 390 px phone and at 1366 px, on demo data, in English and in French,
screenshotted at both widths in both languages.

At 390 px: no sideways scroll, the navigation behind a Menu button, header actions within reach,
tables as cards, the step panel as a bottom sheet; at 1366 px the desktop layout is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.browser import ConsoleWatch, watched_page
from tests.e2e.main_pages import (
    DESKTOP,
    LANGUAGE_KEY,
    LANGUAGES,
    PAGES,
    PHONE,
    Demo,
    open_page,
    screenshot,
    start_demo,
)

OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The elements wider than the window, named, for a failure message that says what to fix.
WIDE_JS = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
    .slice(0, 8)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} right=${
      Math.round(el.getBoundingClientRect().right)}`);
}"""
# What the checks look for, named as each language names it.
SIGN_OUT = {"en": "Sign out", "fr": "Se déconnecter"}
MAIN_NAV = {"en": "Main", "fr": "Principale"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo server for this module."""
    started = start_demo(tmp_path_factory.mktemp("responsive"))
    yield started
    started.server.stop()


@pytest.fixture()
def phone(browser: Browser, console: ConsoleWatch) -> Iterator[Page]:
    """A 390 x 844 page; the test fails on any console or page error."""
    with watched_page(browser, console, PHONE) as page:
        yield page


@pytest.fixture()
def desktop(browser: Browser, console: ConsoleWatch) -> Iterator[Page]:
    """A 1366 x 900 page; the test fails on any console or page error."""
    with watched_page(browser, console, DESKTOP) as page:
        yield page


def assert_no_sideways_scroll(page: Page, where: str) -> None:
    """The document is no wider than the window."""
    overflow = page.evaluate(OVERFLOW_JS)
    wide = page.evaluate(WIDE_JS) if overflow > 0 else []
    assert overflow <= 0, f"{where} scrolls sideways by {overflow} px; too wide: {wide}"


def assert_within_window(page: Page, element: Locator, what: str) -> None:
    """`element` is visible and wholly inside the window (no sideways scroll to reach it)."""
    expect(element).to_be_visible()
    box = element.bounding_box()
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (what, box)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_a_phone(phone: Page, demo: Demo, name: str, lang: str) -> None:
    open_page(phone, demo, name, lang)
    expect(phone.locator("#main").get_by_role("heading", level=1).first).to_be_visible()
    screenshot(phone, name, PHONE["width"], lang)
    assert_no_sideways_scroll(phone, f"{demo.path(name)} ({lang})")
    # The bell and sign-out stay in the bar, inside the window.
    sign_out = phone.get_by_role("button", name=SIGN_OUT[lang])
    assert_within_window(phone, sign_out, SIGN_OUT[lang])
    bell = phone.get_by_role("button", name=re.compile("^Notifications"))
    assert_within_window(phone, bell, "the bell")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_page_at_1366_keeps_the_desktop_layout(
    desktop: Page, demo: Demo, name: str, lang: str
) -> None:
    open_page(desktop, demo, name, lang)
    screenshot(desktop, name, DESKTOP["width"], lang)
    assert_no_sideways_scroll(desktop, f"{demo.path(name)} ({lang})")
    nav = desktop.get_by_role("navigation", name=MAIN_NAV[lang])
    expect(nav.get_by_role("link", name="Workflows")).to_be_visible()
    expect(desktop.get_by_role("button", name="Menu")).to_be_hidden()
    for table in desktop.locator("#main table.stack-table").all():
        assert table.evaluate("(t) => getComputedStyle(t).display") == "table"
        expect(table.locator("thead th").first).to_be_visible()


SIGN_IN = {"en": ("Sign in to crmflow", "Sign in"), "fr": ("Connexion à crmflow", "Se connecter")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_page_fits_both_widths(
    browser: Browser, console: ConsoleWatch, demo: Demo, lang: str
) -> None:
    heading, submit = SIGN_IN[lang]
    for viewport in (PHONE, DESKTOP):
        with watched_page(browser, console, viewport) as page:
            page.add_init_script(f"localStorage.setItem({LANGUAGE_KEY!r}, {lang!r});")
            page.goto(demo.server.base_url + "/")
            expect(page.get_by_role("heading", name=heading)).to_be_visible()
            screenshot(page, "sign-in", viewport["width"], lang)
            assert_no_sideways_scroll(page, f"sign-in at {viewport['width']} px ({lang})")
            assert_within_window(page, page.get_by_role("button", name=submit, exact=True), submit)


def test_menu_button_opens_the_navigation_and_escape_closes_it(phone: Page, demo: Demo) -> None:
    open_page(phone, demo, "workflows")
    menu = phone.get_by_role("button", name="Menu")
    nav = phone.get_by_role("navigation", name="Main")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Operations")).to_be_hidden()
    assert_within_window(phone, phone.get_by_role("link", name="New workflow"), "New workflow")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    for link in ("Workflows", "Blueprints", "All runs", "Operations", "Approvals", "Secrets"):
        assert_within_window(phone, nav.get_by_role("link", name=link), link)
    screenshot(phone, "menu-open", PHONE["width"], "en")
    phone.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Operations")).to_be_hidden()
    expect(menu).to_be_focused()

    # Following a link opens its page and folds the menu away.
    menu.click()
    nav.get_by_role("link", name="All runs").click()
    expect(phone.get_by_role("heading", name="All runs", level=1)).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Operations")).to_be_hidden()


def test_tables_become_cards_with_their_column_names(phone: Page, demo: Demo) -> None:
    open_page(phone, demo, "workflows")
    table = phone.locator("#main table.stack-table")
    row = table.locator("tbody tr").first
    assert row.evaluate("(r) => getComputedStyle(r).display") == "block"
    expect(table.locator("thead")).not_to_be_in_viewport()
    status = row.locator("td[data-label=Status]")
    label = status.evaluate("(td) => getComputedStyle(td, '::before').content")
    assert label == '"Status"', label
    assert_within_window(phone, status, "a card's status cell")


def test_run_now_is_reachable_on_a_phone(phone: Page, demo: Demo) -> None:
    open_page(phone, demo, "workflow-details")
    assert_within_window(phone, phone.get_by_role("button", name="Run now"), "Run now")


def test_step_panel_opens_as_a_bottom_sheet(phone: Page, demo: Demo) -> None:
    open_page(phone, demo, "workflow-editor")
    phone.get_by_role("tab", name=re.compile("Steps")).click()
    graph = phone.get_by_role("region", name="Workflow steps graph")
    canvas = phone.locator(".flow-canvas")
    canvas_box = canvas.bounding_box()
    assert canvas_box is not None and canvas_box["height"] >= 360, canvas_box
    assert canvas_box["width"] <= PHONE["width"], canvas_box
    graph.get_by_role("button", name=re.compile("^Edit step")).first.click()
    close = phone.get_by_role("button", name="Close step panel")
    expect(close).to_be_visible()
    sheet = phone.locator("aside.step-panel")
    assert sheet.evaluate("(el) => getComputedStyle(el).position") == "fixed"
    box = sheet.bounding_box()
    assert box is not None, "no step panel"
    assert abs(box["y"] + box["height"] - PHONE["height"]) <= 1, box  # sits on the bottom edge
    assert box["x"] == 0 and box["width"] == PHONE["width"], box
    assert box["height"] <= PHONE["height"] * 0.6 + 1, box  # the canvas stays in sight above it
    assert_within_window(phone, close, "Close step panel")
    screenshot(phone, "workflow-editor-step", PHONE["width"], "en")
    assert_no_sideways_scroll(phone, "the editor with the step panel open")
    close.click()
    expect(sheet).to_have_count(0)
