"""What every command shares: the error console, the settings, the prepared database."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from crmflow.config import Settings
from crmflow.config import get_settings as load_settings
from crmflow.db.session import mask_url

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crmflow.auth.service import Principal

console = Console(stderr=True)


def fail(message: str) -> NoReturn:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code=1)


def get_settings() -> Settings:
    """Load the settings, turning a bad environment variable into a one-line error."""
    try:
        return load_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        fail(f"invalid settings ({problems})")
        raise  # unreachable: _fail exits


def prepare() -> str | None:
    """Migrate and bootstrap, turning an unreachable database into a clear error."""
    from crmflow.main import prepare_database

    settings = get_settings()
    try:
        return prepare_database(settings)
    except OperationalError as exc:
        fail(f"cannot open database {mask_url(settings.database_url)}: {exc.orig}")
    return None


def admin_principal(session: Session, company: str | None) -> Principal:
    """Act as the first admin of the named company (default: the first company)."""
    from crmflow.auth.models import Company, User
    from crmflow.auth.service import Principal

    query = select(Company).order_by(Company.id)
    if company:
        query = query.where(Company.name == company)
    target = session.scalars(query).first()
    if target is None:
        fail(f"no company named {company!r}")
    admin = session.scalars(
        select(User).where(User.company_id == target.id, User.role == "admin").order_by(User.id)
    ).first()
    if admin is None:
        fail(f"company {target.name!r} has no admin user")
    return Principal(user_id=admin.id, company_id=target.id, role="admin", email=admin.email)
