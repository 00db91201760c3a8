"""axe-core on every main page (demo data) and sign-in, in English and in French, on a desktop and
a phone: no serious or critical violation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import ConsoleWatch, watched_page
from tests.e2e.main_pages import LANGUAGES, PAGES, PHONE, Demo, open_page, start_demo
from tests.e2e.server import ROOT

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Runs axe on the whole document; returns the serious and critical violations, each with what to
# read to fix it (id, help, the first targets and why the first one fails).
RUN_AXE_JS = """async (blocking) => {
  const result = await window.axe.run(document, { resultTypes: ['violations'] });
  return result.violations
    .filter((v) => blocking.includes(v.impact))
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                   targets: v.nodes.slice(0, 8).map((n) => n.target.join(' ')),
                   why: v.nodes[0].failureSummary }));
}"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """A demo server for this module."""
    started = start_demo(tmp_path_factory.mktemp("a11y"))
    yield started
    started.server.stop()


def with_axe(page: Page) -> None:
    """Load axe-core into every document the page opens."""
    # An init script: the page's CSP allows no inline script, and this one is not subject to it.
    assert AXE.is_file(), f"{AXE} is missing: run `cd web && npm ci`"
    page.add_init_script(path=str(AXE))


def blocking_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical axe violations of the page as it is now."""
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE_JS, list(BLOCKING))
    return found


def report(violations: list[dict[str, Any]]) -> str:
    """One paragraph per violation: id, impact, help, targets and why the first one fails."""
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    "
        + "\n    ".join(v["targets"])
        + f"\n    first: {v['why']}"
        for v in violations
    )


DESKTOP_1280 = {"width": 1280, "height": 900}
WIDTHS = {"1280": DESKTOP_1280, "390": PHONE}


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
def test_main_page_has_no_serious_accessibility_violation(
    browser: Browser, console: ConsoleWatch, demo: Demo, name: str, lang: str, width: str
) -> None:
    with watched_page(browser, console, WIDTHS[width]) as page:
        with_axe(page)
        open_page(page, demo, name, lang)
        violations = blocking_violations(page)
    assert violations == [], f"{demo.path(name)} ({lang}, {width} px):\n{report(violations)}"


def test_sign_in_page_has_no_serious_accessibility_violation(page: Page, demo: Demo) -> None:
    with_axe(page)
    page.goto(demo.server.base_url + "/")
    expect(page.get_by_role("heading", name="Sign in to crmflow")).to_be_visible()
    violations = blocking_violations(page)
    assert violations == [], f"sign-in:\n{report(violations)}"


def test_open_panels_have_no_serious_accessibility_violation(page: Page, demo: Demo) -> None:
    """What opens over a page: the notification panel, and the editor's step panel."""
    with_axe(page)
    open_page(page, demo, "workflow-editor")
    page.get_by_role("tab", name="Steps").click()
    graph = page.get_by_role("region", name="Workflow steps graph")
    graph.get_by_role("button", name="Edit step").first.click()
    expect(page.get_by_role("button", name="Close step panel")).to_be_visible()
    violations = blocking_violations(page)
    assert violations == [], f"editor with a step open:\n{report(violations)}"
    page.get_by_role("button", name="Notifications").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    violations = blocking_violations(page)
    assert violations == [], f"notification panel:\n{report(violations)}"
