"""Polling helpers for tests that run the embedded runtime."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from crmflow.common.enums import FINISHED_STATUSES

FINISHED = FINISHED_STATUSES


def wait_for_executions(
    client: TestClient,
    headers: dict[str, str],
    *,
    count: int,
    timeout: float = 10.0,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Poll GET /executions until `count` finished executions match the filters."""
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    deadline = time.monotonic() + timeout
    items: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        page = client.get(f"/api/v1/executions?size=500&{query}", headers=headers).json()
        items = [e for e in page["items"] if e["status"] in FINISHED]
        if len(items) >= count:
            return items
        time.sleep(0.02)
    raise AssertionError(f"expected {count} finished executions, saw {items}")
