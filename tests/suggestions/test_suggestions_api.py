"""The suggestions API: generate (a job), the inbox, accept (a draft version) and reject."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.db.base import utcnow
from crmflow.demo_history import Planted, plant_history
from crmflow.suggestions import service
from crmflow.suggestions.models import SuggestionJob
from tests.conftest import Tenant
from tests.suggestions.planted import principal_of

URL = "/api/v1/workflow/workflow-suggestions/"


@pytest.fixture()
def planted(writer_session: Session, tenant: Tenant) -> Planted:
    result = plant_history(writer_session, principal=principal_of(tenant), seed=7)
    writer_session.commit()
    return result


def generate(client: TestClient, tenant: Tenant, **body: Any) -> dict[str, Any]:
    started = client.post(
        f"{URL}generate/", json={"use_llm": False, **body}, headers=tenant.headers()
    )
    assert started.status_code == 202, started.text
    # The job runs as a background task of the request: done when the response is.
    job = client.get(f"{URL}generate/{started.json()['id']}/", headers=tenant.headers()).json()
    assert job["status"] == "completed", job
    result: dict[str, Any] = job
    return result


def inbox(client: TestClient, tenant: Tenant, **params: Any) -> list[dict[str, Any]]:
    response = client.get(URL, params={"size": 100, **params}, headers=tenant.headers("viewer"))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def by_kind(items: list[dict[str, Any]], kind: str, workflow_id: int | None) -> dict[str, Any]:
    return next(i for i in items if i["kind"] == kind and i["workflow_id"] == workflow_id)


def test_generate_fills_the_inbox_most_confident_first(
    client: TestClient, tenant: Tenant, planted: Planted
) -> None:
    job = generate(client, tenant)
    assert job["progress"] == 100.0 and job["stage"] == "done" and job["created_count"] >= 6
    items = inbox(client, tenant, status="pending")
    assert len(items) == job["created_count"]
    confidences = [i["confidence_score"] for i in items]
    assert confidences == sorted(confidences, reverse=True)
    auto = by_kind(items, "auto_approval", planted.workflows["discount"])
    assert auto["source"] == "historical" and auto["title"] == auto["mined_title"]
    assert auto["evidence"]["segment"]["value"] == 10 and auto["backtest"]["events_considered"] >= 0
    detail = client.get(f"{URL}{auto['id']}/", headers=tenant.headers()).json()
    assert detail == auto
    assert {i["kind"] for i in inbox(client, tenant, kind="error_handling")} == {"error_handling"}
    # Again: nothing new, every pending pattern refreshed in place.
    again = generate(client, tenant)
    assert (again["created_count"], again["refreshed_count"]) == (0, job["created_count"])
    assert len(inbox(client, tenant)) == job["created_count"]


def test_accepting_on_a_live_workflow_makes_a_draft_copy_with_the_change(
    client: TestClient, tenant: Tenant, planted: Planted
) -> None:
    generate(client, tenant)
    auto = by_kind(inbox(client, tenant), "auto_approval", planted.workflows["discount"])
    accepted = client.post(
        f"{URL}{auto['id']}/accept/", json={"notes": "agreed with sales"}, headers=tenant.headers()
    )
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["status"] == "accepted" and body["notes"] == "agreed with sales"
    assert body["decided_by"] == tenant.admin_id and body["applied_version"] == 1
    copy = client.get(f"/api/v1/workflows/{body['applied_workflow_id']}", headers=tenant.headers())
    assert (
        copy.json()["status"] == "draft" and copy.json()["name"] == "Discount approval (suggested)"
    )
    assert copy.json()["actions"][0]["when"] == {
        "operator": "AND",
        "rules": [{"field": "deal.discount_percent", "operator": ">=", "value": 10}],
    }
    live = client.get(
        f"/api/v1/workflows/{planted.workflows['discount']}", headers=tenant.headers()
    )
    assert "when" not in live.json()["actions"][0]  # the live workflow is untouched
    again = client.post(f"{URL}{auto['id']}/accept/", json={}, headers=tenant.headers())
    assert again.status_code == 409 and "already accepted" in again.text
    # Activating the copy: the next generation sees the suggestion implemented.
    client.post(
        f"/api/v1/workflows/{body['applied_workflow_id']}/activate",
        json={"status": "active"},
        headers=tenant.headers(),
    )
    generate(client, tenant)
    assert client.get(f"{URL}{auto['id']}/", headers=tenant.headers()).json()["status"] == (
        "implemented"
    )


def test_accepting_on_a_draft_adds_a_version_and_a_stale_change_is_refused(
    client: TestClient, tenant: Tenant, planted: Planted
) -> None:
    erp, notify = planted.workflows["erp"], planted.workflows["notify"]
    for workflow_id in (erp, notify):
        client.post(
            f"/api/v1/workflows/{workflow_id}/activate",
            json={"status": "inactive"},
            headers=tenant.headers(),
        )
    generate(client, tenant)
    items = inbox(client, tenant)
    retry = by_kind(items, "error_handling", erp)
    accepted = client.post(f"{URL}{retry['id']}/accept/", json={}, headers=tenant.headers())
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["applied_workflow_id"], accepted.json()["applied_version"]) == (erp, 2)
    workflow = client.get(f"/api/v1/workflows/{erp}", headers=tenant.headers()).json()
    assert workflow["actions"][0]["retry"]["max_attempts"] == 4
    versions = client.get(f"/api/v1/workflows/{erp}/versions", headers=tenant.headers()).json()
    assert versions[0]["change_note"].startswith(f"suggestion {retry['id']}: ")
    # The notify workflow changes after mining: its suggestion no longer applies.
    fix = by_kind(items, "error_handling", notify)
    client.put(
        f"/api/v1/workflows/{notify}",
        json={"actions": [{"type": "add_tag", "config": {"tag": "x"}}]},
        headers=tenant.headers(),
    )
    stale = client.post(f"{URL}{fix['id']}/accept/", json={}, headers=tenant.headers())
    assert stale.status_code == 409 and "changed since" in stale.text
    assert client.get(f"{URL}{fix['id']}/", headers=tenant.headers()).json()["status"] == "pending"


def test_a_proposed_workflow_is_created_as_a_draft(
    client: TestClient, tenant: Tenant, planted: Planted
) -> None:
    generate(client, tenant)
    manual = by_kind(inbox(client, tenant), "manual_work", None)
    assert manual["change"]["type"] == "new_workflow"
    accepted = client.post(f"{URL}{manual['id']}/accept/", json={}, headers=tenant.headers())
    assert accepted.status_code == 200, accepted.text
    created = client.get(
        f"/api/v1/workflows/{accepted.json()['applied_workflow_id']}", headers=tenant.headers()
    ).json()
    assert created["status"] == "draft" and created["trigger_type"] == "deal_stage_changed"
    assert created["trigger_config"]["to_stage"] == "signed"
    assert created["actions"][0]["config"]["title"] == "Send the contract to {{ deal.title }}"


def test_a_rejected_pattern_is_not_proposed_again(
    client: TestClient, tenant: Tenant, planted: Planted
) -> None:
    generate(client, tenant)
    parallel = by_kind(inbox(client, tenant), "parallel_approvals", planted.workflows["big_deal"])
    rejected = client.post(
        f"{URL}{parallel['id']}/reject/",
        json={"notes": "finance must see the director's yes"},
        headers=tenant.headers(),
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    job = generate(client, tenant)
    assert any(d["reason"] == "decided before" for d in job["discarded"])
    pending = inbox(client, tenant, status="pending")
    assert all(i["kind"] != "parallel_approvals" for i in pending)
    assert (
        client.post(f"{URL}{parallel['id']}/accept/", json={}, headers=tenant.headers()).status_code
        == 409
    )


def _suggestion_totals(client: TestClient) -> dict[str, float]:
    prefix = 'workflow_suggestion_total{source="historical",status="'
    return {
        row[len(prefix) :].split('"')[0]: float(row.split()[-1])
        for row in client.get("/metrics").text.splitlines()
        if row.startswith(prefix)
    }


def test_metrics_count_suggestions_by_source_and_status(
    client: TestClient, tenant: Tenant, planted: Planted
) -> None:
    job = generate(client, tenant)
    assert _suggestion_totals(client) == {"pending": job["created_count"]}
    assert 'workflow_suggestion_confidence{source="historical"}' in client.get("/metrics").text
    items = inbox(client, tenant, status="pending")
    auto = by_kind(items, "auto_approval", planted.workflows["discount"])
    retry = by_kind(items, "error_handling", planted.workflows["erp"])
    for item, verb in ((auto, "accept"), (retry, "reject")):
        done = client.post(f"{URL}{item['id']}/{verb}/", json={}, headers=tenant.headers())
        assert done.status_code == 200, done.text
    # A counter: what reached pending stays counted when it moves on, and a new generation that
    # only refreshes adds nothing.
    generate(client, tenant)
    totals = {"pending": job["created_count"], "accepted": 1, "rejected": 1}
    assert _suggestion_totals(client) == totals
    # Deleting the workflow deletes its suggestions, not what was counted.
    deleted = client.delete(
        f"/api/v1/workflows/{planted.workflows['erp']}", headers=tenant.headers()
    )
    assert deleted.status_code in (200, 204), deleted.text
    assert _suggestion_totals(client) == totals


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 400}, "days"),
        ({"min_occurrences": 1}, "min_occurrences"),
        ({"language": "de"}, "language"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_generation_input_is_a_422_naming_the_field(
    client: TestClient, tenant: Tenant, body: dict[str, Any], field: str
) -> None:
    response = client.post(f"{URL}generate/", json=body, headers=tenant.headers())
    assert response.status_code == 422 and field in str(response.json()["detail"])


def test_viewers_read_and_other_companies_see_nothing(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, planted: Planted
) -> None:
    generate(client, tenant)
    item = inbox(client, tenant)[0]
    viewer = tenant.headers("viewer")
    assert client.post(f"{URL}generate/", json={}, headers=viewer).status_code == 403
    assert client.post(f"{URL}{item['id']}/accept/", json={}, headers=viewer).status_code == 403
    other = other_tenant.headers()
    assert client.get(f"{URL}{item['id']}/", headers=other).status_code == 404
    assert client.post(f"{URL}{item['id']}/reject/", json={}, headers=other).status_code == 404
    assert client.get(URL, headers=other).json()["total"] == 0
    too_long = client.post(
        f"{URL}{item['id']}/reject/", json={"notes": "x" * 5001}, headers=tenant.headers()
    )
    assert too_long.status_code == 422 and "notes" in too_long.text


def test_one_generation_at_a_time_and_an_interrupted_one_does_not_block(
    client: TestClient, writer_session: Session, tenant: Tenant
) -> None:
    principal = principal_of(tenant)
    first = service.queue_job(
        writer_session, principal=principal, days=30, min_occurrences=10, use_llm=False
    )
    refused = client.post(f"{URL}generate/", json={"use_llm": False}, headers=tenant.headers())
    assert refused.status_code == 409
    assert f"follow job {first.id}" in refused.json()["detail"]
    # A job whose row stopped moving (its server died) is failed, and a new one may start.
    first.updated_at = utcnow() - timedelta(minutes=service.STALE_AFTER_MINUTES + 1)
    writer_session.commit()
    started = client.post(f"{URL}generate/", json={"use_llm": False}, headers=tenant.headers())
    assert started.status_code == 202, started.text
    writer_session.expire_all()
    stale = writer_session.get(SuggestionJob, first.id)
    assert stale is not None and stale.status == "failed" and "interrupted" in (stale.error or "")
