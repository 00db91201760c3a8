"""Resolve who an action is for: user ids, emails, `title:`, `role:`, `owner`, `manager`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from crmflow.auth.models import User
from crmflow.engine.context import ContextLoader, users_with_title
from crmflow.engine.plugins import ActionContext, ActionFailed

ENTITY_TYPES = ("organisation", "deal", "contact", "task", "activity")


def trigger_entity(ctx: ActionContext) -> dict[str, Any]:
    """Return the snapshot of the record that triggered the run (empty when none)."""
    if ctx.trigger_entity_type and isinstance(ctx.data.get(ctx.trigger_entity_type), dict):
        entity: dict[str, Any] = ctx.data[ctx.trigger_entity_type]
        return entity
    return {}


def target_entity(ctx: ActionContext, entity: str | None) -> tuple[str, int]:
    """Pick the record an action applies to: the trigger entity or a related one by type."""
    kind = (entity or ctx.trigger_entity_type or "").lower()
    if not kind:
        raise ActionFailed("entity: this run has no trigger record; set config.entity")
    if kind == ctx.trigger_entity_type and ctx.trigger_entity_id is not None:
        return kind, ctx.trigger_entity_id
    related = ctx.data.get(kind)
    if isinstance(related, dict) and isinstance(related.get("id"), int):
        return kind, related["id"]
    raise ActionFailed(f"entity: the run has no related {kind} record")


def predicted_target(
    ctx: ActionContext, entity: str | None
) -> tuple[str, int | None, dict[str, Any]]:
    """The record a dry run would change: its type, id (None for a made-up one) and values."""
    kind = (entity or ctx.trigger_entity_type or "").lower()
    if not kind:
        raise ActionFailed("entity: this run has no trigger record; set config.entity")
    record = ctx.data.get(kind)
    if not isinstance(record, dict):
        raise ActionFailed(f"entity: the run has no related {kind} record")
    entity_id = record.get("id")
    return kind, entity_id if isinstance(entity_id, int) else None, record


def _owner_id(ctx: ActionContext) -> int | None:
    owner = trigger_entity(ctx).get("owner_id")
    return owner if isinstance(owner, int) else None


def resolve_user_ids(ctx: ActionContext, ref: Any) -> list[int]:
    """Resolve a reference (or a list of them) to user ids of the run's company, in order."""
    refs = ref if isinstance(ref, list) else [ref]
    ids: list[int] = []
    for item in refs:
        for user_id in _resolve_one(ctx.conn, ctx, item):
            if user_id not in ids:
                ids.append(user_id)
    return ids


def _resolve_one(conn: Connection, ctx: ActionContext, ref: Any) -> list[int]:
    company = ctx.company_id
    if ref is None or ref == "":
        return []
    if isinstance(ref, bool):
        raise ActionFailed(f"user: {ref!r} is not a user reference")
    if isinstance(ref, int | float) or (isinstance(ref, str) and ref.strip().isdigit()):
        found = conn.execute(
            select(User.id).where(User.id == int(ref), User.company_id == company)
        ).scalar()
        if found is None:
            raise ActionFailed(f"user: no user {ref} in this company")
        return [int(found)]
    if not isinstance(ref, str):
        raise ActionFailed(f"user: {ref!r} is not a user reference")
    text = ref.strip()
    lowered = text.lower()
    if lowered == "owner":
        owner = _owner_id(ctx)
        return [owner] if owner is not None else []
    if lowered == "manager":
        owner = _owner_id(ctx)
        if owner is None:
            return []
        manager = ctx.user(owner).get("manager_id")
        return [manager] if isinstance(manager, int) else []
    if ":" in text:
        kind, _, value = text.partition(":")
        kind, value = kind.strip().lower(), value.strip()
        if kind == "user":
            return _resolve_one(conn, ctx, value)
        if kind == "title":
            if isinstance(ctx.users, ContextLoader):  # it keeps the answer for the batch
                return ctx.users.titled(company, value.lower())
            return users_with_title(conn, company, value.lower())
        if kind == "role":
            return list(
                conn.scalars(
                    select(User.id)
                    .where(
                        User.company_id == company,
                        User.role == value.lower(),
                        User.is_active.is_(True),
                    )
                    .order_by(User.id)
                )
            )
        raise ActionFailed(f"user: unknown reference kind {kind!r} (use user:, title:, role:)")
    if "@" in text:
        user_id = conn.scalar(
            select(User.id).where(User.company_id == company, User.email == lowered)
        )
        if user_id is None:
            raise ActionFailed(f"user: no user with email {text!r} in this company")
        return [user_id]
    raise ActionFailed(f"user: cannot resolve {text!r} (id, email, owner, manager, title:, role:)")


def resolve_emails(ctx: ActionContext, ref: Any) -> list[str]:
    """Resolve recipients to email addresses: literal addresses pass through, others via users."""
    refs = ref if isinstance(ref, list) else [ref]
    out: list[str] = []
    for item in refs:
        if isinstance(item, str) and "@" in item and ":" not in item:
            for address in item.split(","):
                address = address.strip()
                if address and address not in out:
                    out.append(address)
            continue
        for user_id in resolve_user_ids(ctx, item):
            email = ctx.user(user_id).get("email")
            if email and email not in out:
                out.append(email)
    return out
