"""An action's writes, through the connection or the ORM, go together when it raises.

No action declares how it writes: the runner wraps each one in a savepoint, which the ORM
joins on the action's first use of `ctx.session`.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crmflow.crm.models import Tag
from crmflow.db.base import utcnow
from crmflow.engine.deferred import ActionWaiting
from crmflow.engine.plugins import Action, ActionContext, ActionFailed
from crmflow.engine.step_handlers.action import execute_action
from tests.conftest import Tenant


class _NoConfig(BaseModel):
    pass


class _Writes(Action):
    """Writes a tag through the connection, then (optionally) one through the ORM; then `end`."""

    type = "test_writes"
    config_model = _NoConfig

    def __init__(self, *, orm: bool, end: str) -> None:
        self.orm, self.end = orm, end
        self.nested_before_orm: bool | None = None

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        now = utcnow()
        row = {"company_id": ctx.company_id, "created_at": now, "updated_at": now}
        ctx.conn.execute(insert(Tag), {**row, "name": "core"})
        self.nested_before_orm = ctx.base_session.in_nested_transaction()
        if self.orm:
            ctx.session.add(Tag(**row, name="orm"))
            ctx.session.flush()
        if self.end == "fail":
            raise ActionFailed("refused")
        if self.end == "duplicate":
            ctx.session.add(Tag(**row, name="orm"))  # unique (company, name): the flush fails
            ctx.session.flush()
        if self.end == "wait":
            raise ActionWaiting({"waiting": "x"}, None, "queued")
        return {}


def _context(session: Session, tenant: Tenant) -> ActionContext:
    return ActionContext(
        base_session=session,
        company_id=tenant.company_id,
        execution_id=1,
        workflow_id=1,
        step_path="actions/0",
        idempotency_key="k:actions/0",
        data={},
        trigger_entity_type=None,
        trigger_entity_id=None,
        causation_depth=0,
        now=utcnow(),
    )


def _tags(session: Session) -> list[str]:
    return sorted(session.scalars(select(Tag.name)))


@pytest.mark.parametrize("orm", [False, True])
def test_a_failing_action_leaves_no_write_and_the_session_usable(
    writer_session: Session, tenant: Tenant, orm: bool
) -> None:
    ctx = _context(writer_session, tenant)
    writer_session.add(Tag(company_id=tenant.company_id, name="before"))
    writer_session.flush()
    with pytest.raises(ActionFailed):
        execute_action(writer_session, _Writes(orm=orm, end="fail"), ctx, _NoConfig())
    assert _tags(writer_session) == ["before"]  # the transaction goes on, minus the action
    writer_session.rollback()


def test_a_failed_flush_is_undone_with_the_actions_other_writes(
    writer_session: Session, tenant: Tenant
) -> None:
    ctx = _context(writer_session, tenant)
    with pytest.raises(IntegrityError):
        execute_action(writer_session, _Writes(orm=True, end="duplicate"), ctx, _NoConfig())
    assert _tags(writer_session) == []
    count = writer_session.scalar(select(func.count()).select_from(Tag))
    assert count == 0  # the session still runs statements after the failed flush
    writer_session.rollback()


@pytest.mark.parametrize("orm", [False, True])
def test_a_queued_effect_and_a_success_keep_their_writes(
    writer_session: Session, tenant: Tenant, orm: bool
) -> None:
    ctx = _context(writer_session, tenant)
    with pytest.raises(ActionWaiting):
        execute_action(writer_session, _Writes(orm=orm, end="wait"), ctx, _NoConfig())
    expected = ["core", "orm"] if orm else ["core"]
    assert _tags(writer_session) == expected
    writer_session.rollback()
    execute_action(writer_session, _Writes(orm=orm, end="ok"), ctx, _NoConfig())
    assert _tags(writer_session) == expected
    writer_session.rollback()


def test_the_orm_savepoint_opens_only_when_the_action_uses_the_session(
    writer_session: Session, tenant: Tenant
) -> None:
    ctx = _context(writer_session, tenant)
    action = _Writes(orm=True, end="ok")
    execute_action(writer_session, action, ctx, _NoConfig())
    postgres = writer_session.get_bind().dialect.name == "postgresql"
    # On SQLite the statement savepoint is the driver's own, invisible to the session; on
    # PostgreSQL it is a nested transaction of the connection, not of the session either.
    assert action.nested_before_orm is False or postgres
    assert ctx.savepoint is None  # unbound once the action is done
    writer_session.rollback()
