"""POST /workflows/template-preview: a template rendered on a sample record of the company."""

from __future__ import annotations

from typing import Any, get_args

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.auth.models import Company
from crmflow.engine.context import MODELS
from crmflow.simulation.preview import SAMPLES
from crmflow.simulation.schemas import MAX_TEMPLATE, PreviewRecordType
from tests.conftest import Tenant

URL = "/api/v1/workflows/template-preview"
NNBSP = "\u202f"


def _preview(client: TestClient, tenant: Tenant, **body: Any) -> Any:
    response = client.post(URL, json=body, headers=tenant.headers())
    assert response.status_code == 200, response.text
    return response.json()


def _deal(client: TestClient, tenant: Tenant, **fields: Any) -> dict[str, Any]:
    body = {"title": "Initech expansion", "amount": 82000, **fields}
    response = client.post("/api/v1/deals", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    deal: dict[str, Any] = response.json()
    return deal


def test_record_types_and_samples_cover_every_record_a_run_can_see() -> None:
    assert set(get_args(PreviewRecordType)) == set(MODELS) == set(SAMPLES)


def test_without_records_a_built_in_sample_is_used(client: TestClient, tenant: Tenant) -> None:
    out = _preview(
        client,
        tenant,
        template="{{ deal.title }}: {{ deal.amount }} €",
        trigger_type="deal_created",
    )
    assert out["rendered"] == "Acme renewal: 82,000 €"
    assert (out["sample"], out["record_type"], out["record_id"]) == (True, "deal", None)
    assert out["variables_used"] == ["deal.title", "deal.amount"]
    assert out["errors"] == []


def test_the_latest_record_of_the_company_or_the_given_one(
    client: TestClient, tenant: Tenant
) -> None:
    first = _deal(client, tenant, title="First")
    latest = _deal(client, tenant, title="Latest", amount=1500.5)
    out = _preview(
        client, tenant, template="{{ deal.title }} {{ deal.amount }}", record_type="deal"
    )
    assert (out["rendered"], out["record_id"], out["sample"]) == (
        "Latest 1,500.5",
        latest["id"],
        False,
    )
    out = _preview(
        client,
        tenant,
        template="{{ deal.title }}",
        trigger_type="deal_created",
        record_id=first["id"],
    )
    assert (out["rendered"], out["record_id"]) == ("First", first["id"])


def test_numbers_follow_the_company_language(
    client: TestClient, tenant: Tenant, writer_session: Session
) -> None:
    company = writer_session.get(Company, tenant.company_id)
    assert company is not None
    company.language = "fr"
    writer_session.commit()
    out = _preview(client, tenant, template="Montant : {{ deal.amount }} €", record_type="deal")
    assert out["rendered"] == f"Montant : 82{NNBSP}000 €"
    assert out["language"] == "fr"
    # A lone expression keeps the raw value, as a JSON field of a step would.
    assert (
        _preview(client, tenant, template="{{ deal.amount }}", record_type="deal")["rendered"]
        == 82000.0
    )


def test_another_companys_record_is_not_found(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = _deal(client, other_tenant)
    response = client.post(
        URL,
        json={"template": "{{ deal.title }}", "record_type": "deal", "record_id": theirs["id"]},
        headers=tenant.headers(),
    )
    assert response.status_code == 404, response.text
    assert "Initech" not in response.text


def test_template_errors_are_reported_not_raised(client: TestClient, tenant: Tenant) -> None:
    out = _preview(client, tenant, template="{{ deal.title ", record_type="deal")
    assert out["rendered"] is None
    [error] = out["errors"]
    assert error["path"] == "template" and "syntax error" in error["message"]
    out = _preview(client, tenant, template="{{ deal.__class__ }} x", record_type="deal")
    assert "not allowed" in out["errors"][0]["message"]
    out = _preview(client, tenant, template="{{ 'a' * 200000 }} x", record_type="deal")
    assert "limit" in out["errors"][0]["message"]


def test_secrets_are_never_decrypted(client: TestClient, tenant: Tenant) -> None:
    out = _preview(client, tenant, template="key={{ secrets.API_KEY }}", trigger_type="manual")
    assert out["rendered"] == "key="


def test_a_trigger_without_record_renders_trigger_fields(
    client: TestClient, tenant: Tenant
) -> None:
    out = _preview(
        client, tenant, template="{{ trigger.type }}/{{ deal.title }}", trigger_type="scheduled"
    )
    assert out["rendered"] == "scheduled/"
    assert out["record_type"] is None


def test_bad_input_is_a_422_naming_the_field(client: TestClient, tenant: Tenant) -> None:
    cases = [
        ({"template": "x" * (MAX_TEMPLATE + 1)}, "template"),
        ({"template": "x", "trigger_type": "nope"}, "trigger_type"),
        ({"template": "x", "record_type": "invoice"}, "record_type"),
        ({"template": "x", "record_id": 0, "record_type": "deal"}, "record_id"),
        ({"template": "x", "trigger_type": "scheduled", "record_id": 5}, "record_id"),
        ({"template": "x", "extra": 1}, "extra"),
        ({}, "template"),
    ]
    for body, name in cases:
        response = client.post(URL, json=body, headers=tenant.headers())
        assert response.status_code == 422, (body, response.text)
        assert name in response.text, (body, response.text)


def test_signed_out_callers_are_refused(client: TestClient) -> None:
    assert client.post(URL, json={"template": "x"}).status_code == 401
