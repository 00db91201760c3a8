"""The Content-Security-Policy in Chromium: the watch sees violations, the docs pages pass theirs.

Every browser test fails on a CSP violation (tests/e2e/browser.py, watched_page); this file
checks that the watch works and that /docs and /redoc run under their own policy. The machine has
no internet: the CDN files are answered by stand-ins that do what the real ones need the policy
for (the docs' inline bootstrap script, a blob: worker and <style> elements for ReDoc).
"""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect

from tests.e2e.browser import ConsoleWatch, open_signed_in, wait_until_ready
from tests.e2e.server import LiveServer

SWAGGER_STAND_IN = """
window.SwaggerUIBundle = function (config) {
  document.querySelector(config.dom_id).textContent = 'swagger stand-in for ' + config.url;
  return {};
};
window.SwaggerUIBundle.presets = {apis: {}};
window.SwaggerUIBundle.SwaggerUIStandalonePreset = {};
"""
# What ReDoc's bundle does that a policy can forbid: a search worker from a blob: URL and
# styles written into <style> elements (styled-components).
REDOC_STAND_IN = """
const style = document.createElement('style');
style.textContent = 'redoc { display: block; color: rgb(1, 2, 3); }';
document.head.append(style);
const worker = new Worker(URL.createObjectURL(new Blob(['postMessage("indexed")'])));
worker.onmessage = (event) => {
  document.querySelector('redoc').textContent = 'redoc stand-in ' + event.data;
};
"""


def _serve_cdn(page: Page) -> list[str]:
    """Answer the docs pages' third-party requests locally; return the URLs asked for."""
    asked: list[str] = []

    def answer(route: Route) -> None:
        url = route.request.url
        asked.append(url)
        if url.endswith("swagger-ui-bundle.js"):
            route.fulfill(body=SWAGGER_STAND_IN, content_type="text/javascript")
        elif url.endswith("redoc.standalone.js"):
            route.fulfill(body=REDOC_STAND_IN, content_type="text/javascript")
        elif ".css" in url or "fonts.googleapis.com" in url:
            route.fulfill(body="body { margin: 0; }", content_type="text/css")
        else:  # the favicon
            route.fulfill(body=b"", content_type="image/png")

    for host in ("cdn.jsdelivr.net", "fonts.googleapis.com", "fastapi.tiangolo.com"):
        page.route(f"https://{host}/**", answer)
    return asked


def _violations(page: Page, console: ConsoleWatch) -> list[str]:
    """Wait (up to 5 s) for the violation report that the last action provokes; take them."""
    for _ in range(100):
        if console.csp_violations:
            break
        page.wait_for_timeout(50)  # lets Playwright deliver the page's binding calls
    return console.take_csp_violations()


def test_the_watch_reports_an_inline_script_the_policy_blocks(
    page: Page, server: LiveServer, console: ConsoleWatch
) -> None:
    console.expect("Content Security Policy")  # Chromium also logs the refusal
    open_signed_in(page, server, "/workflows")
    wait_until_ready(page)
    assert console.csp_violations == []
    page.evaluate(
        """() => {
          const script = document.createElement('script');
          script.textContent = 'window.injected = true';
          document.body.append(script);
        }"""
    )
    violations = _violations(page, console)
    assert page.evaluate("window.injected") is None
    assert len(violations) == 1 and violations[0].startswith("script-src-elem blocked inline")


def test_swagger_docs_run_their_inline_script_under_their_policy(
    page: Page, server: LiveServer, console: ConsoleWatch
) -> None:
    asked = _serve_cdn(page)
    page.goto(server.base_url + "/docs")
    expect(page.locator("#swagger-ui")).to_have_text("swagger stand-in for /openapi.json")
    assert any(url.endswith("swagger-ui-bundle.js") for url in asked), asked
    assert any(url.endswith("swagger-ui.css") for url in asked), asked
    assert console.csp_violations == []


def test_redoc_gets_its_worker_and_styles_under_its_policy(
    page: Page, server: LiveServer, console: ConsoleWatch
) -> None:
    _serve_cdn(page)
    page.goto(server.base_url + "/redoc")
    expect(page.locator("redoc")).to_have_text("redoc stand-in indexed")
    assert page.evaluate("getComputedStyle(document.querySelector('redoc')).color") == (
        "rgb(1, 2, 3)"
    )
    assert console.csp_violations == []


def test_the_app_policy_refuses_what_the_docs_policy_allows(
    page: Page, server: LiveServer, console: ConsoleWatch
) -> None:
    # The UI's pages must not load the CDN scripts the docs may: same stand-in, other page.
    console.expect("Content Security Policy")
    _serve_cdn(page)
    open_signed_in(page, server, "/workflows")
    wait_until_ready(page)
    page.evaluate(
        """() => {
          const script = document.createElement('script');
          script.src = 'https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js';
          document.head.append(script);
        }"""
    )
    violations = _violations(page, console)
    assert [v.split(" at ")[0] for v in violations] == [
        "script-src-elem blocked https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"
    ]
    assert page.evaluate("typeof window.SwaggerUIBundle") == "undefined"
