"""Schemathesis over every operation of the OpenAPI document, against the ASGI app.

The same engine as `st run` (examples, coverage, fuzzing, then stateful sequences over the links
it infers), in process, on a throwaway migrated database with the demo data, as an admin. Every
response must be no 5xx, a documented status, the documented content type and a body matching the
documented schema (errors included: `ErrorResponse`, docs/api.md). Deterministic: a fixed seed and
derandomized generation, so a failure reproduces with the same command.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.engine import Status, events
from schemathesis.engine import from_schema as engine_for
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER
from sqlalchemy import select

from crmflow.auth.models import User
from crmflow.common.error_schemas import ErrorResponse
from crmflow.db.session import session_scope
from crmflow.demo import seed_demo

# Cases per operation in the fuzzing phase, and sequences in the stateful phase; the coverage
# phase's boundary cases (about 4,500) do not depend on them. About 7,000 cases in all.
MAX_EXAMPLES = 25
STATEFUL_EXAMPLES = 50
SEED = 20261206
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    # Stateful sequences: a deleted record is gone, a created one can be read back.
    "use_after_free",
    "ensure_resource_availability",
]
PHASES = ["examples", "coverage", "fuzzing", "stateful"]
# The app runs without its runtime, so a manual run never finishes: a valid `wait` (10 s when
# left out) would hold the request for that long. Valid and missing waits are sent as 0; invalid
# ones (negative, over 30, text) still go as generated and must be a 422.
EXECUTE_PATH = "/api/v1/workflows/{workflow_id}/execute"


def _no_long_waits(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """Send a valid or missing `wait` of POST .../execute as 0 (see EXECUTE_PATH)."""
    if case.operation.path != EXECUTE_PATH:
        return
    if case.query is None:
        case.query = {}
    try:
        wait = float(case.query.get("wait", 10))
    except (TypeError, ValueError):
        return
    if 0 < wait <= 30:
        case.query["wait"] = 0


@pytest.fixture()
def demo_app(app: FastAPI, client: TestClient, db_url: str) -> FastAPI:
    """The app, started (migrated, admin `root-token` bootstrapped), with the demo data loaded."""
    with session_scope(db_url) as session:
        admin = session.scalars(select(User).where(User.email == "root@example.com")).one()
        seed_demo(session, company_id=admin.company_id, admin_user_id=admin.id)
    return app


def _config() -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": {"Authorization": "Bearer root-token"},
            "workers": 1,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            "phases": {
                **{phase: {"enabled": True} for phase in PHASES},
                "stateful": {"enabled": True, "generation": {"max-examples": STATEFUL_EXAMPLES}},
            },
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        }
    )


def _describe(scenario: events.ScenarioFinished, case_id: str, check: Any) -> str:
    recorder = scenario.recorder
    interaction = recorder.interactions.get(case_id)
    status = interaction.response.status_code if interaction and interaction.response else None
    info = check.failure_info
    message = info.failure.message if info else ""
    curl = info.code_sample if info else ""
    return f"[{scenario.phase.value}] {check.name} {recorder.label} -> {status}: {message}\n{curl}"


@pytest.mark.timeout(900)
def test_every_operation_conforms_to_the_document(demo_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", demo_app, config=_config())
    operations = len(schema)
    schemathesis.hook("before_call")(_no_long_waits)
    started = time.monotonic()
    failures: list[str] = []
    errors: list[str] = []
    phases: dict[str, str] = {}
    cases: Counter[str] = Counter()
    tested: set[str] = set()
    try:
        for event in engine_for(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                tested.add(event.recorder.label)
                cases[event.phase.value] += len(event.recorder.cases)
                for case_id, checks in event.recorder.checks.items():
                    failures.extend(
                        _describe(event, case_id, check)
                        for check in checks
                        if check.status == Status.FAILURE
                    )
            elif isinstance(event, events.NonFatalError):
                # An exception out of the app (e.g. a driver error) lands here, not in a check.
                errors.append(f"{event.label}: {event.info.format()}")
            elif isinstance(event, events.FatalError):
                errors.append(f"fatal: {event.exception!r}")
            elif isinstance(event, events.PhaseFinished):
                phases[event.phase.name.value] = event.status.value
    finally:
        GLOBAL_HOOK_DISPATCHER.unregister(_no_long_waits)
    elapsed = time.monotonic() - started
    print(
        f"schemathesis: {operations} operations, {sum(cases.values())} cases "
        f"({dict(cases)}) in {elapsed:.0f} s; phases {phases}"
    )
    assert not errors + failures, _summary(errors, failures)
    assert operations >= 80 and tested >= set(_labels(schema)), "some operations were not tested"
    for phase in PHASES:
        assert phases.get(phase) == "success", f"phase {phase}: {phases.get(phase)}"


def _summary(errors: list[str], failures: list[str]) -> str:
    """Each distinct problem (its first line) with how often it happened and one full example."""
    first: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for text in errors + failures:
        key = text.split("\n", 1)[0]
        seen[key] += 1
        first.setdefault(key, text)
    lines = [f"{len(errors)} errors, {len(failures)} failed checks, {len(seen)} distinct:"]
    lines += [f"{count} x {first[key]}" for key, count in seen.most_common(40)]
    return "\n\n".join(lines)


def _labels(schema: Any) -> list[str]:
    return [result.ok().label for result in schema.get_all_operations()]


# --- the document itself: what the checks above rely on ----------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
FENCED_JSON = re.compile(r"```json\n(.*?)```", re.DOTALL)
ERROR_REF = "#/components/schemas/ErrorResponse"


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _error_schema(document: dict[str, Any], response: dict[str, Any]) -> str | None:
    if "$ref" in response:
        response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
    return response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


def test_every_error_answer_is_declared_as_error_response(client: TestClient) -> None:
    response = client.get("/openapi.json")
    document = response.json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert schemas["ErrorItem"]["properties"]["loc"]["type"] == "string"
    for ref in set(_refs(document)):  # nothing points at a removed component
        section, name = ref.split("/")[-2:]
        assert name in document["components"][section], ref
    operations = [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) >= 80
    for method, path, operation in operations:
        responses = operation["responses"]
        errors = {code: r for code, r in responses.items() if code[0] in "45"}
        for code, error in errors.items():
            assert _error_schema(document, error) == ERROR_REF, (method, path, code)
        expected = set()
        if operation.get("security"):
            expected.add("401")
        if "{" in path:
            expected.add("404")
        if operation.get("parameters") or "requestBody" in operation:
            expected.add("422")
        if path.startswith("/api/"):
            expected.add("503")
        assert expected <= set(errors), (method, path, sorted(errors))
    assert "403" in document["paths"]["/api/v1/workflows"]["post"]["responses"]  # Writer
    assert "403" in document["paths"]["/api/v1/users"]["post"]["responses"]  # Admin
    assert "403" not in document["paths"]["/api/v1/workflows"]["get"]["responses"]
    # Exact 64-bit bounds, as JSON integers (FastAPI's model would write 9.223372036854776e18).
    assert '"maximum":9223372036854775807' in response.text.replace(" ", "")
    assert "9.223372036854776e" not in response.text


def test_the_error_examples_of_docs_api_are_what_the_schema_says() -> None:
    examples = [json.loads(block) for block in FENCED_JSON.findall(DOC.read_text("utf-8"))]
    assert len(examples) >= 4
    for example in examples:
        ErrorResponse.model_validate(example)
        if isinstance(example["detail"], list):
            assert all(set(item) == {"loc", "msg", "type"} for item in example["detail"])
