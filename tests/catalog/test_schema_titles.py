"""Action schemas title their fields in sentence case ("Due date"), as the editor labels them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from crmflow.catalog.service import input_schema, output_schema
from crmflow.common.schema_titles import SentenceCaseTitles, sentence_case
from crmflow.engine.plugins import all_actions, get_action


def _titled_properties(schema: Any) -> list[tuple[str, str]]:
    """(field name, title) of every property at any depth ($defs, items, unions)."""
    found: list[tuple[str, str]] = []
    if isinstance(schema, dict):
        for name, prop in (schema.get("properties") or {}).items():
            if isinstance(prop, dict) and isinstance(prop.get("title"), str):
                found.append((name, prop["title"]))
        for value in schema.values():
            found += _titled_properties(value)
    elif isinstance(schema, list):
        for item in schema:
            found += _titled_properties(item)
    return found


def test_sentence_case_keeps_acronyms() -> None:
    assert sentence_case("due_date") == "Due date"
    assert sentence_case("html_body") == "HTML body"
    assert sentence_case("notification_ids") == "Notification IDs"
    assert sentence_case("url") == "URL"
    assert sentence_case("related_to_trigger") == "Related to trigger"


def test_no_builtin_action_field_is_title_cased() -> None:
    titled = [
        (name, title)
        for action in all_actions()
        for schema in (input_schema(action), output_schema(action))
        for name, title in _titled_properties(schema)
    ]
    assert len(titled) > 50, "the schemas title their fields"
    pydantic_titles = [t for n, t in titled if " " in t and t == n.title().replace("_", " ")]
    assert pydantic_titles == []
    automatic = [(n, t) for n, t in titled if t.lower() == n.replace("_", " ").lower()]
    assert [(n, t) for n, t in automatic if t != sentence_case(n)] == []
    task = get_action("create_task")
    assert task is not None
    assert input_schema(task)["properties"]["due_date"]["title"] == "Due date"


def test_a_title_of_its_own_is_kept() -> None:
    class Config(BaseModel):
        due_date: str = Field(title="When it is due")
        close_date: str

    schema = Config.model_json_schema(schema_generator=SentenceCaseTitles)
    assert schema["title"] == "Config"
    assert schema["properties"]["due_date"]["title"] == "When it is due"
    assert schema["properties"]["close_date"]["title"] == "Close date"
