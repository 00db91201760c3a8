"""The interface in French: chosen in the header, saved on the user, back to English."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.browser import api_json, sign_in_with_token
from tests.e2e.server import LiveServer


def wait_for_saved_locale(server: LiveServer, locale: str | None, timeout_s: float = 5.0) -> None:
    """Wait until GET /users/me says the admin's language is `locale` (saved in the background)."""
    deadline = time.monotonic() + timeout_s
    while (saved := api_json(server, "GET", "/users/me")["locale"]) != locale:
        assert time.monotonic() < deadline, f"locale is {saved!r}, expected {locale!r}"
        time.sleep(0.1)


def nav_link(page: Page, nav: str, link: str) -> Locator:
    """The link `link` of the main navigation, itself named `nav` in the current language."""
    return page.get_by_role("navigation", name=nav).get_by_role("link", name=link)


def choose_language(page: Page, account: str, label: str, language: str) -> None:
    """Open the account panel (its button named `account` in the current language) and pick."""
    page.get_by_role("button", name=re.compile(f"^{account}")).click()
    page.get_by_label(label).select_option(language)


@pytest.fixture()
def admin_locale_reset(server: LiveServer) -> Iterator[None]:
    """The server is shared by the package's tests: leave the admin following the browser again."""
    yield
    api_json(server, "PATCH", "/users/me/preferences", json={"locale": None})


@pytest.mark.usefixtures("admin_locale_reset")
def test_french_chosen_in_the_header_is_saved_on_the_user(page: Page, server: LiveServer) -> None:
    sign_in_with_token(page, server, path="/approvals")
    expect(nav_link(page, "Main", "Approvals")).to_be_visible()

    choose_language(page, "Account: ", "Language", "fr")
    expect(nav_link(page, "Principale", "Approbations")).to_be_visible()
    expect(nav_link(page, "Principale", "Toutes les exécutions")).to_be_visible()
    expect(page.get_by_role("heading", name="Approbations", level=1)).to_be_visible()
    expect(page.get_by_label("Afficher")).to_have_value("mine")
    expect(page.get_by_label("Afficher")).to_contain_text("En attente de ma décision")
    expect(page.get_by_role("button", name="Se déconnecter", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "fr"
    wait_for_saved_locale(server, "fr")

    # Forget this browser's choice: after a reload the French comes from the user's saved locale.
    page.evaluate("localStorage.removeItem('crmflow.language')")
    page.reload()
    expect(nav_link(page, "Principale", "Approbations")).to_be_visible()
    expect(page.get_by_role("heading", name="Approbations", level=1)).to_be_visible()

    choose_language(page, "Compte : ", "Langue", "en")
    expect(nav_link(page, "Main", "Approvals")).to_be_visible()
    expect(page.get_by_role("heading", name="Approvals", level=1)).to_be_visible()
    wait_for_saved_locale(server, "en")


@pytest.mark.usefixtures("admin_locale_reset")
def test_the_language_select_is_reachable_on_a_phone(page: Page, server: LiveServer) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in_with_token(page, server, path="/approvals")
    choose_language(page, "Account: ", "Language", "fr")
    expect(page.get_by_role("button", name="Se déconnecter partout")).to_be_visible()
    expect(page.get_by_role("heading", name="Approbations", level=1)).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    wait_for_saved_locale(server, "fr")
