"""Companies (tenants), users and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.db.base import Base, BigId, CompanyScoped, IdMixin, TimestampMixin, UTCDateTime


class Company(IdMixin, TimestampMixin, Base):
    """A tenant: every other row belongs to exactly one company."""

    __tablename__ = "companies"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Per-company secret used to sign outgoing webhooks (later issue); never returned by the API.
    webhook_secret: Mapped[str] = mapped_column(String(128), default="")
    # The language of what the system writes to its people (approval requests, alerts).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")


class User(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A person who signs in, owns records and may approve or be assigned work."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("company_id", "email"),)

    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(300), nullable=True)
    role: Mapped[str] = mapped_column(String(20), default="viewer")
    titles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    manager_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    # The interface language the user chose; None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(8), nullable=True)


class ApiToken(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A Bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_token_hash", "token_hash", unique=True),)

    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # None: never expires (API tokens by default); sign-in tokens get CRMFLOW_LOGIN_TOKEN_TTL_HOURS.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginFailure(IdMixin, Base):
    """A failed sign-in: counted per account and per client address to throttle guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email", "email", "failed_at"),
        Index("ix_login_failures_address", "address", "failed_at"),
    )

    email: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
