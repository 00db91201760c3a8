"""create_app(): routers, error handlers, and a lifespan that migrates and starts the runtime."""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CollectorRegistry
from sqlalchemy import text

from crmflow import __version__
from crmflow.auth.deps import admin_principal, writer_principal
from crmflow.auth.last_used import TokenUseRecorder
from crmflow.auth.service import bootstrap_admin
from crmflow.auth.token_lookup import TokenLookup
from crmflow.common.error_schemas import install_error_documentation
from crmflow.common.errors import install_error_handlers
from crmflow.common.gc_tuning import tune_for_server
from crmflow.common.http_security import install_http_security, metrics_authorized
from crmflow.common.nul_input import refuse_nul
from crmflow.common.request_limits import RequestLimits
from crmflow.config import Settings, get_settings
from crmflow.db.migrate import upgrade
from crmflow.db.session import get_engine, get_session_factory, session_scope
from crmflow.events.intake import EventIntake
from crmflow.live.service import start_live_notifications
from crmflow.metrics.collector import DatabaseCollector
from crmflow.runtime.factory import build_runtime
from crmflow.runtime.protocol import Runtime
from crmflow.simulation.backtest import fail_interrupted_backtests
from crmflow.suggestions.service import fail_interrupted_jobs

log = logging.getLogger("crmflow")

# Every domain router, mounted under /api/v1. A module listed here must expose `router`.
# A request is matched against the routers in this order (FastAPI tries each route in turn,
# ~1 us each): the front door's hot paths, inbound events and webhooks, come first, which
# saves them ~0.1 ms each. No two routers' paths overlap, so the order changes nothing else.
ROUTER_MODULES = [
    "crmflow.events.routes",
    "crmflow.workflows.hook_routes",
    "crmflow.auth.routes",
    "crmflow.auth.preference_routes",
    "crmflow.crm.routes",
    "crmflow.crm.choice_routes",
    "crmflow.workflows.transfer_routes",
    "crmflow.workflows.bulk_routes",
    "crmflow.workflows.routes",
    "crmflow.workflows.version_routes",
    "crmflow.executions.routes",
    "crmflow.approvals.routes",
    "crmflow.catalog.routes",
    "crmflow.simulation.routes",
    "crmflow.simulation.preview_routes",
    "crmflow.sla.routes",
    "crmflow.blueprints.routes",
    "crmflow.suggestions.routes",
    "crmflow.operations.routes",
    "crmflow.vault.routes",
    "crmflow.live.routes",
]
# Routes that take other systems' input as it comes: an inbound webhook keeps any body (hooks.py
# drops NULs from it) and answers a bad token with a bare 404, so U+0000 is no 422 there.
RAW_INPUT_MODULES = {"crmflow.workflows.hook_routes"}


def _routers() -> list[tuple[str, APIRouter]]:
    routers = []
    for name in ROUTER_MODULES:
        module = importlib.import_module(name)
        routers.append((name, module.router))
    return routers


def prepare_database(settings: Settings) -> str | None:
    """Migrate the database and bootstrap the admin; return a generated admin token, if any."""
    upgrade(settings.database_url)
    with session_scope(settings.database_url) as session:
        interrupted = fail_interrupted_backtests(session)
        if interrupted:
            log.warning("%d back-test(s) interrupted by a stop are marked failed", interrupted)
        stopped = fail_interrupted_jobs(session)
        if stopped:
            log.warning("%d suggestion job(s) interrupted by a stop are marked failed", stopped)
        return bootstrap_admin(
            session,
            email=settings.admin_email,
            company_name=settings.admin_company,
            token=settings.admin_token,
        )


def create_app(settings: Settings | None = None, *, start_runtime: bool = True) -> FastAPI:
    """Build the FastAPI application (the API, /docs, /healthz, /metrics and the UI)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        generated = prepare_database(settings)
        if generated:
            log.warning(
                "Created admin %s; API token (shown once): %s", settings.admin_email, generated
            )
            print(
                f"crmflow: admin {settings.admin_email} API token (shown once): {generated}",
                flush=True,
            )
        runtime: Runtime | None = build_runtime(settings) if start_runtime else None
        if runtime is not None:
            runtime.start()
        app.state.runtime = runtime
        live = start_live_notifications(app, settings, redis=start_runtime)
        try:
            yield
        finally:
            app.state.event_intake.stop()
            if runtime is not None:
                runtime.stop()
            live.stop()
            app.state.token_uses.stop()
            app.state.token_lookup.close()

    app = FastAPI(
        title="crmflow",
        version=__version__,
        description=(
            "Workflow automation for a CRM. Authenticate with `Authorization: Bearer <token>`."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.session_factory = get_session_factory(settings.database_url)
    app.state.read_session_factory = get_session_factory(settings.database_url, writer=False)
    app.state.token_lookup = TokenLookup(get_engine(settings.database_url, writer=False))
    app.state.token_uses = TokenUseRecorder(app.state.session_factory)
    app.state.event_intake = EventIntake(app.state.session_factory)
    app.state.metrics_registry = CollectorRegistry(auto_describe=False)
    app.state.metrics_registry.register(
        DatabaseCollector(app.state.read_session_factory, settings.metrics_cache_seconds)
    )
    install_error_handlers(app)
    # Body size and JSON nesting are checked before any route reads the body.
    app.add_middleware(
        RequestLimits, max_bytes=settings.max_body_bytes, max_depth=settings.max_json_depth
    )
    install_http_security(app, settings)
    for name, router in _routers():
        # U+0000 anywhere in the input is a 422 (PostgreSQL cannot store it): common/nul_input.py
        guards = [] if name in RAW_INPUT_MODULES else [Depends(refuse_nul)]
        app.include_router(router, prefix="/api/v1", dependencies=guards)
    install_error_documentation(app, role_checks=(writer_principal, admin_principal))

    @app.get("/healthz", tags=["ops"], summary="Liveness and database check")
    def healthz() -> dict[str, Any]:
        with app.state.read_session_factory() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "runtime": settings.runtime}

    @app.get(
        "/metrics",
        tags=["ops"],
        summary="Prometheus metrics",
        response_class=PlainTextResponse,
        responses={
            401: {"description": "CRMFLOW_METRICS_TOKEN is set and was not presented"},
            404: {"description": "PROMETHEUS_METRICS_ENABLED is false"},
        },
    )
    def metrics(request: Request) -> Response:
        """Prometheus metrics; with CRMFLOW_METRICS_TOKEN set, `Authorization: Bearer <it>`."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        if not metrics_authorized(request.headers.get("authorization"), settings.metrics_token):
            return JSONResponse(
                {"detail": "metrics need Authorization: Bearer <CRMFLOW_METRICS_TOKEN>"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not settings.prometheus_metrics_enabled:
            return JSONResponse(
                {"detail": "metrics are disabled (PROMETHEUS_METRICS_ENABLED=false)"},
                status_code=404,
            )
        # Process and runtime collectors, then crmflow's families read from the database.
        body = generate_latest() + generate_latest(app.state.metrics_registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    _mount_ui(app)
    return app


def _built_ui() -> Path | None:
    """Return the built web UI: the installed package's, else a source checkout's web/dist."""
    # setup.py copies the UI into wheels and sdists as crmflow/webui; a checkout (editable
    # install, `make run`) has none there and serves what `make web` built.
    packaged = Path(str(resources.files("crmflow") / "webui"))
    checkout = Path(__file__).resolve().parents[2]
    candidates = [packaged]
    if (checkout / "pyproject.toml").is_file():
        candidates.append(checkout / "web" / "dist")
    return next((dist for dist in candidates if (dist / "index.html").is_file()), None)


def _mount_ui(app: FastAPI) -> None:
    """Serve the built web UI at /, deep links included; else a pointer to /docs."""
    dist = _built_ui()
    if dist is None:

        @app.get("/", include_in_schema=False)
        def index() -> Response:
            return PlainTextResponse(
                "crmflow API: see /docs for the interactive documentation "
                "(build the UI with `make web`).\n"
            )

        return

    app.mount("/assets", StaticFiles(directory=dist / "assets"), name="ui-assets")
    root = dist.resolve()
    index_html = root / "index.html"

    @app.get("/{path:path}", include_in_schema=False)
    def ui(path: str) -> Response:
        # Unknown API paths stay JSON 404s; every other path is a page of the single-page app.
        if path == "api" or path.startswith(("api/", "assets/")):
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate)
        return FileResponse(index_html, headers={"Cache-Control": "no-cache"})


def serve_app(
    app: FastAPI | str, *, host: str, port: int, log_level: str = "info", workers: int = 1
) -> None:
    """Serve `app` with uvicorn as `crmflow serve` does (the HTTP bench's floor uses it too).

    With `workers` > 1, `app` names an app factory (`module:function`) each process calls.
    """
    if workers > 1:
        uvicorn.run(app, host=host, port=port, log_level=log_level, workers=workers, factory=True)
    else:
        tune_for_server()
        uvicorn.run(app, host=host, port=port, log_level=log_level)
