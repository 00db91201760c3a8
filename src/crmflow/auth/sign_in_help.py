"""What the sign-in page may tell a newcomer: the demo's accounts, and only in demo mode."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmflow.auth.models import User
from crmflow.config import Settings

# The demo loader (crmflow/demo.py) gives its team these addresses and this password.
DEMO_EMAIL_DOMAIN = "demo.crmflow"
DEMO_PASSWORD = "demo"
MAX_LISTED_USERS = 20


def sign_in_help(session: Session, *, settings: Settings) -> dict[str, Any]:
    """Return the demo's sign-in details; outside demo mode, nothing but demo=False."""
    if not settings.demo:
        return {"demo": False, "users": [], "password": None, "admin": None}
    users = session.execute(
        select(User.email, User.name, User.role)
        .where(
            User.email.like(f"%@{DEMO_EMAIL_DOMAIN}"),
            User.is_active.is_(True),
            User.password_hash.is_not(None),
        )
        .order_by(func.lower(User.name), User.id)
        .limit(MAX_LISTED_USERS)
    ).all()
    return {
        "demo": True,
        "users": [{"email": e, "name": n, "role": r} for e, n, r in users],
        "password": DEMO_PASSWORD if users else None,
        "admin": {"email": settings.admin_email, "token": settings.admin_token},
    }
