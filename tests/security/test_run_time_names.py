"""Names a workflow writes at run time from data it did not choose are made one clean line.

Control, bidi and separator characters are refused in names sent to the API; a webhook payload
can still carry them into a task title through `{{ trigger.payload... }}`. Failing the step over
a stray newline would lose the work, so the action cleans the name instead.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crmflow.common.text import clean_name
from crmflow.crm.models import Task
from tests.conftest import Tenant
from tests.engine.flow_support import dispatch, run, titles
from tests.workflows.factories import create_workflow


def test_clean_name_keeps_one_readable_line() -> None:
    assert (
        clean_name("\x1b[31mRed\x1b[0m\r\nline\ttwo\u202e \u2066x\u2069 ")
        == "[31mRed[0m line two x"
    )
    assert clean_name("Zoë Ça va") == "Zoë Ça va"
    assert clean_name(42) == 42


def test_a_task_title_from_a_hostile_payload_is_stored_clean(
    client: TestClient, tenant: Tenant, writer_session: Session, session: Session
) -> None:
    body = {
        "name": "from billing",
        "trigger_type": "webhook_received",
        "actions": [
            {"type": "create_task", "config": {"title": "Pay {{ trigger.data.ref }}"}},
        ],
    }
    workflow = create_workflow(client, tenant.headers(), body, active=True)
    path = workflow["inbound_url"].removeprefix("http://localhost:8000")
    delivered = client.post(path, json={"ref": "INV-1\x1b[2J\ngood\u202efdp.exe"})
    assert delivered.status_code == 202, delivered.text
    run(writer_session, [delivered.json()["execution_id"], *dispatch(writer_session)])
    assert titles(session, Task) == ["Pay INV-1[2J goodfdp.exe"]
