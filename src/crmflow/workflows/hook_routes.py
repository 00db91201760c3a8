"""POST /hooks/{token}: a webhook_received workflow's inbound URL (no Bearer token: the URL is)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from crmflow.common.deps import DbSession
from crmflow.workflows import hooks

router = APIRouter(prefix="/hooks", tags=["hooks"])

_ERROR = {"content": {"application/json": {"example": {"detail": "..."}}}}


async def _limited_body(request: Request) -> bytes:
    """Read the body, refusing (413) one over the limit before reading all of it."""
    limit = hooks.MAX_BODY_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise hooks.HookError(413, f"body larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise hooks.HookError(413, f"body larger than {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        raise hooks.HookError(
            400, "the client disconnected before sending the whole body"
        ) from None
    return b"".join(chunks)


RawBody = Annotated[bytes, Depends(_limited_body)]


@router.post(
    "/{token}",
    response_model=hooks.HookAccepted,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Deliver to a workflow's inbound webhook",
    responses={
        200: {
            "model": hooks.HookAccepted,
            "description": "repeated Idempotency-Key: the first run",
        },
        401: {"description": "signature missing, stale or wrong (hooks with a secret)", **_ERROR},
        404: {"description": "no inbound webhook at this URL", **_ERROR},
        409: {"description": "workflow is not active, or a replayed signed delivery", **_ERROR},
        413: {"description": "body over 1 MB", **_ERROR},
        429: {"description": "too many deliveries (see Retry-After)", **_ERROR},
    },
)
def receive_hook(
    token: str, body: RawBody, request: Request, response: Response, session: DbSession
) -> Any:
    """Start a run of the workflow with `{"payload", "headers", "query"}` as its trigger data.

    No `Authorization` header: the token in the URL is the credential. The body is a JSON object,
    form fields, or anything else (kept as `{"raw": <text>}`), at most 1 MB. A workflow with a
    signing secret requires `X-Crmflow-Timestamp` (Unix seconds, within 5 minutes) and
    `X-Crmflow-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body>`. A repeated
    `Idempotency-Key` answers 200 with the first run (`duplicate: true`) and starts nothing;
    a signed delivery seen before (same signature) is a replay: 409. At most the workflow's
    `rate_limit_per_minute` (default CRMFLOW_HOOK_RATE_LIMIT, 600) deliveries a minute: 429.
    """
    delivery = hooks.Delivery(
        body=body,
        headers=request.headers,
        header_items=list(request.headers.items()),
        query_items=list(request.query_params.multi_items()),
    )
    try:
        accepted = hooks.receive(
            session,
            token=token,
            delivery=delivery,
            default_rate_limit=request.app.state.settings.hook_rate_limit,
        )
    except hooks.HookError as exc:
        return JSONResponse(
            {"detail": exc.message}, status_code=exc.status_code, headers=exc.headers
        )
    if accepted.duplicate:
        response.status_code = status.HTTP_200_OK
    return accepted
