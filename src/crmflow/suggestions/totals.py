"""All-time counts of suggestions reaching each status (the `workflow_suggestion_total` counter)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from crmflow.db import dialect
from crmflow.suggestions.models import SuggestionStatTotal

TOTALS = SuggestionStatTotal.__table__


def count_reached(session: Session, reached: Counter[tuple[str, str]]) -> None:
    """Add (source, status) -> how many suggestions just reached that status (in the caller's
    transaction, so a rolled-back decision is not counted)."""
    if not reached:
        return
    stmt = dialect.adding_upsert(TOTALS, ["source", "status"], ["count"], session)
    session.execute(
        stmt, [{"source": src, "status": st, "count": n} for (src, st), n in reached.items()]
    )
