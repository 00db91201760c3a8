"""What a step may record when it touches secrets: masked inputs, outputs, messages, errors.

The action itself gets the real values; the step record (input, output, error, message), the
`steps.<id>` later steps read, and the execution's error get them masked. Steps whose config
reads no secret and has no credential header pay for a dictionary lookup, nothing more.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

from crmflow.engine.errors import TemplateRenderError
from crmflow.engine.templating import render
from crmflow.vault.masking import MASK, Redactor, header_credentials, mask_headers, secret_fields
from crmflow.vault.service import SecretError, read_all, unlock, used_values


@cache
def _model_secret_fields(model: type[BaseModel]) -> frozenset[str]:
    return secret_fields(model.model_json_schema())


def action_secret_fields(action: Any) -> frozenset[str]:
    """Config fields the action's schema marks secret (a custom action's input schema too)."""
    custom = getattr(action, "input_schema", None)
    if isinstance(custom, dict):
        return secret_fields(custom)
    return _model_secret_fields(action.config_model)


# Shared by every step that has nothing to hide: most steps, on the hot path.
NO_SHIELD = Redactor()


def render_config(
    config: Any, data: dict[str, Any], names: frozenset[str], language: str = "en"
) -> Any:
    """Render a step config (numbers in `language`), reading only the secrets it names."""
    if not names:
        return render(config, data, "config", language=language)
    view = data.get("secrets")
    unlock(view, names)
    try:
        return render(config, data, "config", language=language)
    finally:
        unlock(view, ())


def shield_for(data: dict[str, Any], rendered: dict[str, Any]) -> Redactor:
    """A redactor for the secrets read so far and the credential headers just rendered."""
    hidden = [*used_values(data.get("secrets")), *header_credentials(rendered.get("headers"))]
    return Redactor(hidden) if hidden else NO_SHIELD


def shield_on_resume(data: dict[str, Any], names: frozenset[str]) -> Redactor:
    """A resumed step's redactor: decrypts its secrets again (SecretError if it cannot)."""
    return Redactor(read_all(data.get("secrets"), names)) if names else NO_SHIELD


def recorded_input(action: Any, rendered: dict[str, Any], shield: Redactor) -> dict[str, Any]:
    """The rendered config as the step record keeps it: secrets and credentials masked."""
    fields = action_secret_fields(action)
    if not fields and not shield and "headers" not in rendered:
        return rendered
    masked: dict[str, Any] = dict(shield.data(rendered))
    if "headers" in masked:
        masked["headers"] = mask_headers(masked["headers"], all_credentials=True)
    for name in fields & masked.keys():
        if masked[name] is not None:
            masked[name] = MASK
    return masked


def step_error(exc: Exception) -> str:
    """The message of a step failure; a secret's own message without the template wrapping."""
    cause = exc.__cause__
    if isinstance(exc, TemplateRenderError) and isinstance(cause, SecretError):
        return f"{exc.path}: {cause}"
    return str(exc)
