"""Workflows and their immutable versions."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crmflow.db.base import (
    Base,
    BigId,
    CompanyScoped,
    IdMixin,
    JSONType,
    TimestampMixin,
    UTCDateTime,
)


def definition_checksum(definition: dict[str, Any]) -> str:
    """Return the SHA-256 hex digest of a definition's canonical JSON."""
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _checksum_of_inserted_definition(context: Any) -> str:
    return definition_checksum(context.get_current_parameters()["definition"])


class Workflow(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A named automation: trigger, conditions, steps; its definition lives in versions."""

    __tablename__ = "workflows"
    __table_args__ = (
        # The dispatcher's lookup: active workflows of a company for one trigger type.
        Index("ix_workflows_dispatch", "company_id", "trigger_type", "status"),
        Index("ix_workflows_company_status", "company_id", "status"),
    )

    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    trigger_type: Mapped[str] = mapped_column(String(60))
    trigger_config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    conditions: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    actions: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Run policy: {"mode": parallel|single|restart|queued, "reenrollment": ...}.
    run_policy: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    is_template: Mapped[bool] = mapped_column(default=False)
    template_slug: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    current_version_id: Mapped[int | None] = mapped_column(BigId, nullable=True)
    version_number: Mapped[int] = mapped_column(default=0)
    execution_count: Mapped[int] = mapped_column(default=0)
    last_executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # webhook_received: POST /api/v1/hooks/{hook_token}; a secret makes signatures required.
    hook_token: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    hook_secret: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # Deliveries per minute this workflow's inbound URL accepts (None: CRMFLOW_HOOK_RATE_LIMIT).
    hook_rate_limit: Mapped[int | None] = mapped_column(nullable=True)
    # Scheduler bookkeeping: fire times up to this instant have been considered.
    schedule_cursor: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Where the editor draws each node ({"positions": {"trigger" | step path: {"x", "y"}}}):
    # presentation only, so moving a node is not a new version of what runs.
    graph_layout: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    # Tags are metadata like the name: changing them never makes a new version.
    tag_rows: Mapped[list[WorkflowTag]] = relationship(
        order_by="WorkflowTag.position", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def tags(self) -> list[str]:
        """The workflow's tags in the order they were given."""
        return [row.name for row in self.tag_rows]


class WorkflowVersion(IdMixin, CompanyScoped, Base):
    """An immutable snapshot of a workflow definition; executions pin the one they ran."""

    __tablename__ = "workflow_versions"
    __table_args__ = (UniqueConstraint("workflow_id", "version"),)

    workflow_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("workflows.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # SHA-256 of the definition: compiled definitions are cached under (id, checksum), so a
    # row that ever took a deleted version's id can never run that version's steps.
    checksum: Mapped[str] = mapped_column(String(64), default=_checksum_of_inserted_definition)
    created_by: Mapped[int | None] = mapped_column(BigId, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    change_note: Mapped[str] = mapped_column(String(500), default="")


class WorkflowTag(CompanyScoped, Base):
    """One tag on one workflow: metadata like the name, never part of a version."""

    __tablename__ = "workflow_tags"
    __table_args__ = (Index("ix_workflow_tags_company_key", "company_id", "key"),)

    workflow_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("workflows.id", ondelete="CASCADE"), primary_key=True
    )
    # Case-folded spelling (up to 3x longer than the name): uniqueness and filters ignore case.
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    # Order the tags were given in, so a workflow shows (and exports) them as written.
    position: Mapped[int] = mapped_column(default=0)
