"""Build the data a run sees: the trigger record, its relations, and the trigger itself.

Reads go through SQLAlchemy Core on the run's connection (no ORM identity map): the runner
builds thousands of contexts per second, and users are cached for the length of one batch.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select

from crmflow.auth.company import company_language
from crmflow.auth.models import User
from crmflow.crm.models import Activity, Contact, Deal, Organisation, Task
from crmflow.db.fast_reads import row_by_id
from crmflow.vault.service import SecretsView

MODELS: dict[str, type[Any]] = {
    "organisation": Organisation,
    "contact": Contact,
    "deal": Deal,
    "task": Task,
    "activity": Activity,
}
TABLES: dict[str, Table] = {kind: model.__table__ for kind, model in MODELS.items()}
USERS: Table = User.__table__  # type: ignore[assignment]
HIDDEN_COLUMNS = frozenset({"company_id", "source_step_key", "password_hash"})
# Columns of a user a run sees (as owner, assignee, manager...).
USER_FIELDS = ("id", "email", "name", "role", "titles", "manager_id")
# Built once: per-row statement construction costs more than the query itself.
_SELECT_USER = select(*(USERS.c[f] for f in USER_FIELDS)).where(USERS.c.id == bindparam("id"))


def to_json(value: Any) -> Any:
    """Convert a column value to its JSON form (datetimes as ISO 8601)."""
    if isinstance(value, datetime | date):
        return value.isoformat().replace("+00:00", "Z")
    return value


def users_with_title(conn: Connection, company_id: int, title: str) -> list[int]:
    """Active users of the company holding this title, by id."""
    # Titles are a small JSON list per user; filtering in Python keeps SQLite and PostgreSQL alike.
    rows = conn.execute(
        select(User.id, User.titles)
        .where(User.company_id == company_id, User.is_active.is_(True))
        .order_by(User.id)
    )
    return [uid for uid, titles in rows if title in (titles or [])]


class ContextLoader:
    """Loads records and users for runs on one connection, caching users per batch."""

    def __init__(self, conn: Connection, secret_key: str | None = None) -> None:
        self.conn = conn
        self.secret_key = secret_key
        self._users: dict[int, dict[str, Any]] = {}
        self._titled: dict[tuple[int, str], list[int]] = {}
        self._languages: dict[int, str] = {}

    def language(self, company_id: int) -> str:
        """The company's language (numbers in templates follow it), looked up once per batch."""
        if company_id not in self._languages:
            self._languages[company_id] = company_language(self.conn, company_id)
        return self._languages[company_id]

    def titled(self, company_id: int, title: str) -> list[int]:
        """Active users of the company with this title, looked up once per batch."""
        key = (company_id, title)
        if key not in self._titled:
            self._titled[key] = users_with_title(self.conn, company_id, title)
        return list(self._titled[key])

    def user(self, user_id: int | None, *, with_manager: bool = True) -> dict[str, Any]:
        """Return a user as a dict (with their manager), or {} when unknown."""
        if user_id is None:
            return {}
        if user_id not in self._users:
            row = self.conn.execute(_SELECT_USER, {"id": user_id}).first()
            self._users[user_id] = dict(row._mapping) if row is not None else {}
            if row is not None:
                self._users[user_id]["titles"] = list(row.titles or [])
        user = dict(self._users[user_id])
        if user and with_manager:
            user["manager"] = self.user(user.get("manager_id"), with_manager=False)
        return user

    def entity(
        self, company_id: int, kind: str | None, entity_id: int | None
    ) -> dict[str, Any] | None:
        """Return a record of the company as a JSON-able dict, or None."""
        if kind not in TABLES or entity_id is None:
            return None
        found = row_by_id(self.conn, TABLES[kind], entity_id)
        if found is None or found["company_id"] != company_id:
            return None
        return {k: to_json(v) for k, v in found.items() if k not in HIDDEN_COLUMNS}

    def _with_people(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        if "owner_id" in data:
            data["owner"] = self.user(data["owner_id"])
        if kind == "task":
            data["assignee"] = self.user(data.get("assignee_id"))
        if kind == "activity":
            data["user"] = self.user(data.get("user_id"))
        return data

    def build(
        self,
        *,
        company_id: int,
        trigger_type: str,
        entity_type: str | None,
        entity_id: int | None,
        trigger_data: dict[str, Any],
        event_id: int | None = None,
    ) -> dict[str, Any]:
        """Load the trigger record and its relations into a dict for conditions and templates."""
        data: dict[str, Any] = {
            "trigger": {
                "type": trigger_type,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "event_id": event_id,
                "changes": trigger_data.get("changes") or {},
                "data": trigger_data.get("payload", trigger_data),
                # Inbound webhooks: the delivery's (filtered) headers and query string.
                "headers": trigger_data.get("headers") or {},
                "query": trigger_data.get("query") or {},
            },
            "steps": {},
            # `{{ secrets.NAME }}`: decrypts nothing (and queries nothing) until a step reads it.
            "secrets": SecretsView(self.conn, company_id, self.secret_key),
        }
        record = self.entity(company_id, entity_type, entity_id)
        if record is None or entity_type is None:
            return data
        return self.attach(data, company_id, entity_type, record)

    def attach(
        self, data: dict[str, Any], company_id: int, entity_type: str, record: dict[str, Any]
    ) -> dict[str, Any]:
        """Put the trigger record into a run's data with its people and related records."""
        data[entity_type] = self._with_people(entity_type, record)
        if entity_type == "task":
            self._add_related(
                data, company_id, record.get("related_type"), record.get("related_id")
            )
        elif entity_type == "activity":
            self._add_related(data, company_id, record.get("entity_type"), record.get("entity_id"))
        elif entity_type in ("deal", "contact"):
            self._add_related(data, company_id, "organisation", record.get("organisation_id"))
            if entity_type == "deal" and record.get("contact_id"):
                self._add_related(data, company_id, "contact", record.get("contact_id"))
            if "organisation" in data:
                record["organisation"] = data["organisation"]
        return data

    def _add_related(
        self, data: dict[str, Any], company_id: int, kind: str | None, entity_id: Any
    ) -> None:
        if not kind or kind in data or not isinstance(entity_id, int):
            return
        record = self.entity(company_id, kind, entity_id)
        if record is None:
            return
        data[kind] = self._with_people(kind, record)
        if kind in ("deal", "contact") and record.get("organisation_id"):
            self._add_related(data, company_id, "organisation", record["organisation_id"])
