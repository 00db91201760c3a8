"""The registry finds actions through `crmflow.actions` entry points and survives bad plugins."""

from __future__ import annotations

import ast
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crmflow.actions.builtin import CreateTask
from crmflow.engine import plugins as registry

BUILTINS = {"add_tag", "call_webhook", "create_activity", "create_task", "send_email"}
PLUGIN_MODULES = ("crmflow.actions.builtin", "crmflow.actions.records", "crmflow.actions.webhook")

ACTION_SOURCE = '''
from pydantic import BaseModel

from crmflow.engine.plugins import Action


class _Config(BaseModel):
    text: str = ""


def make(kind, **attributes):
    """An Action subclass instance of this type (attributes override the class defaults)."""
    body = {"type": kind, "name": kind, "description": "test", "config_model": _Config}
    return type(kind.title(), (Action,), {**body, **attributes})()
'''

Dist = Callable[[str, dict[str, str]], None]


@pytest.fixture
def fresh_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty registry not yet discovered; the real one comes back after the test."""
    monkeypatch.setattr(registry, "_REGISTRY", {})
    monkeypatch.setattr(registry, "_ORIGINS", {})
    monkeypatch.setattr(registry, "_discovered", False)


@pytest.fixture
def dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registry: None) -> Iterator[Dist]:
    """Install a distribution (metadata, entry points, one module) on sys.path."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "fake_actions.py").write_text(ACTION_SOURCE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    modules: list[str] = ["fake_actions"]

    def install(name: str, module: dict[str, str]) -> None:
        (mod_name, source), *_ = module.items()
        (site / f"{mod_name}.py").write_text(source, encoding="utf-8")
        modules.append(mod_name)
        info = site / f"{name.replace('-', '_')}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(
            f"[crmflow.actions]\n{mod_name} = {mod_name}:ACTIONS\n", encoding="utf-8"
        )

    yield install
    for name in modules:
        sys.modules.pop(name, None)


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_builtins_come_from_crmflows_own_entry_points(fresh_registry: None) -> None:
    types = {action.type for action in registry.all_actions()}
    assert types >= BUILTINS
    assert {registry.action_origin(t) for t in types} == {"crmflow"}


def test_the_registry_module_imports_no_action_module() -> None:
    tree = ast.parse(Path(registry.__file__).read_text(encoding="utf-8"))
    imported = {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [f"{node.module}.{a.name}" for a in node.names]
        )
    }
    assert not {name for name in imported if name.startswith(PLUGIN_MODULES)}
    # At run time too: importing the registry loads none; the first lookup loads them all.
    probe = (
        "import sys; from crmflow.engine import plugins as registry; "
        f"mods = {PLUGIN_MODULES!r}; "
        "assert not [m for m in mods if m in sys.modules], 'imported early'; "
        "registry.get_action('create_task'); "
        "assert all(m in sys.modules for m in mods), 'not loaded'"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_plugins_actions_are_registered_with_their_origin(dist: Dist) -> None:
    dist("good-plugin", {"good": "from fake_actions import make\nACTIONS = (make('fake_note'),)"})
    action = registry.get_action("fake_note")
    assert action is not None and action.name == "fake_note"
    assert registry.action_origin("fake_note") == "good-plugin"
    assert {a.type for a in registry.all_actions()} >= BUILTINS | {"fake_note"}


def test_a_broken_plugin_is_logged_and_left_out(
    dist: Dist, caplog: pytest.LogCaptureFixture
) -> None:
    dist("broken-plugin", {"broken": "raise RuntimeError('boom on import')"})
    dist("good-plugin", {"good": "from fake_actions import make\nACTIONS = (make('fake_note'),)"})
    with caplog.at_level(logging.ERROR, logger="crmflow.actions"):
        types = {a.type for a in registry.all_actions()}
    assert types >= BUILTINS | {"fake_note"}
    (error,) = _errors(caplog)
    assert "'broken' (broken:ACTIONS) of broken-plugin" in error
    assert "RuntimeError('boom on import')" in error and "left out" in error


def test_a_plugin_cannot_replace_a_builtin(dist: Dist, caplog: pytest.LogCaptureFixture) -> None:
    # Sorted first by name, yet crmflow's own entry points still load before it.
    dist(
        "aaa-plugin",
        {"clash": "from fake_actions import make\nACTIONS = (make('create_task'), make('fake_x'))"},
    )
    with caplog.at_level(logging.ERROR, logger="crmflow.actions"):
        action = registry.get_action("create_task")
    assert type(action) is CreateTask
    assert registry.action_origin("create_task") == "crmflow"
    assert registry.action_origin("fake_x") == "aaa-plugin"  # the rest of the plugin loads
    (error,) = _errors(caplog)
    assert "action type 'create_task' is already provided by crmflow; refused" in error
    assert "'clash'" in error and "aaa-plugin" in error


def test_a_plugin_registering_on_import_cannot_replace_a_builtin(
    dist: Dist, caplog: pytest.LogCaptureFixture
) -> None:
    source = (
        "from fake_actions import make\nfrom crmflow.engine.plugins import register\n"
        "register(make('create_task'))\nregister(make('fake_legacy'))\nACTIONS = ()"
    )
    dist("legacy-plugin", {"legacy": source})
    with caplog.at_level(logging.ERROR, logger="crmflow.actions"):
        assert type(registry.get_action("create_task")) is CreateTask
    assert registry.get_action("fake_legacy") is not None
    (error,) = _errors(caplog)
    assert "'create_task'" in error and "refused" in error


@pytest.mark.parametrize(
    ("actions", "reason"),
    [
        ("make", "expected a sequence of Action instances"),
        ("[make('fake_ok'), object()]", "is not an instance of"),
        ("[make('branch')]", "type 'branch' is not a usable step type"),
        ("[make('Bad Type')]", "type 'Bad Type' is not a usable step type"),
        ("[make('fake_ok', latency_class='soon')]", "'soon' is not a latency class"),
        ("[make('fake_ok', config_model=dict)]", "config_model must be a pydantic model class"),
        ("[make('fake_ok', name=None)]", "name must be a string"),
    ],
)
def test_an_unusable_entry_point_object_is_refused(
    dist: Dist, caplog: pytest.LogCaptureFixture, actions: str, reason: str
) -> None:
    dist("odd-plugin", {"odd": f"from fake_actions import make\nACTIONS = {actions}"})
    with caplog.at_level(logging.ERROR, logger="crmflow.actions"):
        types = {a.type for a in registry.all_actions()}
    assert types >= BUILTINS
    assert not types & {"fake_ok", "branch", "Bad Type"}  # nothing of it, not even valid items
    (error,) = _errors(caplog)
    assert "'odd'" in error and reason in error


def test_discovery_runs_once_for_concurrent_first_callers(
    fresh_registry: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = registry.entry_points

    def slow_entry_points(**kwargs: Any) -> Any:
        calls.append(1)
        time.sleep(0.2)  # every thread arrives while the first is still discovering
        return real(**kwargs)

    monkeypatch.setattr(registry, "entry_points", slow_entry_points)
    seen: list[set[str]] = []
    start = threading.Barrier(8)

    def first_lookup() -> None:
        start.wait()
        seen.append({a.type for a in registry.all_actions()})

    threads = [threading.Thread(target=first_lookup) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1
    assert len(seen) == 8 and all(types >= BUILTINS for types in seen)


def test_register_and_unregister_in_code(fresh_registry: None) -> None:
    class _Probe(CreateTask):
        type = "probe_action"

    probe = registry.register(_Probe())
    assert registry.get_action("probe_action") is probe
    assert registry.action_origin("probe_action") is None  # registered in code
    assert registry.get_action("create_task") is not None  # discovery ran first
    registry.unregister("probe_action")
    assert registry.get_action("probe_action") is None
    assert "probe_action" not in {a.type for a in registry.all_actions()}
