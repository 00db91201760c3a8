"""Statuses are enum members everywhere in src/ outside migrations: no bare status strings.

Counts string constants whose whole value is an execution, step, approval or delivery status,
outside the enums' own definitions. Strings that merely contain one (SQL text, messages) and
keys naming a field (`outcome["failed"]`, the reason a stored parallel step failed) are not.
"""

from __future__ import annotations

import ast
from pathlib import Path

from crmflow.common.enums import ApprovalStatus, DeliveryStatus, ExecutionStatus, StepStatus

SRC = Path(__file__).resolve().parents[1] / "src" / "crmflow"
STATUS_WORDS = {
    member.value
    for enum in (ExecutionStatus, StepStatus, ApprovalStatus, DeliveryStatus)
    for member in enum
}


def _enum_member_values(tree: ast.AST) -> set[int]:
    """ids of the constants that define enum members (`SUCCESS = "success"` in a class)."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(b, ast.Name) and b.id.endswith("Enum") for b in node.bases
        ):
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant):
                    ids.add(id(stmt.value))
    return ids


def _field_names(tree: ast.AST) -> set[int]:
    """ids of key constants: `{"k": v}`, `d["k"]`, `d.get("k")`, `"k" in d`, `X_KEY = "k"`."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            ids.update(id(key) for key in node.keys if key is not None)
        elif isinstance(node, ast.Subscript):
            ids.add(id(node.slice))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
        ):
            ids.add(id(node.args[0]))
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn):
            ids.add(id(node.left))
        elif isinstance(node, ast.Assign) and all(
            isinstance(t, ast.Name | ast.Tuple) for t in node.targets
        ):
            # `FAILED_KEY = "failed"`: a constant that names a key.
            names = [n for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)]
            if names and all(n.id.endswith("_KEY") for n in names):
                ids.update(id(c) for c in ast.walk(node.value) if isinstance(c, ast.Constant))
    return ids


def status_literals() -> list[str]:
    """Every bare status string in src/ (outside migrations), as path:line: value."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        allowed = _enum_member_values(tree) | _field_names(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in STATUS_WORDS
                and id(node) not in allowed
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value!r}")
    return found


def test_the_scan_finds_a_bare_status_and_not_a_field_name(tmp_path: Path) -> None:
    code = 'if run.status == "failed" and outcome["failed"]:\n    x = ("pending", "ok")\n'
    tree = ast.parse(code)
    allowed = _field_names(tree)
    bare = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and n.value in STATUS_WORDS and id(n) not in allowed
    ]
    assert sorted(bare) == ["failed", "pending"]


def test_no_status_literal_outside_the_enums() -> None:
    assert status_literals() == []
