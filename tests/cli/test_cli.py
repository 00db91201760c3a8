"""The `crmflow` command line against a temporary SQLite database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from typer.testing import CliRunner

from crmflow.auth.models import Company, User
from crmflow.auth.service import principal_for_token
from crmflow.cli import app
from crmflow.config import get_settings
from crmflow.crm.models import Activity, Organisation
from crmflow.db.session import dispose_all, get_engine, get_session_factory
from crmflow.executions.models import ExecutionStatBucket
from crmflow.suggestions.models import WorkflowSuggestion
from crmflow.workflows.models import Workflow

runner = CliRunner()


@pytest.fixture()
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CRMFLOW_DATABASE_URL", url)
    monkeypatch.setenv("CRMFLOW_ADMIN_TOKEN", "cli-admin-token")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()
    dispose_all()


def _count(url: str, model: type) -> int:
    with get_session_factory(url, writer=False)() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_db_upgrade_bootstraps_the_admin(cli_db: str) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with get_session_factory(cli_db, writer=False)() as session:
        principal = principal_for_token(session, "cli-admin-token")
        assert principal is not None and principal.role == "admin"


def test_users_create_makes_the_company_and_prints_a_working_token(cli_db: str) -> None:
    result = runner.invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "Boss@Acme.test",
            "--company",
            "Acme",
            "--role",
            "admin",
            "--titles",
            "director,cfo",
        ],
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[-1]
    manager = runner.invoke(
        app,
        [
            "users",
            "create",
            "--email",
            "m@acme.test",
            "--company",
            "Acme",
            "--titles",
            "manager",
            "--manager-email",
            "boss@acme.test",
        ],
    )
    assert manager.exit_code == 0, manager.output
    with get_session_factory(cli_db, writer=False)() as session:
        principal = principal_for_token(session, token)
        assert principal is not None and principal.email == "boss@acme.test"
        boss = session.scalars(select(User).where(User.email == "boss@acme.test")).one()
        assert boss.titles == ["director", "cfo"]
        m = session.scalars(select(User).where(User.email == "m@acme.test")).one()
        assert m.manager_id == boss.id and m.role == "editor"
        assert session.scalars(select(Company.name).where(Company.name == "Acme")).one()
    again = runner.invoke(app, ["users", "token", "--email", "boss@acme.test"])
    assert again.exit_code == 0 and again.stdout.strip() != token


def test_users_token_refuses_the_browser_sessions_name(cli_db: str) -> None:
    # Sign-out everywhere revokes "sign-in" tokens: an API token named so would die with them.
    result = runner.invoke(app, ["users", "token", "--email", "a@b.test", "--name", "Sign-In"])
    assert result.exit_code == 1
    assert "reserved for browser sessions" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "x@y.test", "--company", "Acme", "--role", "god"], "--role"),
        (
            ["--email", "x@y.test", "--company", "Acme", "--manager-email", "no@body.test"],
            "--manager-email",
        ),
        (["--email", "not-an-email", "--company", "Acme"], "email"),
        (["--email", "x@y.test", "--company", "Acme", "--name", "\x1b[31mred"], "U+001B"),
        (["--email", "x@y.test", "--company", "Ac\u202eme"], "company: control character"),
    ],
)
def test_users_create_refuses_bad_input_with_a_clear_error(
    cli_db: str, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["users", "create", *args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_demo_loads_a_sales_team_history_and_active_templates(cli_db: str) -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert _count(cli_db, Organisation) == 30
    assert _count(cli_db, Activity) > 60
    with get_session_factory(cli_db, writer=False)() as session:
        titles = {t for ts in session.scalars(select(User.titles)) for t in ts}
        assert {"sales", "manager", "director", "cfo"} <= titles
        active = session.scalars(select(Workflow).where(Workflow.status == "active")).all()
        assert {w.template_slug for w in active if w.template_slug} == {
            "relance-deal-inactif",
            "onboarding-nouveau-client",
            "alerte-manager-deal-50k",
        }
        # The planted month (six inactive workflows with their runs) and its suggestions.
        assert len(active) == 3
        assert _count(cli_db, Workflow) == 9
        kinds = set(
            session.scalars(
                select(WorkflowSuggestion.kind).where(WorkflowSuggestion.status == "pending")
            )
        )
        assert {"auto_approval", "parallel_approvals", "error_handling", "manual_work"} <= kinds
    assert "840 planted runs" in result.output
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0 and "already has data" in second.output
    assert _count(cli_db, Organisation) == 30


def test_workflows_export_then_import_round_trips(cli_db: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["demo"]).exit_code == 0
    target = tmp_path / "flows.json"
    exported = runner.invoke(app, ["workflows", "export", "-o", str(target)])
    assert exported.exit_code == 0, exported.output
    data = json.loads(target.read_text())
    assert len(data["workflows"]) == 9
    imported = runner.invoke(app, ["workflows", "import", str(target)])
    assert imported.exit_code == 0, imported.output
    assert _count(cli_db, Workflow) == 18


def test_workflows_import_names_the_bad_entry_and_writes_nothing(
    cli_db: str, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "workflows": [
                    {"name": "ok", "trigger_type": "manual", "actions": []},
                    {"name": "broken", "trigger_type": "manual", "actions": [{"type": "send_fax"}]},
                ]
            }
        )
    )
    result = runner.invoke(app, ["workflows", "import", str(bad)])
    assert result.exit_code == 1
    assert "workflows[1] (broken)" in result.output and "actions[0].type" in result.output
    assert _count(cli_db, Workflow) == 0


def test_an_invalid_setting_is_a_one_line_error(
    cli_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRMFLOW_RUNTIME", "kafka")
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 1
    assert "CRMFLOW_RUNTIME" in result.output and "Traceback" not in result.output


def test_a_bad_beat_crontab_is_a_one_line_error_naming_the_setting(
    cli_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRMFLOW_SCHEDULE_DAILY", "every morning")
    get_settings.cache_clear()
    result = runner.invoke(app, ["beat"])
    assert result.exit_code == 1
    assert "CRMFLOW_SCHEDULE_DAILY" in result.output and "5-field cron" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_worker_and_beat_refuse_an_unreachable_broker_naming_it_without_password(
    cli_db: str, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("CRMFLOW_RUNTIME", "celery")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://crm:s3cret@127.0.0.1:1/0")
    get_settings.cache_clear()
    result = runner.invoke(app, [command])
    assert result.exit_code == 1
    assert "cannot reach the broker at redis://crm:***@127.0.0.1:1/0" in result.output
    assert "s3cret" not in result.output and "Traceback" not in result.output


def test_worker_refuses_an_unreachable_database_naming_it_without_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRMFLOW_RUNTIME", "celery")
    monkeypatch.setenv("CRMFLOW_DATABASE_URL", "postgresql://crm:s3cret@127.0.0.1:1/crm")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["worker"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "cannot open database postgresql://crm:***@127.0.0.1:1/crm" in result.output
    assert "s3cret" not in result.output and "Traceback" not in result.output


def test_workflows_stats_counts_outcomes_and_the_rate_as_the_api_does(cli_db: str) -> None:
    assert runner.invoke(app, ["demo"]).exit_code == 0
    counts = {"success": 6, "partial": 2, "failed": 1, "rejected": 1, "skipped": 5, "cancelled": 1}
    with get_engine(cli_db).begin() as conn:
        for status, count in counts.items():
            conn.execute(
                insert(ExecutionStatBucket),
                {
                    "workflow_id": 1,
                    "day": date(2026, 12, 1),
                    "status": status,
                    "bucket": 10,
                    "count": count,
                    "duration_sum_ms": 5.0 * count,
                    "last_completed_at": datetime(2026, 12, 1, 10, tzinfo=UTC),
                },
            )
    result = runner.invoke(app, ["workflows", "stats", "1", "--json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    # success / (success + partial + failed + rejected): skipped and cancelled stay outside.
    assert row["success_rate"] == 60.0
    assert (row["partial_count"], row["skipped_count"], row["total_executions"]) == (2, 5, 16)
    table = runner.invoke(app, ["workflows", "stats"])
    assert table.exit_code == 0, table.output
    assert "completed with errors" in table.stdout and "60.0 %" in table.stdout
    assert "—" in table.stdout  # the other workflows have no run that acted
    missing = runner.invoke(app, ["workflows", "stats", "999"])
    assert missing.exit_code == 1 and "no workflow 999" in missing.output


def test_simulate_prints_the_path_and_backtest_reports(cli_db: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["demo"]).exit_code == 0
    data = tmp_path / "input.json"
    data.write_text(json.dumps({"potential_amount": 75000, "name": "Acme"}))
    # Workflow 3 of the demo: an organisation created with more than 50,000 potential.
    result = runner.invoke(app, ["simulate", "--workflow", "3", "--input", str(data)])
    assert result.exit_code == 0, result.output
    assert "success" in result.stdout and "would run send_email" in result.stdout
    assert "potential_amount = 75000 > 50000" in result.stdout
    as_json = runner.invoke(app, ["simulate", "--workflow", "3", "--input", str(data), "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["outcome"] == "success"
    # Workflow 2: a deal signed straight from the proposition (the demo recorded such moves).
    report = runner.invoke(app, ["simulate", "backtest", "--workflow", "2", "--days", "30"])
    assert report.exit_code == 0, report.output
    body = json.loads(report.stdout)
    assert body["events_considered"] > body["triggered"] >= 1 and body["diff"] is not None
    assert body["skipped"]["trigger_filter"] == body["events_considered"] - body["triggered"]
    assert "events" in report.stderr  # the progress bar
    missing = runner.invoke(app, ["simulate"])
    assert missing.exit_code == 1 and "--workflow" in missing.output
    bad = runner.invoke(app, ["simulate", "--workflow", "3", "--entity", "deal"])
    assert bad.exit_code == 1 and "type:id" in bad.output


def test_suggestions_generate_prints_the_pending_ones_and_refreshes_instead_of_duplicating(
    cli_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["demo"]).exit_code == 0  # mines the planted month once
    before = _count(cli_db, WorkflowSuggestion)
    assert before >= 6
    # An LLM that cannot be reached: the mined texts are kept, nothing fails.
    monkeypatch.setenv("CRMFLOW_LLM_BASE_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("CRMFLOW_LLM_MODEL", "none")
    get_settings.cache_clear()
    result = runner.invoke(app, ["suggestions", "generate", "--days", "30", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["summary"].startswith(f"0 new, {before} refreshed")
    assert _count(cli_db, WorkflowSuggestion) == before
    titles = {item["kind"]: item["title"] for item in body["pending"]}
    assert "discount_percent < 10" in titles["auto_approval"]
    confidences = [item["confidence"] for item in body["pending"]]
    assert confidences == sorted(confidences, reverse=True)
    with get_session_factory(cli_db, writer=False)() as session:
        assert set(session.scalars(select(WorkflowSuggestion.source))) == {"historical"}
    table = runner.invoke(app, ["suggestions", "generate", "--no-llm", "--min-occurrences", "10"])
    assert table.exit_code == 0, table.output
    assert "Pending suggestions" in table.stdout and "auto_approval" in table.stdout
    assert "refreshed" in table.stderr and "done" in table.stderr  # summary and progress bar
    bad = runner.invoke(app, ["suggestions", "generate", "--language", "de"])
    assert bad.exit_code == 1 and "--language" in bad.output
    assert runner.invoke(app, ["suggestions", "generate", "--days", "0"]).exit_code == 2


def test_serve_refuses_several_processes_with_the_embedded_runtime(cli_db: str) -> None:
    result = runner.invoke(app, ["serve", "--workers", "2"])
    assert result.exit_code == 1
    assert "--workers needs the Celery runtime" in result.output
    # Refused before anything was prepared: no database was created.
    assert not Path(cli_db.removeprefix("sqlite:///")).exists()
