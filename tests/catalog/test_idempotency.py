"""`is_idempotent` is true to the code: a second run with the same idempotency key changes no
row of the database; an action that says otherwise really does write again."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.all_models import Base
from crmflow.crm import service as crm
from crmflow.crm.records import snapshot
from crmflow.db.base import utcnow
from crmflow.engine.deferred import ActionWaiting
from crmflow.engine.plugins import Action, ActionContext, ActionNotDone, all_actions
from crmflow.engine.step_handlers.action import execute_action
from crmflow.engine.templating import render
from tests.conftest import Tenant

# (action, context extras): the email step both without and with an SMTP server.
CASES = [(a, {}) for a in all_actions()] + [
    (a, {"smtp_configured": True}) for a in all_actions() if a.type == "send_email"
]


def _database(session: Session) -> dict[str, list[str]]:
    """Every row of every table, as seen inside the open transaction."""
    session.flush()
    conn = session.connection()
    return {
        table.name: sorted(repr(tuple(row)) for row in conn.execute(select(table)))
        for table in Base.metadata.sorted_tables
    }


def _context(session: Session, tenant: Tenant, extra: dict[str, Any]) -> ActionContext:
    org = crm.create_record(
        session,
        company_id=tenant.company_id,
        entity_type="organisation",
        values={"name": "Initech", "owner_id": tenant.editor_id, "tags": ["prospect"]},
    )
    session.commit()
    return ActionContext(
        base_session=session,
        company_id=tenant.company_id,
        execution_id=4242,
        workflow_id=1,
        step_path="actions/0",
        idempotency_key="4242:actions/0",
        data={"organisation": snapshot(org)},
        trigger_entity_type="organisation",
        trigger_entity_id=org.id,
        causation_depth=0,
        now=utcnow(),
        extra=extra,
    )


def _run(action: Action, ctx: ActionContext, config: Any) -> dict[str, Any] | None:
    """Run the action as the runner does (savepoints alike); a deferred one may wait.

    An email without an SMTP server is not done, but its row stays (ActionNotDone).
    """
    try:
        return execute_action(ctx.session, action, ctx, config)
    except ActionWaiting as waiting:
        return waiting.output
    except ActionNotDone as not_done:
        return not_done.output


@pytest.mark.parametrize(
    ("action", "extra"),
    [pytest.param(a, extra) for a, extra in CASES],
    ids=[a.type + ("-smtp" if extra else "") for a, extra in CASES],
)
def test_second_run_with_the_same_key(
    writer_session: Session, tenant: Tenant, action: Action, extra: dict[str, Any]
) -> None:
    assert action.example, f"{action.type} declares no example config to run"
    ctx = _context(writer_session, tenant, extra)
    config = action.parse_config(render(action.example, ctx.data))
    untouched = _database(writer_session)
    first = _run(action, ctx, config)
    before = _database(writer_session)
    assert before != untouched, f"{action.type}: the first run wrote nothing"
    second = _run(action, ctx, config)
    after = _database(writer_session)
    changed = {name for name in before if before[name] != after[name]}
    if action.is_idempotent:
        assert not changed, f"{action.type} says idempotent, yet a replay changed {changed}"
        if first is not None and "changes" not in first:
            assert second == first  # a replay reports the same record
    elif action.transactional:
        # Internal effects only: the claim "not idempotent" must be true too.
        assert changed, f"{action.type} says not idempotent, yet a replay changed nothing"
    writer_session.rollback()
