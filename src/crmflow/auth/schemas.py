"""Request and response bodies of the auth and users API (never hashes or secrets)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crmflow.common.enums import Role
from crmflow.common.ids import Id
from crmflow.common.text import NAME_FORBIDDEN, NameChars

_EMAIL_PART = rf"[^@\s{NAME_FORBIDDEN}]+"
EMAIL_PATTERN = rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$"

Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=320, pattern=EMAIL_PATTERN),
    NameChars,
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=200)]
PersonName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), NameChars]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), NameChars
]


class InputModel(BaseModel):
    """Request body: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid")


Language = Literal["en", "fr"]


class PreferencesIn(InputModel):
    locale: Language | None = Field(description="en or fr; null follows the browser")


class CompanyOut(BaseModel):
    """Your company as its people see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    language: Language = Field(description="what crmflow writes to people: en or fr")


class CompanyUpdate(InputModel):
    language: Language


class LoginIn(InputModel):
    email: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=320)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class UserOut(BaseModel):
    """A user as others see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    company_id: int
    email: str
    name: str
    role: Role
    titles: list[str]
    manager_id: int | None
    is_active: bool
    locale: Language | None = Field(None, description="interface language; null: the browser's")
    created_at: datetime
    updated_at: datetime


class LoginOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    user: UserOut


class UserCreate(InputModel):
    email: Email
    name: PersonName = ""
    role: Role = Role.VIEWER
    titles: list[Title] = Field(default_factory=list, description="e.g. manager, director, sales")
    manager_id: Id | None = None
    password: Password | None = Field(None, description="omit for token-only users")


class UserUpdate(InputModel):
    email: Email | None = None
    name: PersonName | None = None
    role: Role | None = None
    titles: list[Title] | None = None
    manager_id: Id | None = None
    is_active: bool | None = None
    password: Password | None = None


class TokenCreate(InputModel):
    name: PersonName = ""
    expires_in_days: int | None = Field(
        None, ge=1, le=3650, description="the token stops working after this many days"
    )


class TokenOut(BaseModel):
    """An API token's metadata (the token itself is shown once, at creation)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = Field(description="to the minute; None: never used")
    revoked_at: datetime | None
    expires_at: datetime | None = Field(description="None: never expires")


class TokenCreated(TokenOut):
    token: str = Field(description="the Bearer token; store it now, it is not shown again")


class SessionOut(BaseModel):
    """A browser session started: the session cookie is set; here is who it signs in."""

    user: UserOut


class SignOutEverywhereOut(BaseModel):
    revoked_sessions: int = Field(description="sign-in sessions revoked (API tokens are kept)")


class DemoUser(BaseModel):
    email: str
    name: str
    role: Role


class DemoAdmin(BaseModel):
    email: str
    token: str | None = Field(
        description="CRMFLOW_ADMIN_TOKEN; None: a generated token was printed once in the log"
    )


class SignInHelp(BaseModel):
    """How to sign in to a demo; outside demo mode only `demo: false` and empty fields."""

    demo: bool
    users: list[DemoUser]
    password: str | None = Field(description="the demo users' password")
    admin: DemoAdmin | None
