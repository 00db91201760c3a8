"""The main pages of the UI on a demo server, for the responsive and accessibility browser tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page

from tests.e2e.browser import api_json, open_signed_in, wait_until_ready
from tests.e2e.server import ROOT, LiveServer, start_server

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# The interface's languages; a page is opened in one by setting this browser's choice first.
LANGUAGES = ("en", "fr")
LANGUAGE_KEY = "crmflow.language"

# Every main page: its name (used in screenshot names) and path; {w} is a workflow that has runs,
# {x} one of its runs.
PAGES = {
    "workflows": "/workflows",
    "workflow-details": "/workflows/{w}",
    "workflow-executions": "/workflows/{w}?tab=executions",
    "workflow-statistics": "/workflows/{w}?tab=statistics",
    "workflow-slas": "/workflows/{w}?tab=slas",
    "workflow-versions": "/workflows/{w}?tab=versions",
    "workflow-editor": "/workflows/{w}/edit",
    "runs": "/runs",
    "execution": "/workflows/{w}/executions/{x}",
    "approvals": "/approvals",
    "operations": "/operations",
    "secrets": "/secrets",
    "suggestions": "/suggestions",
    "blueprints": "/blueprints",
}


@dataclass
class Demo:
    """A started demo server and the ids its pages are opened on."""

    server: LiveServer
    workflow_id: int
    execution_id: int

    def path(self, name: str) -> str:
        """The path of the page called `name` in PAGES."""
        return PAGES[name].format(w=self.workflow_id, x=self.execution_id)


def start_demo(workdir: Path) -> Demo:
    """Start `crmflow serve --demo` and add a secret: every main page has something to show."""
    # Loading the demo (a month of runs, mined) takes a minute or more on a busy machine.
    key = {"CRMFLOW_SECRET_KEY": "e2e-" + "k" * 40}
    server = start_server(workdir, demo=True, env=key, startup_timeout=240)
    try:
        runs = api_json(server, "GET", "/executions", params={"size": 1})
        assert runs["items"], "the demo data has no runs"
        execution = runs["items"][0]
        secret = {"name": "ERP_TOKEN", "value": "s3cret", "description": "The ERP webhook's token"}
        api_json(server, "POST", "/secrets", json=secret)
    except BaseException:
        server.stop()
        raise
    return Demo(server, int(execution["workflow_id"]), int(execution["id"]))


def open_page(page: Page, demo: Demo, name: str, lang: str = "en") -> None:
    """Open the page called `name` in `lang`, signed in as the admin, and wait for its content."""
    # This browser's choice decides while the admin has no saved language (the demo's has none).
    page.add_init_script(f"localStorage.setItem({LANGUAGE_KEY!r}, {lang!r});")
    open_signed_in(page, demo.server, demo.path(name))
    wait_until_ready(page, timeout_ms=20_000)
    page.wait_for_load_state("networkidle")
    shown = page.evaluate("document.documentElement.lang")
    assert shown == lang, f"{demo.path(name)} is in {shown!r}, not {lang!r}"


def screenshot(page: Page, name: str, width: int, lang: str) -> Path:
    """Save a full-page screenshot as test-artifacts/screenshots/<name>-<lang>-<width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{lang}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
