"""What every command shares: the error console, the settings, the prepared database."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.exc import OperationalError

from crmflow.config import Settings
from crmflow.config import get_settings as load_settings
from crmflow.db.session import mask_url

console = Console(stderr=True)


def fail(message: str) -> None:
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
