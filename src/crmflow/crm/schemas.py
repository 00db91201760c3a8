"""Request and response bodies of the CRM API (Pydantic v2)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from crmflow.common.dates import parse_datetime
from crmflow.common.enums import LowerStrEnum
from crmflow.common.ids import Id
from crmflow.common.text import NAME_FORBIDDEN, NameChars, TextChars


class TaskStatus(LowerStrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskPriority(LowerStrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class ActivityKind(LowerStrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    NOTE = "note"
    TASK = "task"


class NotificationLevel(LowerStrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


class RecordType(LowerStrEnum):
    """Records that tasks and activities can be about."""

    ORGANISATION = "organisation"
    CONTACT = "contact"
    DEAL = "deal"


_EMAIL_PART = rf"[^@\s{NAME_FORBIDDEN}]+"
EMAIL_PATTERN = rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$"


def _parse_date_input(value: Any) -> Any:
    if isinstance(value, str):
        return parse_datetime(value)
    return value


# Names, titles, codes and emails refuse control and bidi characters (common/text.py).
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), NameChars
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), NameChars]
Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), NameChars]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=320, pattern=EMAIL_PATTERN), NameChars
]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
TagName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NameChars
]
# ISO 8601 (a bare date means midnight UTC) or relative: "+3 days", "-2 hours", "today", "now".
DateInput = Annotated[datetime, BeforeValidator(_parse_date_input)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50), NameChars]
CustomFields = dict[str, Any]


class InputModel(BaseModel):
    """Request body: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid")


class OutputModel(BaseModel):
    """Response body read from ORM rows."""

    model_config = ConfigDict(from_attributes=True)


# --- organisations ---------------------------------------------------------------------------


class OrganisationCreate(InputModel):
    name: Name
    category: Code | None = None
    pipeline_stage: Code | None = None
    potential_amount: Amount | None = None
    email: Email | None = None
    owner_id: Id | None = Field(None, description="defaults to the caller")
    tags: list[TagName] = []
    custom_fields: CustomFields = {}


class OrganisationUpdate(InputModel):
    """Partial update; `custom_fields` is merged key by key (a null value removes the key)."""

    name: Name | None = None
    category: Code | None = None
    pipeline_stage: Code | None = None
    potential_amount: Amount | None = None
    email: Email | None = None
    owner_id: Id | None = None
    tags: list[TagName] | None = None
    custom_fields: CustomFields | None = None


class OrganisationOut(OutputModel):
    id: int
    name: str
    category: str | None
    pipeline_stage: str | None
    potential_amount: float | None
    email: str | None
    owner_id: int | None
    tags: list[str]
    custom_fields: dict[str, Any]
    last_activity_at: datetime | None
    created_at: datetime
    updated_at: datetime


# --- contacts --------------------------------------------------------------------------------


class ContactCreate(InputModel):
    """A person; at least one of first_name, last_name or email is required."""

    first_name: ShortText = ""
    last_name: ShortText = ""
    email: Email | None = None
    phone: Phone | None = None
    job_title: ShortText | None = None
    organisation_id: Id | None = None
    owner_id: Id | None = Field(None, description="defaults to the caller")
    tags: list[TagName] = []
    custom_fields: CustomFields = {}


class ContactUpdate(InputModel):
    """Partial update; `custom_fields` is merged key by key (a null value removes the key)."""

    first_name: ShortText | None = None
    last_name: ShortText | None = None
    email: Email | None = None
    phone: Phone | None = None
    job_title: ShortText | None = None
    organisation_id: Id | None = None
    owner_id: Id | None = None
    tags: list[TagName] | None = None
    custom_fields: CustomFields | None = None


class ContactOut(OutputModel):
    id: int
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    job_title: str | None
    organisation_id: int | None
    owner_id: int | None
    tags: list[str]
    custom_fields: dict[str, Any]
    last_activity_at: datetime | None
    created_at: datetime
    updated_at: datetime


# --- deals -----------------------------------------------------------------------------------


class DealCreate(InputModel):
    title: Name
    amount: Amount | None = None
    discount_percent: Percent | None = None
    stage: Annotated[Code, StringConstraints(min_length=1)] = "qualification"
    close_date: DateInput | None = None
    organisation_id: Id | None = None
    contact_id: Id | None = None
    owner_id: Id | None = Field(None, description="defaults to the caller")
    tags: list[TagName] = []
    custom_fields: CustomFields = {}


class DealUpdate(InputModel):
    """Partial update; `custom_fields` is merged key by key (a null value removes the key)."""

    title: Name | None = None
    amount: Amount | None = None
    discount_percent: Percent | None = None
    stage: Annotated[Code, StringConstraints(min_length=1)] | None = None
    close_date: DateInput | None = None
    organisation_id: Id | None = None
    contact_id: Id | None = None
    owner_id: Id | None = None
    tags: list[TagName] | None = None
    custom_fields: CustomFields | None = None


class DealOut(OutputModel):
    id: int
    title: str
    amount: float | None
    discount_percent: float | None
    stage: str
    close_date: datetime | None
    organisation_id: int | None
    contact_id: int | None
    owner_id: int | None
    tags: list[str]
    custom_fields: dict[str, Any]
    last_activity_at: datetime | None
    created_at: datetime
    updated_at: datetime


# --- tasks -----------------------------------------------------------------------------------

TaskTitle = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), NameChars
]
LongText = Annotated[str, StringConstraints(max_length=20_000), TextChars]
Subject = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), NameChars]


class TaskCreate(InputModel):
    title: TaskTitle
    description: LongText = ""
    due_date: DateInput | None = None
    assignee_id: Id | None = Field(None, description="defaults to the caller")
    status: TaskStatus = TaskStatus.OPEN
    priority: TaskPriority = TaskPriority.NORMAL
    related_type: RecordType | None = None
    related_id: Id | None = None


class TaskUpdate(InputModel):
    title: TaskTitle | None = None
    description: LongText | None = None
    due_date: DateInput | None = None
    assignee_id: Id | None = None
    status: TaskStatus | None = None
    priority: TaskPriority | None = None
    related_type: RecordType | None = None
    related_id: Id | None = None


class TaskOut(OutputModel):
    id: int
    title: str
    description: str
    due_date: datetime | None
    assignee_id: int | None
    status: TaskStatus
    priority: TaskPriority
    related_type: str | None
    related_id: int | None
    completed_at: datetime | None
    source_step_key: str | None
    created_at: datetime
    updated_at: datetime


# --- activities ------------------------------------------------------------------------------


class ActivityCreate(InputModel):
    kind: ActivityKind = ActivityKind.NOTE
    subject: Subject = ""
    body: LongText = ""
    occurred_at: DateInput | None = Field(None, description="defaults to now")
    entity_type: RecordType
    entity_id: Id
    user_id: Id | None = Field(None, description="who did it; defaults to the caller")


class ActivityUpdate(InputModel):
    kind: ActivityKind | None = None
    subject: Subject | None = None
    body: LongText | None = None
    occurred_at: DateInput | None = None


class ActivityOut(OutputModel):
    id: int
    kind: ActivityKind
    subject: str
    body: str
    occurred_at: datetime
    entity_type: str
    entity_id: int
    user_id: int | None
    created_at: datetime
    updated_at: datetime


# --- notifications ---------------------------------------------------------------------------


class NotificationUpdate(InputModel):
    read: bool


class NotificationOut(OutputModel):
    id: int
    user_id: int
    level: NotificationLevel
    title: str
    message: str
    link: str | None
    read_at: datetime | None
    created_at: datetime


class CountOut(BaseModel):
    count: int


# --- tags ------------------------------------------------------------------------------------

Color = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20), NameChars]


class TagCreate(InputModel):
    name: TagName
    color: Color | None = None


class TagUpdate(InputModel):
    """Rename (the new name replaces the old one on every record) or recolour a tag."""

    name: TagName | None = None
    color: Color | None = None


class TagOut(OutputModel):
    id: int
    name: str
    color: str | None
    created_at: datetime
