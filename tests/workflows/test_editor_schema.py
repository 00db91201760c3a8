"""GET /workflows/editor-schema: derived from the trigger models, tables, loader and engine."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.common.enums import TriggerType
from crmflow.engine.compare import OPERATORS, UNARY_OPERATORS
from crmflow.engine.context import ContextLoader
from crmflow.engine.definition import CONTROL_STEP_TYPES
from crmflow.workflows.editor_schema import TRIGGER_FIELDS
from crmflow.workflows.triggers import CONFIG_MODELS, TRIGGER_ENTITY
from tests.conftest import Tenant
from tests.workflows.factories import create_org, create_workflow

URL = "/api/v1/workflows/editor-schema"


def _schema(client: TestClient, tenant: Tenant) -> dict[str, Any]:
    response = client.get(URL, headers=tenant.headers("viewer"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _post(client: TestClient, tenant: Tenant, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"/api/v1/{path}", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_requires_a_token(client: TestClient) -> None:
    assert client.get(URL).status_code == 401
    assert client.get(URL, headers={"Authorization": "Bearer nope"}).status_code == 401


def test_not_shadowed_by_the_workflow_id_route(client: TestClient, tenant: Tenant) -> None:
    # Declared before /{workflow_id}: not a 422 for "editor-schema" as an int.
    assert set(_schema(client, tenant)) == {
        "triggers",
        "entities",
        "trigger_entities",
        "trigger_fields",
        "operators",
        "step_types",
    }


def test_every_trigger_type_with_its_config_fields(client: TestClient, tenant: Tenant) -> None:
    schema = _schema(client, tenant)
    triggers = {t["type"]: t for t in schema["triggers"]}
    assert list(triggers) == [t.value for t in TriggerType]
    assert set(schema["trigger_entities"]) == set(triggers)
    for trigger_type, trigger in triggers.items():
        model = CONFIG_MODELS[trigger_type]
        assert trigger["entity_type"] == TRIGGER_ENTITY[trigger_type]
        assert trigger["label"] and trigger["description"]
        assert [f["name"] for f in trigger["config_fields"]] == list(model.model_fields)
        for field in trigger["config_fields"]:
            info = model.model_fields[field["name"]]
            assert field["required"] is info.is_required()
            assert field["description"], (trigger_type, field["name"])
    stage = {f["name"]: f for f in triggers["deal_stage_changed"]["config_fields"]}
    assert stage["to_stage"]["type"] == "string" and stage["to_stage"]["options"] is None
    scheduled = {f["name"]: f for f in triggers["scheduled"]["config_fields"]}
    assert scheduled["frequency"] == {
        "name": "frequency",
        "label": "Frequency",
        "type": "enum",
        "required": False,
        "options": ["daily", "weekly", "monthly"],
        "default": None,
        "description": scheduled["frequency"]["description"],
        "widget": None,
    }
    assert scheduled["time"]["default"] == "09:00"
    inactivity = {f["name"]: f for f in triggers["inactivity_delay"]["config_fields"]}
    assert inactivity["entity_type"]["options"] == ["organisation", "deal", "contact"]
    assert inactivity["days"]["type"] == "number" and inactivity["days"]["default"] == 30
    assert triggers["organisation_updated"]["config_fields"][0]["type"] == "list"


def test_every_engine_operator_exactly_once(client: TestClient, tenant: Tenant) -> None:
    operators = _schema(client, tenant)["operators"]
    assert [o["value"] for o in operators] == list(OPERATORS)
    by_value = {o["value"]: o for o in operators}
    for op in UNARY_OPERATORS:
        assert by_value[op]["arity"] == 0
    assert by_value["between"]["arity"] == 2
    assert by_value["between"]["types"] == ["number", "date", "datetime"]
    assert by_value["=="]["label"] == "equals" and by_value["=="]["arity"] == 1
    assert by_value["in"]["multiple"] is True and by_value["=="]["multiple"] is False
    assert all(o["types"] and o["label"] for o in operators)


def test_step_types_are_the_control_steps(client: TestClient, tenant: Tenant) -> None:
    steps = _schema(client, tenant)["step_types"]
    assert [s["type"] for s in steps] == list(CONTROL_STEP_TYPES)
    assert steps[0]["label"] == "Branch (if / else)"
    assert all(s["description"] for s in steps)


def test_entities_and_context_fields(client: TestClient, tenant: Tenant) -> None:
    schema = _schema(client, tenant)
    entities = schema["entities"]
    assert set(entities) == {"organisation", "deal", "contact", "task", "activity"}
    organisation = {f["path"]: f for f in entities["organisation"]}
    assert organisation["organisation.potential_amount"] == {
        "path": "organisation.potential_amount",
        "label": "Potential amount",
        "type": "number",
        "options": None,
        "group": "Organisation",
    }
    for path in ("id", "owner.email", "owner.name", "owner.manager.email", "created_at"):
        assert f"organisation.{path}" in organisation
    # One entry per value: a person's id is the record's `owner_id` (or the `manager_id`).
    assert "organisation.owner.id" not in organisation
    assert "organisation.owner.manager.id" not in organisation
    assert organisation["organisation.owner_id"]["label"] == "Owner"
    assert organisation["organisation.owner.manager.email"]["group"] == (
        "Organisation owner's manager"
    )
    for fields in entities.values():
        labelled = [(f["group"], f["label"]) for f in fields]
        assert len(labelled) == len(set(labelled)), labelled
    assert organisation["organisation.last_activity_at"]["type"] == "datetime"
    assert organisation["organisation.tags"]["type"] == "list"
    assert organisation["organisation.owner_id"]["type"] == "user"
    assert "organisation.company_id" not in organisation  # hidden from runs
    task = {f["path"]: f for f in entities["task"]}
    assert task["task.status"]["type"] == "enum" and "done" in task["task.status"]["options"]
    assert "task.source_step_key" not in task
    assert "task.assignee.email" in task
    deal = {f["path"]: f for f in entities["deal"]}
    assert deal["deal.contact_id"]["type"] == "reference"
    assert schema["trigger_entities"]["scheduled"] == []
    assert schema["trigger_entities"]["deal_created"] == ["deal", "organisation", "contact"]
    paths = {f["path"] for f in schema["trigger_fields"]}
    assert {"trigger.changes", "trigger.changes.stage", "trigger.type"} <= paths


def _has_path(context: dict[str, Any], path: str) -> bool:
    node: Any = context
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def test_listed_fields_exist_in_a_loaded_context(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    """Every listed path is a key of the context the loader builds (values may be null)."""
    schema = _schema(client, tenant)
    org = create_org(client, tenant.headers(), owner_id=tenant.editor_id, potential_amount=10)
    contact = _post(client, tenant, "contacts", {"first_name": "Ann", "organisation_id": org["id"]})
    deal = _post(
        client,
        tenant,
        "deals",
        {"title": "Big", "organisation_id": org["id"], "contact_id": contact["id"]},
    )
    task = _post(
        client, tenant, "tasks", {"title": "Call", "related_type": "deal", "related_id": deal["id"]}
    )
    activity = _post(
        client, tenant, "activities", {"entity_type": "contact", "entity_id": contact["id"]}
    )
    records = {
        "organisation": org,
        "contact": contact,
        "deal": deal,
        "task": task,
        "activity": activity,
    }
    loader = ContextLoader(session.connection())
    seen: dict[str, set[str]] = {}
    for kind, record in records.items():
        context = loader.build(
            company_id=tenant.company_id,
            trigger_type="manual",
            entity_type=kind,
            entity_id=record["id"],
            trigger_data={"changes": {"stage": ["a", "b"]}},
        )
        loaded = set(context) - {"trigger", "steps", "secrets"}
        seen[kind] = loaded
        assert loaded <= set(schema["trigger_entities"]["manual"])
        for entity in loaded:
            for field in schema["entities"][entity]:
                assert _has_path(context, field["path"]), (kind, field["path"])
        for field in schema["trigger_fields"]:
            assert _has_path(context, field["path"]), field["path"]
        assert set(context["trigger"]) == {name.split(".")[0] for name, _, _ in TRIGGER_FIELDS}
    # The advertised relations are what the loader really adds.
    assert seen["deal"] == set(schema["trigger_entities"]["deal_created"])
    assert seen["organisation"] == set(schema["trigger_entities"]["organisation_created"])
    assert seen["task"] == {"task", "deal", "organisation"}
    assert seen["task"] <= set(schema["trigger_entities"]["task_completed"])
    assert seen["activity"] <= set(schema["trigger_entities"]["activity_logged"])


def test_sample_fields_resolve_in_a_run_decision(live_client: TestClient, tenant: Tenant) -> None:
    schema = _schema(live_client, tenant)
    org = create_org(
        live_client, tenant.headers(), owner_id=tenant.editor_id, potential_amount=80000
    )
    deal = _post(live_client, tenant, "deals", {"title": "Big", "organisation_id": org["id"]})
    listed = {
        f["path"] for e in schema["trigger_entities"]["deal_created"] for f in schema["entities"][e]
    }
    sample = [
        "deal.title",
        "deal.id",
        "deal.owner.email",
        "organisation.potential_amount",
        "organisation.owner.email",
        "organisation.owner.manager.email",
        "organisation.created_at",
    ]
    assert set(sample) <= listed
    body = {
        "name": "Fields resolve",
        "trigger_type": "deal_created",
        "conditions": {
            "operator": "AND",
            "rules": [{"field": path, "operator": "is_not_empty"} for path in sample],
        },
        "actions": [],
    }
    workflow = create_workflow(live_client, tenant.headers(), body)
    response = live_client.post(
        f"/api/v1/workflows/{workflow['id']}/execute",
        json={"trigger_entity_type": "deal", "trigger_entity_id": deal["id"]},
        headers=tenant.headers(),
    )
    assert response.status_code == 200, response.text
    execution = response.json()
    assert execution["decision"]["result"] is True, execution["decision"]
    assert execution["status"] == "success"
