"""A workflow as a file: the export document, its canonical JSON, and importing it back.

An export holds what a workflow *is* (definition, graph layout, template flag, tags), never what a
company's copy of it has become (id, status, counts, inbound URL) and never a credential: headers
typed in clear are masked. Exporting an imported export gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from crmflow.auth.service import Principal
from crmflow.common.errors import Invalid
from crmflow.engine.errors import DefinitionError
from crmflow.vault.masking import mask_definition
from crmflow.workflows.directory import CompanyDirectory
from crmflow.workflows.models import Workflow
from crmflow.workflows.schemas import WorkflowCreate
from crmflow.workflows.service import create_workflow, definition_of
from crmflow.workflows.validation import validate_definition

EXPORT_FORMAT = 1


def exported_workflow(workflow: Workflow) -> dict[str, Any]:
    """One workflow as an export holds it (credentials typed in clear masked)."""
    item: dict[str, Any] = mask_definition(definition_of(workflow))
    item["is_template"] = workflow.is_template
    if workflow.graph_layout:
        item["graph_layout"] = workflow.graph_layout
    # Left out when empty, so exports made before tags existed keep their bytes.
    if workflow.tags:
        item["tags"] = workflow.tags
    return item


def export_document(workflows: list[Workflow]) -> dict[str, Any]:
    """The export file of one or more workflows."""
    return {"crmflow_export": EXPORT_FORMAT, "workflows": [exported_workflow(w) for w in workflows]}


def canonical_json(document: Any) -> str:
    """The one text of a document: sorted keys, two-space indent, UTF-8 kept, final newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def import_items(document: Any) -> list[Any]:
    """The workflow entries of an export document (or of a bare list of workflows)."""
    if isinstance(document, dict) and "workflows" in document:
        if document.get("crmflow_export", EXPORT_FORMAT) != EXPORT_FORMAT:
            raise Invalid(
                f"crmflow_export: format {document['crmflow_export']!r} is not one this "
                f"version reads ({EXPORT_FORMAT})",
                field="crmflow_export",
            )
        document = document.get("workflows")
    if not isinstance(document, list):
        raise Invalid(
            'workflows: expected {"crmflow_export": 1, "workflows": [...]} or a list of workflows',
            field="workflows",
        )
    return document


def check_import(session: Session, *, company_id: int, items: list[Any]) -> list[dict[str, Any]]:
    """Validate every entry before anything is written (an import is all or nothing)."""
    directory = CompanyDirectory(session, company_id)
    checked = []
    for index, item in enumerate(items):
        label = f"workflows[{index}]"
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            label += f" ({item['name']})"
        # An export never carries a status: an import is a draft until someone activates it.
        entry = {k: v for k, v in item.items() if k != "status"} if isinstance(item, dict) else item
        try:
            body = WorkflowCreate.model_validate(entry).model_dump(mode="json")
            validate_definition(body, directory)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            raise Invalid(
                f"{label}.{where}: {err['msg']}", field=f"workflows.{index}.{where}"
            ) from None
        except DefinitionError as exc:
            raise Invalid(
                f"{label}.{exc.path}: {exc.message}", field=f"workflows.{index}"
            ) from None
        if body.get("graph_layout") is None:
            body.pop("graph_layout", None)
        checked.append(body)
    return checked


def import_document(session: Session, *, principal: Principal, document: Any) -> list[Workflow]:
    """Create the workflows of an export document as drafts, all or none."""
    checked = check_import(session, company_id=principal.company_id, items=import_items(document))
    return [create_workflow(session, principal=principal, data=body) for body in checked]
