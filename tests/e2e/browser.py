"""Debian's Chromium under Playwright, with console-error capture, sign-in and screenshots."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, expect

from tests.e2e.server import ROOT, LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
# The browser session the app signs in with (HttpOnly: only the test, never the page, reads it).
SESSION_COOKIE = "crmflow_session"
# put_token's mark of which token this tab already exchanged, so a reload keeps its session.
EXCHANGED_KEY = "crmflow.e2e.exchanged"
EXCHANGE_JS = """(token, key) => {
  if (!/^https?:$/.test(location.protocol) || window !== window.top) return;
  if (sessionStorage.getItem(key) === token) return;
  const request = new XMLHttpRequest();
  request.open("POST", "/api/v1/auth/session", false);
  request.setRequestHeader("Authorization", "Bearer " + token);
  request.send();
  if (request.status === 200) sessionStorage.setItem(key, token);
}"""
# A page is usable when `#main` shows a heading or a table and nothing in it is still loading: no
# aria-busy, no rendered `.loading` or `role=status` saying "Loading…" (the shared <Loading>);
# other status lines ("Refreshing every 3 s", visually hidden live regions) do not count.
READY_JS = """() => {
  const main = document.querySelector('#main');
  if (!main) return false;
  const shown = (el) => el.offsetWidth > 1 && el.offsetHeight > 1;
  const loading = (el) => el.getAttribute('aria-busy') === 'true' || (shown(el) &&
    (el.classList.contains('loading') || /^\\s*loading/i.test(el.textContent || '')));
  const marks = main.querySelectorAll('[role=status], [aria-busy], .loading');
  if ([...marks].some(loading)) return false;
  return [...main.querySelectorAll('h1, table')].some(shown);
}"""


# Every Content-Security-Policy violation of a page (any frame, any navigation) is reported to the
# test through an exposed function: the browser may not log them all as console errors, and a UI
# that needs the policy loosened must fail its tests.
CSP_BINDING = "__crmflowCspViolation"
CSP_LISTENER_JS = """document.addEventListener('securitypolicyviolation', (e) => {
  const where = `${e.sourceFile || document.location.href}:${e.lineNumber}`;
  const sample = e.sample ? ` (${e.sample})` : '';
  window.__crmflowCspViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${where}${sample}`);
}, true);"""


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch /usr/bin/chromium headless; fail with the install command when it is missing."""
    if not CHROMIUM.exists():
        raise AssertionError(
            f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (or `make "
            "chromium`); Playwright cannot download its own browsers here"
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


@dataclass
class ConsoleWatch:
    """Console errors and uncaught page errors seen on a page (a UI quality requirement)."""

    problems: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    # CSP violations: never excused by expect(); a test provoking one on purpose takes them.
    csp_violations: list[str] = field(default_factory=list)

    def expect(self, fragment: str) -> None:
        """Accept console errors containing `fragment` (e.g. a 401 the test provokes)."""
        self.expected.append(fragment)

    def unexpected(self) -> list[str]:
        """Return the problems no expect() call accounted for."""
        return [p for p in self.problems if not any(f in p for f in self.expected)]

    def take_csp_violations(self) -> list[str]:
        """Return the CSP violations seen so far and forget them."""
        taken, self.csp_violations[:] = list(self.csp_violations), []
        return taken

    def watch_csp(self, context: BrowserContext) -> None:
        """Record the CSP violations of every page of `context` (call before opening pages)."""

        def report(violation: str) -> None:
            self.csp_violations.append(violation)

        context.expose_function(CSP_BINDING, report)
        context.add_init_script(CSP_LISTENER_JS)

    def attach(self, page: Page) -> None:
        """Start recording the page's errors."""
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"pageerror: {exc}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.problems.append(f"console.error: {message.text} ({where})")


@contextmanager
def watched_page(
    browser: Browser,
    console: ConsoleWatch,
    viewport: dict[str, int] = VIEWPORT,
    locale: str | None = None,
) -> Iterator[Page]:
    """A page in a fresh context (a browser set to `locale`, e.g. "fr-FR", when given); on exit,
    fail if it logged a console or page error or broke the Content-Security-Policy."""
    context = browser.new_context(viewport=viewport, locale=locale)  # type: ignore[arg-type]
    context.set_default_timeout(10_000)
    console.watch_csp(context)
    page = context.new_page()
    console.attach(page)
    yield page
    context.close()
    problems = console.unexpected()
    assert problems == [], "the page reported errors:\n" + "\n".join(problems)
    violations = console.csp_violations
    assert violations == [], "the page broke the CSP:\n" + "\n".join(violations)


def put_token(page: Page, token: str) -> None:
    """Sign the page's browser in with `token` before any page script runs (no form).

    As the sign-in form does, the token is exchanged for a session cookie (POST
    /api/v1/auth/session); a synchronous request in an init script finishes before the app reads
    its cookies. Once per tab and token: reloads and later navigations keep that session.
    """
    page.add_init_script(f"({EXCHANGE_JS})({json.dumps(token)}, {json.dumps(EXCHANGED_KEY)});")


def stored_token(page: Page) -> str | None:
    """Return the session token the browser holds for the app (None: signed out)."""
    for cookie in page.context.cookies(page.url):
        if cookie.get("name") == SESSION_COOKIE:
            return str(cookie.get("value"))
    return None


def submit_token(page: Page, token: str) -> None:
    """Fill the sign-in form's API-token option and submit it (the form must be on screen)."""
    page.get_by_role("radio", name="API token").check()
    field = page.locator("input[type=password]").and_(page.get_by_label("API token", exact=True))
    field.fill(token)
    page.get_by_role("button", name="Sign in").click()


def sign_in_with_token(page: Page, server: LiveServer, path: str = "/", token: str = "") -> None:
    """Open `path` signed out and sign in through the form with `token` (default: the admin's)."""
    page.goto(server.base_url + path)
    expect(page.get_by_role("heading", name="Sign in to crmflow")).to_be_visible()
    submit_token(page, token or server.token)


def open_signed_in(page: Page, server: LiveServer, path: str) -> None:
    """Open `path` already signed in with the admin's token."""
    put_token(page, server.token)
    page.goto(server.base_url + path)


def wait_until_ready(page: Page, timeout_ms: float = 10_000) -> None:
    """Wait until the page shows its content (see READY_JS)."""
    page.wait_for_function(READY_JS, timeout=timeout_ms, polling="raf")


def snap(page: Page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/e2e/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def api_json(server: LiveServer, method: str, path: str, **kwargs: Any) -> Any:
    """Call the API as the admin and return the JSON body, asserting a 2xx."""
    response = server.api.request(method, path, **kwargs)
    assert response.is_success, (method, path, response.status_code, response.text)
    return response.json()
