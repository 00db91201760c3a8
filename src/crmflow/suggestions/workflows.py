"""The workflows as the miners see them: each one's current definition and version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.workflows.models import Workflow
from crmflow.workflows.validation import DEFINITION_KEYS


def current_definitions(session: Session, company_id: int) -> dict[int, dict[str, Any]]:
    """Every workflow of the company: its definition keys, `version` and `status`."""
    out: dict[int, dict[str, Any]] = {}
    for workflow in session.scalars(select(Workflow).where(Workflow.company_id == company_id)):
        out[workflow.id] = {
            **{key: getattr(workflow, key) for key in DEFINITION_KEYS},
            "version": workflow.version_number,
            "status": workflow.status,
        }
    return out


def step_at(actions: Any, path: str) -> dict[str, Any] | None:
    """The step at an engine step path (`actions/1/branches/0/actions/2`), or None."""
    node: Any = {"actions": actions}
    for part in path.split("/"):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node if isinstance(node, dict) and "type" in node else None
