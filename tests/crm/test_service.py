"""The service functions the workflow engine calls: fields, coercion, tags, tasks, events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.common.dates import parse_datetime
from crmflow.common.errors import Conflict, Invalid, NotFound
from crmflow.crm import service
from crmflow.crm.fields import ENTITY_FIELDS
from crmflow.crm.models import Notification, Organisation, Tag, Task
from crmflow.events.models import Event
from tests.conftest import Tenant


def _org(session: Session, tenant: Tenant, **values: object) -> Organisation:
    org = service.create_record(
        session,
        company_id=tenant.company_id,
        entity_type="organisation",
        values={"name": "Initech", **values},
    )
    assert isinstance(org, Organisation)
    return org


def _events(session: Session, event_type: str) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.type == event_type).order_by(Event.id)))


def test_entity_fields_describe_updatable_fields() -> None:
    assert set(ENTITY_FIELDS) == {"organisation", "deal", "contact", "task"}
    assert ENTITY_FIELDS["deal"]["amount"].kind == "number"
    assert ENTITY_FIELDS["task"]["status"].enum_values == (
        "open",
        "in_progress",
        "done",
        "cancelled",
    )
    assert ENTITY_FIELDS["organisation"]["owner_id"].kind == "user"
    assert ENTITY_FIELDS["deal"]["close_date"].describe() == {
        "name": "close_date",
        "kind": "date",
        "nullable": True,
    }
    assert service.validate_update_field("deal", "custom_fields.region").kind == "json"


def test_validate_update_field_names_the_allowed_fields() -> None:
    with pytest.raises(Invalid) as error:
        service.validate_update_field("organisation", "foo")
    assert error.value.message.startswith("field: unknown field 'foo' for organisation (expected")
    assert "potential_amount" in error.value.message
    assert "custom_fields.<key>" in error.value.message
    with pytest.raises(Invalid, match="entity_type"):
        service.validate_update_field("spaceship", "name")
    with pytest.raises(Invalid, match="custom field key"):
        service.validate_update_field("deal", "custom_fields.bad key")
    with pytest.raises(Invalid):
        service.validate_update_field("task", "custom_fields.x")  # tasks have no custom fields


def test_update_entity_fields_coerces_and_records_events(session: Session, tenant: Tenant) -> None:
    org = _org(session, tenant, potential_amount=10)
    changes = service.update_entity_fields(
        session,
        company_id=tenant.company_id,
        entity_type="organisation",
        entity_id=org.id,
        values={
            "potential_amount": "75000",
            "owner_id": "manager@acme.test",
            "custom_fields.segment": "b2b",
            "pipeline_stage": "Proposition",
        },
        causation_depth=2,
        actor_user_id=tenant.admin_id,
    )
    assert changes == {
        "potential_amount": [10.0, 75000.0],
        "owner_id": [None, tenant.manager_id],
        "pipeline_stage": [None, "proposition"],
        "custom_fields.segment": [None, "b2b"],
    }
    assert org.potential_amount == 75000.0 and org.custom_fields == {"segment": "b2b"}
    [event] = _events(session, "organisation_updated")
    assert event.causation_depth == 2 and event.actor_user_id == tenant.admin_id
    assert event.changes == changes and event.payload["owner_id"] == tenant.manager_id
    json.dumps(event.payload)  # JSON-able snapshot
    # The caller owns the transaction: rolling it back undoes the change and its events.
    session.rollback()
    assert _events(session, "organisation_updated") == []


def test_update_entity_fields_does_not_commit(session: Session, tenant: Tenant) -> None:
    org = _org(session, tenant, potential_amount=10)
    session.commit()
    service.update_entity_fields(
        session,
        company_id=tenant.company_id,
        entity_type="organisation",
        entity_id=org.id,
        values={"potential_amount": 20},
    )
    session.rollback()
    assert session.get(Organisation, org.id).potential_amount == 10.0  # type: ignore[union-attr]
    assert _events(session, "organisation_updated") == []


def test_update_entity_fields_validates_everything_before_writing(
    session: Session, tenant: Tenant, other_tenant: Tenant
) -> None:
    org = _org(session, tenant)
    cases = [
        ({"potential_amount": "a lot"}, "potential_amount: expected a number"),
        ({"potential_amount": True}, "potential_amount"),
        ({"potential_amount": float("nan")}, "potential_amount"),
        (
            {"owner_id": other_tenant.admin_id},
            f"owner_id: no user {other_tenant.admin_id} in this company",
        ),
        ({"owner_id": "nobody@acme.test"}, "owner_id: no user nobody@acme.test"),
        ({"name": "Renamed", "bogus": 1}, "field: unknown field 'bogus'"),
        ({"name": None}, "name: may not be null"),
        ({"email": "x"}, "email: not an email address"),
    ]
    for values, message in cases:
        with pytest.raises(Invalid) as error:
            service.update_entity_fields(
                session,
                company_id=tenant.company_id,
                entity_type="organisation",
                entity_id=org.id,
                values=values,
            )
        assert message in error.value.message
    assert org.name == "Initech" and _events(session, "organisation_updated") == []
    with pytest.raises(NotFound):
        service.update_entity_fields(
            session,
            company_id=other_tenant.company_id,
            entity_type="organisation",
            entity_id=org.id,
            values={"name": "Stolen"},
        )


def test_dates_accept_iso_and_relative_values(session: Session, tenant: Tenant) -> None:
    sale = service.create_record(
        session, company_id=tenant.company_id, entity_type="deal", values={"title": "D"}
    )
    service.update_entity_fields(
        session,
        company_id=tenant.company_id,
        entity_type="deal",
        entity_id=sale.id,
        values={"close_date": "2030-02-03"},
    )
    assert getattr(sale, "close_date") == datetime(2030, 2, 3, tzinfo=UTC)  # noqa: B009
    before = datetime.now(UTC)
    changes = service.update_entity_fields(
        session,
        company_id=tenant.company_id,
        entity_type="deal",
        entity_id=sale.id,
        values={"close_date": "+7 days"},
    )
    assert changes["close_date"][1].endswith("Z")
    assert parse_datetime("+1 month") > before + timedelta(days=27)
    assert parse_datetime("2030-01-01T12:00:00+01:00") == datetime(2030, 1, 1, 11, tzinfo=UTC)
    with pytest.raises(ValueError, match="relative offset"):
        parse_datetime("in a while")


def test_deal_stage_change_emits_both_events_with_depth(session: Session, tenant: Tenant) -> None:
    sale = service.create_record(
        session,
        company_id=tenant.company_id,
        entity_type="deal",
        values={"title": "D", "stage": "proposition"},
    )
    service.update_entity_fields(
        session,
        company_id=tenant.company_id,
        entity_type="deal",
        entity_id=sale.id,
        values={"stage": "SIGNED"},
        causation_depth=1,
    )
    for event_type in ("deal_updated", "deal_stage_changed"):
        [event] = _events(session, event_type)
        assert event.changes == {"stage": ["proposition", "signed"]}
        assert event.causation_depth == 1


def test_task_status_done_records_task_completed(session: Session, tenant: Tenant) -> None:
    todo = service.create_task(
        session,
        company_id=tenant.company_id,
        title="Call",
        assignee_id=tenant.editor_id,
        due_date="+2 days",
    )
    assert todo.status == "open" and todo.due_date is not None
    assert service.update_entity_fields(
        session,
        company_id=tenant.company_id,
        entity_type="task",
        entity_id=todo.id,
        values={"priority": "low"},
    ) == {"priority": ["normal", "low"]}
    assert session.scalar(select(func.count()).select_from(Event)) == 0
    service.update_entity_fields(
        session,
        company_id=tenant.company_id,
        entity_type="task",
        entity_id=todo.id,
        values={"status": "Done"},
        causation_depth=3,
    )
    [event] = _events(session, "task_completed")
    assert event.causation_depth == 3 and todo.completed_at is not None


def test_create_task_is_idempotent_per_step_key(session: Session, tenant: Tenant) -> None:
    org = _org(session, tenant)
    first = service.create_task(
        session,
        company_id=tenant.company_id,
        title="Qualify",
        related_type="organisation",
        related_id=org.id,
        source_step_key="exec-1:actions/0",
    )
    again = service.create_task(
        session, company_id=tenant.company_id, title="Qualify", source_step_key="exec-1:actions/0"
    )
    assert again.id == first.id
    assert session.scalar(select(func.count()).select_from(Task)) == 1
    with pytest.raises(Invalid, match="related_id: no deal"):
        service.create_task(
            session, company_id=tenant.company_id, title="T", related_type="deal", related_id=org.id
        )


def test_add_and_remove_tags(session: Session, tenant: Tenant) -> None:
    org = _org(session, tenant, tags=["existing"])
    tags = service.add_tags(
        session,
        company_id=tenant.company_id,
        entity_type="organisation",
        entity_id=org.id,
        tags=[" VIP ", "vip", "Gold"],
        causation_depth=1,
    )
    assert tags == ["existing", "vip", "gold"] == org.tags
    names = set(session.scalars(select(Tag.name).where(Tag.company_id == tenant.company_id)))
    assert names == {"existing", "vip", "gold"}
    [event] = _events(session, "organisation_updated")
    assert event.changes == {"tags": [["existing"], ["existing", "vip", "gold"]]}
    assert event.causation_depth == 1
    # Adding what is there changes nothing and records nothing.
    service.add_tags(
        session,
        company_id=tenant.company_id,
        entity_type="organisation",
        entity_id=org.id,
        tags=["VIP"],
    )
    assert len(_events(session, "organisation_updated")) == 1
    remaining = service.remove_tags(
        session,
        company_id=tenant.company_id,
        entity_type="organisation",
        entity_id=org.id,
        tags=["vip", "missing"],
    )
    assert remaining == ["existing", "gold"]
    assert _events(session, "organisation_updated")[-1].changes == {
        "tags": [["existing", "vip", "gold"], ["existing", "gold"]]
    }
    with pytest.raises(Invalid, match="entity_type"):
        service.add_tags(
            session, company_id=tenant.company_id, entity_type="task", entity_id=1, tags=["x"]
        )
    with pytest.raises(Invalid, match="tags"):
        service.add_tags(
            session,
            company_id=tenant.company_id,
            entity_type="organisation",
            entity_id=org.id,
            tags=[""],
        )


def test_contact_tags_change_without_events(session: Session, tenant: Tenant) -> None:
    person = service.create_record(
        session,
        company_id=tenant.company_id,
        entity_type="contact",
        values={"email": "ada@example.com"},
    )
    service.add_tags(
        session,
        company_id=tenant.company_id,
        entity_type="contact",
        entity_id=person.id,
        tags=["speaker"],
    )
    assert person.tags == ["speaker"]
    assert session.scalar(select(func.count()).select_from(Event)) == 0


def test_load_entity_and_snapshot(session: Session, tenant: Tenant, other_tenant: Tenant) -> None:
    org = _org(session, tenant, custom_fields={"when": "2030-01-01"})
    assert (
        service.load_entity(
            session, company_id=tenant.company_id, entity_type="organisation", entity_id=org.id
        )
        is org
    )
    assert (
        service.load_entity(
            session,
            company_id=other_tenant.company_id,
            entity_type="organisation",
            entity_id=org.id,
        )
        is None
    )
    assert (
        service.load_entity(
            session, company_id=tenant.company_id, entity_type="organisation", entity_id=2**80
        )
        is None
    )
    data = service.snapshot(org)
    assert set(data) >= {
        "id",
        "company_id",
        "name",
        "tags",
        "custom_fields",
        "created_at",
        "updated_at",
        "last_activity_at",
    }
    assert data["created_at"].endswith("Z")
    assert json.loads(json.dumps(data)) == data


def test_create_notification(session: Session, tenant: Tenant, other_tenant: Tenant) -> None:
    note = service.create_notification(
        session,
        company_id=tenant.company_id,
        user_id=tenant.editor_id,
        level="Success",
        title="T" * 400,
        message="m",
        source_step_key="e:1",
    )
    assert note.level == "success" and len(note.title) == 300
    again = service.create_notification(
        session,
        company_id=tenant.company_id,
        user_id=tenant.editor_id,
        level="info",
        title="x",
        message="y",
        source_step_key="e:1",
    )
    assert again.id == note.id
    assert session.scalar(select(func.count()).select_from(Notification)) == 1
    with pytest.raises(Invalid, match="level"):
        service.create_notification(
            session,
            company_id=tenant.company_id,
            user_id=tenant.editor_id,
            level="panic",
            title="",
            message="",
        )
    with pytest.raises(Invalid, match="user_id"):
        service.create_notification(
            session,
            company_id=tenant.company_id,
            user_id=other_tenant.editor_id,
            level="info",
            title="",
            message="",
        )


def test_create_task_with_a_foreign_step_key_conflicts(
    session: Session, tenant: Tenant, other_tenant: Tenant
) -> None:
    service.create_task(session, company_id=tenant.company_id, title="A", source_step_key="k")
    with pytest.raises(Conflict):
        service.create_task(
            session, company_id=other_tenant.company_id, title="B", source_step_key="k"
        )
