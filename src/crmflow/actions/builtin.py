"""Built-in internal actions: tasks, fields, owners, tags, notifications, queued emails."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Table

from crmflow.common.dates import parse_relative_datetime
from crmflow.common.errors import DomainError
from crmflow.common.text import CleanedName
from crmflow.crm import service as crm
from crmflow.crm.models import Notification, OutgoingEmail, Task
from crmflow.db.writes import insert_once
from crmflow.engine.errors import DefinitionError
from crmflow.engine.plugins import (
    Action,
    ActionContext,
    ActionFailed,
    is_template,
)
from crmflow.engine.recipients import (
    predicted_target,
    resolve_user_ids,
    target_entity,
)

UserRef = int | str | list[int | str]
USER_DOC = (
    "owner (the record's owner), manager (the owner's manager), an email address, "
    "title:Job title or role:admin"
)
TASKS: Table = Task.__table__  # type: ignore[assignment]
NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]
EMAILS: Table = OutgoingEmail.__table__  # type: ignore[assignment]
Entity = Literal["organisation", "deal", "contact", "task"]
# A run waiting for an email's delivery looks again this often (the sender also wakes it).
EMAIL_WAIT_POLL = timedelta(minutes=10)


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


def widget(name: str) -> dict[str, Any]:
    """Tell editors which picker a config field wants (blueprints/inputs.py WIDGETS names)."""
    return {"x-widget": name}


def _crm_call(func: Any, **kwargs: Any) -> Any:
    """Call a CRM service function, turning its domain errors into step failures."""
    try:
        return func(**kwargs)
    except DomainError as exc:
        raise ActionFailed(exc.message) from None


class CreateTaskConfig(_Config):
    title: Annotated[str, CleanedName] = Field(min_length=1, max_length=500)
    description: str = ""
    due_date: datetime | str | None = None
    assignee: UserRef | None = Field("owner", json_schema_extra=widget("user"))
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    related_to_trigger: bool = True


class CreateTaskOutput(BaseModel):
    task_id: int = Field(description="the task created")
    title: str = Field(description="its title")
    assignee_id: int | None = Field(description="the person it was assigned to")
    due_date: str | None = Field(description="its due date")


Changes = dict[str, tuple[Any, Any]]
CHANGES = "each field that changed, with its old and new value (none when nothing changed)"
ENTITY_DOC = "change this related record instead of the one that started the workflow"


class CreateTask(Action):
    type = "create_task"
    name = "Create task"
    description = (
        "Creates a task, for example due in a few days and assigned to the record's owner "
        "or to someone else."
    )
    config_model = CreateTaskConfig
    side_effects = ("task_created",)
    date_fields = ("due_date",)
    # insert_once on the unique tasks.source_step_key: a replay returns the same task.
    is_idempotent = True
    latency_class = "instant"
    supports_dry_run = True
    output_model = CreateTaskOutput
    example = {"title": "Call {{ organisation.name }}", "due_date": "+3 days", "priority": "high"}
    field_docs = {
        "title": "what needs doing",
        "description": "more detail for the person doing it",
        "due_date": "a date, or a delay such as +3 days or tomorrow; empty: no due date",
        "assignee": f"who does it: {USER_DOC}",
        "priority": "low, normal, high or urgent",
        "related_to_trigger": "link the task to the record that started the workflow",
    }

    def check(self, config: dict[str, Any], *, path: str, entity_type: str | None) -> None:
        due = config.get("due_date")
        if due is not None and not is_template(due):
            try:
                parse_relative_datetime(due, datetime.now().astimezone())
            except ValueError as exc:
                raise DefinitionError(str(exc), f"{path}.due_date") from None

    @staticmethod
    def _plan(ctx: ActionContext, config: Any) -> tuple[datetime | None, int | None]:
        """The task's due date and assignee, as both a run and a dry run resolve them."""
        try:
            due = parse_relative_datetime(config.due_date, ctx.now)
        except ValueError as exc:
            raise ActionFailed(f"config.due_date: {exc}") from None
        assignees = resolve_user_ids(ctx, config.assignee) if config.assignee else []
        return due, assignees[0] if assignees else None

    def dry_run(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        due, assignee = self._plan(ctx, config)
        return {
            **self.held_back(),
            "title": config.title,
            "assignee_id": assignee,
            "assignee": ctx.user(assignee).get("email") if assignee is not None else None,
            "due_date": due.isoformat() if due else None,
            "priority": config.priority,
        }

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        due, assignee = self._plan(ctx, config)
        related = config.related_to_trigger and ctx.trigger_entity_id is not None
        # A plain insert: the step's typed config and resolved users are already validated, and
        # the unique source_step_key makes a replayed step a no-op.
        task_id = insert_once(
            ctx.conn,
            TASKS,
            key_column="source_step_key",
            key=ctx.idempotency_key,
            values={
                "company_id": ctx.company_id,
                "title": config.title,
                "description": config.description,
                "due_date": due,
                "assignee_id": assignee,
                "status": "open",
                "priority": config.priority,
                "related_type": ctx.trigger_entity_type if related else None,
                "related_id": ctx.trigger_entity_id if related else None,
                "created_at": ctx.now,
                "updated_at": ctx.now,
            },
        )
        return {
            "task_id": task_id,
            "title": config.title,
            "assignee_id": assignee,
            "due_date": due.isoformat() if due else None,
        }


class UpdateFieldConfig(_Config):
    field: str = Field(min_length=1)
    value: Any = None
    entity: Entity | None = None


class UpdateFieldOutput(BaseModel):
    entity_type: str = Field(description="the kind of record changed")
    entity_id: int = Field(description="its ID")
    changes: Changes = Field(description=CHANGES)


class UpdateField(Action):
    type = "update_field"
    name = "Update field"
    description = (
        "Changes a field of the record that started the workflow (or of a related record), "
        "as if someone had edited it."
    )
    config_model = UpdateFieldConfig
    side_effects = ("record_updated", "event_emitted")
    # Sets a value: a replay finds it set and changes nothing (a relative date re-resolves).
    is_idempotent = True
    latency_class = "instant"
    supports_dry_run = True
    output_model = UpdateFieldOutput
    example = {"field": "pipeline_stage", "value": "qualified"}
    field_docs = {
        "field": "the field to change, one of the record's own or a custom field",
        "value": "the new value; it may use values of the record; empty: clears the field",
        "entity": ENTITY_DOC,
    }

    def check(self, config: dict[str, Any], *, path: str, entity_type: str | None) -> None:
        target = config.get("entity") or entity_type
        field = config.get("field")
        if target and isinstance(field, str) and not is_template(field):
            try:
                crm.validate_update_field(target, field)
            except DomainError as exc:
                raise DefinitionError(exc.message.split(": ", 1)[-1], f"{path}.field") from None

    def dry_run(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        kind, entity_id, record = predicted_target(ctx, config.entity)
        old = record.get(config.field)
        changes = {} if old == config.value else {config.field: [old, config.value]}
        return {**self.held_back(), "entity_type": kind, "entity_id": entity_id, "changes": changes}

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        kind, entity_id = target_entity(ctx, config.entity)
        changes = _crm_call(
            crm.update_entity_fields,
            session=ctx.session,
            company_id=ctx.company_id,
            entity_type=kind,
            entity_id=entity_id,
            values={config.field: config.value},
            causation_depth=ctx.causation_depth + 1,
        )
        return {"entity_type": kind, "entity_id": entity_id, "changes": changes}


class AssignUserConfig(_Config):
    user: UserRef = Field(json_schema_extra=widget("user"))
    entity: Entity | None = None


class AssignUserOutput(BaseModel):
    entity_type: str = Field(description="the kind of record changed")
    entity_id: int = Field(description="its ID")
    user_id: int = Field(description="the new owner (assignee for a task)")
    changes: Changes = Field(description=CHANGES)


class AssignUser(Action):
    type = "assign_user"
    name = "Assign user"
    description = "Makes someone the owner of the record (the assignee, for a task)."
    config_model = AssignUserConfig
    side_effects = ("record_updated", "event_emitted")
    is_idempotent = True  # sets the owner: a replay finds it set
    latency_class = "instant"
    supports_dry_run = True
    output_model = AssignUserOutput
    example = {"user": "manager"}
    field_docs = {"user": f"the new owner: {USER_DOC}", "entity": ENTITY_DOC}

    def dry_run(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        kind, entity_id, record = predicted_target(ctx, config.entity)
        users = resolve_user_ids(ctx, config.user)
        if not users:
            raise ActionFailed(f"user: no user resolved from {config.user!r}")
        field = "assignee_id" if kind == "task" else "owner_id"
        old = record.get(field)
        return {
            **self.held_back(),
            "entity_type": kind,
            "entity_id": entity_id,
            "user_id": users[0],
            "user": ctx.user(users[0]).get("email"),
            "changes": {} if old == users[0] else {field: [old, users[0]]},
        }

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        kind, entity_id = target_entity(ctx, config.entity)
        users = resolve_user_ids(ctx, config.user)
        if not users:
            raise ActionFailed(f"user: no user resolved from {config.user!r}")
        field = "assignee_id" if kind == "task" else "owner_id"
        changes = _crm_call(
            crm.update_entity_fields,
            session=ctx.session,
            company_id=ctx.company_id,
            entity_type=kind,
            entity_id=entity_id,
            values={field: users[0]},
            causation_depth=ctx.causation_depth + 1,
        )
        return {
            "entity_type": kind,
            "entity_id": entity_id,
            "user_id": users[0],
            "changes": changes,
        }


class TagConfig(_Config):
    tag: Annotated[str, CleanedName] | None = Field(None, json_schema_extra=widget("tag"))
    tags: list[Annotated[str, CleanedName]] | None = Field(None, json_schema_extra=widget("tag"))
    entity: Literal["organisation", "deal", "contact"] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> TagConfig:
        if not self.tag and not self.tags:
            raise ValueError("set `tag` or `tags`")
        return self

    def all_tags(self) -> list[str]:
        """Return the tags named by `tag` and `tags`."""
        return [t for t in ([self.tag] if self.tag else []) + list(self.tags or []) if t]


class TagsOutput(BaseModel):
    entity_type: str = Field(description="the kind of record changed")
    entity_id: int = Field(description="its ID")
    tags: list[str] = Field(description="the record's tags after the change")


class _TagAction(Action):
    """Shared body of add_tag / remove_tag: only the CRM function differs."""

    config_model = TagConfig
    side_effects: ClassVar[tuple[str, ...]] = ("record_updated", "event_emitted")
    is_idempotent = True  # set union / difference: a replay changes nothing
    latency_class = "instant"
    supports_dry_run = True
    output_model = TagsOutput
    field_docs = {"tag": "one tag", "tags": "several tags", "entity": ENTITY_DOC}

    def change_tags(self, **kwargs: Any) -> list[str]:
        """Apply the tag change through the CRM service."""
        raise NotImplementedError

    def dry_run(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        kind, entity_id, record = predicted_target(ctx, config.entity)
        before = [str(t) for t in record.get("tags") or []]
        wanted = config.all_tags()
        if self.type == "add_tag":
            after = before + [t for t in wanted if t not in before]
        else:
            after = [t for t in before if t not in wanted]
        return {**self.held_back(), "entity_type": kind, "entity_id": entity_id, "tags": after}

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        kind, entity_id = target_entity(ctx, config.entity)
        tags = _crm_call(
            self.change_tags,
            session=ctx.session,
            company_id=ctx.company_id,
            entity_type=kind,
            entity_id=entity_id,
            tags=config.all_tags(),
            causation_depth=ctx.causation_depth + 1,
        )
        return {"entity_type": kind, "entity_id": entity_id, "tags": tags}


class AddTag(_TagAction):
    type = "add_tag"
    name = "Add tag"
    description = "Adds one or more tags to the record."
    side_effects = ("record_updated", "tag_created", "event_emitted")
    example = {"tags": ["vip", "enterprise"]}

    def change_tags(self, **kwargs: Any) -> list[str]:
        return list(crm.add_tags(**kwargs))


class RemoveTag(_TagAction):
    type = "remove_tag"
    name = "Remove tag"
    description = "Removes one or more tags from the record."
    example = {"tag": "prospect"}

    def change_tags(self, **kwargs: Any) -> list[str]:
        return list(crm.remove_tags(**kwargs))


# The `builtin` entry point of the `crmflow.actions` group (pyproject.toml) names this.
ACTIONS: tuple[Action, ...] = (
    CreateTask(),
    UpdateField(),
    AssignUser(),
    AddTag(),
    RemoveTag(),
)
