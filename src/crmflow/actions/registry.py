"""The action plugin contract and the registry of built-in actions."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.engine.errors import DefinitionError
from crmflow.engine.templating import has_template

LatencyClass = Literal["instant", "fast", "medium", "slow", "very_slow"]


@dataclass
class ActionContext:
    """What an action may use while it runs: the open transaction and the run's data."""

    session: Session
    company_id: int
    execution_id: int
    workflow_id: int
    step_path: str
    idempotency_key: str
    data: dict[str, Any]
    trigger_entity_type: str | None
    trigger_entity_id: int | None
    causation_depth: int
    now: datetime
    # Looks users up (with their manager) and caches them for the batch: `users.user(id)`.
    users: Any = None
    # The run's connection when the runner has it at hand (session.connection() costs ORM
    # bookkeeping on every call).
    connection: Connection | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def conn(self) -> Connection:
        """The connection of the run's transaction, for Core statements."""
        return self.connection if self.connection is not None else self.session.connection()

    def user(self, user_id: int) -> dict[str, Any]:
        """Return a user of the run as a dict ({} when unknown)."""
        if self.users is not None:
            found: dict[str, Any] = self.users.user(user_id)
            return found
        row = self.session.execute(
            select(User.id, User.email, User.name, User.manager_id, User.company_id).where(
                User.id == user_id
            )
        ).first()
        return dict(row._mapping) if row is not None else {}


class ActionFailed(Exception):
    """The action could not do its job; the message is shown on the step."""


class ActionNotDone(ActionFailed):
    """The action could not do its job, but what it wrote stays (an unsent email's row).

    The step fails, with `output` recorded, and is not retried: the cause is the deployment
    (no SMTP server configured), which another attempt would not change.
    """

    def __init__(self, message: str, output: dict[str, Any]) -> None:
        super().__init__(message)
        self.output = output


class Action:
    """Base class of action plugins: a config model, metadata for the catalog, and execute()."""

    type: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str]
    config_model: ClassVar[builtins.type[BaseModel]]
    # Internal actions write only our own rows inside the step's transaction (exactly-once).
    transactional: ClassVar[bool] = True
    # False promises: Core writes only, every check done before the first write (so on SQLite
    # the action needs no savepoint; a failing statement is rolled back on its own).
    uses_orm: ClassVar[bool] = True
    is_idempotent: ClassVar[bool] = True
    latency_class: ClassVar[LatencyClass] = "instant"
    side_effects: ClassVar[tuple[str, ...]] = ()
    supports_dry_run: ClassVar[bool] = True
    # May read `{{ secrets.NAME }}`: only actions that hand values to another system do; in a
    # task, a notification or an email the secret would be readable by anyone who sees it.
    accepts_secrets: ClassVar[bool] = False
    # Config fields whose literal (non-template) value must be a date or relative date.
    date_fields: ClassVar[tuple[str, ...]] = ()
    # The catalog's output schema: what execute() returns (None: undocumented).
    output_model: ClassVar[builtins.type[BaseModel] | None] = None
    # An example step config for the catalog and docs/actions.md (valid for config_model).
    example: ClassVar[dict[str, Any]] = {}
    # Descriptions of config fields the config model leaves undescribed (catalog, docs).
    field_docs: ClassVar[dict[str, str]] = {}

    def validate_definition(
        self, config: dict[str, Any], *, path: str, entity_type: str | None
    ) -> None:
        """Check a config at save time: unknown keys, missing keys, types of literal values."""
        literal = {k: v for k, v in config.items() if not is_template(v)}
        templated = {k for k, v in config.items() if is_template(v)}
        try:
            self.config_model.model_validate(literal)
        except ValidationError as exc:
            for err in exc.errors():
                top = err["loc"][0] if err["loc"] else None
                if err["type"] == "missing" and top in templated:
                    continue  # filled in at run time from the template
                loc = ".".join(str(p) for p in err["loc"])
                msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
                raise DefinitionError(msg, f"{path}.{loc}" if loc else path) from None
        self.check(config, path=path, entity_type=entity_type)

    def check(self, config: dict[str, Any], *, path: str, entity_type: str | None) -> None:
        """Action-specific save-time checks (override)."""

    def parse_config(self, rendered: dict[str, Any]) -> BaseModel:
        """Validate the rendered config at run time; ActionFailed names the field."""
        try:
            return self.config_model.model_validate(rendered)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in err["loc"])
            raise ActionFailed(f"config.{loc}: {err['msg']}") from None

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        """Do the work inside ctx.session's transaction and return the step output."""
        raise NotImplementedError


def is_template(value: Any) -> bool:
    """Tell whether a config value is a template string (rendered at run time)."""
    return isinstance(value, str) and has_template(value)


_REGISTRY: dict[str, Action] = {}


def register(action: Action) -> Action:
    """Add an action to the registry (one instance per type)."""
    _REGISTRY[action.type] = action
    return action


def unregister(action_type: str) -> None:
    """Remove an action from the registry (plugins loaded for a while, tests)."""
    _REGISTRY.pop(action_type, None)


def get_action(action_type: str) -> Action | None:
    """Return the action plugin for a type, or None."""
    _load_builtins()
    return _REGISTRY.get(action_type)


def all_actions() -> list[Action]:
    """Return every registered action, sorted by type."""
    _load_builtins()
    return sorted(_REGISTRY.values(), key=lambda a: a.type)


def _load_builtins() -> None:
    # Importing the module registers the built-ins, once; custom actions may come first.
    from crmflow.actions import builtin, records, webhook  # noqa: F401
