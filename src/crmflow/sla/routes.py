"""The SLA API: `workflow-slas/` (CRUD, metrics) and `sla-breaches/` (list, acknowledge)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.pagination import Page, Paging
from crmflow.sla import service
from crmflow.sla.schemas import (
    AcknowledgeBody,
    AlertingOut,
    AlertingSettings,
    BreachOut,
    BreachStatus,
    SLACreate,
    SLAMetrics,
    SLAOut,
    SLAUpdate,
    WorkflowAlertOut,
)

router = APIRouter(prefix="/workflow", tags=["SLA"])
WorkflowFilter = Annotated[int | None, Query(ge=1, description="only this workflow's")]


@router.post(
    "/workflow-slas/",
    response_model=SLAOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create an SLA on a workflow (or one of its steps)",
)
def create_sla(body: SLACreate, session: DbSession, principal: Writer) -> Any:
    """Add a duration target with warning and critical thresholds and an SLO."""
    return service.create_sla(
        session, company_id=principal.company_id, user_id=principal.user_id, body=body
    )


@router.get("/workflow-slas/", response_model=Page[SLAOut], summary="List SLAs")
def list_slas(
    session: DbSession, principal: CurrentUser, params: Paging, workflow_id: WorkflowFilter = None
) -> dict[str, Any]:
    """The company's SLAs."""
    return service.list_slas(
        session, company_id=principal.company_id, params=params, workflow_id=workflow_id
    )


@router.get("/workflow-slas/{sla_id}/", response_model=SLAOut, summary="Get an SLA")
def get_sla(sla_id: int, session: DbSession, principal: CurrentUser) -> Any:
    """One SLA."""
    return service.get_sla(session, company_id=principal.company_id, sla_id=sla_id)


@router.patch("/workflow-slas/{sla_id}/", response_model=SLAOut, summary="Change an SLA")
def update_sla(sla_id: int, body: SLAUpdate, session: DbSession, principal: Writer) -> Any:
    """Change some fields; the thresholds must stay ordered."""
    return service.update_sla(session, company_id=principal.company_id, sla_id=sla_id, body=body)


@router.delete(
    "/workflow-slas/{sla_id}/",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete an SLA (and its breaches)",
)
def delete_sla(sla_id: int, session: DbSession, principal: Writer) -> Response:
    """Remove an SLA."""
    service.delete_sla(session, company_id=principal.company_id, sla_id=sla_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/workflow-slas/{sla_id}/metrics/",
    response_model=SLAMetrics,
    summary="SLO compliance, error budget and burn rates",
)
def sla_metrics(sla_id: int, session: DbSession, principal: CurrentUser) -> dict[str, Any]:
    """Over the SLO window: the share of runs that met the target, the error budget left,
    burn rates over 1 h, 6 h and 3 days, counts and open breaches."""
    return service.sla_metrics(session, company_id=principal.company_id, sla_id=sla_id)


@router.get("/sla-breaches/", response_model=Page[BreachOut], summary="List SLA breaches")
def list_breaches(
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    breach_status: Annotated[BreachStatus | None, Query(alias="status")] = None,
    unresolved: Annotated[bool, Query(description="open or acknowledged ones")] = False,
    workflow_id: WorkflowFilter = None,
) -> dict[str, Any]:
    """The company's breaches, newest first."""
    return service.list_breaches(
        session,
        company_id=principal.company_id,
        params=params,
        status=breach_status.value if breach_status else None,
        unresolved=unresolved,
        workflow_id=workflow_id,
    )


@router.get(
    "/sla-breaches/unacknowledged/",
    response_model=Page[BreachOut],
    summary="Breaches nobody has acknowledged",
)
def unacknowledged(
    session: DbSession, principal: CurrentUser, params: Paging, workflow_id: WorkflowFilter = None
) -> dict[str, Any]:
    """Open breaches, newest first."""
    return service.list_breaches(
        session,
        company_id=principal.company_id,
        params=params,
        unacknowledged=True,
        workflow_id=workflow_id,
    )


@router.post(
    "/sla-breaches/{breach_id}/acknowledge/",
    response_model=BreachOut,
    summary="Acknowledge a breach",
    responses={409: {"description": "already acknowledged or resolved"}},
)
def acknowledge(
    breach_id: int, session: DbSession, principal: Writer, body: AcknowledgeBody | None = None
) -> dict[str, Any]:
    """Say someone is on it, with notes."""
    return service.acknowledge(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        breach_id=breach_id,
        notes=body.notes if body else "",
    )


@router.post(
    "/sla-breaches/{breach_id}/resolve/",
    response_model=BreachOut,
    summary="Resolve a breach",
    responses={409: {"description": "already resolved"}},
)
def resolve(
    breach_id: int, session: DbSession, principal: Writer, body: AcknowledgeBody | None = None
) -> dict[str, Any]:
    """Close a breach (acknowledging it too when nobody had)."""
    return service.resolve(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        breach_id=breach_id,
        notes=body.notes if body else "",
    )


@router.get(
    "/workflow-alerts/",
    response_model=Page[WorkflowAlertOut],
    summary="Failure streaks and SLO burn-rate alerts",
)
def list_alerts(
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    open_only: Annotated[bool, Query(alias="open", description="only unresolved ones")] = False,
    workflow_id: WorkflowFilter = None,
) -> dict[str, Any]:
    """The company's workflow alerts, newest first; resolved ones carry `resolved_at`."""
    return service.list_alerts(
        session,
        company_id=principal.company_id,
        params=params,
        open_only=open_only,
        workflow_id=workflow_id,
    )


@router.get(
    "/workflow-alerting/{workflow_id}/",
    response_model=AlertingOut,
    summary="A workflow's alerting settings",
)
def get_alerting(workflow_id: int, session: DbSession, principal: CurrentUser) -> dict[str, Any]:
    """After how many failed runs in a row people are told, and whether it is deactivated."""
    return service.alerting(session, company_id=principal.company_id, workflow_id=workflow_id)


@router.put(
    "/workflow-alerting/{workflow_id}/",
    response_model=AlertingOut,
    summary="Change a workflow's alerting settings",
)
def put_alerting(
    workflow_id: int, body: AlertingSettings, session: DbSession, principal: Writer
) -> dict[str, Any]:
    """Set the failure streak length (null: never alert) and automatic deactivation."""
    return service.set_alerting(
        session,
        company_id=principal.company_id,
        workflow_id=workflow_id,
        values=body.model_dump(),
    )
