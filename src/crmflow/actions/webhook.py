"""`call_webhook`: an HTTP request to another system, sent from the outbox; its response is
the step's output (`{{ steps.<id>.output.json.... }}`)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Table, select

from crmflow.common.enums import DeliveryStatus
from crmflow.db.writes import insert_once
from crmflow.engine.deferred import ActionWaiting, DeferredAction
from crmflow.engine.errors import DefinitionError
from crmflow.engine.plugins import Action, ActionContext, ActionFailed, is_template
from crmflow.outbound.models import WebhookCall
from crmflow.outbound.ssrf import Refused, parse_target
from crmflow.vault.masking import Redactor, header_credentials
from crmflow.vault.sealing import Sealer
from crmflow.vault.service import used_values

WEBHOOKS: Table = WebhookCall.__table__  # type: ignore[assignment]
MAX_BODY_BYTES = 1_000_000


class CallWebhookConfig(BaseModel):
    """The call to make: where, how and what to send; every value may use the record's."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2000)
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    headers: dict[str, str] = Field(default_factory=dict)
    json_body: Any = Field(None, alias="json")
    form: dict[str, str] | None = None
    body: str | None = None
    timeout: float = Field(10.0, gt=0, le=60)
    max_attempts: int = Field(5, ge=1, le=10)

    @model_validator(mode="before")
    @classmethod
    def _upper_method(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("method"), str):
            return {**value, "method": value["method"].strip().upper()}
        return value

    @model_validator(mode="after")
    def _one_body(self) -> CallWebhookConfig:
        given = [k for k in ("json_body", "form", "body") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError("give at most one of `json`, `form` or `body`")
        return self


def _encode(config: CallWebhookConfig) -> tuple[str | None, str | None]:
    """Return (body text, content type)."""
    if config.json_body is not None:
        return json.dumps(config.json_body, default=str), "application/json"
    if config.form is not None:
        return urlencode(config.form), "application/x-www-form-urlencoded"
    if config.body is not None:
        return config.body, "text/plain; charset=utf-8"
    return None, None


class CallWebhookOutput(BaseModel):
    """The other system's answer."""

    status: int | None = Field(description="the answer's status code (200: all went well)")
    headers: dict[str, str] = Field(description="the answer's headers")
    json_body: Any = Field(None, alias="json", description="the answer's data, when it is JSON")
    text: str | None = Field(None, description="otherwise, the answer as text (shortened)")
    size: int = Field(description="the answer's size in bytes")
    elapsed_ms: float = Field(description="how long the answer took, in milliseconds")
    url: str = Field(description="the web address that answered")
    attempts: int = Field(description="how many tries it took")
    idempotency_key: str = Field(description="the key that lets the other system spot a repeat")


class CallWebhook(DeferredAction):
    type = "call_webhook"
    name = "Call webhook"
    description = (
        "Sends data to another system (your billing or support tool, for example) and keeps "
        "its answer for the next steps; tries again by itself while that system is unavailable."
    )
    config_model = CallWebhookConfig
    is_idempotent = False  # the receiver decides, with the Idempotency-Key we send
    latency_class = "slow"
    side_effects = ("http_request",)
    supports_dry_run = False
    accepts_secrets = True
    output_model = CallWebhookOutput
    field_docs = {
        "url": "the web address to call; an address inside your own network needs your "
        "administrator's approval",
        "method": "the kind of call the other system expects (POST unless it says otherwise)",
        "headers": "extra information sent with the call; passwords and keys are hidden "
        "wherever the step is shown: insert them from your secrets",
        "json": "the data to send, as JSON",
        "form": "the data to send, as a web form",
        "body": "plain text to send",
        "timeout": "seconds to wait for an answer (10 by default, at most 60)",
        "max_attempts": "how many times to try while the other system is unavailable "
        "(5 by default)",
    }
    example = {
        "url": "https://billing.example.com/api/deals",
        "method": "POST",
        "headers": {"X-Account": "acme"},
        "json": {"deal": "{{ deal.id }}", "amount": "{{ deal.amount }}"},
    }

    def check(self, config: dict[str, Any], *, path: str, entity_type: str | None) -> None:
        url = config.get("url")
        if isinstance(url, str) and not is_template(url):
            try:
                parse_target(url)
            except Refused as exc:
                raise DefinitionError(str(exc).removeprefix("refused: "), f"{path}.url") from None

    def execute(self, ctx: ActionContext, config: Any) -> dict[str, Any]:
        try:
            parse_target(config.url)
        except Refused as exc:
            raise ActionFailed(f"url: {str(exc).removeprefix('refused: ')}") from None
        body, content_type = _encode(config)
        if body is not None and len(body.encode()) > MAX_BODY_BYTES:
            raise ActionFailed(f"body: larger than {MAX_BODY_BYTES} bytes")
        headers = dict(config.headers)
        if content_type and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = content_type
        # The outbox row outlives the call: credentials in it are kept sealed, not in clear.
        sealer = Sealer(
            ctx.extra.get("secret_key"),
            company_id=ctx.company_id,
            call_key=ctx.idempotency_key,
            plaintexts=used_values(ctx.data.get("secrets")),
        )
        call_id = insert_once(
            ctx.conn,
            WEBHOOKS,
            key_column="idempotency_key",
            key=ctx.idempotency_key,
            values={
                "company_id": ctx.company_id,
                "execution_id": ctx.execution_id,
                "step_path": ctx.step_path,
                "method": config.method,
                "url": sealer.text("url", config.url),
                "headers": sealer.headers(headers),
                "body": sealer.text("body", body),
                "status": DeliveryStatus.QUEUED,
                "attempts": 0,
                "max_attempts": config.max_attempts,
                "timeout_seconds": config.timeout,
                "next_attempt_at": None,
                "lease_until": None,
                "response": None,
                "error": None,
                "sent_at": None,
                "created_at": ctx.now,
                "updated_at": ctx.now,
            },
        )
        return self._waiting(ctx, call_id, f"queued: {config.method} {config.url}")

    def _waiting(self, ctx: ActionContext, call_id: int, message: str) -> dict[str, Any]:
        raise ActionWaiting(
            {"webhook_call_id": call_id, "waiting": "webhook"},
            ctx.now + timedelta(minutes=10),
            message,
        )

    def resume(self, ctx: ActionContext, waiting: dict[str, Any]) -> dict[str, Any]:
        row = ctx.conn.execute(
            select(
                WEBHOOKS.c.status,
                WEBHOOKS.c.response,
                WEBHOOKS.c.error,
                WEBHOOKS.c.attempts,
                WEBHOOKS.c.idempotency_key,
                WEBHOOKS.c.headers,
            ).where(WEBHOOKS.c.id == waiting["webhook_call_id"])
        ).first()
        if row is None:
            raise ActionFailed(f"webhook call {waiting['webhook_call_id']} no longer exists")
        # A receiver may echo the request's credentials back (in a body, an error page): the
        # step's output and error must not show them.
        echo = Redactor(header_credentials(row.headers))
        if row.status == DeliveryStatus.SENT:
            response = echo.data(dict(row.response or {}))
            return {**response, "attempts": row.attempts, "idempotency_key": row.idempotency_key}
        error = echo.text(str(row.error))
        if row.status == DeliveryStatus.FAILED:
            raise ActionFailed(f"webhook failed after {row.attempts} attempt(s): {error}")
        return self._waiting(
            ctx,
            int(waiting["webhook_call_id"]),
            f"attempt {row.attempts} failed: {error}; retrying"
            if row.error
            else "queued for delivery",
        )


# The `webhook` entry point of the `crmflow.actions` group (pyproject.toml) names this.
ACTIONS: tuple[Action, ...] = (CallWebhook(),)
