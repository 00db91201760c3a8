"""Built-in internal actions: tasks, fields, owners, tags, notifications, queued emails."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Table

from crmflow.actions.recipients import resolve_emails, resolve_user_ids, target_entity
from crmflow.actions.registry import Action, ActionContext, ActionFailed, is_template, register
from crmflow.actions.writes import insert_once, insert_row
from crmflow.common.errors import DomainError
from crmflow.crm import service as crm
from crmflow.crm.models import Notification, OutgoingEmail, Task
from crmflow.engine.dates import parse_relative_datetime
from crmflow.engine.errors import DefinitionError

UserRef = int | str | list[int | str]
TASKS: Table = Task.__table__  # type: ignore[assignment]
NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]
EMAILS: Table = OutgoingEmail.__table__  # type: ignore[assignment]
Entity = Literal["organisation", "deal", "contact", "task"]


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _crm_call(func: Any, **kwargs: Any) -> Any:
    """Call a CRM service function, turning its domain errors into step failures."""
    try:
        return func(**kwargs)
    except DomainError as exc:
        raise ActionFailed(exc.message) from None


class CreateTaskConfig(_Config):
    title: str = Field(min_length=1, max_length=500)
    description: str = ""
    due_date: datetime | str | None = None
    assignee: UserRef | None = "owner"
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    related_to_trigger: bool = True


class CreateTask(Action):
    uses_orm = False
    type = "create_task"
    name = "Create task"
    description = "Create a task, optionally due in N days and assigned by id, email or title."
    config_model = CreateTaskConfig
    side_effects = ("task_created",)
    date_fields = ("due_date",)

    def check(self, config: dict[str, Any], *, path: str, entity_type: str | None) -> None:
        due = config.get("due_date")
        if due is not None and not is_template(due):
            try:
                parse_relative_datetime(due, datetime.now().astimezone())
            except ValueError as exc:
                raise DefinitionError(str(exc), f"{path}.due_date") from None

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        try:
            due = parse_relative_datetime(config.due_date, ctx.now)
        except ValueError as exc:
            raise ActionFailed(f"config.due_date: {exc}") from None
        assignees = resolve_user_ids(ctx, config.assignee) if config.assignee else []
        assignee = assignees[0] if assignees else None
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


class UpdateField(Action):
    type = "update_field"
    name = "Update field"
    description = "Set a field of the trigger record (or a related one); emits its own event."
    config_model = UpdateFieldConfig
    side_effects = ("record_updated", "event_emitted")

    def check(self, config: dict[str, Any], *, path: str, entity_type: str | None) -> None:
        target = config.get("entity") or entity_type
        field = config.get("field")
        if target and isinstance(field, str) and not is_template(field):
            try:
                crm.validate_update_field(target, field)
            except DomainError as exc:
                raise DefinitionError(exc.message.split(": ", 1)[-1], f"{path}.field") from None

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
    user: UserRef
    entity: Entity | None = None


class AssignUser(Action):
    type = "assign_user"
    name = "Assign user"
    description = "Make a user the owner of the record (the assignee, for a task)."
    config_model = AssignUserConfig
    side_effects = ("record_updated", "event_emitted")

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
    tag: str | None = None
    tags: list[str] | None = None
    entity: Literal["organisation", "deal", "contact"] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> TagConfig:
        if not self.tag and not self.tags:
            raise ValueError("set `tag` or `tags`")
        return self

    def all_tags(self) -> list[str]:
        """Return the tags named by `tag` and `tags`."""
        return [t for t in ([self.tag] if self.tag else []) + list(self.tags or []) if t]


class _TagAction(Action):
    """Shared body of add_tag / remove_tag: only the CRM function differs."""

    config_model = TagConfig
    side_effects = ("record_updated", "event_emitted")

    def change_tags(self, **kwargs: Any) -> list[str]:
        """Apply the tag change through the CRM service."""
        raise NotImplementedError

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
    description = "Add one or more tags to the record."

    def change_tags(self, **kwargs: Any) -> list[str]:
        return list(crm.add_tags(**kwargs))


class RemoveTag(_TagAction):
    type = "remove_tag"
    name = "Remove tag"
    description = "Remove one or more tags from the record."

    def change_tags(self, **kwargs: Any) -> list[str]:
        return list(crm.remove_tags(**kwargs))


class SendNotificationConfig(_Config):
    user: UserRef = "owner"
    level: Literal["info", "success", "warning", "error"] = "info"
    title: str = Field("", max_length=300)
    message: str = Field(min_length=1)
    link: str | None = None


class SendNotification(Action):
    uses_orm = False
    type = "send_notification"
    name = "Send notification"
    description = "Store an in-app notification for users picked by id, email, title or role."
    config_model = SendNotificationConfig
    side_effects = ("notification_created",)

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        users = resolve_user_ids(ctx, config.user)
        if not users:
            raise ActionFailed(f"user: no recipient resolved from {config.user!r}")
        title = config.title or config.message[:80]
        ids = [
            insert_row(
                ctx.conn,
                NOTIFICATIONS,
                {
                    "company_id": ctx.company_id,
                    "user_id": user_id,
                    "level": config.level,
                    "title": title,
                    "message": config.message,
                    "link": config.link,
                    "source_step_key": f"{ctx.idempotency_key}:{user_id}",
                    "created_at": ctx.now,
                    "updated_at": ctx.now,
                    "read_at": None,
                },
            )
            for user_id in users
        ]
        return {"notification_ids": ids, "user_ids": users, "level": config.level}


class SendEmailConfig(_Config):
    to: UserRef
    cc: list[str] = Field(default_factory=list)
    subject: str = Field(min_length=1, max_length=998)
    body: str = ""
    html_body: str | None = None


class SendEmail(Action):
    uses_orm = False
    type = "send_email"
    name = "Send email"
    description = "Queue an email (recipients by address, id, title or role) for SMTP delivery."
    config_model = SendEmailConfig
    side_effects = ("email_queued",)

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        to = resolve_emails(ctx, config.to)
        if not to:
            raise ActionFailed(f"to: no recipient resolved from {config.to!r}")
        email_id = insert_once(
            ctx.conn,
            EMAILS,
            key_column="idempotency_key",
            key=ctx.idempotency_key,
            values={
                "company_id": ctx.company_id,
                "to": to,
                "cc": resolve_emails(ctx, config.cc),
                "subject": config.subject,
                "body": config.body,
                "html_body": config.html_body,
                "status": "queued",
                "execution_id": ctx.execution_id,
                "created_at": ctx.now,
                "updated_at": ctx.now,
            },
        )
        return {
            "email_id": email_id,
            "to": to,
            "status": "queued",
            "message": "queued for delivery (SMTP delivery is not enabled in this version)",
        }


for _action in (
    CreateTask(),
    UpdateField(),
    AssignUser(),
    AddTag(),
    RemoveTag(),
    SendNotification(),
    SendEmail(),
):
    register(_action)
