"""docs/actions.md is exactly what the catalog generates, so it never drifts from the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crmflow.catalog.docs import render
from crmflow.engine.plugins import OWN_DISTRIBUTION, action_origin, all_actions

DOC = Path(__file__).resolve().parents[2] / "docs" / "actions.md"
REGENERATE = "python -m crmflow.catalog.docs > docs/actions.md"


def test_committed_doc_equals_the_generated_one() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), f"docs/actions.md is stale: {REGENERATE}"


def test_the_module_prints_the_doc() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "crmflow.catalog.docs"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert printed == render()


def test_every_action_has_a_section() -> None:
    text = render()
    own = [a for a in all_actions() if action_origin(a.type) == OWN_DISTRIBUTION]
    assert len(own) >= 10  # the built-ins come from crmflow's own entry points
    for action in own:
        assert f"## `{action.type}`: {action.name}\n" in text
        if action.example:
            assert f'"type": "{action.type}"' in text  # its example step
