"""Shared fixtures: a migrated temporary database, an app, clients and tokens for two companies."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from crmflow.all_models import Base
from crmflow.auth.service import create_user, get_or_create_company, issue_token
from crmflow.config import Settings
from crmflow.db import signals
from crmflow.db.migrate import upgrade
from crmflow.db.session import dispose_all, get_session_factory
from crmflow.main import create_app

PG_URL = os.environ.get("CRMFLOW_TEST_DATABASE_URL")
# Under pytest-xdist every worker truncates a database of its own between tests.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
if PG_URL and XDIST_WORKER:
    PG_URL = f"{PG_URL}_{XDIST_WORKER}"


def _recreate_postgres_database(url: str) -> None:
    """Drop and create the database `url` names (an xdist worker's own copy)."""
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


# Tests that wait on real time or real processes: `make unit` runs them alone, after the rest has
# run on both cores, so a busy neighbour never eats their time budgets.
SERIAL_DIRS = ("tests/integration/", "tests/runtime/", "tests/live/")
# Browser tests: each xdist worker gets its own server and Chromium (package-scoped fixtures), so
# they run two at a time, but in a phase of their own, away from the CPU-bound unit tests.
BROWSER_DIRS = ("tests/e2e/",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests under SERIAL_DIRS `serial` and those under BROWSER_DIRS `browser`."""
    for item in items:
        if item.nodeid.startswith(SERIAL_DIRS):
            item.add_marker(pytest.mark.serial)
        elif item.nodeid.startswith(BROWSER_DIRS):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a SQLite template file, or the PostgreSQL test database."""
    if PG_URL:
        if XDIST_WORKER:
            _recreate_postgres_database(PG_URL)
        upgrade(PG_URL)
        dispose_all()
        return PG_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    dispose_all()
    return str(path)


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture()
def db_url(tmp_path: Path, migrated_template: str) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if PG_URL:
        # RESTART IDENTITY hands every test the same ids again: the compiled-definition cache
        # and idempotency keys must (and do) tell the new rows from the old ones by themselves.
        _truncate_postgres(PG_URL)
        url = PG_URL
    else:
        target = tmp_path / "test.db"
        shutil.copyfile(migrated_template, target)
        url = f"sqlite:///{target}"
    yield url
    signals.unsubscribe_all()
    dispose_all()


@pytest.fixture()
def settings(db_url: str) -> Settings:
    return Settings(
        CRMFLOW_DATABASE_URL=db_url,
        CRMFLOW_ADMIN_EMAIL="root@example.com",
        CRMFLOW_ADMIN_TOKEN="root-token",
        CRMFLOW_SCHEDULER_INTERVAL=0.2,
        CRMFLOW_METRICS_CACHE_SECONDS=0,
    )


@pytest.fixture()
def session(db_url: str) -> Iterator[Session]:
    """A reader session: call rollback() between polls, a transaction keeps one snapshot."""
    s = get_session_factory(db_url, writer=False)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@dataclass
class Tenant:
    """A company with an admin, an editor, a viewer and a manager, and their tokens."""

    company_id: int
    admin_id: int
    admin_token: str
    editor_id: int
    editor_token: str
    viewer_token: str
    manager_id: int
    director_id: int

    def headers(self, role: str = "admin") -> dict[str, str]:
        token = {
            "admin": self.admin_token,
            "editor": self.editor_token,
            "viewer": self.viewer_token,
        }[role]
        return {"Authorization": f"Bearer {token}"}


def make_tenant(session: Session, name: str) -> Tenant:
    """Create a company with users of each role and title, committed."""
    company = get_or_create_company(session, name=name)
    slug = name.lower().replace(" ", "")
    director = create_user(
        session,
        company_id=company.id,
        email=f"director@{slug}.test",
        role="editor",
        titles=["director"],
    )
    manager = create_user(
        session,
        company_id=company.id,
        email=f"manager@{slug}.test",
        role="editor",
        titles=["manager"],
        manager_id=director.id,
    )
    admin = create_user(
        session,
        company_id=company.id,
        email=f"admin@{slug}.test",
        role="admin",
        titles=["sales"],
        manager_id=manager.id,
    )
    editor = create_user(
        session,
        company_id=company.id,
        email=f"editor@{slug}.test",
        role="editor",
        titles=["sales"],
        manager_id=manager.id,
    )
    viewer = create_user(session, company_id=company.id, email=f"viewer@{slug}.test", role="viewer")
    tenant = Tenant(
        company_id=company.id,
        admin_id=admin.id,
        admin_token=issue_token(session, user=admin),
        editor_id=editor.id,
        editor_token=issue_token(session, user=editor),
        viewer_token=issue_token(session, user=viewer),
        manager_id=manager.id,
        director_id=director.id,
    )
    session.commit()
    return tenant


@pytest.fixture()
def writer_session(db_url: str) -> Iterator[Session]:
    """A session on the writer engine (SQLite: BEGIN IMMEDIATE), for setup under a live runtime."""
    s = get_session_factory(db_url)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture()
def tenant(writer_session: Session) -> Tenant:
    return make_tenant(writer_session, "Acme")


@pytest.fixture()
def other_tenant(writer_session: Session) -> Tenant:
    return make_tenant(writer_session, "Globex")


@pytest.fixture()
def app(settings: Settings):  # type: ignore[no-untyped-def]
    return create_app(settings, start_runtime=False)


@pytest.fixture()
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A client without the background runtime (tests drive the runtime explicitly)."""
    with TestClient(app) as c:
        yield c


@pytest.fixture()
def live_client(settings: Settings) -> Iterator[TestClient]:
    """A client whose app runs the embedded runtime (worker pool and scheduler)."""
    with TestClient(create_app(settings, start_runtime=True)) as c:
        yield c
