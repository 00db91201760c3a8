"""HTTP routes for tasks, activities and the caller's notifications."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.ids import Id
from crmflow.common.pagination import Page, Paging, SortParam, page_of
from crmflow.crm import notifications as notification_service
from crmflow.crm import queries, service
from crmflow.crm.models import Activity, Task
from crmflow.crm.schemas import (
    ActivityCreate,
    ActivityKind,
    ActivityOut,
    ActivityUpdate,
    CountOut,
    NotificationOut,
    NotificationUpdate,
    RecordType,
    TaskCreate,
    TaskOut,
    TaskPriority,
    TaskStatus,
    TaskUpdate,
)

router = APIRouter()
tasks = APIRouter(prefix="/tasks", tags=["tasks"])
activities = APIRouter(prefix="/activities", tags=["activities"])
notifications = APIRouter(prefix="/notifications", tags=["notifications"])


# --- tasks -----------------------------------------------------------------------------------


@tasks.get("", response_model=Page[TaskOut], summary="List tasks")
def list_tasks(
    session: DbSession,
    principal: CurrentUser,
    paging: Paging,
    q: Annotated[str | None, Query(description="title contains (any case)")] = None,
    status_: Annotated[TaskStatus | None, Query(alias="status")] = None,
    priority: TaskPriority | None = None,
    assignee_id: Id | None = None,
    related_type: RecordType | None = None,
    related_id: Id | None = None,
    sort: SortParam = "-created_at",
) -> dict[str, Any]:
    """List your company's tasks."""
    query = queries.tasks(
        company_id=principal.company_id,
        q=q,
        status=status_.value if status_ else None,
        priority=priority.value if priority else None,
        assignee_id=assignee_id,
        related_type=related_type.value if related_type else None,
        related_id=related_id,
        sort=sort,
    )
    return page_of(session, query, paging, TaskOut)


@tasks.get("/{task_id}", response_model=TaskOut, summary="Get a task")
def get_task(task_id: Id, session: DbSession, principal: CurrentUser) -> Any:
    """Return one task."""
    return service.require_entity(
        session, company_id=principal.company_id, entity_type="task", entity_id=task_id
    )


@tasks.post(
    "", response_model=TaskOut, status_code=status.HTTP_201_CREATED, summary="Create a task"
)
def create_task(body: TaskCreate, session: DbSession, principal: Writer) -> Task:
    """Create a task (assigned to the caller unless `assignee_id` is given)."""
    sent = body.model_fields_set
    task = service.create_task(
        session,
        company_id=principal.company_id,
        title=body.title,
        description=body.description,
        due_date=body.due_date,
        assignee_id=body.assignee_id if "assignee_id" in sent else principal.user_id,
        related_type=body.related_type,
        related_id=body.related_id,
        priority=body.priority,
        status=body.status,
        actor_user_id=principal.user_id,
    )
    session.commit()
    return task


@tasks.patch("/{task_id}", response_model=TaskOut, summary="Update a task")
def update_task(task_id: Id, body: TaskUpdate, session: DbSession, principal: Writer) -> Any:
    """Change the fields sent; setting status to `done` records task_completed."""
    service.update_entity_fields(
        session,
        company_id=principal.company_id,
        entity_type="task",
        entity_id=task_id,
        values=body.model_dump(exclude_unset=True),
        actor_user_id=principal.user_id,
    )
    session.commit()
    return service.require_entity(
        session, company_id=principal.company_id, entity_type="task", entity_id=task_id
    )


@tasks.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a task")
def delete_task(task_id: Id, session: DbSession, principal: Writer) -> None:
    """Delete a task."""
    service.delete_record(
        session, company_id=principal.company_id, entity_type="task", entity_id=task_id
    )
    session.commit()


# --- activities ------------------------------------------------------------------------------


@activities.get("", response_model=Page[ActivityOut], summary="List activities")
def list_activities(
    session: DbSession,
    principal: CurrentUser,
    paging: Paging,
    entity_type: RecordType | None = None,
    entity_id: Id | None = None,
    kind: ActivityKind | None = None,
    user_id: Id | None = None,
    sort: SortParam = "-occurred_at",
) -> dict[str, Any]:
    """List your company's activities, most recent first."""
    query = queries.activities(
        company_id=principal.company_id,
        entity_type=entity_type.value if entity_type else None,
        entity_id=entity_id,
        kind=kind.value if kind else None,
        user_id=user_id,
        sort=sort,
    )
    return page_of(session, query, paging, ActivityOut)


@activities.get("/{activity_id}", response_model=ActivityOut, summary="Get an activity")
def get_activity(activity_id: Id, session: DbSession, principal: CurrentUser) -> Any:
    """Return one activity."""
    return service.require_entity(
        session, company_id=principal.company_id, entity_type="activity", entity_id=activity_id
    )


@activities.post(
    "", response_model=ActivityOut, status_code=status.HTTP_201_CREATED, summary="Log an activity"
)
def create_activity(body: ActivityCreate, session: DbSession, principal: Writer) -> Activity:
    """Log a call, meeting, email, note or task on a record; records activity_logged.

    The record's `last_activity_at` moves to `occurred_at` when that is newer, and so does its
    organisation's for a deal or a contact.
    """
    activity = service.create_activity(
        session,
        company_id=principal.company_id,
        entity_type=body.entity_type.value,
        entity_id=body.entity_id,
        kind=body.kind,
        subject=body.subject,
        body=body.body,
        occurred_at=body.occurred_at,
        user_id=body.user_id if "user_id" in body.model_fields_set else principal.user_id,
        actor_user_id=principal.user_id,
    )
    session.commit()
    return activity


@activities.patch("/{activity_id}", response_model=ActivityOut, summary="Update an activity")
def update_activity(
    activity_id: Id, body: ActivityUpdate, session: DbSession, principal: Writer
) -> Activity:
    """Edit an activity (records no event)."""
    activity = service.update_activity(
        session,
        company_id=principal.company_id,
        activity_id=activity_id,
        values=body.model_dump(exclude_unset=True),
    )
    session.commit()
    return activity


@activities.delete(
    "/{activity_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an activity"
)
def delete_activity(activity_id: Id, session: DbSession, principal: Writer) -> None:
    """Delete an activity (last_activity_at is left as it was)."""
    service.delete_record(
        session, company_id=principal.company_id, entity_type="activity", entity_id=activity_id
    )
    session.commit()


# --- notifications (always the caller's own) ------------------------------------------------


@notifications.get("", response_model=Page[NotificationOut], summary="List my notifications")
def list_notifications(
    session: DbSession,
    principal: CurrentUser,
    paging: Paging,
    unread: Annotated[bool | None, Query(description="true: unread only; false: read only")] = None,
) -> dict[str, Any]:
    """List the caller's notifications, newest first."""
    query = queries.notifications(
        company_id=principal.company_id, user_id=principal.user_id, unread=unread
    )
    return page_of(session, query, paging, NotificationOut)


@notifications.get("/unread-count", response_model=CountOut, summary="Count my unread")
def count_unread(session: DbSession, principal: CurrentUser) -> dict[str, int]:
    """Count the caller's unread notifications."""
    count = notification_service.unread_count(
        session, company_id=principal.company_id, user_id=principal.user_id
    )
    return {"count": count}


@notifications.post("/read-all", response_model=CountOut, summary="Mark all mine read")
def read_all(session: DbSession, principal: CurrentUser) -> dict[str, int]:
    """Mark every unread notification of the caller read; return how many changed."""
    count = notification_service.mark_all_read(
        session, company_id=principal.company_id, user_id=principal.user_id
    )
    session.commit()
    return {"count": count}


@notifications.get("/{notification_id}", response_model=NotificationOut, summary="Get one")
def get_notification(notification_id: Id, session: DbSession, principal: CurrentUser) -> Any:
    """Return one of the caller's notifications."""
    return notification_service.get_notification(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        notification_id=notification_id,
    )


@notifications.post("/{notification_id}/read", response_model=NotificationOut, summary="Mark read")
def read_notification(notification_id: Id, session: DbSession, principal: CurrentUser) -> Any:
    """Mark one of the caller's notifications read."""
    row = notification_service.set_read(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        notification_id=notification_id,
    )
    session.commit()
    return row


@notifications.patch("/{notification_id}", response_model=NotificationOut, summary="Mark (un)read")
def update_notification(
    notification_id: Id, body: NotificationUpdate, session: DbSession, principal: CurrentUser
) -> Any:
    """Mark one of the caller's notifications read or unread."""
    row = notification_service.set_read(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        notification_id=notification_id,
        read=body.read,
    )
    session.commit()
    return row


@notifications.delete(
    "/{notification_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Dismiss"
)
def delete_notification(notification_id: Id, session: DbSession, principal: CurrentUser) -> None:
    """Dismiss one of the caller's notifications."""
    notification_service.delete_notification(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        notification_id=notification_id,
    )
    session.commit()


router.include_router(tasks)
router.include_router(activities)
router.include_router(notifications)
