"""Request and response bodies of the secrets API: values go in, never come out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from crmflow.vault.masking import NAME_PATTERN

MAX_VALUE_BYTES = 8192

SecretName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=NAME_PATTERN),
    Field(
        description="used as `{{ secrets.NAME }}`: a letter, then letters, digits or `_` "
        "(64 at most); unique in the company",
        examples=["BILLING_API_TOKEN"],
    ),
]
# One line, no control characters (it is shown in lists and logs).
Description = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^[^\u0000-\u001f\u007f]*$"),
]


def _fits(value: str) -> str:
    if len(value.encode()) > MAX_VALUE_BYTES:
        raise ValueError(f"a secret holds at most {MAX_VALUE_BYTES} bytes (UTF-8)")
    return value


SecretValue = Annotated[
    str,
    StringConstraints(min_length=1),
    AfterValidator(_fits),
    Field(
        description=f"the secret itself (at most {MAX_VALUE_BYTES} bytes); write-only: no "
        "response ever contains it",
        json_schema_extra={"writeOnly": True, "format": "password"},
    ),
]


class SecretCreate(BaseModel):
    """A new secret."""

    model_config = ConfigDict(extra="forbid")

    name: SecretName
    value: SecretValue
    description: Description = ""


class SecretUpdate(BaseModel):
    """Replace a secret's value and/or description (the name stays)."""

    model_config = ConfigDict(extra="forbid")

    value: SecretValue | None = None
    description: Description | None = None


class SecretOut(BaseModel):
    """A secret's metadata: never its value."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    has_value: bool = Field(True, description="always true: the value is stored, never shown")
    created_by: int | None
    updated_by: int | None
    created_at: datetime
    updated_at: datetime
    last_used_at: datetime | None = Field(description="when a run last read it (a few minutes)")
