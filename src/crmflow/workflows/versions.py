"""Version history: a readable structural diff between two versions, and restoring one.

The diff speaks of steps, not JSON: steps added, removed, moved and changed (which fields, old and
new), and the workflow's own fields (trigger, conditions, run policy...). Steps are matched by
their `id` when they have one, else by type and name when that pair is unique, else by position.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.auth.service import Principal
from crmflow.common.errors import NotFound
from crmflow.vault.masking import mask_definition
from crmflow.workflows.models import Workflow, WorkflowVersion
from crmflow.workflows.service import get_workflow, list_versions, update_workflow
from crmflow.workflows.step_tree import NESTED_STEP_KEYS, json_path, walk_steps
from crmflow.workflows.validation import DEFINITION_KEYS

# The workflow's own fields a diff reports (the steps are compared one by one).
TOP_FIELDS = ("name", "description", "trigger_type", "trigger_config", "conditions", "run_policy")


def _keyed(definition: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    flat = [(json_path(at), step) for at, step in walk_steps(definition.get("actions"))]
    pairs = [(str(s.get("type")), str(s.get("name") or "")) for _, s in flat]
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for (path, step), pair in zip(flat, pairs, strict=True):
        if step.get("id"):
            key = f"id:{step['id']}"
        elif pair[1] and pairs.count(pair) == 1:
            key = f"named:{pair[0]}:{pair[1]}"
        else:
            key = f"at:{path}"
        out[key] = (path, step)
    return out


def _label(step: dict[str, Any]) -> str:
    return str(step.get("name") or step.get("id") or step.get("type"))


def _field_changes(old: Any, new: Any, prefix: str) -> list[dict[str, Any]]:
    """The leaves that differ between two values, as dotted fields."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[dict[str, Any]] = []
        for key in list(dict.fromkeys([*old, *new])):
            if key in NESTED_STEP_KEYS:
                continue  # nested steps are compared as steps of their own
            out += _field_changes(old.get(key), new.get(key), f"{prefix}.{key}" if prefix else key)
        return out
    return [] if old == new else [{"field": prefix, "old": old, "new": new}]


def diff_definitions(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed from `old` to `new`, in the words the editor uses."""
    fields = [
        {"field": key, "old": old.get(key), "new": new.get(key)}
        for key in TOP_FIELDS
        if old.get(key) != new.get(key)
    ]
    before, after = _keyed(old), _keyed(new)
    added = [{"path": after[k][0], "step": _label(after[k][1])} for k in after if k not in before]
    removed = [
        {"path": before[k][0], "step": _label(before[k][1])} for k in before if k not in after
    ]
    moved: list[dict[str, str]] = []
    changed: list[dict[str, Any]] = []
    for key in before.keys() & after.keys():
        (old_path, old_step), (new_path, new_step) = before[key], after[key]
        if old_path != new_path:
            moved.append({"step": _label(new_step), "from": old_path, "to": new_path})
        changes = _field_changes(old_step, new_step, "")
        if changes:
            changed.append({"path": new_path, "step": _label(new_step), "changes": changes})
    moved.sort(key=lambda m: m["to"])
    changed.sort(key=lambda c: str(c["path"]))
    return {
        "fields": fields,
        "added": added,
        "removed": removed,
        "moved": moved,
        "changed": changed,
        "identical": not (fields or added or removed or moved or changed),
    }


def _version(session: Session, workflow: Workflow, number: int) -> WorkflowVersion:
    found = session.scalar(
        select(WorkflowVersion).where(
            WorkflowVersion.workflow_id == workflow.id, WorkflowVersion.version == number
        )
    )
    if found is None:
        raise NotFound(f"workflow {workflow.id} has no version {number}")
    return found


def version_diff(
    session: Session, *, company_id: int, workflow_id: int, version: int, against: int | None
) -> dict[str, Any]:
    """The changes from version `against` (default: the one before) to `version`."""
    workflow = get_workflow(session, company_id=company_id, workflow_id=workflow_id)
    new = _version(session, workflow, version)
    base = against if against is not None else version - 1
    old_definition: dict[str, Any] = {}
    if base >= 1:
        old_definition = _version(session, workflow, base).definition
    # Credentials never leave in clear, not even in a diff.
    diff = diff_definitions(mask_definition(old_definition), mask_definition(new.definition))
    return {
        "workflow_id": workflow.id,
        "from_version": base if base >= 1 else None,
        "to_version": version,
        **diff,
    }


def restore_version(
    session: Session, *, principal: Principal, workflow_id: int, version: int
) -> Workflow:
    """Make an old version's definition current again, as a new version (history is kept)."""
    workflow = get_workflow(session, company_id=principal.company_id, workflow_id=workflow_id)
    old = _version(session, workflow, version)
    changes = {key: old.definition.get(key) for key in DEFINITION_KEYS}
    changes["change_note"] = f"restored version {version}"
    return update_workflow(session, principal=principal, workflow_id=workflow.id, changes=changes)


def version_history(
    session: Session, *, company_id: int, workflow_id: int
) -> list[tuple[WorkflowVersion, str | None]]:
    """Every version, newest first, with its author's name (or e-mail; None: a deleted user)."""
    versions = list_versions(session, company_id=company_id, workflow_id=workflow_id)
    ids = {v.created_by for v in versions if v.created_by is not None}
    names = {
        user.id: user.name or user.email
        for user in session.scalars(
            select(User).where(User.company_id == company_id, User.id.in_(ids))
        )
    }
    return [(v, names.get(v.created_by) if v.created_by else None) for v in versions]
