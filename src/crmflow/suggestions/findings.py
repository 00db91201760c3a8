"""What a miner finds: a pattern, its evidence, and the change it proposes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crmflow.common.enums import SuggestionKind


@dataclass
class History:
    """The slice of history every miner reads: one company, since a date, patterns seen often."""

    company_id: int
    since: datetime
    until: datetime
    min_occurrences: int

    @property
    def window(self) -> dict[str, Any]:
        days = round((self.until - self.since).total_seconds() / 86400, 1)
        return {"from": self.since.isoformat(), "to": self.until.isoformat(), "days": days}


@dataclass
class Finding:
    """One suggestion as a miner made it (numbers only from history)."""

    kind: SuggestionKind
    workflow_id: int | None
    # What makes this pattern the same pattern next time (a step path, a segment).
    key: str
    title: str
    description: str
    confidence: float
    frequency: int
    evidence: dict[str, Any] = field(default_factory=dict)
    change: dict[str, Any] | None = None

    @property
    def fingerprint(self) -> str:
        raw = f"{self.kind.value}|{self.workflow_id}|{self.key}"
        return hashlib.sha256(raw.encode()).hexdigest()
