"""The simulation API: simulate, compare two versions, back-test over history; list and read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, status

from crmflow.auth.deps import CurrentUser, Writer
from crmflow.common.deps import DbSession
from crmflow.common.i18n import RequestLanguage
from crmflow.common.pagination import Page, Paging
from crmflow.simulation import backtest, compare, service
from crmflow.simulation.inputs import SimulationInput
from crmflow.simulation.schemas import (
    BacktestCreate,
    CompareCreate,
    SimulationCreate,
    SimulationMode,
    SimulationOut,
)
from crmflow.simulation.texts import translated_simulation

router = APIRouter(prefix="/workflow/workflow-simulations", tags=["simulation"])


def _options(request: Request) -> service.Options:
    return service.Options.from_settings(request.app.state.settings)


def _input(body: SimulationCreate | CompareCreate) -> SimulationInput:
    return SimulationInput(
        input_data=body.input_data,
        entity_type=body.entity_type,
        entity_id=body.entity_id,
        changes=body.trigger.changes,
        payload=body.trigger.payload,
    )


@router.post(
    "/",
    response_model=SimulationOut,
    status_code=status.HTTP_201_CREATED,
    summary="Simulate a workflow run (nothing is written or sent)",
)
def create_simulation(
    body: SimulationCreate,
    session: DbSession,
    principal: Writer,
    request: Request,
    language: RequestLanguage,
) -> Any:
    """Walk a saved workflow (or an unsaved `definition`) on one input with every effect held
    back: the path, every decision and its alternatives, the approval chain, a duration
    estimate and warnings. An invalid draft gives status `invalid` with `validation_errors`."""
    row = service.create_simulation(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        workflow_id=body.workflow_id,
        version=body.version,
        definition=body.definition,
        given=_input(body),
        options=_options(request),
    )
    return translated_simulation(language, row)


@router.get("/", response_model=Page[SimulationOut], summary="List simulations")
def list_simulations(
    session: DbSession,
    principal: CurrentUser,
    params: Paging,
    language: RequestLanguage,
    workflow_id: Annotated[int | None, Query(ge=1)] = None,
    mode: SimulationMode | None = None,
) -> dict[str, Any]:
    """The company's simulations, back-tests and comparisons, newest first."""
    page = service.list_simulations(
        session,
        company_id=principal.company_id,
        params=params,
        workflow_id=workflow_id,
        mode=mode.value if mode else None,
    )
    return {**page, "items": [translated_simulation(language, row) for row in page["items"]]}


@router.post(
    "/compare",
    response_model=SimulationOut,
    status_code=status.HTTP_201_CREATED,
    summary="Simulate two versions on the same input and list the differences",
)
def create_comparison(
    body: CompareCreate,
    session: DbSession,
    principal: Writer,
    request: Request,
    language: RequestLanguage,
) -> Any:
    """Side A is a saved version (the current one by default), side B another version or a
    draft; `report.differences` lists every step whose fate differs."""
    row = compare.create_comparison(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        body=body,
        given=_input(body),
        options=_options(request),
    )
    return translated_simulation(language, row)


@router.post(
    "/backtest",
    response_model=SimulationOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Replay recorded events through a workflow or a draft (a job with progress)",
)
def create_backtest(
    body: BacktestCreate,
    session: DbSession,
    principal: Writer,
    request: Request,
    jobs: BackgroundTasks,
    language: RequestLanguage,
) -> Any:
    """Start a back-test over the last `days` of recorded events; follow `progress` with
    GET .../{id}/ until `status` is `completed` (or `failed`)."""
    row = backtest.queue_backtest(
        session, company_id=principal.company_id, user_id=principal.user_id, body=body
    )
    jobs.add_task(
        backtest.run_backtest_job,
        request.app.state.session_factory,
        simulation_id=row.id,
        options=_options(request),
        read_factory=request.app.state.read_session_factory,
    )
    return translated_simulation(language, row)


@router.get("/{simulation_id}/", response_model=SimulationOut, summary="Get a simulation")
def get_simulation(
    simulation_id: int, session: DbSession, principal: CurrentUser, language: RequestLanguage
) -> Any:
    """One simulation with its results (a back-test's progress while it runs)."""
    row = service.get_simulation(
        session, company_id=principal.company_id, simulation_id=simulation_id
    )
    return translated_simulation(language, row)
