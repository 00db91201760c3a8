"""The plugin of docs/plugins.md, built and installed: its action runs in a served workflow."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.runtime.test_restart_kill9 import TOKEN, _free_port
from tests.runtime.test_restart_kill9 import _start as start_serve

NOTE = "hi {{ organisation.name }}"

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def _guide_block(language: str, first_line: str) -> str:
    """The fenced block of docs/plugins.md that starts with this line: the test runs the doc."""
    blocks = re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    (block,) = [b for b in blocks if b.startswith(first_line)]
    return str(block)


def _install_plugin(tmp_path: Path) -> Path:
    """Build the plugin from source and install it into a target directory, offline."""
    source, target = tmp_path / "plugin", tmp_path / "site"
    source.mkdir()
    pyproject = _guide_block("toml", "# pyproject.toml of the plugin")
    module = _guide_block("python", "# crmflow_note_plugin.py")
    (source / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (source / "crmflow_note_plugin.py").write_text(module, encoding="utf-8")
    pip = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation"]
    done = subprocess.run(
        [*pip, "--no-index", "--target", str(target), str(source)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (entry_points,) = target.glob("crmflow_note_plugin-*.dist-info/entry_points.txt")
    assert "notes = crmflow_note_plugin:ACTIONS" in entry_points.read_text(encoding="utf-8")
    return target


def _start(db: Path, port: int, log: Path, site: Path) -> subprocess.Popen[bytes]:
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    return start_serve(db, port, log, {"PYTHONPATH": path}, timeout=60)


@pytest.mark.slow
def test_an_installed_plugin_action_runs_in_a_workflow(tmp_path: Path) -> None:
    site = _install_plugin(tmp_path)
    log, port = tmp_path / "serve.log", _free_port()
    proc = _start(tmp_path / "plugin.db", port, log, site)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}) as api:
            entry = api.get("/workflow/action-catalog/add_note_plugin")
            assert entry.status_code == 200, entry.text
            assert entry.json()["name"] == "Add note (plugin)"
            assert entry.json()["input_schema"]["required"] == ["text"]
            listed = api.get("/workflow/action-catalog", params={"size": 100}).json()
            assert "add_note_plugin" in [item["action_type"] for item in listed["items"]]
            assert "create_task" in [item["action_type"] for item in listed["items"]]

            refused = api.post(
                "/workflows",
                json={
                    "name": "bad note",
                    "trigger_type": "organisation_created",
                    "actions": [{"type": "add_note_plugin", "config": {"txt": "typo"}}],
                },
            )
            assert refused.status_code == 422, refused.text  # the plugin's config model checks

            wf = api.post(
                "/workflows",
                json={
                    "name": "note new organisations",
                    "trigger_type": "organisation_created",
                    "status": "active",
                    "actions": [{"type": "add_note_plugin", "config": {"text": NOTE}}],
                },
            )
            assert wf.status_code == 201, wf.text
            org = api.post("/organisations", json={"name": "Acme"})
            assert org.status_code == 201, org.text
            org_id = org.json()["id"]

            deadline, runs = time.monotonic() + 30, []
            while time.monotonic() < deadline:
                runs = api.get(
                    "/executions", params={"workflow_id": wf.json()["id"], "status": "success"}
                ).json()["items"]
                if runs:
                    break
                time.sleep(0.2)
            assert len(runs) == 1, f"no successful run: {log.read_text()[-3000:]}"
            run = api.get(f"/executions/{runs[0]['id']}").json()
            assert run["trigger_entity_id"] == org_id
            (step,) = run["steps"]
            assert step["status"] == "success"
            assert step["output"]["text"] == "hi Acme"

            notes = api.get(
                "/activities",
                params={"entity_type": "organisation", "entity_id": org_id, "kind": "note"},
            ).json()["items"]
            assert [(n["id"], n["subject"]) for n in notes] == [
                (step["output"]["activity_id"], "hi Acme")
            ]
    finally:
        proc.terminate()
        proc.wait(15)
    assert "failed to load" not in log.read_text()
