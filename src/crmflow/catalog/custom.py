"""Custom actions as step types: a company's catalog entry run as a fixed webhook call."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from sqlalchemy.orm import Session

from crmflow.actions.webhook import CallWebhook, CallWebhookConfig
from crmflow.catalog.models import ActionCatalogEntry
from crmflow.catalog.service import get_custom_entry
from crmflow.engine.plugins import ActionFailed


class CustomWebhookAction(CallWebhook):
    """Posts the step's config (checked against the entry's input schema) to the entry's URL."""

    def __init__(self, entry: ActionCatalogEntry) -> None:
        self.entry_type = entry.action_type
        self.input_schema = dict(entry.input_schema or {})
        self.call = dict(entry.config or {})

    def parse_config(self, rendered: dict[str, Any]) -> CallWebhookConfig:
        """Check the rendered config against the input schema, then build the fixed call."""
        error = best_match(Draft202012Validator(self.input_schema).iter_errors(rendered))
        if error is not None:
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
            raise ActionFailed(f"config{where}: {error.message}")
        return CallWebhookConfig.model_validate(
            {
                "url": self.call.get("url", ""),
                "method": self.call.get("method", "POST"),
                "headers": self.call.get("headers") or {},
                "json": rendered,
            }
        )


def find_custom_action(
    session: Session, company_id: int, action_type: str
) -> CustomWebhookAction | None:
    """The company's custom action of this step type, or None (a company action provider)."""
    entry = get_custom_entry(session, company_id, action_type)
    return CustomWebhookAction(entry) if entry is not None else None
