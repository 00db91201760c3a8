"""Installing, listing, exporting and instantiating blueprints (the seed's process templates).

Creating and importing are one path (`install`): the version must be above every installed
version of the name, a version that removes or tightens an input must be a new major version,
and every action the steps use must exist here. Published versions never change their steps.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crmflow.auth.service import Principal
from crmflow.blueprints.builtin import AUTHOR, BUILTIN_BLUEPRINTS
from crmflow.blueprints.graph_spec import derive_graph_spec, reconcile_graph_spec
from crmflow.blueprints.inputs import (
    breaking_changes,
    fill_inputs,
    normalise_variables,
    resolve_inputs,
    sample_inputs,
    used_inputs,
)
from crmflow.blueprints.models import ProcessTemplate
from crmflow.blueprints.schemas import EXPORT_FORMAT
from crmflow.blueprints.semver import parse_version
from crmflow.common.enums import WorkflowStatus
from crmflow.common.errors import Conflict, Invalid, NotFound
from crmflow.engine.definition import CONTROL_STEP_TYPES
from crmflow.engine.errors import DefinitionError
from crmflow.engine.plugins import get_action
from crmflow.vault.masking import mask_definition
from crmflow.workflows.directory import CompanyDirectory
from crmflow.workflows.models import Workflow
from crmflow.workflows.service import create_workflow, get_workflow
from crmflow.workflows.step_tree import walk_steps
from crmflow.workflows.transfer import canonical_json
from crmflow.workflows.validation import validate_definition

# What an export holds, in this order of meaning (the file itself is sorted).
CONTENT_FIELDS = (
    "name",
    "version",
    "template_type",
    "description",
    "author",
    "trigger_type",
    "trigger_config",
    "conditions",
    "process_steps",
    "variables",
    "settings",
    "graph_spec",
)


def content_checksum(content: dict[str, Any]) -> str:
    """SHA-256 of a blueprint's canonical JSON, its checksum left out."""
    body = {k: content[k] for k in CONTENT_FIELDS}
    return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def export_document(blueprint: ProcessTemplate) -> dict[str, Any]:
    """The file `import_blueprint` reads back: content, checksum and format."""
    content = {k: getattr(blueprint, k) for k in CONTENT_FIELDS}
    return {"crmflow_blueprint": EXPORT_FORMAT, **content, "checksum": blueprint.checksum}


# --- checking what is installed -----------------------------------------------------------------


def _missing_actions(session: Session, company_id: int, steps: list[Any]) -> list[str]:
    """The action types the steps use that this installation (and company) does not have."""
    directory = CompanyDirectory(session, company_id)
    missing = []
    for _, step in walk_steps(steps):
        kind = step.get("type")
        if not isinstance(kind, str) or kind.lower() in CONTROL_STEP_TYPES:
            continue
        if get_action(kind) is None and directory.custom_action_schema(kind) is None:
            missing.append(kind)
    return sorted(set(missing))


def _checked_content(session: Session, company_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """A blueprint's content, normalised and checked; 422 naming the field when wrong."""
    content = {k: data.get(k) for k in CONTENT_FIELDS}
    content["variables"] = variables = normalise_variables(data.get("variables"))
    content["process_steps"] = steps = list(data.get("process_steps") or [])
    content["trigger_config"] = data.get("trigger_config") or {}
    content["settings"] = data.get("settings") or {}
    content["author"] = data.get("author") or ""
    content["description"] = data.get("description") or ""
    missing = _missing_actions(session, company_id, steps)
    if missing:
        raise Invalid(
            f"process_steps: this installation has no action {', '.join(map(repr, missing))} "
            "(install the plugin or create the custom action first)",
            field="process_steps",
            extra={"missing_actions": missing},
        )
    where_used = {
        k: content[k] for k in ("trigger_config", "conditions", "process_steps", "settings")
    }
    undeclared = sorted(used_inputs(where_used) - set(variables["properties"]))
    if undeclared:
        raise Invalid(
            f"variables: the steps use {{{{ inputs.{undeclared[0]} }}}} but no such input is "
            f"declared (undeclared: {', '.join(undeclared)})",
            field="variables",
        )
    if mask_definition(steps) != steps:
        raise Invalid(
            "process_steps: a credential is typed in clear; a blueprint is shared, so use "
            "{{ secrets.NAME }} instead",
            field="process_steps",
        )
    # The steps must make a valid workflow once filled in (with defaults or sample values).
    _definition(content, sample_inputs(variables), check=True)
    content["graph_spec"] = reconcile_graph_spec(steps, data.get("graph_spec"))
    return content


def _definition(content: dict[str, Any], inputs: dict[str, Any], *, check: bool) -> dict[str, Any]:
    """The workflow definition a blueprint gives with these inputs."""
    settings = content.get("settings") or {}
    definition = {
        "name": content["name"],
        "description": content.get("description") or "",
        "trigger_type": content["trigger_type"],
        "trigger_config": fill_inputs(content.get("trigger_config") or {}, inputs),
        "conditions": fill_inputs(content.get("conditions"), inputs),
        "actions": fill_inputs(content.get("process_steps") or [], inputs),
        "run_policy": fill_inputs(settings.get("run_policy"), inputs),
    }
    if check:
        try:
            validate_definition(definition)
        except DefinitionError as exc:
            where = _blueprint_path(exc.path)
            raise Invalid(f"{where}: {exc.message}", field=where) from None
    return definition


def _blueprint_path(path: str) -> str:
    """A definition's error path in the blueprint's words (its steps are `process_steps`)."""
    if path.startswith("actions"):
        return "process_steps" + path[len("actions") :]
    return (
        "settings.run_policy" + path[len("run_policy") :] if path.startswith("run_policy") else path
    )


def _installed(session: Session, company_id: int, name: str) -> list[ProcessTemplate]:
    """The installed (not archived) versions of a blueprint, newest first."""
    rows = session.scalars(
        select(ProcessTemplate).where(
            ProcessTemplate.company_id == company_id,
            ProcessTemplate.name == name,
            ProcessTemplate.archived.is_(False),
        )
    )
    return sorted(rows, key=lambda row: parse_version(row.version), reverse=True)


def check_upgrade(
    installed: list[ProcessTemplate], version: str, variables: dict[str, Any]
) -> None:
    """Refuse a version not above the installed one, or a breaking one without a major bump."""
    if not installed:
        return
    latest, new = installed[0], parse_version(version)
    if new <= parse_version(latest.version):
        raise Conflict(
            f"version: {version} is not above the installed version {latest.version} of "
            f"{latest.name!r}; publish a higher version",
            field="version",
        )
    reasons = breaking_changes(latest.variables, variables)
    old = parse_version(latest.version)
    if reasons and not new.breaking_bump_over(old):
        raise Conflict(
            f"version: {version} removes or tightens inputs of {latest.version} without a new "
            f"major version ({'; '.join(reasons)}); publish it as {old.major + 1}.0.0",
            field="version",
            extra={"breaking_changes": reasons},
        )


def install(
    session: Session,
    *,
    principal: Principal,
    data: dict[str, Any],
    builtin_slug: str | None = None,
) -> ProcessTemplate:
    """Create or import one blueprint version after every check (nothing written otherwise)."""
    ensure_builtins(session, company_id=principal.company_id)
    content = _checked_content(session, principal.company_id, data)
    checksum = content_checksum(content)
    given = data.get("checksum")
    if given and given != checksum:
        raise Invalid(
            "checksum: the content does not match its checksum (was the file changed after "
            "export?); leave `checksum` out to import it anyway",
            field="checksum",
        )
    check_upgrade(
        _installed(session, principal.company_id, content["name"]),
        content["version"],
        content["variables"],
    )
    _drop_archived(session, principal.company_id, content["name"], content["version"])
    row = ProcessTemplate(
        company_id=principal.company_id,
        created_by=principal.user_id,
        builtin=False,
        checksum=checksum,
        **content,
    )
    session.add(row)
    session.commit()
    return row


def publish_workflow(
    session: Session, *, principal: Principal, body: dict[str, Any]
) -> ProcessTemplate:
    """A blueprint version from a workflow's current definition, its arranged graph included."""
    workflow = get_workflow(
        session, company_id=principal.company_id, workflow_id=body["workflow_id"]
    )
    # A stale position (a step since removed) is no reason to refuse: it is left out.
    known = {node["id"] for node in derive_graph_spec(workflow.actions)["nodes"]}
    saved = (workflow.graph_layout or {}).get("positions") or {}
    positions = {node: point for node, point in saved.items() if node in known}
    data = {
        "name": body.get("name") or workflow.name,
        "version": body["version"],
        "template_type": body.get("template_type") or "general",
        "description": workflow.description
        if body.get("description") is None
        else body["description"],
        "author": body.get("author") or "",
        "trigger_type": workflow.trigger_type,
        "trigger_config": workflow.trigger_config,
        "conditions": workflow.conditions,
        "process_steps": workflow.actions,
        "variables": None,
        "settings": {"run_policy": workflow.run_policy} if workflow.run_policy else {},
        "graph_spec": {"nodes": [{"id": node, **point} for node, point in positions.items()]}
        if positions
        else None,
    }
    return install(session, principal=principal, data=data)


def _drop_archived(session: Session, company_id: int, name: str, version: str) -> None:
    """Make room for a reinstalled version: an archived row holds its (name, version)."""
    for row in session.scalars(
        select(ProcessTemplate).where(
            ProcessTemplate.company_id == company_id,
            ProcessTemplate.name == name,
            ProcessTemplate.version == version,
            ProcessTemplate.archived.is_(True),
        )
    ):
        session.delete(row)
    session.flush()


def missing_builtins(session: Session, *, company_id: int) -> list[dict[str, Any]]:
    """The built-in blueprint versions this company has never had (archived ones count as had)."""
    have = {
        (name, version)
        for name, version in session.execute(
            select(ProcessTemplate.name, ProcessTemplate.version).where(
                ProcessTemplate.company_id == company_id, ProcessTemplate.builtin.is_(True)
            )
        )
    }
    return [b for b in BUILTIN_BLUEPRINTS if (b["name"], b["version"]) not in have]


def ensure_builtins(session: Session, *, company_id: int) -> None:
    """Install the built-in blueprint versions this company has never had (a writer session)."""
    for blueprint in missing_builtins(session, company_id=company_id):
        content = {k: blueprint.get(k) for k in CONTENT_FIELDS}
        content["author"] = AUTHOR
        content["variables"] = normalise_variables(blueprint["variables"])
        content["graph_spec"] = reconcile_graph_spec(blueprint["process_steps"], None)
        content["description"] = blueprint["description"]
        try:
            # Two first requests of a company may install at once: the loser's row is a dup.
            with session.begin_nested():
                session.add(
                    ProcessTemplate(
                        company_id=company_id,
                        builtin=True,
                        slug=blueprint["slug"],
                        checksum=content_checksum(content),
                        **content,
                    )
                )
        except IntegrityError:
            continue
    session.commit()


# --- reading and changing -------------------------------------------------------------------------


def get_blueprint(session: Session, *, company_id: int, blueprint_id: int) -> ProcessTemplate:
    """One installed blueprint version of the company (404 otherwise)."""
    row = session.get(ProcessTemplate, blueprint_id)
    if row is None or row.company_id != company_id or row.archived:
        raise NotFound(f"process template {blueprint_id} not found")
    return row


def list_blueprints(
    session: Session,
    *,
    company_id: int,
    search: str | None = None,
    template_type: str | None = None,
    all_versions: bool = False,
) -> list[tuple[ProcessTemplate, list[str]]]:
    """Installed blueprints (the newest version of each name unless `all_versions`), by name."""
    query = select(ProcessTemplate).where(
        ProcessTemplate.company_id == company_id, ProcessTemplate.archived.is_(False)
    )
    if template_type:
        query = query.where(ProcessTemplate.template_type == template_type)
    by_name: dict[str, list[ProcessTemplate]] = {}
    for row in session.scalars(query):
        by_name.setdefault(row.name, []).append(row)
    needle = (search or "").strip().lower()
    out: list[tuple[ProcessTemplate, list[str]]] = []
    for name in sorted(by_name, key=str.lower):
        rows = sorted(by_name[name], key=lambda r: parse_version(r.version), reverse=True)
        text = f"{name} {rows[0].description} {rows[0].template_type}".lower()
        if needle and needle not in text:
            continue
        versions = [r.version for r in rows]
        out += [(row, versions) for row in (rows if all_versions else rows[:1])]
    return out


def versions_of(session: Session, blueprint: ProcessTemplate) -> list[str]:
    """Every installed version of a blueprint's name, newest first."""
    return [row.version for row in _installed(session, blueprint.company_id, blueprint.name)]


def update_blueprint(
    session: Session, *, principal: Principal, blueprint_id: int, changes: dict[str, Any]
) -> ProcessTemplate:
    """Change a version's description, type, author or graph layout (never its steps)."""
    row = get_blueprint(session, company_id=principal.company_id, blueprint_id=blueprint_id)
    if row.builtin:
        raise Conflict(
            "a built-in blueprint is read-only: import it under a new version to change it"
        )
    for key in ("description", "template_type", "author"):
        if changes.get(key) is not None:
            setattr(row, key, changes[key])
    if changes.get("graph_spec") is not None:
        row.graph_spec = reconcile_graph_spec(row.process_steps, changes["graph_spec"])
    row.checksum = content_checksum({k: getattr(row, k) for k in CONTENT_FIELDS})
    session.commit()
    return row


def delete_blueprint(session: Session, *, principal: Principal, blueprint_id: int) -> None:
    """Remove an installed version; a built-in one is archived so it is not reinstalled."""
    row = get_blueprint(session, company_id=principal.company_id, blueprint_id=blueprint_id)
    if row.builtin:
        row.archived = True
    else:
        session.delete(row)
    session.commit()


def instantiate(
    session: Session,
    *,
    principal: Principal,
    blueprint_id: int,
    inputs: dict[str, Any],
    name: str | None = None,
) -> Workflow:
    """A draft workflow from a blueprint and values for its inputs (422 on `inputs.NAME`)."""
    row = get_blueprint(session, company_id=principal.company_id, blueprint_id=blueprint_id)
    values = resolve_inputs(row.variables, inputs)
    content = {k: getattr(row, k) for k in CONTENT_FIELDS}
    data: dict[str, Any] = _definition(content, values, check=False)
    data["name"] = name or row.name
    data["status"] = WorkflowStatus.DRAFT.value
    if row.graph_spec.get("layout") == "manual":
        # The author arranged the graph: the workflow opens arranged the same way.
        data["graph_layout"] = {
            "positions": {n["id"]: {"x": n["x"], "y": n["y"]} for n in row.graph_spec["nodes"]}
        }
    try:
        return create_workflow(session, principal=principal, data=data, template_slug=row.slug)
    except Invalid as exc:
        raise _blamed_on_input(exc, content) from None


def _blamed_on_input(exc: Invalid, content: dict[str, Any]) -> Invalid:
    """Name the input behind a refused value (`approvers[0]` came from `inputs.cfo_title`)."""
    where = str(exc.field or "")
    raw: Any = {"actions": content["process_steps"], **content}
    for part in re.findall(r"[^.\[\]]+", where):
        if isinstance(raw, list) and part.isdigit() and int(part) < len(raw):
            raw = raw[int(part)]
        elif isinstance(raw, dict) and part in raw:
            raw = raw[part]
        else:
            return exc
    names = sorted(used_inputs(raw))
    if not names:
        return exc
    reason = exc.message.removeprefix(f"{where}: ")
    used_at = _blueprint_path(where)
    return Invalid(f"inputs.{names[0]}: {reason} (used at {used_at})", field=f"inputs.{names[0]}")
