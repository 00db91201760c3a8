"""Inbound webhooks: a `webhook_received` workflow's own URL, its signature and its deliveries.

Each such workflow has a random `hook_token`: `POST /api/v1/hooks/{token}` starts a run whose
trigger data is `{"payload": <body>, "headers": {...}, "query": {...}}`. The token is the
credential; a signing secret, when set, also requires an HMAC-SHA256 signature of
`"{timestamp}." + raw body`. A repeated `Idempotency-Key` answers the first run (fire key
`hook:<key>` on the executions' unique (workflow_id, fire_key)).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crmflow.common.enums import ExecutionStatus
from crmflow.common.errors import Conflict, DomainError, NotFound
from crmflow.config import get_settings
from crmflow.db import dialect
from crmflow.db.base import utcnow
from crmflow.events.models import HookSignature
from crmflow.executions.models import WorkflowExecution
from crmflow.executions.service import insert_executions
from crmflow.workflows.models import Workflow

log = logging.getLogger("crmflow.hooks")

WEBHOOK_TRIGGER = "webhook_received"
HOOKS_PATH = "/api/v1/hooks"
# Largest accepted body; a bigger one is refused with 413 before it is fully read.
MAX_BODY_BYTES = 1_000_000
# Signed deliveries: how far X-Crmflow-Timestamp may be from now (either way).
SIGNATURE_TOLERANCE_SECONDS = 300
SIGNATURE_HEADER = "x-crmflow-signature"
TIMESTAMP_HEADER = "x-crmflow-timestamp"
# Deliveries per workflow per window, in each API process; more are refused with 429. The
# limit is the workflow's own `hook_rate_limit`, else CRMFLOW_HOOK_RATE_LIMIT (600).
RATE_WINDOW_SECONDS = 60.0
MAX_RATE_LIMIT = 1_000_000
# Headers never copied into the trigger data: credentials and the signature itself.
DROPPED_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", SIGNATURE_HEADER}
)
CREDENTIAL_HEADER = re.compile(r"token|secret|passw|api[-_]?key|session", re.IGNORECASE)
MAX_HEADERS = 60
MAX_QUERY_PARAMS = 60
MAX_HEADER_CHARS = 2000
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_FIRE_KEY_CHARS = re.compile(r"^[\x21-\x7e]{1,150}$")


class HookError(DomainError):
    """A refused delivery: 401 (signature), 413 (size) or 429 (rate), with optional headers."""

    def __init__(
        self, status_code: int, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.headers = headers or {}


# -- tokens and secrets ---------------------------------------------------------------------------


def new_hook_token() -> str:
    """Return a fresh URL-safe token: 32 random bytes (43 characters)."""
    return secrets.token_urlsafe(32)


def new_hook_secret() -> str:
    """Return a fresh signing secret (32 random bytes; the HMAC key is the string's UTF-8)."""
    return "whsec_" + secrets.token_urlsafe(32)


def inbound_url(token: str) -> str:
    """Return the public URL of a hook token (`CRMFLOW_PUBLIC_URL` + /api/v1/hooks/<token>)."""
    return f"{get_settings().public_url.rstrip('/')}{HOOKS_PATH}/{token}"


def sync_hook_token(workflow: Workflow) -> None:
    """Give a webhook_received workflow a token; take it away when the trigger changes.

    The signing secret is kept: switching back to webhook_received still requires signatures.
    """
    if workflow.trigger_type == WEBHOOK_TRIGGER:
        if not workflow.hook_token:
            workflow.hook_token = new_hook_token()
    elif workflow.hook_token is not None:
        workflow.hook_token = None


class HookSettingsIn(BaseModel):
    """Rotate the inbound URL's token and/or set or clear its signing secret."""

    model_config = ConfigDict(extra="forbid")

    rotate_token: bool = Field(
        False, description="issue a new token: the previous inbound URL stops working at once"
    )
    secret: Literal["generate"] | None = Field(
        None,
        description='"generate": a new signing secret, returned once in this response; '
        "null: no secret (signatures no longer checked); absent: unchanged",
    )
    rate_limit_per_minute: int | None = Field(
        None,
        ge=1,
        le=MAX_RATE_LIMIT,
        description="deliveries per minute this URL accepts before answering 429; null: the "
        "server's default (CRMFLOW_HOOK_RATE_LIMIT, 600); absent: unchanged",
    )


class HookSettingsOut(BaseModel):
    """The inbound URL, whether signatures are required, and a secret generated just now."""

    workflow_id: int
    inbound_url: str
    signature_required: bool
    rate_limit_per_minute: int | None = Field(
        description="this workflow's own limit; null: the server's default applies"
    )
    secret: str | None = Field(
        None,
        description="only in the response that generated it: store it now, it is never shown again",
    )


def configure_hook(
    session: Session,
    workflow: Workflow,
    *,
    rotate_token: bool,
    change_secret: bool,
    secret: str | None,
    change_rate_limit: bool = False,
    rate_limit: int | None = None,
) -> HookSettingsOut:
    """Rotate the token, set or clear the secret and/or the rate limit; commit."""
    if workflow.trigger_type != WEBHOOK_TRIGGER:
        raise Conflict(
            f"workflow {workflow.id} is triggered by {workflow.trigger_type}, not "
            f"{WEBHOOK_TRIGGER}: it has no inbound URL"
        )
    if rotate_token or not workflow.hook_token:
        workflow.hook_token = new_hook_token()
    generated: str | None = None
    if change_secret:
        generated = new_hook_secret() if secret == "generate" else None
        workflow.hook_secret = generated
    if change_rate_limit:
        workflow.hook_rate_limit = rate_limit
    workflow.updated_at = utcnow()
    session.commit()
    log.info(
        "workflow %s: inbound hook updated (token rotated: %s, secret %s)",
        workflow.id,
        rotate_token,
        "unchanged" if not change_secret else ("generated" if generated else "cleared"),
    )
    assert workflow.hook_token is not None
    return HookSettingsOut(
        workflow_id=workflow.id,
        inbound_url=inbound_url(workflow.hook_token),
        signature_required=bool(workflow.hook_secret),
        rate_limit_per_minute=workflow.hook_rate_limit,
        secret=generated,
    )


# -- deliveries -----------------------------------------------------------------------------------


class HookAccepted(BaseModel):
    """A delivery's run: new (202) or the first run of a repeated Idempotency-Key (200)."""

    execution_id: int
    status: str
    duplicate: bool


@dataclass(frozen=True)
class Delivery:
    """What arrived: the raw body and the request's headers (lower-case names) and query."""

    body: bytes
    headers: Mapping[str, str]
    header_items: list[tuple[str, str]]
    query_items: list[tuple[str, str]]


class _RateLimiter:
    """A sliding window of delivery times per workflow, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[int, deque[float]] = {}

    def check(self, workflow_id: int, *, limit: int, window: float) -> float | None:
        """Record a delivery; return None when allowed, else the seconds until one is."""
        now = time.monotonic()
        with self._lock:
            times = self._seen.setdefault(workflow_id, deque())
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= limit:
                return max(times[0] + window - now, 0.0)
            times.append(now)
            return None

    def reset(self) -> None:
        """Forget every delivery (tests)."""
        with self._lock:
            self._seen.clear()


rate_limiter = _RateLimiter()


def _clean(value: Any) -> Any:
    """Drop NUL characters (PostgreSQL's JSON and text refuse them) through a parsed body."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_clean(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _content_type(headers: Mapping[str, str]) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def parse_body(body: bytes, content_type: str) -> dict[str, Any]:
    """The payload: a JSON object as is, form fields, else `{"raw": <text>}` (empty: `{}`)."""
    if not body.strip():
        return {}
    text = body.decode("utf-8", errors="replace")
    if content_type == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=1000)
        except ValueError:  # more fields than that
            return {"raw": _clean(text)}
        return _multi_dict((_clean(k), _clean(v)) for k, v in pairs)
    if not content_type or content_type == "application/json" or content_type.endswith("+json"):
        try:
            parsed = json.loads(text, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            parsed = None
        if isinstance(parsed, dict):
            return dict(_clean(parsed))
    return {"raw": _clean(text)}


def _selected_headers(items: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw_name, value in items:
        name = raw_name.lower()
        if name in DROPPED_HEADERS or CREDENTIAL_HEADER.search(name):
            continue
        if name not in out and len(out) >= MAX_HEADERS:
            continue
        value = _clean(value)[:MAX_HEADER_CHARS]
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


def _multi_dict(pairs: Iterable[tuple[str, str]], limit: int | None = None) -> dict[str, Any]:
    """Pairs to a dict; a repeated name gives a list of its values (first `limit` names)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            previous = out[key]
            out[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        elif limit is None or len(out) < limit:
            out[key] = value
    return out


def _query(items: list[tuple[str, str]]) -> dict[str, Any]:
    pairs = ((_clean(k), _clean(v)[:MAX_HEADER_CHARS]) for k, v in items)
    return _multi_dict(pairs, MAX_QUERY_PARAMS)


def fire_key_for(idempotency_key: str) -> str:
    """`hook:<key>`; a long or unusual key is hashed so that it always fits the column."""
    if _FIRE_KEY_CHARS.match(idempotency_key):
        return f"hook:{idempotency_key}"
    return "hook:sha256:" + hashlib.sha256(idempotency_key.encode("utf-8", "replace")).hexdigest()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The expected X-Crmflow-Signature value: `sha256=<hex HMAC of "{timestamp}." + body>`."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> None:
    """Raise HookError(401) unless the delivery carries a fresh, valid signature."""
    given = headers.get(SIGNATURE_HEADER, "").strip()
    stamp = headers.get(TIMESTAMP_HEADER, "").strip()
    if not given:
        raise HookError(401, "missing X-Crmflow-Signature: this hook requires signed deliveries")
    if not stamp:
        raise HookError(401, "missing X-Crmflow-Timestamp: signed deliveries carry their time")
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > 12:
        raise HookError(401, "X-Crmflow-Timestamp: expected a Unix time in seconds")
    if abs(now - int(stamp)) > SIGNATURE_TOLERANCE_SECONDS:
        raise HookError(
            401,
            f"X-Crmflow-Timestamp is more than {SIGNATURE_TOLERANCE_SECONDS} seconds from now: "
            "stale or replayed delivery",
        )
    expected = signature(secret, stamp, body)
    if not hmac.compare_digest(given.lower().encode(), expected.encode()):
        raise HookError(
            401,
            'X-Crmflow-Signature does not match (expected "sha256=" + hex HMAC-SHA256 of '
            '"<timestamp>." + body)',
        )


def _find_by_fire_key(
    session: Session, workflow_id: int, fire_key: str
) -> WorkflowExecution | None:
    return session.scalar(
        select(WorkflowExecution).where(
            WorkflowExecution.workflow_id == workflow_id, WorkflowExecution.fire_key == fire_key
        )
    )


def _refuse_replay(session: Session, workflow_id: int, given_signature: str) -> None:
    """Remember a signed delivery; raise HookError(409) if this signature was seen before.

    The timestamp bounds a delivery's life to the tolerance window, so signatures older than
    twice that are forgotten.
    """
    now = utcnow()
    session.execute(
        delete(HookSignature).where(
            HookSignature.workflow_id == workflow_id,
            HookSignature.received_at < now - timedelta(seconds=2 * SIGNATURE_TOLERANCE_SECONDS),
        )
    )
    digest = hashlib.sha256(given_signature.strip().lower().encode()).hexdigest()
    insert = dialect.upsert_insert(session)
    stored = session.execute(
        insert(HookSignature)
        .values(workflow_id=workflow_id, signature_digest=digest, received_at=now)
        .on_conflict_do_nothing()
        .returning(HookSignature.id)
    ).first()
    if stored is None:
        log.warning("workflow %s: replayed signed delivery refused", workflow_id)
        raise HookError(
            409,
            "this signed delivery was already received: a replay is refused (sign each "
            "delivery with its own timestamp; retry with the same Idempotency-Key to learn "
            "the first run)",
        )


def receive(
    session: Session, *, token: str, delivery: Delivery, default_rate_limit: int = 600
) -> HookAccepted:
    """Accept one delivery: check token, rate, signature, repeat and status; queue the run."""
    # A malformed token still costs one lookup (of a value no token has): the answer and its
    # timing do not depend on the shape, and a database outage is a 503 here like everywhere.
    lookup = token if _TOKEN_SHAPE.match(token) else "!"
    workflow = session.scalar(select(Workflow).where(Workflow.hook_token == lookup))
    if workflow is None or workflow.trigger_type != WEBHOOK_TRIGGER:
        raise NotFound("no inbound webhook at this URL")
    limit = workflow.hook_rate_limit or default_rate_limit
    wait = rate_limiter.check(workflow.id, limit=limit, window=RATE_WINDOW_SECONDS)
    if wait is not None:
        raise HookError(
            429,
            f"too many deliveries: at most {limit} per {RATE_WINDOW_SECONDS:g} seconds "
            "(raise it with the hook's rate_limit_per_minute)",
            headers={"Retry-After": str(max(1, int(wait + 0.999)))},
        )
    if workflow.hook_secret:
        verify_signature(workflow.hook_secret, delivery.headers, delivery.body, time.time())
    key = (delivery.headers.get("idempotency-key") or "").strip()
    fire_key = fire_key_for(key) if key else None
    if fire_key:
        # Before the status check: a sender retrying a delivery that did run learns so.
        first = _find_by_fire_key(session, workflow.id, fire_key)
        if first is not None:
            return HookAccepted(execution_id=first.id, status=first.status, duplicate=True)
    if workflow.status != "active":
        raise Conflict("workflow is not active")
    if workflow.current_version_id is None:
        raise Conflict("workflow has no version to run")
    if workflow.hook_secret:
        _refuse_replay(session, workflow.id, delivery.headers.get(SIGNATURE_HEADER, ""))
    trigger_data = {
        "payload": parse_body(delivery.body, _content_type(delivery.headers)),
        "headers": _selected_headers(delivery.header_items),
        "query": _query(delivery.query_items),
    }
    ids = insert_executions(
        session,
        [
            {
                "company_id": workflow.company_id,
                "workflow_id": workflow.id,
                "version_id": workflow.current_version_id,
                "version": workflow.version_number,
                "trigger_type": WEBHOOK_TRIGGER,
                "fire_key": fire_key,
                "trigger_data": trigger_data,
            }
        ],
    )
    session.commit()  # the run becomes runnable now, like a manual run
    if ids:
        return HookAccepted(execution_id=ids[0], status=ExecutionStatus.PENDING, duplicate=False)
    # Lost a race with a concurrent delivery of the same Idempotency-Key.
    assert fire_key is not None
    first = _find_by_fire_key(session, workflow.id, fire_key)
    assert first is not None
    return HookAccepted(execution_id=first.id, status=first.status, duplicate=True)
