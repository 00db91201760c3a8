"""Case-insensitive string enums: inputs accept any case, outputs are lower case."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class LowerStrEnum(StrEnum):
    """A string enum that matches its values case-insensitively."""

    @classmethod
    def _missing_(cls, value: Any) -> Any:
        if isinstance(value, str):
            lowered = value.strip().lower()
            for member in cls:
                if member.value == lowered:
                    return member
        return None


class WorkflowStatus(LowerStrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    INACTIVE = "inactive"


class ExecutionStatus(LowerStrEnum):
    PENDING = "pending"
    RUNNING = "running"
    WAITING = "waiting"
    # Every step that ran succeeded.
    SUCCESS = "success"
    # Completed with errors: the run went on past a failed step (`on_error: continue`).
    PARTIAL = "partial"
    FAILED = "failed"
    SKIPPED = "skipped"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


_E = ExecutionStatus
# Where runs end, in the order the API and the UI list them.
FINISHED_IN_ORDER = (_E.SUCCESS, _E.PARTIAL, _E.FAILED, _E.SKIPPED, _E.REJECTED, _E.CANCELLED)
FINISHED_STATUSES = frozenset(FINISHED_IN_ORDER)
IN_PROGRESS = (_E.PENDING, _E.RUNNING, _E.WAITING)
# Runs that acted: the success rate is success / these. Skipped runs (their conditions said no)
# and cancelled ones are reported beside the rate, never inside it.
ACTED_STATUSES = (_E.SUCCESS, _E.PARTIAL, _E.FAILED, _E.REJECTED)


class StepStatus(LowerStrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    SKIPPED = "skipped"


class ApprovalStatus(LowerStrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class DeliveryStatus(LowerStrEnum):
    """An outgoing email's or webhook call's delivery."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Role(LowerStrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


class TriggerType(LowerStrEnum):
    ORGANISATION_CREATED = "organisation_created"
    ORGANISATION_UPDATED = "organisation_updated"
    DEAL_CREATED = "deal_created"
    DEAL_UPDATED = "deal_updated"
    DEAL_STAGE_CHANGED = "deal_stage_changed"
    TASK_COMPLETED = "task_completed"
    ACTIVITY_LOGGED = "activity_logged"
    INACTIVITY_DELAY = "inactivity_delay"
    SCHEDULED = "scheduled"
    WEBHOOK_RECEIVED = "webhook_received"
    MANUAL = "manual"


class SuggestionStatus(LowerStrEnum):
    """A mined suggestion's life: shown, taken (applied as a draft), turned down, or live."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"


class SuggestionSource(LowerStrEnum):
    """Who wrote a suggestion's words: the miners alone, or a language model from their figures."""

    HISTORICAL = "historical"
    LLM = "llm"


class SuggestionKind(LowerStrEnum):
    """What a miner looked for."""

    AUTO_APPROVAL = "auto_approval"
    PARALLEL_APPROVALS = "parallel_approvals"
    PERFORMANCE = "performance"
    ERROR_HANDLING = "error_handling"
    MANUAL_WORK = "manual_work"


class JobStatus(LowerStrEnum):
    """A background job's state."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
