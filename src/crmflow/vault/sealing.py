"""Seal the credentials of a queued webhook call, so the outbox does not keep them in clear.

A `call_webhook` step writes its request to the outbox (`webhook_calls`) and the sender makes
the call later. With CRMFLOW_SECRET_KEY set, the row keeps credential header values, and the
URL or body when a secret was rendered into them, encrypted (bound to the company, the call's
idempotency key and the field); the sender opens them just before sending. Without a key
there is nothing to seal with: no secret can have been read, and credentials typed into the
definition stay as they were written there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crmflow.vault import crypto
from crmflow.vault.masking import is_credential_header

PREFIX = "crmflow-sealed:"


class SealError(Exception):
    """A sealed field cannot be opened (no key, another key, or an altered row)."""


class Sealer:
    """Seals the parts of one outbox row that hold credentials."""

    def __init__(
        self, key: str | None, *, company_id: int, call_key: str, plaintexts: Iterable[str]
    ) -> None:
        try:
            crypto.check_key(key)
        except crypto.SecretKeyMissing:
            key = None
        self._key = key
        self._company_id = company_id
        self._call_key = call_key
        self._plaintexts = [p for p in plaintexts if p]

    def _seal(self, field: str, value: str) -> str:
        assert self._key is not None
        context = f"outbox:{self._call_key}:{field}"
        return PREFIX + crypto.encrypt(
            self._key, company_id=self._company_id, name=context, value=value
        )

    def _holds_secret(self, value: str) -> bool:
        return any(p in value for p in self._plaintexts)

    def text(self, field: str, value: str | None) -> str | None:
        """Seal a URL or body when a secret was rendered into it."""
        if value is None or self._key is None or not self._holds_secret(value):
            return value
        return self._seal(field, value)

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        """Seal credential header values and any header a secret was rendered into."""
        if self._key is None:
            return headers
        return {
            name: self._seal(f"headers.{name}", value)
            if is_credential_header(name) or self._holds_secret(value)
            else value
            for name, value in headers.items()
        }


def _open(key: str | None, company_id: int, call_key: str, field: str, value: Any) -> Any:
    if not (isinstance(value, str) and value.startswith(PREFIX)):
        return value
    try:
        return crypto.decrypt(
            key,
            company_id=company_id,
            name=f"outbox:{call_key}:{field}",
            stored=value[len(PREFIX) :],
        )
    except crypto.SecretKeyMissing as exc:
        raise SealError(f"the queued request's {field} is sealed and {exc}") from None
    except crypto.SecretUnreadable:
        raise SealError(
            f"the queued request's {field} does not decrypt with the current "
            "CRMFLOW_SECRET_KEY (the key changed since the step ran?)"
        ) from None


def open_request(key: str | None, row: dict[str, Any]) -> tuple[str, str | None, dict[str, str]]:
    """Return the (url, body, headers) of an outbox row, opened; SealError if they cannot be."""
    company_id, call_key = int(row["company_id"]), str(row["idempotency_key"])
    url = _open(key, company_id, call_key, "url", row["url"])
    body = _open(key, company_id, call_key, "body", row["body"])
    headers = {
        name: _open(key, company_id, call_key, f"headers.{name}", value)
        for name, value in (row["headers"] or {}).items()
    }
    return url, body, headers
