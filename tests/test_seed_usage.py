"""The seed document's "Comment utiliser" section, step by step, against our paths."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.config import Settings
from crmflow.crm.models import OutgoingEmail
from crmflow.main import create_app
from tests.conftest import Tenant
from tests.outbound.smtp_server import smtp_server
from tests.workflows.factories import create_org


def test_comment_utiliser_works_as_written(
    settings: Settings, tenant: Tenant, session: Session
) -> None:
    # A real SMTP server: the seed's email step succeeds only once its email was delivered.
    with smtp_server() as (handler, port):
        mailing = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
        with TestClient(create_app(mailing, start_runtime=True)) as live_client:
            _comment_utiliser(live_client, tenant, session)
        assert sorted(m["To"] for m in handler.received) == ["admin@example.com"] * 2


def _comment_utiliser(live_client: TestClient, tenant: Tenant, session: Session) -> None:
    headers = tenant.headers()
    # 3. Créer depuis un template
    from_template = live_client.post(
        "/api/v1/workflows/templates/relance-deal-inactif/create", headers=headers
    )
    assert from_template.status_code == 201, from_template.text
    assert from_template.json()["trigger_type"] == "inactivity_delay"
    # 3. Créer un workflow personnalisé (the seed's body, verbatim)
    custom = live_client.post(
        "/api/v1/workflows",
        headers=headers,
        json={
            "name": "Mon workflow",
            "description": "Description",
            "trigger_type": "organisation_created",
            "actions": [
                {
                    "type": "send_email",
                    "config": {
                        "to": "admin@example.com",
                        "subject": "Nouvelle organisation: {{organisation.nom}}",
                        "body": "Une nouvelle organisation a été créée.",
                    },
                }
            ],
        },
    )
    assert custom.status_code == 201, custom.text
    workflow_id = custom.json()["id"]
    # 4. Activer un workflow
    activated = live_client.post(
        f"/api/v1/workflows/{workflow_id}/activate", json={"status": "active"}, headers=headers
    )
    assert activated.status_code == 200 and activated.json()["status"] == "active"
    # 5. Exécuter manuellement (test)
    org = create_org(live_client, headers, name="Alforis")
    executed = live_client.post(
        f"/api/v1/workflows/{workflow_id}/execute",
        json={"trigger_entity_type": "organisation", "trigger_entity_id": org["id"]},
        headers=headers,
    )
    assert executed.status_code == 200, executed.text
    assert executed.json()["status"] == "success"
    # Historique and statistiques
    history = live_client.get(f"/api/v1/workflows/{workflow_id}/executions", headers=headers)
    assert history.status_code == 200
    # The manual run plus the run triggered by creating the organisation.
    assert history.json()["total"] == 2
    stats = live_client.get(f"/api/v1/workflows/{workflow_id}/stats", headers=headers).json()
    for field in (
        "total_executions",
        "success_count",
        "failed_count",
        "skipped_count",
        "success_rate",
        "avg_duration_seconds",
        "last_execution",
    ):
        assert field in stats
    assert stats["success_count"] == 2 and stats["success_rate"] == 100.0
    emails = list(session.scalars(select(OutgoingEmail)))
    assert [(e.to, e.status) for e in emails] == [(["admin@example.com"], "sent")] * 2
    listed = live_client.get("/api/v1/workflows", headers=headers).json()
    assert listed["total"] == 2


def test_the_seed_calls_without_a_token_are_refused(client: TestClient) -> None:
    assert client.get("/api/v1/workflows").status_code == 401
    assert client.post("/api/v1/workflows/templates/relance-deal-inactif/create").status_code == 401
