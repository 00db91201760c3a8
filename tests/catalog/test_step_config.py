"""validate_step_config: a literal config against a JSON Schema, errors naming the nested path."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.catalog.service import get_custom_entry, validate_step_config
from crmflow.engine.errors import DefinitionError
from tests.catalog.test_catalog_api import URL, WEBHOOK
from tests.conftest import Tenant

ORDER: dict[str, Any] = {
    "type": "object",
    "properties": {
        "amount": {"type": "number", "minimum": 0},
        "currency": {"enum": ["EUR", "USD"]},
        "lines": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}},
                "required": ["sku", "qty"],
                "additionalProperties": False,
            },
        },
        "customer": {"$ref": "#/$defs/customer"},
    },
    "required": ["amount", "lines"],
    "additionalProperties": False,
    "$defs": {"customer": {"type": "object", "properties": {"email": {"type": "string"}}}},
}
GOOD = {"amount": 10, "currency": "EUR", "lines": [{"sku": "A", "qty": 1}]}
PATH = "actions[2].config"


def _error(config: Any, schema: dict[str, Any] = ORDER) -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        validate_step_config("erp_order", config, PATH, schema=schema)
    return info.value


def test_a_valid_config_passes() -> None:
    validate_step_config("erp_order", GOOD, PATH, schema=ORDER)


@pytest.mark.parametrize(
    ("config", "path", "message"),
    [
        ({**GOOD, "amount": "ten"}, "actions[2].config.amount", "is not of type 'number'"),
        ({**GOOD, "amount": -1}, "actions[2].config.amount", "less than the minimum"),
        ({**GOOD, "currency": "GBP"}, "actions[2].config.currency", "is not one of"),
        ({"lines": GOOD["lines"]}, "actions[2].config.amount", "field required"),
        ({**GOOD, "colour": "red"}, "actions[2].config.colour", "unknown field"),
        ({**GOOD, "lines": []}, "actions[2].config.lines", "should be non-empty"),
        (
            {**GOOD, "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 1.5}]},
            "actions[2].config.lines[1].qty",
            "is not of type 'integer'",
        ),
        ({**GOOD, "lines": [{"sku": "A"}]}, "actions[2].config.lines[0].qty", "field required"),
        ({**GOOD, "customer": {"email": 5}}, "actions[2].config.customer.email", "not of type"),
        ("not an object", "actions[2].config", "is not of type 'object'"),
    ],
)
def test_the_error_names_the_bad_value(config: Any, path: str, message: str) -> None:
    error = _error(config)
    assert error.path == path
    assert message in error.message
    assert str(error).startswith(f"{path}: ")


def test_templates_are_left_to_run_time() -> None:
    validate_step_config("erp_order", {**GOOD, "amount": "{{ deal.amount }}"}, PATH, schema=ORDER)
    lines = [{"sku": "{{ deal.title }}", "qty": "{{ deal.quantity }}"}]
    validate_step_config("erp_order", {**GOOD, "lines": lines}, PATH, schema=ORDER)
    # A template does not excuse what is known now: missing keys, unknown keys, literals.
    assert _error({"amount": "{{ deal.amount }}", "lines": "{{ x }}", "oops": 1}).path == (
        "actions[2].config.oops"
    )
    assert _error({"amount": "{{ deal.amount }}"}).path == "actions[2].config.lines"
    bad = {**GOOD, "amount": "{{ deal.amount }}", "currency": "GBP"}
    assert _error(bad).path == "actions[2].config.currency"


def test_builtin_schemas_are_the_default() -> None:
    validate_step_config("create_task", {"title": "Call", "priority": "high"}, PATH)
    assert _error_builtin({"title": "Call", "priority": "asap"}).path == (
        "actions[2].config.priority"
    )
    assert _error_builtin({"priority": "low"}).path == "actions[2].config.title"
    assert _error_builtin({"title": "x", "oops": 1}).path == "actions[2].config.oops"
    with pytest.raises(DefinitionError, match="unknown action type"):
        validate_step_config("erp_order", GOOD, PATH)


def _error_builtin(config: dict[str, Any]) -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        validate_step_config("create_task", config, PATH)
    return info.value


def test_get_custom_entry_is_per_company(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, session: Session
) -> None:
    assert client.post(URL, json=WEBHOOK, headers=tenant.headers()).status_code == 201
    entry = get_custom_entry(session, tenant.company_id, "erp_sync")
    assert entry is not None and entry.config["url"] == WEBHOOK["config"]["url"]
    assert get_custom_entry(session, other_tenant.company_id, "erp_sync") is None
    assert get_custom_entry(session, tenant.company_id, "create_task") is None
    validate_step_config("erp_sync", {"amount": 3}, PATH, schema=entry.input_schema)
    with pytest.raises(DefinitionError) as info:
        validate_step_config("erp_sync", {"amount": -3}, PATH, schema=entry.input_schema)
    assert info.value.path == "actions[2].config.amount"
