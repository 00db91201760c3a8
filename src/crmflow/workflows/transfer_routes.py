"""Export a workflow as a file and import one back, over HTTP (the CLI's format)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Response, status

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.downloads import json_download
from crmflow.common.errors import Invalid
from crmflow.common.ids import Id
from crmflow.workflows import service
from crmflow.workflows.schemas import MAX_TRANSFERRED, WorkflowResponse
from crmflow.workflows.transfer import (
    canonical_json,
    export_document,
    import_document,
    import_items,
)

router = APIRouter(prefix="/workflows", tags=["workflows"])


@router.get(
    "/{workflow_id}/export",
    summary="Export a workflow as a JSON file",
    responses={200: {"content": {"application/json": {}}}},
)
def export_workflow(workflow_id: Id, session: DbSession, principal: CurrentUser) -> Response:
    """The workflow's definition, graph layout and template flag as canonical JSON (sorted keys,
    two-space indent): the file `POST /workflows/import` reads. Credentials typed in clear are
    masked; `{{ secrets.NAME }}` references are kept as they are."""
    workflow = service.get_workflow(
        session, company_id=principal.company_id, workflow_id=workflow_id
    )
    return json_download(
        canonical_json(export_document([workflow])), name=workflow.name, suffix=".crmflow.json"
    )


@router.post(
    "/import",
    response_model=list[WorkflowResponse],
    status_code=status.HTTP_201_CREATED,
    summary="Import workflows from an export file",
)
def import_workflows(
    session: DbSession,
    principal: Writer,
    document: Any = Body(
        ...,
        description='An export: {"crmflow_export": 1, "workflows": [...]} (or a bare list)',
    ),
) -> Any:
    """Create each workflow of the file as a draft. Every entry is checked before anything is
    written: one bad entry is a 422 naming it (`workflows[1] (name).actions[0].type: ...`)."""
    items = import_items(document)
    if len(items) > MAX_TRANSFERRED:
        raise Invalid(
            f"workflows: {len(items)} entries, at most {MAX_TRANSFERRED} per import",
            field="workflows",
        )
    created = import_document(session, principal=principal, document=items)
    return [service.with_warnings(session, workflow) for workflow in created]
