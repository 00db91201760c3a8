"""The one lifecycle of an execution: every status change goes through this module.

Each change is one guarded UPDATE whose guard is read from TRANSITIONS, so a worker and a user
acting on the same run at the same moment cannot both win: the loser's guard matches nothing.
A change the table does not allow raises IllegalTransition before any SQL runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, case, func, or_, select, update

from crmflow.common.enums import FINISHED_STATUSES, ExecutionStatus
from crmflow.db import dialect
from crmflow.executions.models import WorkflowExecution
from crmflow.workflows.models import WorkflowVersion

EXECUTIONS: Table = WorkflowExecution.__table__  # type: ignore[assignment]
VERSIONS: Table = WorkflowVersion.__table__  # type: ignore[assignment]

S = ExecutionStatus

# status -> the statuses it may change to. `waiting -> waiting` is a wake (due now).
TRANSITIONS: dict[ExecutionStatus, frozenset[ExecutionStatus]] = {
    S.PENDING: frozenset({S.RUNNING, S.CANCELLED}),
    # `pending`: a claim handed back; `running`: a claim taken over after its lease expired.
    S.RUNNING: frozenset({S.PENDING, S.RUNNING, S.WAITING} | FINISHED_STATUSES),
    S.WAITING: frozenset({S.RUNNING, S.WAITING, S.CANCELLED}),
    # A retry resumes a failed run from its failed step.
    S.FAILED: frozenset({S.PENDING}),
    S.SUCCESS: frozenset(),
    S.PARTIAL: frozenset(),
    S.SKIPPED: frozenset(),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
}


class IllegalTransition(ValueError):
    """A status change the lifecycle does not allow."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__(f"an execution cannot go from {source} to {target}")
        self.source, self.target = source, target


def sources_of(target: ExecutionStatus) -> tuple[ExecutionStatus, ...]:
    """The statuses from which a run may change to `target`, in declaration order."""
    return tuple(s for s, targets in TRANSITIONS.items() if target in targets)


def check(source: str, target: str) -> None:
    """Raise IllegalTransition unless the table allows source -> target."""
    if S(target) not in TRANSITIONS[S(source)]:
        raise IllegalTransition(source, target)


def _require(target: ExecutionStatus, source: ExecutionStatus) -> ExecutionStatus:
    # A statement built for an edge the table lacks is a programming error: fail at import.
    check(source, target)
    return source


ex = EXECUTIONS.c


# --- claim, fence, release (the workers' lease) ---------------------------------------------

# The claimed run's definition checksum: the compiled-definition cache is keyed by it.
_VERSION_CHECKSUM = (
    select(VERSIONS.c.checksum)
    .where(VERSIONS.c.id == ex.version_id)
    .scalar_subquery()
    .label("version_checksum")
)


def _claim_statement(skip_locked: bool) -> Any:
    now: Any = bindparam("now")
    running = _require(S.RUNNING, S.RUNNING)
    claimable = and_(
        ex.id.in_(bindparam("ids", expanding=True)),
        or_(
            ex.status == _require(S.RUNNING, S.PENDING),
            and_(ex.status == running, ex.lease_expires_at < now),
            # Our own earlier claim, cut by a database error before its run committed: the
            # same worker (process and thread) takes it back at once, not after the lease.
            and_(ex.status == running, ex.lease_owner == bindparam("owner")),
            and_(ex.status == _require(S.RUNNING, S.WAITING), ex.resume_at <= now),
        ),
    )
    if skip_locked:
        # Rows another worker is running are skipped, not waited for.
        claimable = ex.id.in_(
            select(ex.id).where(claimable).with_for_update(skip_locked=True).scalar_subquery()
        )
    return (
        update(EXECUTIONS)
        .where(claimable)
        .values(
            status=S.RUNNING,
            lease_owner=bindparam("owner"),
            lease_expires_at=bindparam("lease_until"),
            attempt=ex.attempt + 1,
            # SET sees the old status: a claim of a `running` row means its worker was lost.
            worker_losses=ex.worker_losses
            + case((and_(ex.status == running, ex.lease_owner != bindparam("owner")), 1), else_=0),
            started_at=func.coalesce(ex.started_at, now),
            updated_at=now,
        )
        .returning(*EXECUTIONS.c, _VERSION_CHECKSUM)
    )


# Built once: statement construction costs more than a small batch's SQL. FOR UPDATE SKIP
# LOCKED where the database has row locks; SQLite's single writer needs none.
_CLAIM = {True: _claim_statement(True), False: _claim_statement(False)}


def claim(
    conn: Connection, ids: Sequence[int], *, owner: str, now: datetime, lease_until: datetime
) -> list[dict[str, Any]]:
    """Take the lease on those runs that are pending, due, or whose lease expired; id order."""
    params = {"ids": list(ids), "now": now, "owner": owner, "lease_until": lease_until}
    statement = _CLAIM[dialect.row_locks(conn)]
    rows = [dict(r._mapping) for r in conn.execute(statement, params)]
    rows.sort(key=lambda r: int(r["id"]))
    return rows


_FENCE = (
    select(ex.id)
    .where(
        ex.id.in_(bindparam("ids", expanding=True)),
        ex.status == S.RUNNING,
        ex.lease_owner == bindparam("owner"),
    )
    # Locked for the whole run: a worker that claims after our lease expired skips the rows
    # instead of running them a second time.
    .with_for_update(skip_locked=True)
)


def fence(conn: Connection, ids: Sequence[int], *, owner: str) -> set[int]:
    """Lock the runs claimed in an earlier transaction; return those still ours."""
    return {int(i) for i in conn.scalars(_FENCE, {"ids": list(ids), "owner": owner})}


_RELEASE = (
    update(EXECUTIONS)
    .where(
        ex.id.in_(bindparam("ids", expanding=True)),
        ex.status == _require(S.PENDING, S.RUNNING),
        ex.lease_owner == bindparam("owner"),
    )
    .values(status=S.PENDING, lease_owner=None, lease_expires_at=None)
)


def release(conn: Connection, ids: Sequence[int], *, owner: str) -> None:
    """Hand claimed runs back (after an infrastructure error), without a worker loss."""
    conn.execute(_RELEASE, {"ids": list(ids), "owner": owner})


# --- wait and finish (a worker's batch, executemany) ----------------------------------------

# Both only apply to runs still ours: a run cancelled meanwhile stays cancelled.
_WAIT = (
    update(EXECUTIONS)
    .where(ex.id == bindparam("b_id"), ex.status == _require(S.WAITING, S.RUNNING))
    .values(
        status=S.WAITING,
        resume_at=bindparam("b_resume_at"),
        waiting_for=bindparam("b_waiting_for"),
        updated_at=bindparam("b_now"),
        actions_executed=bindparam("b_actions"),
        steps_failed=bindparam("b_steps_failed"),
        decision=bindparam("b_decision", type_=ex.decision.type),
        lease_owner=None,
        lease_expires_at=None,
    )
)

_FINISH = (
    update(EXECUTIONS)
    .where(ex.id == bindparam("b_id"), ex.status == S.RUNNING)
    .values(
        status=bindparam("b_status"),
        resume_at=None,
        waiting_for=None,
        completed_at=bindparam("b_completed_at"),
        updated_at=bindparam("b_completed_at"),
        duration_ms=bindparam("b_duration_ms"),
        actions_executed=bindparam("b_actions"),
        steps_failed=bindparam("b_steps_failed"),
        decision=bindparam("b_decision", type_=ex.decision.type),
        error_message=bindparam("b_error"),
        lease_owner=None,
        lease_expires_at=None,
    )
)


def wait_many(conn: Connection, waits: list[dict[str, Any]]) -> None:
    """Park running runs until their `b_resume_at` (None: until woken)."""
    if waits:
        conn.execute(_WAIT, waits)


def finish_many(conn: Connection, finals: list[dict[str, Any]]) -> None:
    """End running runs in their `b_status`; a status that is not a final one raises."""
    for final in finals:
        if final["b_status"] not in FINISHED_STATUSES:
            raise IllegalTransition(S.RUNNING, final["b_status"])
    if finals:
        conn.execute(_FINISH, finals)


# --- cancel, retry (people and run policies) ------------------------------------------------

CANCELLABLE = sources_of(S.CANCELLED)


def cancel(
    conn: Connection,
    ids: Iterable[int],
    *,
    reason: str,
    now: datetime,
    owner: str | None = None,
    duration_ms: float | None = None,
) -> list[tuple[int, int]]:
    """Cancel runs in progress; return (id, workflow id) of those cancelled.

    With `owner` (a run policy's restart, inside the batch that claimed the runs), a running
    run is cancelled only if that worker holds its lease; another worker's is left to finish.
    """
    in_hand: Any = ex.status == S.RUNNING
    if owner is not None:
        in_hand = and_(in_hand, ex.lease_owner == owner)
    values: dict[str, Any] = {
        "status": S.CANCELLED,
        "completed_at": now,
        "updated_at": now,
        "error_message": reason,
        "resume_at": None,
        "waiting_for": None,
        "lease_owner": None,
        "lease_expires_at": None,
    }
    if duration_ms is not None:
        values["duration_ms"] = duration_ms
    idle = tuple(s for s in CANCELLABLE if s != S.RUNNING)
    rows = conn.execute(
        update(EXECUTIONS)
        .where(ex.id.in_(list(ids)), or_(ex.status.in_(idle), in_hand))
        .values(**values)
        .returning(ex.id, ex.workflow_id)
    ).all()
    return [(int(i), int(w)) for i, w in rows]


def retry(conn: Connection, execution_id: int, *, attempt: int, now: datetime) -> bool:
    """Make a failed run pending again (it resumes at its failed step); False if not failed."""
    result = conn.execute(
        update(EXECUTIONS)
        .where(ex.id == execution_id, ex.status == _require(S.PENDING, S.FAILED))
        .values(
            status=S.PENDING,
            error_message=None,
            completed_at=None,
            duration_ms=None,
            lease_owner=None,
            lease_expires_at=None,
            resume_at=None,
            waiting_for=None,
            worker_losses=0,
            attempt=attempt,
            updated_at=now,
        )
    )
    return bool(result.rowcount)


# --- wake (a waiting run becomes due now) ---------------------------------------------------

_WAKEABLE = _require(S.WAITING, S.WAITING)


def wake(conn: Connection, ids: Sequence[int], *, now: datetime) -> list[int]:
    """Make waiting runs due now (an approval decided, an email sent); return those woken."""
    if not ids:
        return []
    return [
        int(i)
        for i in conn.scalars(
            update(EXECUTIONS)
            .where(ex.id.in_(list(ids)), ex.status == _WAKEABLE)
            .values(resume_at=now)
            .returning(ex.id)
        )
    ]


def wake_queued(conn: Connection, keys: set[tuple[int, str, int]], now: datetime) -> list[int]:
    """Make the runs queued behind finished ones (run mode `queued`) due now; return their ids."""
    woken: list[int] = []
    for workflow_id, entity_type, entity_id in sorted(keys):
        woken.extend(
            int(i)
            for i in conn.scalars(
                update(EXECUTIONS)
                .where(
                    ex.workflow_id == workflow_id,
                    ex.trigger_entity_type == entity_type,
                    ex.trigger_entity_id == entity_id,
                    ex.status == _WAKEABLE,
                    ex.waiting_for == "queue",
                )
                .values(resume_at=now)
                .returning(ex.id)
            )
        )
    return woken
