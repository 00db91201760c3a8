"""Blueprints over HTTP: built-ins, install rules (semver, actions, checksum), instantiation."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Tenant

URL = "/api/v1/workflow/process-templates/"

QUOTE: dict[str, Any] = {
    "name": "Big deal alert",
    "version": "1.2.0",
    "template_type": "alert",
    "description": "Tell the manager about big deals",
    "author": "Sales ops",
    "trigger_type": "deal_created",
    "conditions": {
        "operator": "AND",
        "rules": [{"field": "deal.amount", "operator": ">", "value": "{{ inputs.threshold }}"}],
    },
    "process_steps": [
        {
            "type": "send_notification",
            "name": "Tell the manager",
            "config": {
                "user": "manager",
                "message": "{{ deal.title }} is above {{ inputs.threshold }} €",
            },
        },
        {"type": "add_tag", "name": "Tag", "config": {"tag": "{{ inputs.tag }}"}},
    ],
    "variables": {
        "type": "object",
        "properties": {
            "threshold": {"type": "number", "minimum": 0, "default": 50000, "x-widget": "amount"},
            "tag": {"type": "string", "default": "big", "maxLength": 40, "x-widget": "tag"},
        },
        "required": ["threshold"],
    },
    "settings": {"category": "sales"},
}


def install(client: TestClient, tenant: Tenant, body: dict[str, Any], path: str = "") -> Any:
    return client.post(f"{URL}{path}", json=body, headers=tenant.headers())


def with_inputs(version: str, **properties: Any) -> dict[str, Any]:
    variables = {**QUOTE["variables"], "properties": {**QUOTE["variables"]["properties"]}}
    for name, spec in properties.items():
        if spec is None:
            variables["properties"].pop(name)
            variables["required"] = [r for r in variables["required"] if r != name]
        else:
            variables["properties"][name] = spec
    used = {n for n in variables["properties"]}
    steps = [s for s in QUOTE["process_steps"] if "tag" in used or s["type"] != "add_tag"]
    return {**QUOTE, "version": version, "variables": variables, "process_steps": steps}


def test_the_builtins_are_listed_once_with_their_inputs(client: TestClient, tenant: Tenant) -> None:
    first = client.get(URL, headers=tenant.headers("viewer"))
    assert first.status_code == 200, first.text
    again = client.get(URL, params={"size": 100}, headers=tenant.headers())
    items = again.json()["items"]
    assert first.json()["total"] == again.json()["total"] == 8
    slugs = {item["slug"] for item in items}
    assert {"relance-deal-inactif", "onboarding-nouveau-client", "alerte-manager-deal-50k"} <= slugs
    assert {"approbation-remise", "escalade-sla-deal", "rappel-renouvellement"} <= slugs
    remise = next(i for i in items if i["slug"] == "approbation-remise")
    assert remise["builtin"] and remise["version"] == "1.0.0" and remise["author"] == "crmflow"
    assert remise["inputs_used"] == sorted(remise["variables"]["properties"])
    assert remise["variables"]["properties"]["director_above"]["x-widget"] == "amount"
    search = client.get(URL, params={"search": "REMISE"}, headers=tenant.headers()).json()
    assert [i["slug"] for i in search["items"]] == ["approbation-remise"]


def test_create_then_instantiate_fills_typed_inputs(client: TestClient, tenant: Tenant) -> None:
    created = install(client, tenant, QUOTE)
    assert created.status_code == 201, created.text
    blueprint = created.json()
    assert blueprint["graph_spec"]["layout"] == "auto"
    assert [n["id"] for n in blueprint["graph_spec"]["nodes"]] == [
        "trigger",
        "actions/0",
        "actions/1",
    ]
    assert blueprint["graph_spec"]["edges"] == [
        {"from": "trigger", "to": "actions/0"},
        {"from": "actions/0", "to": "actions/1"},
    ]
    made = client.post(
        f"{URL}{blueprint['id']}/instantiate",
        json={"inputs": {"threshold": 75000}, "name": "Big deals"},
        headers=tenant.headers("editor"),
    )
    assert made.status_code == 201, made.text
    workflow = made.json()
    assert workflow["status"] == "draft" and workflow["name"] == "Big deals"
    # Alone in its string the input keeps its type; inside text it is written out.
    assert workflow["conditions"]["rules"][0]["value"] == 75000
    assert workflow["actions"][0]["config"]["message"] == "{{ deal.title }} is above 75000 €"
    assert workflow["actions"][1]["config"]["tag"] == "big"


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"threshold": -1}, "inputs.threshold"),
        ({"threshold": "lots"}, "inputs.threshold"),
        ({"colour": "red"}, "inputs.colour"),
        ({"tag": "{{ secrets.KEY }}"}, "inputs.tag"),
        ({"tag": "x" * 41}, "inputs.tag"),
    ],
)
def test_a_bad_input_is_a_422_naming_it(
    client: TestClient, tenant: Tenant, inputs: dict[str, Any], field: str
) -> None:
    blueprint = install(client, tenant, QUOTE).json()
    made = client.post(
        f"{URL}{blueprint['id']}/instantiate", json={"inputs": inputs}, headers=tenant.headers()
    )
    assert made.status_code == 422, made.text
    assert made.json()["detail"][0]["loc"] == field
    assert client.get("/api/v1/workflows", headers=tenant.headers()).json()["total"] == 0


def test_a_required_input_without_default_must_be_given(client: TestClient, tenant: Tenant) -> None:
    body = with_inputs("1.0.0", threshold={"type": "number", "minimum": 0})
    blueprint = install(client, tenant, body).json()
    made = client.post(f"{URL}{blueprint['id']}/instantiate", json={}, headers=tenant.headers())
    assert made.status_code == 422 and made.json()["detail"][0]["loc"] == "inputs.threshold"


def test_a_value_the_company_cannot_use_is_blamed_on_its_input(
    client: TestClient, tenant: Tenant
) -> None:
    remise = client.get(URL, params={"search": "remise"}, headers=tenant.headers()).json()["items"][
        0
    ]
    # Acme has a director but no cfo: the default cfo title cannot approve anything here.
    made = client.post(f"{URL}{remise['id']}/instantiate", json={}, headers=tenant.headers())
    assert made.status_code == 422, made.text
    assert made.json()["detail"][0]["loc"] == "inputs.cfo_title"
    assert made.json()["detail"][0]["msg"] == (
        "inputs.cfo_title: unknown approver title 'cfo': no active user has it (titles: director, "
        "manager, sales) (used at process_steps[2].config.approvers[0])"
    )
    ok = client.post(
        f"{URL}{remise['id']}/instantiate",
        json={"inputs": {"cfo_title": "director"}},
        headers=tenant.headers(),
    )
    assert ok.status_code == 201, ok.text


# --- semver rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.2.0", "1.1.9", "1.2.0-rc.1", "0.9.0", "1.2.0+build.7"])
def test_a_version_not_above_the_installed_one_is_refused(
    client: TestClient, tenant: Tenant, version: str
) -> None:
    assert install(client, tenant, QUOTE).status_code == 201
    again = install(client, tenant, {**QUOTE, "version": version}, "import_blueprint/")
    assert again.status_code == 409, again.text
    detail = again.json()["detail"][0]
    assert detail["loc"] == "version"
    assert "is not above the installed version 1.2.0" in detail["msg"]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"tag": None}, "input 'tag' was removed"),
        (
            {"threshold": {"type": "number", "minimum": 1000, "default": 50000}},
            "minimum raised to 1000",
        ),
        ({"tag": {"type": "string", "default": "big", "maxLength": 10}}, "maxLength lowered to 10"),
        (
            {"threshold": {"type": "integer", "default": 50000}},
            "type changed from number to integer",
        ),
        ({"region": {"type": "string"}, "__required": "region"}, "new input 'region' is required"),
    ],
)
def test_a_minor_version_that_breaks_an_input_is_refused(
    client: TestClient, tenant: Tenant, change: dict[str, Any], reason: str
) -> None:
    assert install(client, tenant, QUOTE).status_code == 201
    required = change.pop("__required", None)
    body = with_inputs("1.3.0", **change)
    if required:
        body["variables"]["required"] = [*body["variables"]["required"], required]
    refused = install(client, tenant, body, "import_blueprint/")
    assert refused.status_code == 409, refused.text
    detail = refused.json()["detail"][0]
    assert reason in detail["msg"] and "publish it as 2.0.0" in detail["msg"]
    assert any(reason in r for r in detail["info"]["breaking_changes"])
    # The same change as a new major version is accepted, and both versions stay installed.
    accepted = install(client, tenant, {**body, "version": "2.0.0"}, "import_blueprint/")
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["versions"] == ["2.0.0", "1.2.0"]


def test_a_compatible_minor_version_is_accepted(client: TestClient, tenant: Tenant) -> None:
    assert install(client, tenant, QUOTE).status_code == 201
    looser = with_inputs(
        "1.3.0",
        threshold={"type": "number", "default": 50000},  # minimum dropped: looser
        note={"type": "string", "default": ""},  # a new optional input
    )
    accepted = install(client, tenant, looser)
    assert accepted.status_code == 201, accepted.text
    listed = client.get(URL, params={"search": "big deal"}, headers=tenant.headers()).json()
    assert [(i["version"], i["versions"]) for i in listed["items"]] == [
        ("1.3.0", ["1.3.0", "1.2.0"])
    ]


def test_below_1_0_a_minor_bump_may_break(client: TestClient, tenant: Tenant) -> None:
    assert install(client, tenant, {**QUOTE, "version": "0.3.1"}).status_code == 201
    assert install(client, tenant, with_inputs("0.3.2", tag=None)).status_code == 409
    assert install(client, tenant, with_inputs("0.4.0", tag=None)).status_code == 201


@pytest.mark.parametrize("version", ["1.2", "v1.2.0", "01.2.0", "1.2.0-", "latest"])
def test_a_version_that_is_not_semver_is_a_422(
    client: TestClient, tenant: Tenant, version: str
) -> None:
    response = install(client, tenant, {**QUOTE, "version": version})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == "version"


# --- what an installation refuses ----------------------------------------------------------------


def test_a_blueprint_using_missing_actions_is_refused_with_the_list(
    client: TestClient, tenant: Tenant
) -> None:
    steps = [
        {"type": "send_fax", "config": {}},
        {"type": "branch", "branches": [{"actions": [{"type": "print_label"}]}]},
        {"type": "add_tag", "config": {"tag": "x"}},
    ]
    refused = install(client, tenant, {**QUOTE, "process_steps": steps}, "import_blueprint/")
    assert refused.status_code == 422, refused.text
    detail = refused.json()["detail"][0]
    assert detail["info"]["missing_actions"] == ["print_label", "send_fax"]
    assert "'print_label', 'send_fax'" in detail["msg"]
    assert client.get(URL, params={"search": "big"}, headers=tenant.headers()).json()["total"] == 0


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        (
            {"variables": {"type": "object", "properties": {"Bad Name": {"type": "string"}}}},
            "variables.properties.Bad Name",
        ),
        (
            {"variables": {"type": "object", "properties": {"x": {"type": "date"}}}},
            "variables.properties.x.type",
        ),
        (
            {
                "variables": {
                    "type": "object",
                    "properties": {"x": {"type": "string", "x-widget": "map"}},
                }
            },
            "variables.properties.x.x-widget",
        ),
        (
            {
                "variables": {
                    "type": "object",
                    "properties": {"x": {"type": "number", "default": "ten"}},
                }
            },
            "variables.properties.x.default",
        ),
        ({"variables": {}}, "variables"),
        (
            {"graph_spec": {"nodes": [{"id": "actions/7", "x": 0, "y": 0}]}},
            "graph_spec.nodes[0].id",
        ),
        ({"graph_spec": {"nodes": [{"id": "trigger", "x": 1e9, "y": 0}]}}, "graph_spec.nodes[0]"),
        ({"checksum": "0" * 64}, "checksum"),
        (
            {"process_steps": [{"type": "create_task", "config": {}}]},
            "process_steps[0].config.title",
        ),
        (
            {
                "process_steps": [
                    {
                        "type": "call_webhook",
                        "config": {
                            "url": "https://x.example.com",
                            "headers": {"Authorization": "Bearer abc"},
                        },
                    }
                ]
            },
            "process_steps",
        ),
    ],
)
def test_a_bad_blueprint_is_a_422_naming_the_field(
    client: TestClient, tenant: Tenant, patch: dict[str, Any], field: str
) -> None:
    response = install(client, tenant, {**QUOTE, **patch}, "import_blueprint/")
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == field
    assert client.get(URL, params={"search": "big"}, headers=tenant.headers()).json()["total"] == 0


def test_seed_list_form_of_variables_is_accepted(client: TestClient, tenant: Tenant) -> None:
    body = {
        **QUOTE,
        "variables": [
            {"name": "threshold", "type": "number", "required": True, "default": 1000},
            {"name": "tag", "type": "string", "default": "big"},
        ],
    }
    created = install(client, tenant, body)
    assert created.status_code == 201, created.text
    assert created.json()["variables"]["required"] == ["threshold"]


# --- lifecycle, roles, tenants -------------------------------------------------------------------


def test_builtins_are_read_only_and_deleting_archives_them(
    client: TestClient, tenant: Tenant
) -> None:
    builtin = client.get(URL, params={"search": "renouvellement"}, headers=tenant.headers()).json()[
        "items"
    ][0]
    patched = client.patch(
        f"{URL}{builtin['id']}/", json={"description": "x"}, headers=tenant.headers()
    )
    assert patched.status_code == 409
    assert client.delete(f"{URL}{builtin['id']}/", headers=tenant.headers()).status_code == 204
    assert client.get(f"{URL}{builtin['id']}/", headers=tenant.headers()).status_code == 404
    # Not installed again behind the company's back.
    assert client.get(URL, headers=tenant.headers()).json()["total"] == 7


def test_a_version_keeps_its_steps_but_its_details_may_change(
    client: TestClient, tenant: Tenant
) -> None:
    blueprint = install(client, tenant, QUOTE).json()
    moved = {"nodes": [{"id": "actions/1", "type": "add_tag", "x": 700, "y": 40}]}
    patched = client.patch(
        f"{URL}{blueprint['id']}/",
        json={"description": "Now documented", "graph_spec": moved},
        headers=tenant.headers(),
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["description"] == "Now documented" and body["checksum"] != blueprint["checksum"]
    assert body["graph_spec"]["layout"] == "manual"
    assert {n["id"]: (n["x"], n["y"]) for n in body["graph_spec"]["nodes"]}["actions/1"] == (
        700,
        40,
    )
    steps = client.patch(
        f"{URL}{blueprint['id']}/", json={"process_steps": []}, headers=tenant.headers()
    )
    assert steps.status_code == 422  # not a field a version may change
    # An arranged graph opens arranged in the workflow made from it.
    made = client.post(
        f"{URL}{blueprint['id']}/instantiate", json={}, headers=tenant.headers()
    ).json()
    assert made["graph_layout"]["positions"]["actions/1"] == {"x": 700.0, "y": 40.0}


def test_viewers_read_but_do_not_write(client: TestClient, tenant: Tenant) -> None:
    blueprint = install(client, tenant, QUOTE).json()
    viewer = tenant.headers("viewer")
    assert client.get(f"{URL}{blueprint['id']}/", headers=viewer).status_code == 200
    assert client.post(URL, json={**QUOTE, "version": "9.0.0"}, headers=viewer).status_code == 403
    assert (
        client.post(f"{URL}{blueprint['id']}/instantiate", json={}, headers=viewer).status_code
        == 403
    )
    assert client.delete(f"{URL}{blueprint['id']}/", headers=viewer).status_code == 403


def test_another_companys_blueprint_is_not_found(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    blueprint = install(client, tenant, QUOTE).json()
    other = other_tenant.headers()
    for method, path in [
        ("get", f"{URL}{blueprint['id']}/"),
        ("get", f"{URL}{blueprint['id']}/export/"),
        ("delete", f"{URL}{blueprint['id']}/"),
        ("post", f"{URL}{blueprint['id']}/instantiate"),
    ]:
        kwargs: dict[str, Any] = {"json": {}} if method == "post" else {}
        assert getattr(client, method)(path, headers=other, **kwargs).status_code == 404, path
    # The same name and version installs independently in another company.
    assert install(client, other_tenant, QUOTE).status_code == 201


def test_the_blueprint_doc_example_installs_and_its_2_0_0_story_holds(
    client: TestClient, tenant: Tenant
) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "blueprints.md").read_text("utf-8")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", doc, re.DOTALL)]
    example = next(b for b in blocks if isinstance(b, dict) and "version" in b)
    assert example == QUOTE  # the doc shows what this file tests
    assert install(client, tenant, example).status_code == 201
    tighter = with_inputs("1.3.0", threshold={"type": "number", "minimum": 1000, "default": 50000})
    assert install(client, tenant, tighter).status_code == 409
    assert install(client, tenant, {**tighter, "version": "2.0.0"}).status_code == 201


def test_a_workflow_published_as_a_blueprint_keeps_its_steps_and_arranged_graph(
    client: TestClient, tenant: Tenant
) -> None:
    headers = tenant.headers()
    workflow = client.post(
        "/api/v1/workflows",
        json={
            "name": "Arranged",
            "description": "made in the editor",
            "trigger_type": "deal_created",
            "actions": [{"type": "add_tag", "name": "Tag", "config": {"tag": "x"}}],
            "run_policy": {"mode": "single"},
            "graph_layout": {"positions": {"actions/0": {"x": 600.0, "y": 90.0}}},
        },
        headers=headers,
    ).json()
    published = client.post(
        f"{URL}from_workflow/",
        json={"workflow_id": workflow["id"], "version": "0.1.0", "template_type": "alert"},
        headers=headers,
    )
    assert published.status_code == 201, published.text
    blueprint = published.json()
    assert (blueprint["name"], blueprint["version"], blueprint["description"]) == (
        "Arranged",
        "0.1.0",
        "made in the editor",
    )
    assert blueprint["process_steps"] == workflow["actions"]
    assert blueprint["settings"] == {"run_policy": {"mode": "single"}}
    nodes = {n["id"]: (n["x"], n["y"]) for n in blueprint["graph_spec"]["nodes"]}
    assert blueprint["graph_spec"]["layout"] == "manual" and nodes["actions/0"] == (600.0, 90.0)
    again = client.post(
        f"{URL}from_workflow/",
        json={"workflow_id": workflow["id"], "version": "0.1.0"},
        headers=headers,
    )
    assert again.status_code == 409
    missing = client.post(f"{URL}from_workflow/", json={"workflow_id": 999999}, headers=headers)
    assert missing.status_code == 404
    viewer = client.post(
        f"{URL}from_workflow/",
        json={"workflow_id": workflow["id"]},
        headers=tenant.headers("viewer"),
    )
    assert viewer.status_code == 403


def test_first_listings_at_once_install_the_builtins_once(
    client: TestClient, tenant: Tenant
) -> None:
    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(lambda _: client.get(URL, headers=tenant.headers()), range(6)))
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
    assert {r.json()["total"] for r in responses} == {8}
