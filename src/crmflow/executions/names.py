"""Names of the records and users a run refers to, so pages show "Acme", not "organisation #29"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.crm.models import Activity, Contact, Deal, Organisation, Task
from crmflow.executions.models import WorkflowExecution

# A reference: (kind, id), kind a record type or "user".
Reference = tuple[str, int]
# kind -> str(id) -> name, the shape the API returns (JSON object keys are strings).
Names = dict[str, dict[str, str]]

RECORD_ID_KEYS = {
    "organisation_id": "organisation",
    "contact_id": "contact",
    "deal_id": "deal",
    "task_id": "task",
    "activity_id": "activity",
}
USER_ID_KEYS = frozenset(
    {"user_id", "owner_id", "assignee_id", "approver_id", "author_id", "manager_id", "decided_by"}
)
# (type key, id key) pairs naming a record by its type: {"entity_type": "deal", "entity_id": 5}.
TYPED_ID_KEYS = (("entity_type", "entity_id"), ("related_type", "related_id"))
# A step's output can be large (a webhook's body): the walk stops early rather than scan it all.
MAX_NODES = 5000
MAX_REFERENCES = 500


def _as_id(value: Any) -> int | None:
    # bool is an int subclass: True is not record #1.
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def references_in(values: Iterable[Any]) -> set[Reference]:
    """The (kind, id) references found under known keys anywhere in these JSON values."""
    found: set[Reference] = set()
    stack = list(values)
    visited = 0
    while stack and visited < MAX_NODES and len(found) < MAX_REFERENCES:
        node = stack.pop()
        visited += 1
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                ref_id = _as_id(value)
                if ref_id is not None and key in RECORD_ID_KEYS:
                    found.add((RECORD_ID_KEYS[key], ref_id))
                elif ref_id is not None and key in USER_ID_KEYS:
                    found.add(("user", ref_id))
                elif isinstance(value, dict | list):
                    stack.append(value)
            for type_key, id_key in TYPED_ID_KEYS:
                kind, ref_id = node.get(type_key), _as_id(node.get(id_key))
                if kind in _LABELS and ref_id is not None:
                    found.add((kind, ref_id))
    return found


def _contact_name(first: str, last: str, email: str | None) -> str | None:
    return " ".join(part for part in (first, last) if part) or email


# kind -> (model, columns read, their name); each kind is one query for all its ids.
_LABELS: dict[str, tuple[Any, tuple[Any, ...], Callable[..., str | None]]] = {
    "organisation": (Organisation, (Organisation.name,), lambda name: name),
    "contact": (
        Contact,
        (Contact.first_name, Contact.last_name, Contact.email),
        _contact_name,
    ),
    "deal": (Deal, (Deal.title,), lambda title: title),
    "task": (Task, (Task.title,), lambda title: title),
    "activity": (Activity, (Activity.subject,), lambda subject: subject),
    "user": (User, (User.name, User.email), lambda name, email: name or email),
}


def _label_rows(session: Session, kind: str, company_id: int, ids: list[int]) -> dict[int, str]:
    """One query: the names of the company's `kind` rows with these ids (others stay unnamed)."""
    model, columns, name_of = _LABELS[kind]
    rows = session.execute(
        select(model.id, *columns).where(model.company_id == company_id, model.id.in_(ids))
    )
    labels = {row[0]: name_of(*row[1:]) for row in rows}
    return {row_id: label for row_id, label in labels.items() if label}


def resolve_names(session: Session, *, company_id: int, references: Iterable[Reference]) -> Names:
    """Names of the company's records and users referred to: one query per kind, never per id."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, ref_id in references:
        if kind in _LABELS:
            by_kind[kind].add(ref_id)
    names: Names = {}
    for kind, ids in sorted(by_kind.items()):
        labels = _label_rows(session, kind, company_id, sorted(ids))
        if labels:
            names[kind] = {str(row_id): label for row_id, label in labels.items()}
    return names


def record_label(names: Names, execution: WorkflowExecution) -> str | None:
    """The name of the record a run was triggered on, when it still exists."""
    if not execution.trigger_entity_type or execution.trigger_entity_id is None:
        return None
    return names.get(execution.trigger_entity_type, {}).get(str(execution.trigger_entity_id))


def trigger_reference(execution: WorkflowExecution) -> list[Reference]:
    """The run's record as a reference (none for runs without one)."""
    if execution.trigger_entity_type and execution.trigger_entity_id is not None:
        return [(execution.trigger_entity_type, execution.trigger_entity_id)]
    return []


def record_labels(
    session: Session, *, company_id: int, executions: Iterable[WorkflowExecution]
) -> dict[int, str | None]:
    """Each run's record name by run id, for one page of runs (one query per record type)."""
    runs = list(executions)
    refs = [ref for run in runs for ref in trigger_reference(run)]
    names = resolve_names(session, company_id=company_id, references=refs)
    return {run.id: record_label(names, run) for run in runs}
