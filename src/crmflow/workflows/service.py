"""Workflow CRUD, versions, activation, duplication and manual runs (no HTTP)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from crmflow.auth.service import Principal
from crmflow.common.errors import Invalid, NotFound
from crmflow.crm.queries import apply_sort
from crmflow.db.base import utcnow
from crmflow.engine.compiled_cache import evict_compiled
from crmflow.engine.context import MODELS
from crmflow.engine.errors import DefinitionError
from crmflow.executions.models import WorkflowExecution
from crmflow.executions.service import insert_executions
from crmflow.workflows.credentials import credential_warnings, restore_masks
from crmflow.workflows.directory import CompanyDirectory
from crmflow.workflows.hooks import sync_hook_token
from crmflow.workflows.loop_guard import loop_warnings
from crmflow.workflows.models import Workflow, WorkflowVersion
from crmflow.workflows.step_tree import prune_layout
from crmflow.workflows.tags import set_tags, with_all_tags
from crmflow.workflows.triggers import entity_type_for
from crmflow.workflows.validation import DEFINITION_KEYS, validate_definition
from crmflow.workflows.value_checks import check_fields_and_values

# Sortable list columns; names lower-cased so SQLite and PostgreSQL order them alike.
SORT_COLUMNS: dict[str, Any] = {
    "name": func.lower(Workflow.name),
    "updated_at": Workflow.updated_at,
    "last_executed_at": Workflow.last_executed_at,
    "execution_count": Workflow.execution_count,
}


def definition_of(workflow: Workflow) -> dict[str, Any]:
    """The workflow's current definition (the part a version holds)."""
    return {key: getattr(workflow, key) for key in DEFINITION_KEYS}


def _checked(session: Session, company_id: int, raw: dict[str, Any]) -> dict[str, Any]:
    try:
        return validate_definition(raw, CompanyDirectory(session, company_id))
    except DefinitionError as exc:
        raise Invalid(f"{exc.path}: {exc.message}", field=exc.path) from None


def loop_guard_warnings(session: Session, workflow: Workflow) -> list[str]:
    """Warn when the workflow's actions can re-trigger it, alone or through active workflows."""
    definition = definition_of(workflow)
    others = [
        (other.id, other.name, definition_of(other))
        for other in session.scalars(
            select(Workflow).where(
                Workflow.company_id == workflow.company_id,
                Workflow.status == "active",
                Workflow.id != workflow.id,
            )
        )
    ]
    return loop_warnings(definition, others)


def with_warnings(session: Session, workflow: Workflow) -> Workflow:
    """Attach the warnings the API returns with a saved workflow (loops, clear credentials)."""
    definition = definition_of(workflow)
    entity = entity_type_for(workflow.trigger_type, workflow.trigger_config or {})
    unknown = check_fields_and_values(session, workflow.company_id, definition, entity)
    workflow.warnings = [  # type: ignore[attr-defined]
        *loop_guard_warnings(session, workflow),
        *credential_warnings(workflow.actions),
        *(f"{issue.path}: {issue.message}" for issue in unknown),
    ]
    return workflow


def get_workflow(session: Session, *, company_id: int, workflow_id: int) -> Workflow:
    """Return a workflow of the company or raise NotFound."""
    workflow = session.get(Workflow, workflow_id)
    if workflow is None or workflow.company_id != company_id:
        raise NotFound(f"workflow {workflow_id} not found")
    return workflow


def _add_version(
    session: Session,
    workflow: Workflow,
    definition: dict[str, Any],
    *,
    user_id: int | None,
    note: str = "",
) -> WorkflowVersion:
    workflow.version_number = (workflow.version_number or 0) + 1
    version = WorkflowVersion(
        company_id=workflow.company_id,
        workflow_id=workflow.id,
        version=workflow.version_number,
        definition=definition,
        created_by=user_id,
        created_at=utcnow(),
        change_note=note,
    )
    session.add(version)
    session.flush()
    workflow.current_version_id = version.id
    return version


def _apply(workflow: Workflow, definition: dict[str, Any]) -> None:
    for key in DEFINITION_KEYS:
        setattr(workflow, key, definition[key])


def create_workflow(
    session: Session,
    *,
    principal: Principal,
    data: dict[str, Any],
    template_slug: str | None = None,
) -> Workflow:
    """Validate a definition and create the workflow with its first version."""
    definition = _checked(session, principal.company_id, data)
    workflow = Workflow(
        company_id=principal.company_id,
        status=str(data.get("status") or "draft"),
        is_template=bool(data.get("is_template", False)),
        template_slug=template_slug,
        created_by=principal.user_id,
        trigger_config={},
        actions=[],
        graph_layout=data.get("graph_layout"),
    )
    _apply(workflow, definition)
    sync_hook_token(workflow)
    if workflow.status == "active":
        workflow.schedule_cursor = utcnow()
    session.add(workflow)
    session.flush()
    set_tags(session, workflow, list(data.get("tags") or []))
    _add_version(session, workflow, definition, user_id=principal.user_id, note="created")
    session.commit()
    return workflow


def update_workflow(
    session: Session, *, principal: Principal, workflow_id: int, changes: dict[str, Any]
) -> Workflow:
    """Apply a partial update; a changed definition becomes a new version."""
    workflow = get_workflow(session, company_id=principal.company_id, workflow_id=workflow_id)
    current = definition_of(workflow)
    proposed = {**current, **{k: v for k, v in changes.items() if k in DEFINITION_KEYS}}
    if "trigger_type" in changes and "trigger_config" not in changes:
        proposed["trigger_config"] = {}
    if "actions" in changes:
        # A masked credential sent back (the editor saw the mask) keeps its stored value.
        proposed["actions"] = restore_masks(proposed["actions"], current["actions"])
    definition = _checked(session, principal.company_id, proposed)
    if definition != current:
        if "graph_layout" not in changes:
            workflow.graph_layout = prune_layout(
                workflow.graph_layout, current["actions"], definition["actions"]
            )
        _apply(workflow, definition)
        sync_hook_token(workflow)
        _add_version(
            session,
            workflow,
            definition,
            user_id=principal.user_id,
            note=str(changes.get("change_note") or "updated"),
        )
    if changes.get("status") is not None:
        _set_status(workflow, str(changes["status"]))
    if changes.get("is_template") is not None:
        workflow.is_template = bool(changes["is_template"])
    if "graph_layout" in changes:
        workflow.graph_layout = changes["graph_layout"]
    if "tags" in changes:
        set_tags(session, workflow, list(changes["tags"]))
    workflow.updated_at = utcnow()
    session.commit()
    return workflow


def _set_status(workflow: Workflow, status: str) -> None:
    if status == "active" and workflow.status != "active":
        # Schedules count from activation: no burst of fire times from before it.
        workflow.schedule_cursor = utcnow()
    workflow.status = status


def set_status(
    session: Session, *, principal: Principal, workflow_id: int, status: str
) -> Workflow:
    """Activate, deactivate or move a workflow back to draft.

    Activating checks the definition again: what it names (approver titles, users, custom
    actions) may have gone since it was saved, and a 422 says which path no longer holds.
    """
    workflow = get_workflow(session, company_id=principal.company_id, workflow_id=workflow_id)
    if status == "active" and workflow.status != "active":
        _checked(session, principal.company_id, definition_of(workflow))
    _set_status(workflow, status)
    workflow.updated_at = utcnow()
    session.commit()
    return workflow


def delete_workflow(session: Session, *, principal: Principal, workflow_id: int) -> None:
    """Delete a workflow with its versions and executions."""
    workflow = get_workflow(session, company_id=principal.company_id, workflow_id=workflow_id)
    version_ids = list(
        session.scalars(
            select(WorkflowVersion.id).where(WorkflowVersion.workflow_id == workflow.id)
        )
    )
    session.delete(workflow)
    session.commit()
    evict_compiled(version_ids)


def duplicate_workflow(
    session: Session, *, principal: Principal, workflow_id: int, name: str | None = None
) -> Workflow:
    """Copy a workflow's current definition into a new draft."""
    source = get_workflow(session, company_id=principal.company_id, workflow_id=workflow_id)
    data = definition_of(source)
    data["graph_layout"] = source.graph_layout
    data["tags"] = source.tags
    data["name"] = name or f"{source.name} (copy)"[:300]
    data["status"] = "draft"
    return create_workflow(session, principal=principal, data=data)


def list_query(
    *,
    company_id: int,
    status: str | None,
    trigger_type: str | None,
    is_template: bool | None,
    q: str | None,
    tags: list[str] | None = None,
    sort: str = "-updated_at",
) -> Select[Any]:
    """Build the filtered workflow list query in `sort` order (422 naming `sort` if unknown)."""
    # The rows' tags come in one more query, not one per row.
    query = (
        select(Workflow)
        .where(Workflow.company_id == company_id)
        .options(selectinload(Workflow.tag_rows))
    )
    if tags:
        query = with_all_tags(query, company_id=company_id, names=tags)
    if status:
        query = query.where(Workflow.status == status)
    if trigger_type:
        query = query.where(Workflow.trigger_type == trigger_type)
    if is_template is not None:
        query = query.where(Workflow.is_template.is_(is_template))
    if q:
        query = query.where(func.lower(Workflow.name).contains(q.lower()))
    return apply_sort(query, sort, SORT_COLUMNS, Workflow.id)


def list_versions(session: Session, *, company_id: int, workflow_id: int) -> list[WorkflowVersion]:
    """Return a workflow's versions, newest first."""
    get_workflow(session, company_id=company_id, workflow_id=workflow_id)
    return list(
        session.scalars(
            select(WorkflowVersion)
            .where(WorkflowVersion.workflow_id == workflow_id)
            .order_by(WorkflowVersion.version.desc())
        )
    )


def start_manual_run(
    session: Session,
    *,
    principal: Principal,
    workflow_id: int,
    entity_type: str | None,
    entity_id: int | None,
    trigger_data: dict[str, Any],
    idempotency_key: str | None,
) -> WorkflowExecution:
    """Create a pending execution for a manual run; it starts when the session commits."""
    workflow = get_workflow(session, company_id=principal.company_id, workflow_id=workflow_id)
    if (entity_type is None) != (entity_id is None):
        field = "trigger_entity_id" if entity_id is None else "trigger_entity_type"
        raise Invalid(f"{field}: give both trigger_entity_type and trigger_entity_id", field=field)
    if entity_type is not None:
        entity_type = entity_type.lower()
        model = MODELS.get(entity_type)
        if model is None:
            raise Invalid(
                f"trigger_entity_type: unknown entity type {entity_type!r} "
                f"(expected one of: {', '.join(MODELS)})",
                field="trigger_entity_type",
            )
        obj = session.get(model, entity_id)
        if obj is None or obj.company_id != principal.company_id:
            raise Invalid(
                f"trigger_entity_id: no {entity_type} {entity_id} in this company",
                field="trigger_entity_id",
            )
    fire_key = f"manual:{idempotency_key}" if idempotency_key else None
    if fire_key:
        existing = session.scalar(
            select(WorkflowExecution).where(
                WorkflowExecution.workflow_id == workflow.id, WorkflowExecution.fire_key == fire_key
            )
        )
        if existing is not None:
            return existing
    ids = insert_executions(
        session,
        [
            {
                "company_id": principal.company_id,
                "workflow_id": workflow.id,
                "version_id": workflow.current_version_id,
                "version": workflow.version_number,
                "trigger_type": "manual",
                "trigger_entity_type": entity_type,
                "trigger_entity_id": entity_id,
                "fire_key": fire_key,
                "trigger_data": {"payload": trigger_data, "requested_by": principal.user_id},
            }
        ],
    )
    session.commit()
    execution = session.get(WorkflowExecution, ids[0]) if ids else None
    if execution is None:  # lost a race with the same idempotency key
        execution = session.scalar(
            select(WorkflowExecution).where(
                WorkflowExecution.workflow_id == workflow.id, WorkflowExecution.fire_key == fire_key
            )
        )
    assert execution is not None
    return execution
