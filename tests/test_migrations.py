"""The migrations build exactly the schema the models describe (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from crmflow import all_models  # noqa: F401 - every model registers on Base.metadata
from crmflow.db.base import Base
from crmflow.db.migrate import upgrade
from crmflow.db.session import get_engine
from crmflow.executions.stats import bucket_for


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    with get_engine(db_url, writer=False).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], (
        "a model changed without a migration (alembic revision --autogenerate)"
    )


def test_upgrading_a_populated_sqlite_database_keeps_rows_and_stops_id_reuse(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0005")
    engine = get_engine(url)
    now = "2026-12-01 10:00:00"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO companies (id, name, webhook_secret, created_at, updated_at)"
            f" VALUES (1, 'Acme', '', '{now}', '{now}')"
        )
        for wid in (1, 2):
            conn.exec_driver_sql(
                "INSERT INTO workflows (id, company_id, name, description, status, trigger_type,"
                " trigger_config, actions, settings, is_template, version_number,"
                " execution_count, created_at, updated_at, current_version_id)"
                f" VALUES ({wid}, 1, 'w', '', 'active', 'manual', '{{}}', '[]', '{{}}', 0, 1, 0,"
                f" '{now}', '{now}', {wid})"
            )
            conn.exec_driver_sql(
                "INSERT INTO workflow_versions (id, company_id, workflow_id, version, definition,"
                f" created_at, change_note) VALUES ({wid}, 1, {wid}, 1, '{{\"actions\": []}}',"
                f" '{now}', '')"
            )
        conn.exec_driver_sql(
            "INSERT INTO workflow_executions (id, company_id, workflow_id, version_id, version,"
            " status, trigger_type, trigger_data, causation_depth, actions_executed, attempt,"
            f" created_at, updated_at) VALUES (7, 1, 2, 2, 1, 'waiting', 'manual', '{{}}', 0, 0,"
            f" 1, '{now}', '{now}')"
        )
        conn.exec_driver_sql(
            "INSERT INTO execution_steps (execution_id, path, position, type, status, attempt,"
            f" idempotency_key, started_at, finished_at, duration_ms) VALUES (7, 'actions/0', 1,"
            f" 'delay', 'pending', 1, '7:actions/0', '{now}', '{now}', 0)"
        )
    upgrade(url)
    with engine.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # A run in flight keeps `<id>:<path>` keys: what it sent before is not sent again.
        assert conn.exec_driver_sql("SELECT run_key FROM workflow_executions").scalar() == "7"
        assert conn.exec_driver_sql("SELECT count(*) FROM execution_steps").scalar() == 1
        checksums = conn.exec_driver_sql("SELECT checksum FROM workflow_versions").scalars().all()
        assert len(checksums) == 2 and all(len(c) == 64 for c in checksums)
        conn.exec_driver_sql("DELETE FROM workflows WHERE id = 2")  # cascades to its run
        assert conn.exec_driver_sql("SELECT count(*) FROM execution_steps").scalar() == 0
        conn.exec_driver_sql(
            "INSERT INTO workflows (company_id, name, description, status, trigger_type,"
            " trigger_config, actions, settings, is_template, version_number, execution_count,"
            f" created_at, updated_at) VALUES (1, 'new', '', 'draft', 'manual', '{{}}', '[]',"
            f" '{{}}', 0, 0, 0, '{now}', '{now}')"
        )
        assert conn.exec_driver_sql("SELECT max(id) FROM workflows").scalar() == 3
    tables = {
        name
        for (name,) in get_engine(url)
        .connect()
        .exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%AUTOINCREMENT%'"
        )
    }
    keyed = {t.name for t in Base.metadata.sorted_tables if "id" in t.c and t.c.id.primary_key}
    assert keyed <= tables


def test_0008_turns_successes_past_a_failed_step_into_partial_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'runs.db'}"
    upgrade(url, "0007")
    now, day = "2026-12-01 10:00:00", "2026-12-01"
    bucket = bucket_for(10.0)
    runs = {  # id: (status, [(step type, step status)])
        1: ("success", [("create_task", "success"), ("send_email", "failed")]),
        2: ("success", [("create_task", "success")]),
        3: ("success", [("parallel", "failed")]),  # a join's record is not a step that failed
        4: ("failed", [("create_task", "failed")]),
    }
    with get_engine(url).begin() as conn:
        sql = conn.exec_driver_sql
        sql(
            "INSERT INTO companies (id, name, webhook_secret, created_at, updated_at)"
            f" VALUES (1, 'Acme', '', '{now}', '{now}')"
        )
        sql(
            "INSERT INTO workflows (id, company_id, name, description, status, trigger_type,"
            " trigger_config, actions, settings, is_template, version_number,"
            " execution_count, created_at, updated_at, current_version_id)"
            f" VALUES (1, 1, 'w', '', 'active', 'manual', '{{}}', '[]', '{{}}', 0, 1, 4,"
            f" '{now}', '{now}', 1)"
        )
        sql(
            "INSERT INTO workflow_versions (id, company_id, workflow_id, version, definition,"
            f" created_at, change_note, checksum) VALUES (1, 1, 1, 1, '{{}}', '{now}', '', 'c')"
        )
        for run_id, (status, steps) in runs.items():
            sql(
                "INSERT INTO workflow_executions (id, company_id, workflow_id, version_id,"
                " version, status, trigger_type, trigger_data, causation_depth,"
                " actions_executed, attempt, created_at, updated_at, completed_at, duration_ms,"
                f" run_key) VALUES ({run_id}, 1, 1, 1, 1, '{status}', 'manual', '{{}}', 0, 0, 1,"
                f" '{now}', '{now}', '{now}', 10.0, 'k{run_id}')"
            )
            for position, (kind, step_status) in enumerate(steps):
                sql(
                    "INSERT INTO execution_steps (execution_id, path, position, type, status,"
                    " attempt, idempotency_key, started_at, finished_at, duration_ms) VALUES"
                    f" ({run_id}, 'actions/{position}', {position}, '{kind}', '{step_status}', 1,"
                    f" 'k{run_id}:{position}', '{now}', '{now}', 1.0)"
                )
        for status, count in (("success", 3), ("failed", 1)):
            sql(
                "INSERT INTO execution_stat_buckets (workflow_id, day, status, bucket, count,"
                f" duration_sum_ms, last_completed_at) VALUES (1, '{day}', '{status}', {bucket},"
                f" {count}, {10.0 * count}, '{now}')"
            )
    upgrade(url)
    with get_engine(url).begin() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, status, steps_failed FROM workflow_executions ORDER BY id"
        ).all()
        buckets = dict(
            conn.exec_driver_sql(
                "SELECT status, count FROM execution_stat_buckets ORDER BY status"
            ).all()
        )
    assert [tuple(r) for r in rows] == [
        (1, "partial", 1),
        (2, "success", 0),
        (3, "success", 0),
        (4, "failed", 1),
    ]
    assert buckets == {"failed": 1, "partial": 1, "success": 2}
