"""Write, list and delete a company's secrets; read them (decrypted) for running steps only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Table, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from crmflow.auth.service import Principal
from crmflow.common.errors import Conflict, NotFound
from crmflow.common.pagination import PageParams, page_of
from crmflow.db.base import utcnow
from crmflow.vault import crypto
from crmflow.vault.models import Secret
from crmflow.vault.schemas import SecretCreate, SecretOut, SecretUpdate

SECRETS: Table = Secret.__table__  # type: ignore[assignment]
# last_used_at is refreshed at most this often, so busy runs rarely write (or wait on) the row.
LAST_USED_PRECISION = timedelta(minutes=5)
# Where `{{ secrets.NAME }}` may appear: values meant for another system, never CRM records,
# notifications or emails (where anyone who reads them would read the secret).
ALLOWED_IN = "call_webhook and custom webhook steps"


def _writable_key(key: str | None) -> str:
    try:
        crypto.check_key(key)
    except crypto.SecretKeyMissing as exc:
        raise Conflict(f"secrets cannot be stored: {exc}") from None
    assert key is not None
    return key


def list_secrets(
    session: Session, *, company_id: int, params: PageParams, q: str | None = None
) -> dict[str, Any]:
    """One page of the company's secrets (metadata only), by name."""
    query = select(Secret).where(Secret.company_id == company_id)
    if q:
        query = query.where(func.lower(Secret.name).contains(q.strip().lower()))
    return page_of(session, query.order_by(Secret.name), params, SecretOut)


def get_secret(session: Session, *, company_id: int, name: str) -> Secret:
    """Return the company's secret of this name or raise NotFound."""
    row = session.scalar(select(Secret).where(Secret.company_id == company_id, Secret.name == name))
    if row is None:
        raise NotFound(f"secret {name} not found")
    return row


def create_secret(
    session: Session, *, principal: Principal, body: SecretCreate, key: str | None
) -> Secret:
    """Encrypt and store a new secret; 409 if the name is taken or no key is configured."""
    key = _writable_key(key)
    taken = session.scalar(
        select(Secret.name).where(
            Secret.company_id == principal.company_id,
            func.lower(Secret.name) == body.name.lower(),
        )
    )
    if taken is not None:
        raise Conflict(
            f"a secret named {taken} already exists: replace its value with "
            f"PUT /api/v1/secrets/{taken}"
        )
    row = Secret(
        company_id=principal.company_id,
        name=body.name,
        description=body.description,
        value_encrypted=crypto.encrypt(
            key, company_id=principal.company_id, name=body.name, value=body.value
        ),
        created_by=principal.user_id,
        updated_by=principal.user_id,
    )
    session.add(row)
    session.commit()
    return row


def update_secret(
    session: Session, *, principal: Principal, name: str, body: SecretUpdate, key: str | None
) -> Secret:
    """Replace a secret's value (re-encrypted under the current key) and/or description."""
    row = get_secret(session, company_id=principal.company_id, name=name)
    if body.value is not None:
        row.value_encrypted = crypto.encrypt(
            _writable_key(key), company_id=principal.company_id, name=row.name, value=body.value
        )
    if body.description is not None:
        row.description = body.description
    row.updated_by = principal.user_id
    row.updated_at = utcnow()
    session.commit()
    return row


def delete_secret(session: Session, *, principal: Principal, name: str) -> None:
    """Delete a secret; steps that use it then fail with `secret NAME is not defined`."""
    session.delete(get_secret(session, company_id=principal.company_id, name=name))
    session.commit()


# --- reading for runs ---------------------------------------------------------------------------


class SecretError(Exception):
    """A step cannot read a secret: not defined, no key, unreadable, or not allowed there.

    Deliberately not a LookupError: the template sandbox turns those into an empty value.
    """


_READ = select(SECRETS.c.id, SECRETS.c.value_encrypted, SECRETS.c.last_used_at).where(
    SECRETS.c.company_id == bindparam("company_id"), SECRETS.c.name == bindparam("name")
)


def reveal(conn: Connection, *, company_id: int, name: str, key: str | None) -> str:
    """Decrypt one secret for a running step (SecretError says why it cannot)."""
    row = conn.execute(_READ, {"company_id": company_id, "name": name}).first()
    if row is None:
        raise SecretError(f"secret {name} is not defined (an admin adds it under Secrets)")
    try:
        value = crypto.decrypt(key, company_id=company_id, name=name, stored=row.value_encrypted)
    except crypto.SecretKeyMissing as exc:
        raise SecretError(f"secret {name} cannot be read: {exc}") from None
    except crypto.SecretUnreadable as exc:
        raise SecretError(str(exc)) from None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        conn.execute(
            update(SECRETS)
            .where(
                SECRETS.c.id == row.id,
                or_(
                    SECRETS.c.last_used_at.is_(None),
                    SECRETS.c.last_used_at < now - LAST_USED_PRECISION,
                ),
            )
            .values(last_used_at=now)
        )
    return value


class SecretsView:
    """`secrets` in a run's templates: each name is decrypted on first use, and only while the
    engine has unlocked it for a step that may use it.

    Not a Mapping on purpose: conditions read mappings, and a condition on a secret would turn
    its value into a yes/no oracle (and record it as the value it saw). No public attribute
    either: the template sandbox would otherwise let a template call it.
    """

    __slots__ = ("_allowed", "_company_id", "_conn", "_key", "_used")

    def __init__(self, conn: Connection, company_id: int, key: str | None) -> None:
        self._conn = conn
        self._company_id = company_id
        self._key = key
        self._allowed: frozenset[str] = frozenset()
        self._used: dict[str, str] = {}

    def __getitem__(self, name: Any) -> str:
        if not isinstance(name, str) or name not in self._allowed:
            if not self._allowed:
                raise SecretError(f"secrets can only be used in the config of {ALLOWED_IN}")
            raise SecretError("write the secret's name in the template: {{ secrets.NAME }}")
        if name not in self._used:
            self._used[name] = reveal(
                self._conn, company_id=self._company_id, name=name, key=self._key
            )
        return self._used[name]

    def __iter__(self) -> Any:
        return iter(())  # names are not listed to templates

    def __repr__(self) -> str:
        return "<secrets>"

    __str__ = __repr__


def unlock(view: Any, names: Iterable[str]) -> None:
    """Let the next renders read these names (none: lock the view again)."""
    if isinstance(view, SecretsView):
        view._allowed = frozenset(names)


def used_values(view: Any) -> list[str]:
    """The plaintexts the run's templates read so far (to mask them in what is recorded)."""
    return list(view._used.values()) if isinstance(view, SecretsView) else []


def read_all(view: Any, names: Iterable[str]) -> list[str]:
    """Decrypt these names now (a resumed step masks its output with them)."""
    if not isinstance(view, SecretsView):
        return []
    unlock(view, names)
    try:
        return [view[name] for name in names]
    finally:
        unlock(view, ())
