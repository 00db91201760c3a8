"""The action plugin contract and the registry, filled from the `crmflow.actions` entry points."""

from __future__ import annotations

import builtins
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import EntryPoint, entry_points
from typing import Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.db.savepoints import ActionSavepoint
from crmflow.db.signals import mark_notifications_created
from crmflow.engine.definition import CONTROL_STEP_TYPES
from crmflow.engine.errors import DefinitionError
from crmflow.engine.templating import has_template

LatencyClass = Literal["instant", "fast", "medium", "slow", "very_slow"]
# Each entry point of this group names a sequence of Action instances (docs/plugins.md).
ENTRY_POINT_GROUP = "crmflow.actions"
# crmflow's own entry points hold the built-ins: loaded first, so they win any type clash.
OWN_DISTRIBUTION = "crmflow"
# The same rule as a custom catalog entry's type, so a step can name it.
ACTION_TYPE = re.compile(r"^[a-z][a-z0-9_]{2,59}$")

log = logging.getLogger("crmflow.actions")


@dataclass
class ActionContext:
    """What an action may use while it runs: the open transaction and the run's data."""

    # The run's session as the runner holds it; actions use `session` (below).
    base_session: Session
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
    # The savepoint the runner wraps the action in (None outside an action).
    savepoint: ActionSavepoint | None = None

    @property
    def session(self) -> Session:
        """The ORM session; inside an action, in a savepoint opened on first use."""
        if self.savepoint is not None:
            return self.savepoint.orm_session()
        return self.base_session

    @property
    def conn(self) -> Connection:
        """The connection of the run's transaction, for Core statements."""
        if self.connection is not None:
            return self.connection
        return self.base_session.connection()

    def notify_committed(self, refs: list[tuple[int, int, int]]) -> None:
        """Push these (company_id, user_id, notification_id) to open sockets once committed."""
        mark_notifications_created(self.base_session, refs)

    def user(self, user_id: int) -> dict[str, Any]:
        """Return a user of the run as a dict ({} when unknown)."""
        if self.users is not None:
            found: dict[str, Any] = self.users.user(user_id)
            return found
        row = self.conn.execute(
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

    def dry_run(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        """Say what execute() would do with this config, reading but never writing or sending."""
        summary = config.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        return {**self.held_back(), "config": summary}

    def held_back(self) -> dict[str, Any]:
        """What every dry run says first: it is one, and which effects it holds back."""
        return {"dry_run": True, "would": list(self.side_effects)}

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
# Where each type came from: a distribution's name, or None when registered in code.
_ORIGINS: dict[str, str | None] = {}
# Reentrant: a plugin module written for the old import-time `register()` calls back in.
_lock = threading.RLock()
_discovered = False
_discovering = False


def register(action: Action) -> Action:
    """Add an action in code, replacing one of the same type (tests, embedding applications)."""
    _discover()
    with _lock:
        if _discovering and action.type in _REGISTRY:
            # A plugin registering on import while its entry point loads: same rule as below.
            log.error(
                "action type %r registered during plugin discovery is already provided by %s; "
                "refused",
                action.type,
                _ORIGINS.get(action.type) or "code",
            )
            return action
        _REGISTRY[action.type] = action
        _ORIGINS[action.type] = None
    return action


def unregister(action_type: str) -> None:
    """Remove an action from the registry (plugins loaded for a while, tests)."""
    _discover()
    with _lock:
        _REGISTRY.pop(action_type, None)
        _ORIGINS.pop(action_type, None)


def get_action(action_type: str) -> Action | None:
    """Return the action plugin for a type, or None."""
    _discover()
    return _REGISTRY.get(action_type)


def all_actions() -> list[Action]:
    """Return every registered action, sorted by type."""
    _discover()
    with _lock:
        actions = list(_REGISTRY.values())
    return sorted(actions, key=lambda a: a.type)


def action_origin(action_type: str) -> str | None:
    """The distribution that provides a type (`crmflow` for built-ins), None if from code."""
    _discover()
    return _ORIGINS.get(action_type)


def _discover() -> None:
    """Load every `crmflow.actions` entry point, once (the first caller does, others wait)."""
    global _discovered, _discovering
    if _discovered:
        return
    with _lock:
        if _discovered or _discovering:
            return
        _discovering = True
        try:
            found = list(entry_points(group=ENTRY_POINT_GROUP))
        except Exception:  # unreadable metadata: run without plugins rather than not at all
            log.exception("reading the %r entry points failed", ENTRY_POINT_GROUP)
            found = []
        if not any(_origin(ep) == OWN_DISTRIBUTION for ep in found):
            log.error(
                "no %r entry point of the %s distribution: the built-in actions are missing; "
                "its metadata is absent or stale (reinstall it: pip install -e .)",
                ENTRY_POINT_GROUP,
                OWN_DISTRIBUTION,
            )
        try:
            for ep in sorted(found, key=_load_order):
                _load(ep)
        finally:
            _discovering = False
            _discovered = True


def _origin(ep: EntryPoint) -> str:
    return ep.dist.name if ep.dist is not None else "an unknown distribution"


def _load_order(ep: EntryPoint) -> tuple[bool, str, str]:
    origin = _origin(ep)
    return (origin != OWN_DISTRIBUTION, origin, ep.name)


def _load(ep: EntryPoint) -> None:
    """Register one entry point's actions; log and leave out what cannot be used."""
    origin = _origin(ep)
    where = f"action plugin entry point {ep.name!r} ({ep.value}) of {origin}"
    try:
        actions = _actions_of(ep.load())
    except Exception as exc:  # a broken plugin must not take the service down
        log.error("%s failed to load and is left out: %r", where, exc, exc_info=True)
        return
    for action in actions:
        if action.type in _REGISTRY:
            log.error(
                "%s: action type %r is already provided by %s; refused",
                where,
                action.type,
                _ORIGINS.get(action.type) or "code",
            )
            continue
        _REGISTRY[action.type] = action
        _ORIGINS[action.type] = origin


def _actions_of(provided: object) -> list[Action]:
    """The entry point's object as checked Action instances; TypeError/ValueError otherwise."""
    if isinstance(provided, (str, bytes)) or not isinstance(provided, Iterable):
        raise TypeError(f"expected a sequence of Action instances, got {provided!r}")
    actions = list(provided)
    for action in actions:
        _check(action)
    return actions


def _check(action: object) -> None:
    """Refuse an action the catalog or a workflow could not use (checked once, at load)."""
    if not isinstance(action, Action):
        raise TypeError(f"{action!r} is not an instance of crmflow.engine.plugins.Action")
    kind = getattr(action, "type", None)
    if not isinstance(kind, str) or not ACTION_TYPE.match(kind) or kind in CONTROL_STEP_TYPES:
        raise ValueError(f"{action!r}: type {kind!r} is not a usable step type")
    for attribute in ("name", "description"):
        if not isinstance(getattr(action, attribute, None), str):
            raise TypeError(f"{kind}: {attribute} must be a string")
    if action.latency_class not in get_args(LatencyClass):
        raise ValueError(f"{kind}: latency_class {action.latency_class!r} is not a latency class")
    for attribute in ("config_model", "output_model"):
        model = getattr(action, attribute, None)
        if model is None and attribute == "output_model":
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"{kind}: {attribute} must be a pydantic model class")
        model.model_json_schema()  # the catalog serves it: fail here rather than on a request
