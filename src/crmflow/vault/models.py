"""A company's secret: a name and its encrypted value (the plaintext is never stored)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crmflow.db.base import Base, BigId, CompanyScoped, IdMixin, TimestampMixin, UTCDateTime


class Secret(IdMixin, TimestampMixin, CompanyScoped, Base):
    """A value steps use as `{{ secrets.NAME }}`; AES-GCM under CRMFLOW_SECRET_KEY at rest."""

    __tablename__ = "secrets"
    __table_args__ = (UniqueConstraint("company_id", "name"),)

    name: Mapped[str] = mapped_column(String(64))
    # "v1.<key id>.<base64url(nonce | ciphertext | tag)>", see crmflow.vault.crypto.
    value_encrypted: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    updated_by: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    # When a run last decrypted it (kept to the nearest few minutes, so runs rarely write).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
