"""What the engine and the batch runner take from the settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RunOptions:
    """Knobs from the settings that the runner needs."""

    worker_id: str = "worker"
    lease_seconds: int = 60
    max_causation_depth: int = 5
    # Commit the claims before running (Celery): a worker killed mid-run then leaves a trace
    # (attempt, worker_losses) that bounds how often a poison run is retried.
    commit_claims: bool = False
    max_worker_losses: int = 3
    # Base of links in approval emails.
    public_url: str = "http://localhost:8000"
    # Without an SMTP server an email step ends with the email queued, and says so.
    smtp_configured: bool = False
    # CRMFLOW_SECRET_KEY: decrypts `{{ secrets.NAME }}` (None: such steps fail, saying so).
    secret_key: str | None = None
