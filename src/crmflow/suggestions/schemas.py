"""Pydantic models of the suggestions API (the seed's names and fields)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from crmflow.common.text import Text


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GenerateIn(_In):
    """Mine the company's history for suggestions (a job with progress)."""

    days: int = Field(30, ge=1, le=365, description="how far back to look")
    min_occurrences: int = Field(
        10, ge=3, le=100_000, description="how often a pattern must have been seen"
    )
    use_llm: bool = Field(True, description="let the configured language model rewrite the texts")
    language: Literal["en", "fr"] = Field("en", description="the language of the rewritten texts")


class DecisionIn(_In):
    """Accept or reject a suggestion, with notes."""

    notes: Text = Field("", max_length=5000)


class SuggestionOut(BaseModel):
    """A suggestion with its evidence, its change and the back-test of that change."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    workflow_id: int | None
    kind: str
    title: str
    description: str
    mined_title: str = Field(description="the miners' own title (the text above may be rewritten)")
    mined_description: str
    source: str = Field(description="historical (the miners' words) or llm (rewritten by a model)")
    confidence_score: float = Field(description="0-1: a Wilson 95 % lower bound, see docs")
    pattern_frequency: int
    status: str
    evidence: dict[str, Any]
    change: dict[str, Any] | None = Field(
        description='{"type": "patch", "workflow_id", "base_version", "patch": [RFC 6902]} or '
        '{"type": "new_workflow", "definition"}; null: advice without an automatic change'
    )
    backtest: dict[str, Any] | None
    notes: str
    decided_by: int | None
    decided_at: datetime | None
    applied_workflow_id: int | None
    applied_version: int | None
    created_at: datetime
    updated_at: datetime


class JobOut(BaseModel):
    """A generation job: its progress and what it found."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    status: str
    days: int
    min_occurrences: int
    use_llm: bool
    progress: float
    stage: str
    created_count: int
    refreshed_count: int
    discarded: list[Any]
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    duration_ms: float | None
