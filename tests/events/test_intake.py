"""Group commit of inbound events: many per transaction, each request answered on its own."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.auth.service import get_or_create_company
from crmflow.common.errors import Invalid
from crmflow.db.migrate import upgrade
from crmflow.db.session import dispose_all, get_engine, get_session_factory
from crmflow.events import inbound
from crmflow.events.intake import EventIntake, InboundEvent
from crmflow.events.models import Event
from tests.conftest import Tenant


def _record_all(intake: EventIntake, events: list[InboundEvent]) -> list[Any]:
    async def send() -> list[Any]:
        return await asyncio.gather(*(intake.record(e) for e in events), return_exceptions=True)

    try:
        return asyncio.run(send())
    finally:
        intake.stop()


def _count_commits(db_url: str) -> list[int]:
    commits: list[int] = []
    sa_event.listen(get_engine(db_url), "commit", lambda _conn: commits.append(1))
    return commits


def test_concurrent_events_share_transactions_and_are_all_committed(
    db_url: str, tenant: Tenant, session: Session
) -> None:
    commits = _count_commits(db_url)
    intake = EventIntake(get_session_factory(db_url))
    sent = [
        InboundEvent(company_id=tenant.company_id, type="invoice.paid", payload={"n": n})
        for n in range(200)
    ]
    results = _record_all(intake, sent)
    assert all(created for _event, created in results)
    ids = [event.id for event, _created in results]
    assert len(set(ids)) == 200
    assert [event.payload for event, _ in results] == [{"n": n} for n in range(200)]
    # 200 events in a handful of transactions, not 200.
    assert 1 <= len(commits) < 50
    stored = session.scalar(select(func.count()).select_from(Event).where(Event.id.in_(ids)))
    assert stored == 200


def test_a_bad_event_fails_alone_and_a_repeated_key_answers_the_first(
    db_url: str, tenant: Tenant, session: Session
) -> None:
    intake = EventIntake(get_session_factory(db_url))
    company = tenant.company_id
    results = _record_all(
        intake,
        [
            InboundEvent(company_id=company, type="invoice.paid", idempotency_key="k-1"),
            InboundEvent(company_id=company, type="scheduled"),
            InboundEvent(company_id=company, type="deal_updated", entity_type="deal", entity_id=9),
            InboundEvent(company_id=company, type="invoice.paid", idempotency_key="k-1"),
            InboundEvent(company_id=company, type="invoice.sent"),
        ],
    )
    first, internal, missing, repeat, last = results
    assert first[1] is True and last[1] is True
    assert isinstance(internal, Invalid) and internal.field == "type"
    assert isinstance(missing, Invalid) and missing.field == "entity_id"
    assert repeat[1] is False and repeat[0].id == first[0].id
    stored = session.scalars(select(Event.type).where(Event.company_id == company)).all()
    assert sorted(stored) == ["invoice.paid", "invoice.sent"]


def test_a_conflict_at_commit_is_retried_event_by_event(
    db_url: str, tenant: Tenant, monkeypatch: pytest.MonkeyPatch, session: Session
) -> None:
    # Another process wins the key between the check and the commit: the batch's commit fails
    # on the unique index, and each event is then recorded alone.
    company = tenant.company_id
    real = inbound.find_by_idempotency_key
    with get_session_factory(db_url)() as other:
        winner, created = inbound.record_inbound_event(
            other, company_id=company, type="invoice.paid", idempotency_key="race"
        )
        other.commit()
        assert created
        winner_id = winner.id
    calls: list[str] = []

    def blind_once(session: Session, *, company_id: int, key: str) -> Event | None:
        calls.append(key)
        return None if len(calls) == 1 else real(session, company_id=company_id, key=key)

    monkeypatch.setattr(inbound, "find_by_idempotency_key", blind_once)
    intake = EventIntake(get_session_factory(db_url))
    raced, other_event = _record_all(
        intake,
        [
            InboundEvent(company_id=company, type="invoice.paid", idempotency_key="race"),
            InboundEvent(company_id=company, type="invoice.sent"),
        ],
    )
    assert raced == (raced[0], False) and raced[0].id == winner_id
    assert other_event[1] is True
    assert session.scalar(select(Event.type).where(Event.id == other_event[0].id)) == (
        "invoice.sent"
    )


def test_events_arriving_while_another_writer_holds_the_turn_join_the_waiting_batch(
    tmp_path: Path,
) -> None:
    # SQLite's single write turn, whatever database the suite runs on.
    url = f"sqlite:///{tmp_path / 'turn.db'}"
    upgrade(url)
    factory = get_session_factory(url)
    with factory() as setup:
        company_id = get_or_create_company(setup, name="Turn").id
        setup.commit()
    commits = _count_commits(url)
    intake = EventIntake(factory)
    holder = factory()
    holder.connection()  # another writer of the process holds the turn

    def paid(n: int) -> InboundEvent:
        return InboundEvent(company_id=company_id, type="invoice.paid", payload={"n": n})

    async def send() -> list[Any]:
        first = asyncio.ensure_future(intake.record(paid(0)))
        await asyncio.sleep(0.2)  # the intake took it and waits for the turn
        rest = [asyncio.ensure_future(intake.record(paid(n))) for n in range(1, 21)]
        await asyncio.sleep(0.2)  # queued behind it
        holder.rollback()
        return await asyncio.gather(first, *rest)

    try:
        results = asyncio.run(send())
    finally:
        holder.close()
        intake.stop()
        dispose_all()
    assert [event.payload["n"] for event, created in results if created] == list(range(21))
    # The 20 that came while the first waited joined its transaction: one commit for all.
    assert len(commits) == 1
