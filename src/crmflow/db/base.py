"""Declarative base, column types and mixins shared by every domain model."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Table,
    event,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets 64-bit ids.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def parse_simulated_clock(spec: str) -> tuple[datetime, float, float]:
    """Parse `CRMFLOW_SIMULATED_CLOCK` = "<start ISO>,<real anchor, unix s>,<rate>"."""
    try:
        start_text, anchor_text, rate_text = (part.strip() for part in spec.split(","))
        start = datetime.fromisoformat(start_text.replace("Z", "+00:00"))
        anchor, rate = float(anchor_text), float(rate_text)
    except ValueError:
        raise ValueError(
            f"CRMFLOW_SIMULATED_CLOCK {spec!r}: expected '<start ISO>,<real unix time>,<rate>', "
            "e.g. '2026-11-30T00:00:00Z,1795000000,1440'"
        ) from None
    if start.tzinfo is None or rate <= 0:
        raise ValueError("CRMFLOW_SIMULATED_CLOCK: the start needs a zone; the rate must be > 0")
    return start, anchor, rate


# A simulated clock for tests and rehearsals only: simulated time starts at `start` when the
# real clock reads `anchor` and runs `rate` times faster, identically in every process that
# shares the setting (beats and workers), so a day of schedules can be replayed in a minute.
_SIMULATED = (
    parse_simulated_clock(os.environ["CRMFLOW_SIMULATED_CLOCK"])
    if os.environ.get("CRMFLOW_SIMULATED_CLOCK")
    else None
)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (simulated when so configured)."""
    if _SIMULATED is None:
        return datetime.now(UTC)
    start, anchor, rate = _SIMULATED
    real = datetime.now(UTC).timestamp()
    return start + timedelta(seconds=(real - anchor) * rate)


class UTCDateTime(TypeDecorator[datetime]):
    """Store naive UTC, always hand back aware UTC datetimes (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Root of every ORM model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSONType, list[Any]: JSONType, datetime: UTCDateTime}


class IdMixin:
    """Integer surrogate key, never reused (AUTOINCREMENT on SQLite, sequences elsewhere)."""

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)


@event.listens_for(Base, "instrument_class", propagate=True)
def _never_reuse_sqlite_ids(mapper: Any, _cls: type) -> None:
    # Without AUTOINCREMENT SQLite hands out max(id) + 1, so a deleted row's id comes back and
    # anything keyed by it (a compiled definition, an idempotency key) could be confused.
    table = mapper.local_table
    if isinstance(table, Table) and "id" in table.c and table.c.id.primary_key:
        table.dialect_kwargs["sqlite_autoincrement"] = True


class TimestampMixin:
    """created_at / updated_at maintained by the ORM."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class CompanyScoped:
    """Row that belongs to one company (tenant); every query filters on it."""

    company_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("companies.id", ondelete="CASCADE"), index=True, nullable=False
    )


__all__ = [
    "Base",
    "BigId",
    "CompanyScoped",
    "IdMixin",
    "JSONType",
    "TimestampMixin",
    "UTCDateTime",
    "func",
    "utcnow",
]
