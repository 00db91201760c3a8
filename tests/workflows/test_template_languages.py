"""The seed's templates in French (the original) and English: same workflow, other words."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from crmflow.workflows.templates import BUILTIN_TEMPLATES, builtin_template
from tests.conftest import Tenant

TEXT_KEYS = {"name", "description", "subject", "body", "title", "message"}
LIST = "/api/v1/workflows/templates/list"


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        return {
            k: v for key, sub in value.items() for k, v in _leaves(sub, f"{path}/{key}").items()
        }
    if isinstance(value, list):
        return {k: v for i, sub in enumerate(value) for k, v in _leaves(sub, f"{path}/{i}").items()}
    return {path: value}


@pytest.mark.parametrize("slug", sorted(BUILTIN_TEMPLATES))
def test_the_english_template_differs_only_in_its_words(slug: str) -> None:
    french, english = _leaves(builtin_template(slug, "fr")), _leaves(builtin_template(slug, "en"))
    assert french.keys() == english.keys()
    changed = {path for path in french if french[path] != english[path]}
    assert changed, "nothing was translated"
    assert {path.rsplit("/", 1)[1] for path in changed} <= TEXT_KEYS
    # Every text field was translated, and each keeps the template variables it used.
    for path in changed:
        assert sorted(_variables(french[path])) == sorted(_variables(english[path])), path
    untranslated = {
        p for p in french if p.rsplit("/", 1)[1] in TEXT_KEYS and french[p] == english[p]
    }
    assert untranslated == set()


def _variables(text: str) -> list[str]:
    return [part.split("}}", 1)[0].strip() for part in text.split("{{")[1:]]


def test_the_list_and_creation_speak_the_language_asked(client: TestClient, tenant: Tenant) -> None:
    headers = tenant.headers()
    french = {t["id"]: t["name"] for t in client.get(LIST, headers=headers).json()}
    english = {
        t["id"]: t["name"]
        for t in client.get(LIST, params={"language": "en"}, headers=headers).json()
    }
    assert french["alerte-manager-deal-50k"] == "Alerte manager deal > 50k€"
    assert english["alerte-manager-deal-50k"] == "Alert the manager: deal > €50k"
    created = client.post(
        "/api/v1/workflows/templates/relance-deal-inactif/create",
        params={"language": "en"},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "Follow up an inactive deal (30 days)"
    assert body["actions"][1]["config"]["title"].startswith("Follow up with the customer")
    assert body["trigger_type"] == "inactivity_delay" and body["status"] == "draft"


def test_an_unknown_language_is_refused_naming_the_parameter(
    client: TestClient, tenant: Tenant
) -> None:
    response = client.get(LIST, params={"language": "de"}, headers=tenant.headers())
    assert response.status_code == 422
    assert "language" in response.text
