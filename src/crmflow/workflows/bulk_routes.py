"""The workflow list's tools: tag counts, one action on many workflows, export of many."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import select

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.downloads import json_download
from crmflow.common.errors import Invalid, NotFound
from crmflow.workflows.bulk import run_bulk
from crmflow.workflows.models import Workflow
from crmflow.workflows.schemas import (
    TagCount,
    WorkflowBulkRequest,
    WorkflowBulkResponse,
    WorkflowExportRequest,
)
from crmflow.workflows.tags import tag_counts
from crmflow.workflows.transfer import canonical_json, export_document

# Mounted before routes.py: `/workflows/tags` must not be read as `/workflows/{workflow_id}`.
router = APIRouter(prefix="/workflows", tags=["workflows"])
TAGGING = ("add_tag", "remove_tag")


@router.get("/tags", response_model=list[TagCount], summary="List the company's workflow tags")
def list_tags(session: DbSession, principal: CurrentUser) -> list[dict[str, Any]]:
    """Every tag used by the company's workflows, with how many hold it, by name."""
    return tag_counts(session, company_id=principal.company_id)


@router.post(
    "/bulk", response_model=WorkflowBulkResponse, summary="Apply one action to many workflows"
)
def bulk_action(body: WorkflowBulkRequest, session: DbSession, principal: Writer) -> Any:
    """Activate, deactivate, delete, add a tag to or remove a tag from up to 500 (MAX_BULK_IDS)
    workflows. Each id is done on its own, exactly as its single endpoint would (activation
    checks the definition again): the answer is 200 with one result per id, and a failure
    (`"ok": false`, with the reason) leaves that workflow as it was and the others done.
    Ids of another company are reported as not found and never touched."""
    if (body.action in TAGGING) != (body.tag is not None):
        raise Invalid(
            "tag: give a tag with add_tag and remove_tag, and only with them", field="tag"
        )
    results = run_bulk(session, principal=principal, ids=body.ids, action=body.action, tag=body.tag)
    succeeded = sum(1 for result in results if result["ok"])
    return {
        "action": body.action,
        "succeeded": succeeded,
        "failed": len(results) - succeeded,
        "results": results,
    }


@router.post(
    "/export",
    summary="Export several workflows as one JSON file",
    responses={
        200: {"content": {"application/json": {}}},
        404: {"description": "some ids are not workflows of your company (named)"},
    },
)
def export_workflows(
    body: WorkflowExportRequest, session: DbSession, principal: CurrentUser
) -> Response:
    """The same file as `GET /workflows/{id}/export`, holding every workflow asked for in the
    order given (at most as many as one import takes); 404 naming the ids not found."""
    ids = list(dict.fromkeys(body.ids))
    rows = session.scalars(
        select(Workflow).where(Workflow.company_id == principal.company_id, Workflow.id.in_(ids))
    )
    found = {workflow.id: workflow for workflow in rows}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFound(f"workflows {', '.join(missing)} not found", field="ids")
    document = export_document([found[i] for i in ids])
    return json_download(canonical_json(document), name="workflows", suffix=".crmflow.json")
