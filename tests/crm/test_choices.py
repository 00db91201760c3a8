"""GET /choices (what a company can pick from), the config schemas' x-widget hints, and the
save-time check of email recipients."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.auth.service import create_user
from crmflow.crm import choices
from crmflow.crm.choices import PIPELINE_STAGES
from tests.conftest import Tenant
from tests.crm.factories import create, deal, organisation
from tests.workflows.factories import BIG_ORG_WORKFLOW

CHOICES = "/api/v1/choices"


def _choices(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(CHOICES, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_choices_list_the_companys_stages_users_titles_and_tags(
    client: TestClient, tenant: Tenant, session: Session
) -> None:
    headers = tenant.headers()
    deal(client, headers, title="A", stage="Demo")
    deal(client, headers, title="B", stage="negotiation")
    deal(client, headers, title="C", stage="demo")
    organisation(client, headers, name="O", category="SMB", pipeline_stage="onboarding")
    organisation(client, headers, name="P", category="smb", tags=["VIP", "partner"])
    create(client, headers, "tag", name="cold")
    gone = create_user(
        session, company_id=tenant.company_id, email="gone@acme.test", name="Gone", titles=["cfo"]
    )
    gone.is_active = False
    session.commit()

    body = _choices(client, tenant.headers("viewer"))

    stages = [s["value"] for s in body["stages"]]
    # The canonical pipeline first, in order; other stages in use after it, each once.
    assert stages[: len(PIPELINE_STAGES)] == list(PIPELINE_STAGES)
    assert sorted(stages[len(PIPELINE_STAGES) :]) == ["demo", "onboarding"]
    assert {"value": "negotiation", "label": "Negotiation"} in body["stages"]
    assert body["organisation_categories"] == [{"value": "smb", "label": "Smb"}]
    assert [k["value"] for k in body["activity_kinds"]] == [
        "call",
        "meeting",
        "email",
        "note",
        "task",
    ]
    assert {"value": "in_progress", "label": "In progress"} in body["task_statuses"]
    emails = [u["email"] for u in body["users"]]
    assert "director@acme.test" in emails and "gone@acme.test" not in emails  # active only
    assert len(emails) == 5
    manager = next(u for u in body["users"] if u["email"] == "manager@acme.test")
    assert manager["titles"] == ["manager"] and manager["role"] == "editor"
    assert [t["value"] for t in body["titles"]] == ["director", "manager", "sales"]
    assert [r["value"] for r in body["roles"]] == ["admin", "editor", "viewer"]
    assert [t["value"] for t in body["tags"]] == ["cold", "partner", "vip"]
    assert body["truncated"] == []


def test_a_second_company_sees_only_its_own(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    deal(client, tenant.headers(), title="Acme's", stage="acme-only-stage")
    organisation(client, tenant.headers(), name="Acme org", category="acme-cat", tags=["acme"])

    body = _choices(client, other_tenant.headers())

    assert [s["value"] for s in body["stages"]] == list(PIPELINE_STAGES)
    assert body["organisation_categories"] == [] and body["tags"] == []
    assert all(not u["email"].endswith("@acme.test") for u in body["users"])
    assert len(body["users"]) == 5


def test_lists_stop_at_their_bound_and_say_so(
    client: TestClient, tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b", "c"):
        create(client, tenant.headers(), "tag", name=name)
    monkeypatch.setattr(choices, "MAX_TAGS", 2)
    monkeypatch.setattr(choices, "MAX_USERS", 4)

    body = _choices(client, tenant.headers())

    assert [t["value"] for t in body["tags"]] == ["a", "b"]
    assert len(body["users"]) == 4
    assert body["truncated"] == ["users", "tags"]


def test_choices_need_a_signed_in_user(client: TestClient) -> None:
    assert client.get(CHOICES).status_code == 401


def _catalog_schema(client: TestClient, tenant: Tenant, action_type: str) -> dict[str, Any]:
    response = client.get(
        f"/api/v1/workflow/action-catalog/{action_type}", headers=tenant.headers()
    )
    assert response.status_code == 200, response.text
    schema: dict[str, Any] = response.json()["input_schema"]
    return schema


@pytest.mark.parametrize(
    ("action_type", "widgets"),
    [
        ("send_email", {"to": "email", "cc": "email"}),
        ("send_notification", {"user": "user"}),
        ("create_task", {"assignee": "user"}),
        ("assign_user", {"user": "user"}),
        ("add_tag", {"tag": "tag", "tags": "tag"}),
        (
            "create_deal",
            {
                "stage": "stage",
                "owner": "user",
                "organisation": "record:organisation",
                "contact": "record:contact",
            },
        ),
    ],
)
def test_catalog_schemas_carry_widget_hints(
    client: TestClient, tenant: Tenant, action_type: str, widgets: dict[str, str]
) -> None:
    properties = _catalog_schema(client, tenant, action_type)["properties"]
    assert {name: properties[name].get("x-widget") for name in widgets} == widgets


def test_stage_trigger_fields_are_stage_pickers(client: TestClient, tenant: Tenant) -> None:
    schema = client.get("/api/v1/workflows/editor-schema", headers=tenant.headers()).json()
    trigger = next(t for t in schema["triggers"] if t["type"] == "deal_stage_changed")
    assert {f["name"]: f["widget"] for f in trigger["config_fields"]} == {
        "from_stage": "stage",
        "to_stage": "stage",
    }


def _email_workflow(to: Any, cc: Any = None) -> dict[str, Any]:
    config: dict[str, Any] = {"to": to, "subject": "Hello"}
    if cc is not None:
        config["cc"] = cc
    return {**BIG_ORG_WORKFLOW, "actions": [{"type": "send_email", "config": config}]}


@pytest.mark.parametrize(
    ("to", "cc", "loc", "reason"),
    [
        ("jean.dupont@@example", None, "actions[0].config.to", "not a valid email address"),
        ("pas-un-email", None, "actions[0].config.to", "is not an email address"),
        (["owner", "a@b"], None, "actions[0].config.to[1]", "not a valid email address"),
        ("owner", ["ok@example.com", "x@@y"], "actions[0].config.cc[1]", "not a valid email"),
        ("boss:someone", None, "actions[0].config.to", "unknown kind"),
    ],
)
def test_malformed_recipients_are_422_naming_the_field(
    client: TestClient, tenant: Tenant, to: Any, cc: Any, loc: str, reason: str
) -> None:
    response = client.post(
        "/api/v1/workflows", json=_email_workflow(to, cc), headers=tenant.headers()
    )
    assert response.status_code == 422, response.text
    assert loc in response.text and reason in response.text, response.text


@pytest.mark.parametrize(
    "to",
    [
        "jean.dupont@example.com",
        "a@example.com, b@example.org",
        "{{ organisation.owner.manager.email }}",
        "owner",
        "Manager",
        "title:director",
        "role:admin",
        "user:12",
        7,
        ["owner", "title:cfo", "x@example.com"],
    ],
)
def test_valid_recipients_are_accepted(client: TestClient, tenant: Tenant, to: Any) -> None:
    response = client.post(
        "/api/v1/workflows",
        json=_email_workflow(to, ["{{ deal.owner.email }}", "c@example.com"]),
        headers=tenant.headers(),
    )
    assert response.status_code == 201, response.text
