"""Secrets and credentials in workflow definitions: save-time checks and masked responses.

At save time only the form of `{{ secrets.NAME }}` is checked (a secret may be created after
the workflow that uses it): a well-formed name, in a step that may use it (a webhook), never in
a condition. Fields an action's schema marks secret take a reference, not a value. Credential
headers written in clear are accepted, with a warning, and masked in every response.
"""

from __future__ import annotations

from typing import Any

from crmflow.common.errors import Invalid
from crmflow.engine.errors import DefinitionError
from crmflow.engine.plugins import Action
from crmflow.engine.redaction import action_secret_fields
from crmflow.vault.masking import (
    MASK,
    MaskedValueError,
    credential_warnings,
    is_credential_header,
    mask_definition,
    restore_masked,
    secret_fields,
    secret_uses,
)
from crmflow.vault.service import ALLOWED_IN

__all__ = [
    "check_action_secrets",
    "check_condition_fields",
    "check_no_secrets",
    "credential_warnings",
    "mask_definition",
    "restore_masks",
]


def _check_uses(value: Any, path: str, *, allowed: bool) -> None:
    for use in secret_uses(value, path):
        if use.problem is not None:
            raise DefinitionError(use.problem, use.path)
        if not allowed:
            raise DefinitionError(
                f"secrets can only be used in the config of {ALLOWED_IN}", use.path
            )


def check_no_secrets(value: Any, path: str) -> None:
    """Refuse `{{ secrets.NAME }}` in a control step (approval, delay...)."""
    _check_uses(value, path, allowed=False)


def check_action_secrets(
    config: dict[str, Any], path: str, action: Action | None, custom_schema: dict[str, Any] | None
) -> None:
    """Check an action step's secret references, write-only fields and masked headers."""
    if action is None and custom_schema is None:
        return  # an unknown type: the type check says so
    allowed = custom_schema is not None or (action is not None and action.accepts_secrets)
    _check_uses(config, path, allowed=allowed)
    fields = secret_fields(custom_schema) if custom_schema is not None else frozenset()
    if action is not None:
        fields = action_secret_fields(action)
    for name in sorted(fields & config.keys()):
        value = config[name]
        if value is not None and not secret_uses(value):
            raise DefinitionError(
                "a write-only field takes a reference to the secrets store, such as "
                "{{ secrets.NAME }}, not the value itself",
                f"{path}.{name}",
            )
    headers = config.get("headers")
    for name, value in headers.items() if isinstance(headers, dict) else ():
        if value == MASK and is_credential_header(str(name)):
            raise DefinitionError(
                f"{MASK} stands for a stored credential, and there is none here to keep: type "
                "the value again or use {{ secrets.NAME }}",
                f"{path}.headers.{name}",
            )


def check_condition_fields(tree: Any, path: str) -> None:
    """Refuse conditions on `secrets.*`: a condition would reveal a secret bit by bit."""
    if isinstance(tree, dict):
        field = tree.get("field")
        if isinstance(field, str) and (field == "secrets" or field.startswith("secrets.")):
            raise DefinitionError("conditions cannot read secrets", f"{path}.field")
        for key, item in tree.items():
            check_condition_fields(item, f"{path}.{key}")
    elif isinstance(tree, list):
        for index, item in enumerate(tree):
            check_condition_fields(item, f"{path}[{index}]")


def restore_masks(actions: Any, previous: Any) -> Any:
    """Keep stored credentials where an update sends the mask back (422 where it cannot)."""
    try:
        return restore_masked(actions, previous)
    except MaskedValueError as exc:
        raise Invalid(str(exc), field=exc.path) from None
