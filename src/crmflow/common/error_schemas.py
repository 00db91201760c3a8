"""The API's error bodies as models, and the OpenAPI document that declares them on every operation.

Every error is `{"detail": ...}`. A 422 lists its problems with `loc` as one JSON-path string
(`actions[2].config.due_date`, `query.page`): FastAPI's own `HTTPValidationError`, whose `loc` is
an array, is not what the API sends, so the document replaces it with `ErrorResponse`. Then each
operation declares the 4xx/5xx it can really answer, from what the route depends on (docs/api.md).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema
from starlette.routing import BaseRoute

from crmflow.common.ids import MAX_ID


class ErrorItem(BaseModel):
    """One problem with the request, naming the input at fault."""

    loc: str = Field(
        description="JSON path of the input at fault: `name`, `actions[2].config.due_date`, "
        "`query.page`, `path.workflow_id`, `header.Idempotency-Key` (empty: the whole body)",
        examples=["actions[2].config.due_date"],
    )
    msg: str = Field(
        description="a readable message that starts with the path",
        examples=["actions[2].config.due_date: not a date or a relative date like '+3 days'"],
    )
    type: str = Field(
        description="what kind of problem: a Pydantic error type (`missing`, "
        "`less_than_equal`, `json_invalid`...) or `value_error`, `not_found`, `conflict`",
        examples=["value_error"],
    )
    info: Any = Field(None, description="extra data some problems carry")
    ctx: dict[str, Any] | None = Field(
        None,
        description="request validation: the limits behind the problem, as in Pydantic "
        "(`min_length`, `le`, `expected`...), so a client can phrase it",
        examples=[{"min_length": 1}],
    )


class ErrorInfo(BaseModel):
    """An error about the request as a whole that carries extra data."""

    msg: str
    info: Any = None


class ErrorResponse(BaseModel):
    """Every error body: `detail` is a message, a list of problems, or a message with data."""

    detail: str | list[ErrorItem] | ErrorInfo = Field(
        description="a message (most errors), or the list of problems (422)",
        examples=["workflow 42 not found"],
    )


ERROR_MODELS: list[type[BaseModel]] = [ErrorItem, ErrorInfo, ErrorResponse]
ERROR_REF = "#/components/schemas/ErrorResponse"
# FastAPI's defaults, whose array `loc` the API never sends.
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")

# The shared responses, by status: name in components.responses and description.
ERROR_RESPONSES: dict[str, tuple[str, str]] = {
    "400": ("BadRequest", "The body could not be read (not UTF-8, or the client stopped)"),
    "401": ("Unauthorized", "Missing, invalid, revoked or expired Bearer token or session"),
    "403": (
        "Forbidden",
        "Your role may not do this, or a session cookie's write lacks a matching X-CSRF-Token",
    ),
    "404": ("NotFound", "No such record in your company"),
    "409": ("Conflict", "The request conflicts with the current state or existing data"),
    "413": ("ContentTooLarge", "The body is larger than the server accepts"),
    "422": (
        "ValidationFailed",
        "The input is invalid: `detail` lists each problem with the JSON path (`loc`) at fault",
    ),
    "429": ("TooManyRequests", "Too many requests: retry after `Retry-After` seconds"),
    "503": ("Unavailable", "The database is unavailable: retry after `Retry-After` seconds"),
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
BODY_METHODS = frozenset({"post", "put", "patch"})


def install_error_documentation(
    app: FastAPI, *, role_checks: Collection[Callable[..., Any]] = ()
) -> None:
    """Make `app.openapi()` declare the error bodies and statuses each operation can answer.

    `role_checks` are the dependencies that answer 403 for a role (the auth layer's, which this
    lower layer cannot import).
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()  # FastAPI's, cached until the routes change
        # FastAPI writes no components.responses: their presence marks a document already done.
        if "responses" not in schema.get("components", {}):
            document_errors(schema, app.routes, role_checks=role_checks)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def document_errors(
    schema: dict[str, Any],
    routes: Sequence[BaseRoute],
    *,
    role_checks: Collection[Callable[..., Any]] = (),
) -> None:
    """Rewrite a generated document in place: error components, then each operation's errors."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    _, error_schemas = models_json_schema(
        [(model, "validation") for model in ERROR_MODELS],
        ref_template="#/components/schemas/{model}",
    )
    for name, model_schema in error_schemas.get("$defs", {}).items():
        if name in schemas and schemas[name] != model_schema:
            raise RuntimeError(f"an API model is named {name}, like an error model")
        schemas[name] = model_schema
    components["responses"] = {
        name: {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
        }
        for name, text in ERROR_RESPONSES.values()
    }
    for path, method, context in _operations(routes):
        operation = schema.get("paths", {}).get(path, {}).get(method)
        if operation is not None:
            _declare_errors(operation, path, method, context, role_checks)
    _exact_integer_bounds(schema)


def _operations(routes: Sequence[BaseRoute]) -> Iterator[tuple[str, str, Any]]:
    for context in iter_route_contexts(routes):
        if not getattr(context, "include_in_schema", False):
            continue
        path = getattr(context, "path_format", None)
        for method in getattr(context, "methods", None) or ():
            if path:
                yield path, method.lower(), context


def _declare_errors(
    operation: dict[str, Any],
    path: str,
    method: str,
    context: Any,
    role_checks: Collection[Callable[..., Any]],
) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    calls = set(_calls(context.dependant)) if hasattr(context, "dependant") else set()
    statuses: set[str] = {code for code in responses if code[:1] in ("4", "5")}
    if operation.get("security"):
        statuses.add("401")
    if calls & set(role_checks):
        statuses.add("403")
    if method in WRITE_METHODS and operation.get("security"):
        statuses.add("403")  # signed in by the session cookie without CSRF proof (auth/deps.py)
    if "{" in path:
        statuses.add("404")
    if method in WRITE_METHODS and operation.get("security"):
        statuses.add("409")  # any write can meet a unique or foreign key constraint
    if method in BODY_METHODS:
        statuses.add("413")
    if "requestBody" in operation:
        statuses.add("400")
    if operation.get("parameters") or "requestBody" in operation or path.startswith("/api/"):
        statuses.add("422")  # under /api/ also a U+0000 in any query parameter (nul_input.py)
    if path.startswith("/api/"):
        statuses.add("503")
    for code in sorted(statuses):
        own = responses.get(code)
        if own is None or code == "422":  # FastAPI's own 422 is the array-`loc` model
            responses[code] = {"$ref": f"#/components/responses/{ERROR_RESPONSES[code][0]}"}
        else:  # a route's own description (e.g. "the execution already finished") stays
            own["content"] = {"application/json": {"schema": {"$ref": ERROR_REF}}}
    operation["responses"] = dict(sorted(responses.items()))


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _exact_integer_bounds(node: Any) -> None:
    """Write integer bounds as JSON integers: FastAPI's document model stores them as floats.

    `le=MAX_ID` would read 9.223372036854776e18, which is 2**63, one more than any id can be.
    """
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
                value = node.get(key)
                if isinstance(value, float) and value.is_integer():
                    node[key] = MAX_ID if value == float(MAX_ID) else int(value)
        for child in node.values():
            _exact_integer_bounds(child)
    elif isinstance(node, list):
        for child in node:
            _exact_integer_bounds(child)
