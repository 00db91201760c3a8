"""Warnings a simulation gives: values no record has, bad addresses, empty template variables,
approvers nobody is, webhook targets the SSRF guard refuses, steps that can never run."""

from __future__ import annotations

import difflib
import re
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, nodes
from sqlalchemy.orm import Session

from crmflow.common.enums import StepStatus
from crmflow.common.json_leaves import string_leaves
from crmflow.engine.context import MODELS
from crmflow.outbound.ssrf import Allowlist, Refused, parse_target, safe_addresses
from crmflow.simulation.walk import Walked
from crmflow.workflows.directory import CompanyDirectory
from crmflow.workflows.step_tree import json_path, walk_steps
from crmflow.workflows.value_checks import check_fields_and_values

# One address: something@domain.tld, no spaces, one @ (what a mail server would accept).
EMAIL = re.compile(r"^[^@\s,;<>]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_PARSER = Environment()
# Variables a template may read that no input sets (filled in while the run goes).
_RUNTIME_ROOTS = frozenset({"steps", "secrets", "now", "workflow", "execution"})


def _issue(path: str, code: str, message: str) -> dict[str, str]:
    return {"path": path, "code": code, "message": message}


def _step_path(path: str) -> str:
    """An engine step path (`actions/1/branches/0/actions/2`) as a definition path."""
    parts = path.split("/")
    out = parts[0]
    for part in parts[1:]:
        out += f"[{part}]" if part.isdigit() else f".{part}"
    return out


def template_variables(source: str) -> list[str]:
    """The dotted variables a template reads (`organisation.name`), outermost chains only."""
    if "{{" not in source and "{%" not in source:
        return []
    try:
        tree = _PARSER.parse(source)
    except TemplateSyntaxError:
        return []
    found: list[str] = []

    def chain(node: nodes.Node) -> str | None:
        if isinstance(node, nodes.Name):
            return node.name
        if isinstance(node, nodes.Getattr):
            base = chain(node.node)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            base = chain(node.node)
            return f"{base}.{node.arg.value}" if base else None
        return None

    def visit(node: nodes.Node) -> None:
        name = chain(node)
        if name is not None and isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            if name not in found:
                found.append(name)
            return
        for child in node.iter_child_nodes():
            visit(child)

    visit(tree)
    return found


def _resolve(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _template_issues(
    steps: list[tuple[str, dict[str, Any]]], data: dict[str, Any]
) -> list[dict[str, str]]:
    issues = []
    for step_path, step in steps:
        for path, text in string_leaves(step.get("config") or {}, f"{step_path}.config"):
            for variable in template_variables(text):
                root = variable.split(".", 1)[0]
                if root in _RUNTIME_ROOTS or _resolve(data, variable) not in (None, ""):
                    continue
                issues.append(
                    _issue(
                        path,
                        "missing_variable",
                        f"{{{{ {variable} }}}} is empty for this input: the text will have a gap",
                    )
                )
    return issues


def _input_issues(walked: Walked, entity: str | None) -> list[dict[str, str]]:
    """Input fields the trigger's record does not have (`amount` on an organisation)."""
    if entity is None or entity not in MODELS:
        return []
    columns = sorted(MODELS[entity].__table__.c.keys())
    issues = []
    for key in walked.given_keys:
        if "." in key or key in columns:
            continue
        close = difflib.get_close_matches(key, columns, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        issues.append(
            _issue(
                f"input_data.{key}",
                "unknown_input",
                f"{entity} has no field {key!r}: conditions and templates will not see it{hint}",
            )
        )
    return issues


def _addresses(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or "{" in item or ":" in item:
            continue  # a template or a user reference (title:, role:, user:)
        if item.strip().lower() in ("owner", "manager") or item.strip().isdigit():
            continue
        # Anything else must be addresses: `pas-un-email` is neither an address nor a user.
        out.extend(a.strip() for a in item.split(",") if a.strip())
    return out


def _email_issues(
    steps: list[tuple[str, dict[str, Any]]], walked: Walked | None
) -> list[dict[str, str]]:
    issues = []
    seen: set[tuple[str, str]] = set()
    candidates: list[tuple[str, str]] = []
    for path, step in steps:
        if step.get("type") == "send_email":
            config = step.get("config") or {}
            for key in ("to", "cc"):
                candidates += [(f"{path}.config.{key}", a) for a in _addresses(config.get(key))]
    for record in walked.records if walked else []:
        output = record.get("output") or {}
        if record.get("type") == "send_email":
            for key in ("to", "cc"):
                candidates += [
                    (f"{_step_path(record['path'])}.config.{key}", a)
                    for a in output.get(key) or []
                    if isinstance(a, str)
                ]
    for path, address in candidates:
        if (path, address) in seen or EMAIL.match(address):
            continue
        seen.add((path, address))
        issues.append(_issue(path, "invalid_email", f"{address!r} is not an email address"))
    return issues


def _approver_issues(
    steps: list[tuple[str, dict[str, Any]]], directory: CompanyDirectory
) -> list[dict[str, str]]:
    issues = []
    titles = directory.titles()
    for path, step in steps:
        if step.get("type") != "approval":
            continue
        for index, ref in enumerate((step.get("config") or {}).get("approvers") or []):
            kind, _, value = str(ref).partition(":")
            where = f"{path}.config.approvers[{index}]"
            if kind == "title" and value.lower() not in titles:
                issues.append(
                    _issue(where, "unknown_approver", f"nobody holds the title {value!r}")
                )
            elif kind == "user" and not directory.has_user(value):
                issues.append(_issue(where, "unknown_approver", f"no active user {value!r}"))
    return issues


def _url_issues(walked: Walked | None, allowlist: Allowlist) -> list[dict[str, str]]:
    issues = []

    def no_dns(host: str, port: int) -> list[Any]:
        raise LookupError(host)  # names are resolved at run time; a simulation calls nobody

    for record in walked.records if walked else []:
        url = (record.get("input") or {}).get("url")
        if record.get("type") != "call_webhook" or not isinstance(url, str):
            continue
        path = f"{_step_path(record['path'])}.config.url"
        try:
            safe_addresses(parse_target(url), allowlist, no_dns)
        except Refused as exc:
            issues.append(_issue(path, "blocked_url", f"the call would be refused: {exc}"))
        except LookupError:
            continue
    return issues


def simulation_warnings(
    session: Session,
    *,
    company_id: int,
    definition: dict[str, Any],
    entity: str | None,
    walked: Walked | None,
    explorations: list[dict[str, Any]],
    dead_steps: list[str],
    allowlist: Allowlist,
) -> list[dict[str, str]]:
    """Every warning for this definition and this simulated run."""
    steps = [(json_path(at), step) for at, step in walk_steps(definition.get("actions"))]
    issues = [
        _issue(i.path, i.code, i.message)
        for i in check_fields_and_values(session, company_id, definition, entity)
    ]
    issues += _email_issues(steps, walked)
    if walked is not None:
        issues += _input_issues(walked, entity)
    if walked is not None and walked.would_trigger:
        issues += _template_issues(steps, walked.run_data.data)
    issues += _approver_issues(steps, CompanyDirectory(session, company_id))
    issues += _url_issues(walked, allowlist)
    for record in walked.records if walked else []:
        if record.get("type") == "approval" and record.get("status") == StepStatus.FAILED:
            issues.append(
                _issue(_step_path(record["path"]), "approval_unresolved", str(record.get("error")))
            )
    for path in dead_steps:
        issues.append(
            _issue(
                _step_path(path),
                "unreachable_step",
                "never runs: an earlier stop always ends the run",
            )
        )
    for point in explorations:
        for alternative in point["alternatives"]:
            if not alternative["reachable"] and not point["path"].startswith(
                tuple(dead_steps) or ("\0",)
            ):
                where = point["path"] if "/" not in point["path"] else _step_path(point["path"])
                issues.append(
                    _issue(
                        where,
                        "unreachable_branch",
                        f"{alternative['outcome']} ({alternative['predicate']}) can never happen: "
                        f"{alternative['why_not']}",
                    )
                )
    return issues
