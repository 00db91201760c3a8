"""One action on many workflows: each id on its own, through the single-workflow functions."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crmflow.auth.service import Principal
from crmflow.common.errors import DomainError, Invalid
from crmflow.common.ids import Id
from crmflow.db.base import utcnow
from crmflow.workflows import service
from crmflow.workflows.models import Workflow
from crmflow.workflows.tags import MAX_TAGS, set_tags, tag_key


def _change_tags(
    session: Session, principal: Principal, workflow_id: int, tag: str, *, add: bool
) -> None:
    workflow = service.get_workflow(
        session, company_id=principal.company_id, workflow_id=workflow_id
    )
    kept = [name for name in workflow.tags if tag_key(name) != tag_key(tag)]
    if add == (len(kept) < len(workflow.tags)):
        return  # adding a tag it holds or removing one it lacks: nothing changes
    if add and len(kept) >= MAX_TAGS:
        raise Invalid(f"tags: already {MAX_TAGS}, the most a workflow holds", field="tags")
    set_tags(session, workflow, [*kept, tag] if add else kept)
    workflow.updated_at = utcnow()
    session.commit()


def _apply(
    session: Session, principal: Principal, workflow_id: int, action: str, tag: str | None
) -> None:
    if action in ("activate", "deactivate"):
        status = "active" if action == "activate" else "inactive"
        service.set_status(session, principal=principal, workflow_id=workflow_id, status=status)
    elif action == "delete":
        service.delete_workflow(session, principal=principal, workflow_id=workflow_id)
    else:
        assert tag is not None  # the route refuses add_tag / remove_tag without one
        _change_tags(session, principal, workflow_id, tag, add=action == "add_tag")


def run_bulk(
    session: Session, *, principal: Principal, ids: list[Id], action: str, tag: str | None
) -> list[dict[str, Any]]:
    """Apply `action` to each id in turn; a failure is reported for its id and never stops the
    others (ids of another company are "not found" and left untouched)."""
    results = []
    for workflow_id in dict.fromkeys(ids):
        found = session.get(Workflow, workflow_id)
        # Another company's workflow is "not found", its name never shown.
        mine = found is not None and found.company_id == principal.company_id
        name = found.name if found is not None and mine else None
        try:
            _apply(session, principal, workflow_id, action, tag)
        except DomainError as exc:
            session.rollback()
            results.append({"id": workflow_id, "ok": False, "name": name, "error": exc.message})
        else:
            results.append({"id": workflow_id, "ok": True, "name": name, "error": None})
    return results
