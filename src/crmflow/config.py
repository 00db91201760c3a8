"""Settings read from the environment (one object for the whole process)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting crmflow reads, with its environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        "sqlite:///./crmflow.db", validation_alias=AliasChoices("CRMFLOW_DATABASE_URL")
    )
    runtime: Literal["embedded", "celery"] = Field(
        "embedded", validation_alias=AliasChoices("CRMFLOW_RUNTIME")
    )
    broker_url: str = Field(
        "redis://localhost:6379/0", validation_alias=AliasChoices("CELERY_BROKER_URL", "REDIS_URL")
    )
    smtp_host: str | None = Field(None, validation_alias=AliasChoices("SMTP_HOST"))
    smtp_port: int = Field(25, validation_alias=AliasChoices("SMTP_PORT"))
    smtp_user: str | None = Field(None, validation_alias=AliasChoices("SMTP_USER"))
    smtp_password: str | None = Field(None, validation_alias=AliasChoices("SMTP_PASSWORD"))
    default_from_email: str = Field(
        "noreply@crmflow.local", validation_alias=AliasChoices("DEFAULT_FROM_EMAIL")
    )
    sla_alerts_enabled: bool = Field(False, validation_alias=AliasChoices("SLA_ALERTS_ENABLED"))
    sla_alert_recipients: str = Field("", validation_alias=AliasChoices("SLA_ALERT_RECIPIENTS"))
    prometheus_metrics_enabled: bool = Field(
        True, validation_alias=AliasChoices("PROMETHEUS_METRICS_ENABLED")
    )
    admin_email: str = Field(
        "admin@crmflow.local", validation_alias=AliasChoices("CRMFLOW_ADMIN_EMAIL")
    )
    admin_token: str | None = Field(None, validation_alias=AliasChoices("CRMFLOW_ADMIN_TOKEN"))
    admin_company: str = Field("Default", validation_alias=AliasChoices("CRMFLOW_ADMIN_COMPANY"))
    # Embedded runtime tuning.
    worker_threads: int = Field(2, validation_alias=AliasChoices("CRMFLOW_WORKER_THREADS"))
    lease_seconds: int = Field(60, validation_alias=AliasChoices("CRMFLOW_LEASE_SECONDS"))
    scheduler_interval_seconds: float = Field(
        1.0, validation_alias=AliasChoices("CRMFLOW_SCHEDULER_INTERVAL")
    )
    retention_days: int = Field(90, validation_alias=AliasChoices("CRMFLOW_RETENTION_DAYS"))
    max_causation_depth: int = Field(
        5, validation_alias=AliasChoices("CRMFLOW_MAX_CAUSATION_DEPTH")
    )
    public_url: str = Field(
        "http://localhost:8000", validation_alias=AliasChoices("CRMFLOW_PUBLIC_URL")
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
