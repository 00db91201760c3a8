"""The editor schema and the action catalog speak the request's language; only texts change."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crmflow.catalog.service import builtin_entry
from crmflow.common.i18n import accepted_language
from crmflow.common.i18n_editor import FRENCH, SCHEMA_TEXT_KEYS, translate_schema
from crmflow.engine.plugins import all_actions, get_action
from crmflow.workflows.editor_schema import EDITOR_TEXT_KEYS, editor_schema
from tests.conftest import Tenant

EDITOR = "/api/v1/workflows/editor-schema"
CATALOG = "/api/v1/workflow/action-catalog"
# A JSON Schema's title that names a Pydantic model (`CreateTaskConfig`): never shown as a label.
MODEL_NAME = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z]+)+$")
# Words people should not read in these texts: field names, HTTP words, code marks.
DEVELOPER_WORDS = re.compile(
    r"`|\bPOST /|\bISO 8601\b|\b5xx\b|Idempotency-Key|resume_at|on_reject|_id\b|\bnull\b"
)


def _texts(data: Any, keys: frozenset[str], skip: frozenset[str] = frozenset()) -> list[str]:
    """Every string under `keys` in `data` (not inside `skip` keys)."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in skip:
                continue
            if key in keys and isinstance(value, str):
                found.append(value)
            else:
                found += _texts(value, keys, skip)
    elif isinstance(data, list):
        for item in data:
            found += _texts(item, keys, skip)
    return found


def _english_texts() -> list[str]:
    """What people read in the editor schema and the built-in catalog, in English."""
    texts = _texts(
        editor_schema().model_dump(mode="json"), EDITOR_TEXT_KEYS, frozenset({"options"})
    )
    data_keys = frozenset({"default", "examples", "example", "const", "enum"})
    for action in all_actions():
        entry = builtin_entry(action)
        texts += [entry["name"], entry["description"]]
        for schema in (entry["input_schema"], entry["output_schema"]):
            texts += _texts(schema, SCHEMA_TEXT_KEYS, data_keys)
    return [text for text in texts if not MODEL_NAME.match(text)]


def test_every_text_people_read_has_its_french() -> None:
    missing = sorted({text for text in _english_texts() if text not in FRENCH})
    assert missing == []


def test_the_french_catalogue_holds_no_stale_text() -> None:
    served = set(_english_texts())
    assert sorted(set(FRENCH) - served) == []


def test_descriptions_are_plain_words() -> None:
    # Action names and descriptions, trigger and step descriptions: no developer's words.
    texts = [t for t in _english_texts() if len(t.split()) > 3]
    assert [t for t in texts if DEVELOPER_WORDS.search(t)] == []
    assert [t for t in FRENCH.values() if "`" in t] == []


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr", "fr"),
        ("fr-FR,fr;q=0.9,en;q=0.8", "fr"),
        ("de-DE, fr;q=0.5, en;q=0.7", "en"),
        ("de, FR-ca;q=0.3", "fr"),
        ("fr;q=0, en;q=0.1", "en"),
        ("fr;q=oops", None),
        ("de", None),
        ("", None),
        (None, None),
    ],
)
def test_the_first_supported_language_wins(header: str | None, language: str | None) -> None:
    assert accepted_language(header) == language


def _shape(data: Any, keys: frozenset[str]) -> Any:
    """`data` with its people's texts blanked out: what must not change with the language."""
    if isinstance(data, dict):
        return {
            k: "" if k in keys and isinstance(v, str) else _shape(v, keys) for k, v in data.items()
        }
    if isinstance(data, list):
        return [_shape(item, keys) for item in data]
    return data


def test_the_editor_schema_in_french(client: TestClient, tenant: Tenant) -> None:
    english = client.get(EDITOR, headers=tenant.headers("viewer")).json()
    french = client.get(EDITOR, headers={**tenant.headers("viewer"), "Accept-Language": "fr"})
    assert french.status_code == 200, french.text
    body = french.json()
    triggers = {t["type"]: t for t in body["triggers"]}
    assert triggers["deal_stage_changed"]["label"] == "Étape d'affaire changée"
    assert triggers["manual"]["description"] == "Quelqu'un lance le workflow à la main."
    operators = {o["value"]: o["label"] for o in body["operators"]}
    assert operators["=="] == "est égal à"
    deal = {f["path"]: f for f in body["entities"]["deal"]}
    assert deal["deal.owner.manager.email"]["group"] == "Manager du responsable de l'affaire"
    assert body["step_types"][0]["label"] == "Condition (si / sinon)"
    # Types, paths, options and defaults are the same in both languages.
    assert _shape(body, EDITOR_TEXT_KEYS) == _shape(english, EDITOR_TEXT_KEYS)
    # English when the header asks for a language crmflow does not speak.
    german = client.get(EDITOR, headers={**tenant.headers("viewer"), "Accept-Language": "de"})
    assert german.json() == english


def test_the_action_catalog_in_french(client: TestClient, tenant: Tenant) -> None:
    headers = {**tenant.headers(), "Accept-Language": "fr-FR,fr;q=0.9"}
    entry = client.get(f"{CATALOG}/create_task", headers=headers).json()
    assert entry["name"] == "Créer une tâche"
    assert entry["description"].startswith("Crée une tâche")
    due = entry["input_schema"]["properties"]["due_date"]
    assert due["title"] == "Échéance" and "pas d'échéance" in due["description"]
    english = client.get(f"{CATALOG}/create_task", headers=tenant.headers()).json()
    assert _shape(entry, SCHEMA_TEXT_KEYS | {"name"}) == _shape(
        english, SCHEMA_TEXT_KEYS | {"name"}
    )
    assert english["name"] == "Create task"
    # The list speaks French too, and finds an action by its French words.
    found = client.get(CATALOG, params={"search": "affaire"}, headers=headers).json()
    assert "Créer une affaire" in [i["name"] for i in found["items"]]
    assert (
        client.get(CATALOG, params={"search": "affaire"}, headers=tenant.headers()).json()["total"]
        == 0
    )


def test_a_custom_entry_keeps_its_authors_words(client: TestClient, tenant: Tenant) -> None:
    body = {
        "name": "Owner",
        "action_type": "erp_sync",
        "description": "Deal created",
        "input_schema": {"type": "object", "properties": {"x": {"title": "Amount"}}},
        "config": {"url": "https://erp.example.com/hook"},
    }
    created = client.post(CATALOG, json=body, headers=tenant.headers())
    assert created.status_code == 201, created.text
    headers = {**tenant.headers(), "Accept-Language": "fr"}
    entry = client.get(f"{CATALOG}/erp_sync", headers=headers).json()
    assert (entry["name"], entry["description"]) == ("Owner", "Deal created")
    assert entry["input_schema"]["properties"]["x"]["title"] == "Amount"


def test_schema_data_is_never_translated() -> None:
    schema = {
        "title": "Stage",
        "properties": {
            "description": {"title": "Description", "default": "Owner", "enum": ["Owner"]},
        },
        "examples": [{"title": "Stage"}],
    }
    assert translate_schema("fr", schema) == {
        "title": "Étape",
        "properties": {
            "description": {"title": "Description", "default": "Owner", "enum": ["Owner"]},
        },
        "examples": [{"title": "Stage"}],
    }
    action = get_action("create_task")
    assert action is not None
    assert builtin_entry(action, "en")["name"] == "Create task"
