"""Seed-named tests of the workflow engine: conditions, variables and the two seed actions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.crm.models import Notification, Organisation, Task
from crmflow.engine.conditions import compile_conditions
from crmflow.engine.context import ContextLoader
from crmflow.engine.plugins import ActionContext, ActionFailed, get_action
from crmflow.engine.templating import render
from tests.conftest import Tenant


def test_evaluate_conditions_and() -> None:
    condition = compile_conditions(
        {
            "operator": "AND",
            "rules": [
                {"field": "organisation.potential_amount", "operator": ">", "value": 50000},
                {"field": "organisation.category", "operator": "==", "value": "institutional"},
            ],
        }
    )
    both = {"organisation": {"potential_amount": 75000, "category": "institutional"}}
    one = {"organisation": {"potential_amount": 75000, "category": "retail"}}
    assert condition.evaluate(both) is True
    assert condition.evaluate(one) is False
    assert condition.evaluate({}) is False
    decision = condition.explain(one)
    assert decision.result is False
    assert decision.rule == {
        "field": "organisation.category",
        "operator": "==",
        "value": "institutional",
    }
    assert decision.explanation == 'organisation.category = "retail", not == "institutional"'


def test_evaluate_conditions_or() -> None:
    condition = compile_conditions(
        {
            "operator": "OR",
            "rules": [
                {"field": "deal.amount", "operator": ">=", "value": 100000},
                {"field": "deal.stage", "operator": "in", "value": ["negotiation", "won"]},
            ],
        }
    )
    assert condition.evaluate({"deal": {"amount": 150000, "stage": "lead"}}) is True
    assert condition.evaluate({"deal": {"amount": 10, "stage": "won"}}) is True
    assert condition.evaluate({"deal": {"amount": 10, "stage": "lead"}}) is False
    assert condition.evaluate({"deal": None}) is False
    decision = condition.explain({"deal": {"amount": 10, "stage": "won"}})
    assert decision.result is True
    assert decision.rule is not None and decision.rule["field"] == "deal.stage"
    assert decision.actual == "won"


def test_replace_variables() -> None:
    config = {
        "to": "{{ organisation.owner.manager.email }}",
        "subject": "Gros potentiel : {{ organisation.name }}",
        "amount": "{{ deal.amount }}",
        "user": "{{ organisation.owner.id }}",
        "lines": ["Deal {{ deal.name }}", {"nested": "{{ deal.amount|currency }}"}, 3],
        "{{ key }}": "plain text",
    }
    context = {
        "organisation": {"name": "Acme", "owner": {"id": 42, "manager": {"email": "m@acme.io"}}},
        "deal": {"name": "Big one", "amount": 75000.0},
    }
    rendered = render(config, context)
    assert rendered == {
        "to": "m@acme.io",
        "subject": "Gros potentiel : Acme",
        "amount": 75000.0,
        "user": 42,
        "lines": ["Deal Big one", {"nested": "75,000.00"}, 3],
        "{{ key }}": "plain text",
    }
    assert isinstance(rendered["user"], int)
    # The input is not modified in place.
    assert config["subject"] == "Gros potentiel : {{ organisation.name }}"
    # A missing owner renders empty rather than failing the step.
    assert render(config["to"], {"organisation": {"name": "Acme"}}) is None
    assert render("To: {{ organisation.owner.manager.email }}", {}) == "To: "


def _action_context(session: Session, tenant: Tenant, org_id: int) -> ActionContext:
    """Build the context a run gives an action, for the organisation `org_id`."""
    loader = ContextLoader(session.connection())
    data = loader.build(
        company_id=tenant.company_id,
        trigger_type="organisation_created",
        entity_type="organisation",
        entity_id=org_id,
        trigger_data={},
    )
    return ActionContext(
        base_session=session,
        company_id=tenant.company_id,
        execution_id=1,
        workflow_id=1,
        step_path="actions/0",
        idempotency_key="1:actions/0",
        data=data,
        trigger_entity_type="organisation",
        trigger_entity_id=org_id,
        causation_depth=0,
        now=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        users=loader,
    )


def _organisation(session: Session, tenant: Tenant) -> int:
    org = Organisation(
        company_id=tenant.company_id,
        name="Alforis",
        owner_id=tenant.editor_id,
        potential_amount=75000.0,
        tags=[],
        custom_fields={},
    )
    session.add(org)
    session.flush()
    return org.id


def test_execute_action_create_task(writer_session: Session, tenant: Tenant) -> None:
    org_id = _organisation(writer_session, tenant)
    ctx = _action_context(writer_session, tenant, org_id)
    action = get_action("create_task")
    assert action is not None
    config = action.parse_config(
        render(
            {
                "title": "Relancer {{ organisation.name }}",
                "due_date": "+7 days",
                "assignee": "owner",
                "priority": "high",
            },
            ctx.data,
        )
    )
    output = action.execute(ctx, config)
    again = action.execute(ctx, config)  # a replayed step finds its task, never a second one
    task = writer_session.scalars(select(Task)).one()
    assert output["task_id"] == again["task_id"] == task.id
    assert task.title == "Relancer Alforis" and task.priority == "high"
    assert task.assignee_id == tenant.editor_id
    assert task.due_date == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    assert (task.related_type, task.related_id) == ("organisation", org_id)


def test_execute_action_send_notification(writer_session: Session, tenant: Tenant) -> None:
    org_id = _organisation(writer_session, tenant)
    ctx = _action_context(writer_session, tenant, org_id)
    action = get_action("send_notification")
    assert action is not None
    config = action.parse_config(
        render(
            {
                "user": ["manager", "title:director"],
                "level": "warning",
                "message": "{{ organisation.name }}: "
                "{{ organisation.potential_amount|currency }} €",
            },
            ctx.data,
        )
    )
    output = action.execute(ctx, config)
    notes = writer_session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert sorted(output["user_ids"]) == sorted([tenant.manager_id, tenant.director_id])
    assert {n.user_id for n in notes} == {tenant.manager_id, tenant.director_id}
    assert all(n.level == "warning" and n.message == "Alforis: 75,000.00 €" for n in notes)
    with pytest.raises(ActionFailed, match="no recipient"):
        action.execute(ctx, action.parse_config({"user": "title:astronaut", "message": "x"}))
