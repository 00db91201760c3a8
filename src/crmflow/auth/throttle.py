"""Sign-in throttling: failures counted per account and per client address, in the database.

Every attempt is recorded as a failure *before* its password is checked and forgiven only when
the password was right, so a burst of concurrent guesses cannot slip past the limit while the
slow hash runs; the count lives in the database, so every API process shares it.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crmflow.auth.models import LoginFailure
from crmflow.db.base import utcnow

log = logging.getLogger("crmflow.auth")


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures an account and an address may have in the window."""

    per_account: int
    per_address: int
    window_seconds: int


class SignInThrottled(Exception):
    """Too many failed sign-ins: try again after `retry_after` seconds."""

    def __init__(self, retry_after: int, reason: str) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.reason = reason


def _retry_after(oldest: datetime | None, now: datetime, window: timedelta) -> int:
    if oldest is None:
        return 1
    return max(1, math.ceil((oldest + window - now).total_seconds()))


def reserve_attempt(session: Session, *, email: str, address: str, policy: ThrottlePolicy) -> int:
    """Refuse (SignInThrottled) or record this attempt as a failure; return the record's id."""
    now = utcnow()
    window = timedelta(seconds=policy.window_seconds)
    since = now - window
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at < since))
    for column, value, limit, who in (
        (LoginFailure.email, email, policy.per_account, "this account"),
        (LoginFailure.address, address, policy.per_address, "your address"),
    ):
        count, oldest = session.execute(
            select(func.count(), func.min(LoginFailure.failed_at)).where(
                column == value, LoginFailure.failed_at >= since
            )
        ).one()
        if count >= limit:
            retry = _retry_after(oldest, now, window)
            log.warning(
                "sign-in refused for %s from %s: %d failures in %d s (limit %d for %s)",
                email,
                address,
                count,
                policy.window_seconds,
                limit,
                who,
            )
            raise SignInThrottled(
                retry,
                f"too many failed sign-ins for {who}: try again in {retry} seconds",
            )
    attempt = LoginFailure(email=email, address=address, failed_at=now)
    session.add(attempt)
    session.flush()
    return attempt.id


def forgive(session: Session, *, email: str, attempt_id: int) -> None:
    """A right password: drop this attempt and the account's earlier failures."""
    session.execute(
        delete(LoginFailure).where((LoginFailure.id == attempt_id) | (LoginFailure.email == email))
    )


def log_failure(*, email: str, address: str) -> None:
    """Record a wrong password in the log (the attempt itself stays counted)."""
    log.warning("sign-in failed for %s from %s: unknown email or wrong password", email, address)
