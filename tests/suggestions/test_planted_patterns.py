"""On a history with six planted patterns, the generator finds each one (with the right
threshold) and proposes nothing false with a confidence above 0.8."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from crmflow.bench.suggestions import PATTERNS
from crmflow.config import Settings
from crmflow.db.session import get_session_factory
from crmflow.simulation.service import Options
from crmflow.suggestions import service
from crmflow.suggestions.findings import Finding
from crmflow.suggestions.llm import Refined
from crmflow.suggestions.models import SuggestionJob
from tests.conftest import Tenant
from tests.suggestions.planted import plant_and_generate, principal_of


@pytest.mark.parametrize("seed", [7, 11, 23])
def test_every_planted_pattern_is_found_and_nothing_confident_is_false(
    writer_session: Session, db_url: str, tenant: Tenant, seed: int
) -> None:
    planted, rows, outcome = plant_and_generate(writer_session, db_url, tenant, seed=seed)
    assert outcome is not None
    found = {e.name: [r for r in rows if e.matches(r, planted)] for e in PATTERNS}
    table = [
        (e.name, len(found[e.name]), max((r.confidence_score for r in found[e.name]), default=0))
        for e in PATTERNS
    ]
    assert all(count == 1 for _, count, _ in table), (table, [(r.kind, r.title) for r in rows])
    true_rows = {r.id for matches in found.values() for r in matches}
    false_confident = [r for r in rows if r.id not in true_rows and r.confidence_score > 0.8]
    assert false_confident == [], [(r.kind, r.title, r.confidence_score) for r in false_confident]
    # The discount threshold is learned exactly, with a Wilson bound as the confidence.
    (discount,) = found["discounts < 10 % approved"]
    assert discount.evidence["segment"] == {
        "field": "deal.discount_percent",
        "operator": "<",
        "value": 10,
    }
    assert discount.confidence_score > 0.95
    assert discount.evidence["in_segment"]["rejected"] == 0
    assert discount.change["patch"][-1]["value"] == {
        "field": "deal.discount_percent",
        "operator": ">=",
        "value": 10,
    }
    # Every change was validated and back-tested before it was shown.
    for row in rows:
        if row.change is not None:
            assert row.backtest is not None and "events_considered" in row.backtest, row.title
    job = writer_session.query(SuggestionJob).one()
    assert job.status == "completed" and job.progress == 100.0 and job.created_count == len(rows)


def test_generating_again_refreshes_instead_of_duplicating(
    writer_session: Session, db_url: str, tenant: Tenant
) -> None:

    _, first, _ = plant_and_generate(writer_session, db_url, tenant)
    job = service.queue_job(
        writer_session, principal=principal_of(tenant), days=30, min_occurrences=10, use_llm=False
    )
    writer_session.rollback()
    outcome = service.run_job(
        get_session_factory(db_url),
        job_id=job.id,
        options=Options.from_settings(Settings(database_url=db_url)),
        read_factory=get_session_factory(db_url, writer=False),
    )
    assert outcome is not None
    assert (outcome.created, outcome.refreshed) == (0, len(first))
    writer_session.rollback()
    assert writer_session.query(type(first[0])).count() == len(first)


def test_rewritten_words_are_kept_beside_the_mined_ones(
    writer_session: Session, db_url: str, tenant: Tenant
) -> None:
    def refiner(findings: list[Finding], *, language: str) -> list[Refined | None]:
        assert language == "en"
        # Every other finding rewritten; the rest falls back to the miners' words.
        return [
            Refined(title=f"Idea: {f.title}", description=f.description, rank=index + 1)
            if index % 2 == 0
            else None
            for index, f in enumerate(findings)
        ]

    _, rows, _ = plant_and_generate(writer_session, db_url, tenant, use_llm=True, refiner=refiner)
    rewritten = [r for r in rows if r.source == "llm"]
    kept = [r for r in rows if r.source == "historical"]
    assert rewritten and kept
    for row in rewritten:
        assert row.title == f"Idea: {row.mined_title}" and row.evidence["rank"] >= 1
    for row in kept:
        assert row.title == row.mined_title


def test_a_refiner_answering_for_the_wrong_count_is_not_trusted(
    writer_session: Session, db_url: str, tenant: Tenant
) -> None:
    def refiner(findings: list[Finding], *, language: str) -> list[Refined | None]:
        return [Refined(title="x", description="y", rank=None)]

    _, rows, _ = plant_and_generate(writer_session, db_url, tenant, use_llm=True, refiner=refiner)
    assert rows and all(r.source == "historical" and r.title == r.mined_title for r in rows)
