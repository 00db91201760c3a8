"""Blueprints (the seed's ProcessTemplate): versioned, shareable workflow templates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.db.base import Base, BigId, CompanyScoped, IdMixin, JSONType, TimestampMixin


class ProcessTemplate(IdMixin, TimestampMixin, CompanyScoped, Base):
    """One version of a blueprint: steps, typed inputs, settings and the graph to draw."""

    __tablename__ = "process_templates"
    # Every version installed is kept: a company can go back to, or instantiate, an older one.
    __table_args__ = (
        UniqueConstraint("company_id", "name", "version"),
        Index("ix_process_templates_company_name", "company_id", "name"),
    )

    name: Mapped[str] = mapped_column(String(200))
    # SemVer 2 (MAJOR.MINOR.PATCH[-pre][+build]); compared by precedence, not as text.
    version: Mapped[str] = mapped_column(String(100))
    template_type: Mapped[str] = mapped_column(String(60), default="general")
    description: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    # Shipped with crmflow (installed on first use), as opposed to created or imported.
    builtin: Mapped[bool] = mapped_column(default=False)
    # A deleted built-in is archived, not removed: it is not installed again behind your back.
    archived: Mapped[bool] = mapped_column(default=False)
    slug: Mapped[str | None] = mapped_column(String(100), nullable=True)
    trigger_type: Mapped[str] = mapped_column(String(60))
    trigger_config: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    conditions: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    process_steps: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    # JSON Schema of the inputs asked at instantiation ({"type": "object", "properties": ...}).
    variables: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    graph_spec: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # SHA-256 of the blueprint's canonical JSON (export format, checksum excluded).
    checksum: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
