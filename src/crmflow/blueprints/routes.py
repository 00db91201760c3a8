"""The seed's process-template API: CRUD, export, import_blueprint, instantiate."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.blueprints import service
from crmflow.blueprints.inputs import used_inputs
from crmflow.blueprints.models import ProcessTemplate
from crmflow.blueprints.schemas import (
    BlueprintIn,
    BlueprintOut,
    BlueprintPatch,
    InstantiateIn,
    PublishWorkflow,
)
from crmflow.common.deps import DbSession
from crmflow.common.downloads import json_download
from crmflow.common.ids import Id
from crmflow.common.pagination import Page, Paging, make_page
from crmflow.workflows import service as workflows
from crmflow.workflows.schemas import WorkflowResponse
from crmflow.workflows.transfer import canonical_json

router = APIRouter(prefix="/workflow/process-templates", tags=["blueprints"])


def _out(row: ProcessTemplate, versions: list[str]) -> BlueprintOut:
    used = used_inputs([row.trigger_config, row.conditions, row.process_steps, row.settings])
    return BlueprintOut.model_validate(row).model_copy(
        update={"versions": versions, "inputs_used": sorted(used)}
    )


@router.get("/", response_model=Page[BlueprintOut], summary="List blueprints")
def list_blueprints(
    request: Request,
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    search: Annotated[
        str | None, Query(max_length=200, description="in name, description, type")
    ] = None,
    template_type: Annotated[str | None, Query(max_length=60)] = None,
    all_versions: Annotated[
        bool, Query(description="every installed version, not only the newest")
    ] = False,
) -> dict[str, Any]:
    """The company's blueprints by name, built-in ones included (installed on first use)."""
    if service.missing_builtins(session, company_id=principal.company_id):
        # A read serves this request; the one-time install goes through a writer session, which
        # waits for SQLite's write lock instead of failing on it.
        with request.app.state.session_factory() as writer:
            service.ensure_builtins(writer, company_id=principal.company_id)
        session.rollback()  # a new read transaction sees the installed rows
    found = service.list_blueprints(
        session,
        company_id=principal.company_id,
        search=search,
        template_type=template_type,
        all_versions=all_versions,
    )
    start = (params.page - 1) * params.size
    items = [_out(row, versions) for row, versions in found[start : start + params.size]]
    return make_page(items, len(found), params)


@router.post(
    "/",
    response_model=BlueprintOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create a blueprint (or a new version of one)",
)
def create_blueprint(body: BlueprintIn, session: DbSession, principal: Writer) -> Any:
    """Install a blueprint version: it must be above the installed versions of its name, a new
    major version if it removes or tightens an input, and use only actions this installation has
    (409 / 422 with the reason otherwise)."""
    row = service.install(session, principal=principal, data=body.model_dump(mode="json"))
    return _out(row, service.versions_of(session, row))


@router.post(
    "/import_blueprint/",
    response_model=BlueprintOut,
    status_code=status.HTTP_201_CREATED,
    summary="Import an exported blueprint",
)
def import_blueprint(body: BlueprintIn, session: DbSession, principal: Writer) -> Any:
    """Install a file written by `{id}/export/`, checked like a creation; when the file carries a
    `checksum` it must match its content."""
    return create_blueprint(body, session, principal)


@router.post(
    "/from_workflow/",
    response_model=BlueprintOut,
    status_code=status.HTTP_201_CREATED,
    summary="Publish a workflow as a blueprint",
)
def publish_workflow(body: PublishWorkflow, session: DbSession, principal: Writer) -> Any:
    """The workflow's current trigger, conditions, steps, run policy and arranged graph become a
    blueprint version (no inputs: export it to add some), checked like any creation."""
    row = service.publish_workflow(session, principal=principal, body=body.model_dump(mode="json"))
    return _out(row, service.versions_of(session, row))


@router.get("/{blueprint_id}/", response_model=BlueprintOut, summary="Get a blueprint version")
def get_blueprint(blueprint_id: Id, session: DbSession, principal: CurrentUser) -> Any:
    """One installed version, with every installed version of its name."""
    row = service.get_blueprint(session, company_id=principal.company_id, blueprint_id=blueprint_id)
    return _out(row, service.versions_of(session, row))


@router.patch(
    "/{blueprint_id}/", response_model=BlueprintOut, summary="Change a blueprint's details"
)
def update_blueprint(
    blueprint_id: Id, body: BlueprintPatch, session: DbSession, principal: Writer
) -> Any:
    """Description, type, author or graph layout; the steps and inputs of a version never change
    (publish a new version). Built-in blueprints are read-only (409)."""
    row = service.update_blueprint(
        session,
        principal=principal,
        blueprint_id=blueprint_id,
        changes=body.model_dump(mode="json", exclude_unset=True),
    )
    return _out(row, service.versions_of(session, row))


@router.delete(
    "/{blueprint_id}/", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a blueprint version"
)
def delete_blueprint(blueprint_id: Id, session: DbSession, principal: Writer) -> Response:
    """Remove a version; a built-in one is archived (hidden, and not installed again)."""
    service.delete_blueprint(session, principal=principal, blueprint_id=blueprint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{blueprint_id}/export/",
    summary="Export a blueprint as a JSON file",
    responses={200: {"content": {"application/json": {}}}},
)
def export_blueprint(blueprint_id: Id, session: DbSession, principal: CurrentUser) -> Response:
    """Content, version, graph spec, inputs and settings, with a SHA-256 checksum, as canonical
    JSON (sorted keys): `import_blueprint/` reads it, and export → import → export is identical."""
    row = service.get_blueprint(session, company_id=principal.company_id, blueprint_id=blueprint_id)
    return json_download(
        canonical_json(service.export_document(row)),
        name=row.name,
        suffix=f"-{row.version}.blueprint.json",
    )


@router.post(
    "/{blueprint_id}/instantiate",
    response_model=WorkflowResponse,
    status_code=status.HTTP_201_CREATED,
    summary="Create a draft workflow from a blueprint",
)
def instantiate(
    blueprint_id: Id, body: InstantiateIn, session: DbSession, principal: Writer
) -> Any:
    """Fill the inputs in (defaults for those left out; 422 naming `inputs.NAME` when a value does
    not fit its schema) and create the workflow as a draft."""
    workflow = service.instantiate(
        session,
        principal=principal,
        blueprint_id=blueprint_id,
        inputs=body.inputs,
        name=body.name,
    )
    return workflows.with_warnings(session, workflow)
