"""Version history routes: the readable diff between two versions, and restoring one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.ids import Id
from crmflow.workflows import service
from crmflow.workflows.schemas import VersionDiff, WorkflowResponse, WorkflowVersionResponse
from crmflow.workflows.versions import restore_version, version_diff, version_history

router = APIRouter(prefix="/workflows", tags=["workflows"])


@router.get(
    "/{workflow_id}/versions",
    response_model=list[WorkflowVersionResponse],
    summary="List a workflow's versions",
)
def list_versions(workflow_id: Id, session: DbSession, principal: CurrentUser) -> Any:
    """Return every immutable version, newest first, with its author's name."""
    history = version_history(session, company_id=principal.company_id, workflow_id=workflow_id)
    return [
        WorkflowVersionResponse.model_validate(version).model_copy(update={"author": author})
        for version, author in history
    ]


@router.get(
    "/{workflow_id}/versions/{version}/diff",
    response_model=VersionDiff,
    summary="What changed in a version",
)
def diff_version(
    workflow_id: Id,
    version: Id,
    session: DbSession,
    principal: CurrentUser,
    against: Annotated[
        int | None, Query(ge=1, description="the version to compare with (default: the one before)")
    ] = None,
) -> dict[str, Any]:
    """Steps added, removed, moved and changed (field by field), and the workflow's own fields
    that changed, from version `against` to `version`."""
    return version_diff(
        session,
        company_id=principal.company_id,
        workflow_id=workflow_id,
        version=version,
        against=against,
    )


@router.post(
    "/{workflow_id}/versions/{version}/restore",
    response_model=WorkflowResponse,
    summary="Restore an old version (as a new version)",
)
def restore(workflow_id: Id, version: Id, session: DbSession, principal: Writer) -> Any:
    """Make version `version`'s definition current again; it becomes a new version, noted
    "restored version N", and the history is kept."""
    workflow = restore_version(
        session, principal=principal, workflow_id=workflow_id, version=version
    )
    return service.with_warnings(session, workflow)
