"""Settings read from the environment (one object for the whole process)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from croniter import croniter
from pydantic import AliasChoices, Field, field_validator
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
    # none | starttls | ssl (implicit TLS, usually port 465).
    smtp_security: Literal["none", "starttls", "ssl"] = Field(
        "none", validation_alias=AliasChoices("SMTP_SECURITY")
    )
    smtp_timeout_seconds: float = Field(
        10.0, gt=0, le=300, validation_alias=AliasChoices("SMTP_TIMEOUT")
    )
    # Configures SendGrid's SMTP relay (smtp.sendgrid.net:587, STARTTLS, user "apikey").
    sendgrid_api_key: str | None = Field(None, validation_alias=AliasChoices("SENDGRID_API_KEY"))
    # Hosts or CIDRs webhooks may reach although private/loopback (comma-separated).
    webhook_allowlist: str = Field("", validation_alias=AliasChoices("CRMFLOW_WEBHOOK_ALLOWLIST"))
    webhook_max_response_bytes: int = Field(
        1_000_000, ge=1024, validation_alias=AliasChoices("CRMFLOW_WEBHOOK_MAX_RESPONSE_BYTES")
    )
    # A sender holds an email/webhook this long; past it, the sender is presumed dead and the
    # row is sent again (same Message-ID / Idempotency-Key).
    outbox_lease_seconds: int = Field(
        120, ge=1, le=3600, validation_alias=AliasChoices("CRMFLOW_OUTBOX_LEASE_SECONDS")
    )
    # Redis for live-notification fan-out between processes (Celery workers -> API).
    redis_url: str | None = Field(None, validation_alias=AliasChoices("REDIS_URL"))
    sla_alerts_enabled: bool = Field(False, validation_alias=AliasChoices("SLA_ALERTS_ENABLED"))
    sla_alert_recipients: str = Field("", validation_alias=AliasChoices("SLA_ALERT_RECIPIENTS"))
    prometheus_metrics_enabled: bool = Field(
        True, validation_alias=AliasChoices("PROMETHEUS_METRICS_ENABLED")
    )
    # A scrape's figures are read from the database at most this often (0: every scrape).
    metrics_cache_seconds: float = Field(
        10.0, ge=0, le=300, validation_alias=AliasChoices("CRMFLOW_METRICS_CACHE_SECONDS")
    )
    admin_email: str = Field(
        "admin@crmflow.local", validation_alias=AliasChoices("CRMFLOW_ADMIN_EMAIL")
    )
    admin_token: str | None = Field(None, validation_alias=AliasChoices("CRMFLOW_ADMIN_TOKEN"))
    admin_company: str = Field("Default", validation_alias=AliasChoices("CRMFLOW_ADMIN_COMPANY"))
    # Demo mode (`crmflow serve --demo`): the sign-in page shows the demo users, their password
    # and CRMFLOW_ADMIN_TOKEN to anyone. Never on a server holding real data.
    demo: bool = Field(False, validation_alias=AliasChoices("CRMFLOW_DEMO"))
    # Embedded runtime tuning. With runtime_process the runtime's threads run in a child process
    # of `crmflow serve`: requests and runs then use a core each instead of sharing one GIL.
    runtime_process: bool = Field(False, validation_alias=AliasChoices("CRMFLOW_RUNTIME_PROCESS"))
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
    # Celery runtime: an execution whose worker died this many times is failed, not retried.
    max_worker_losses: int = Field(
        3, ge=1, le=100, validation_alias=AliasChoices("CRMFLOW_MAX_WORKER_LOSSES")
    )
    broker_visibility_timeout: int = Field(
        3600, ge=1, validation_alias=AliasChoices("CRMFLOW_BROKER_VISIBILITY_TIMEOUT")
    )
    # Beat's crontabs (5-field cron, UTC; "off" disables): the seed's schedule by default.
    schedule_inactivity: str = Field(
        "0 2 * * *", validation_alias=AliasChoices("CRMFLOW_SCHEDULE_INACTIVITY")
    )
    schedule_daily: str = Field(
        "0 9 * * *", validation_alias=AliasChoices("CRMFLOW_SCHEDULE_DAILY")
    )
    schedule_weekly: str = Field(
        "0 9 * * 1", validation_alias=AliasChoices("CRMFLOW_SCHEDULE_WEEKLY")
    )
    schedule_cleanup: str = Field(
        "0 3 * * 0", validation_alias=AliasChoices("CRMFLOW_SCHEDULE_CLEANUP")
    )

    # --- Security limits (docs/security.md says what each covers) ---
    # Largest request body any route accepts (413 beyond it, before the body is read whole).
    max_body_bytes: int = Field(
        1_000_000, ge=1024, validation_alias=AliasChoices("CRMFLOW_MAX_BODY_BYTES")
    )
    # Deepest nesting of objects/lists accepted in any stored JSON field (422 beyond it).
    max_json_depth: int = Field(
        32, ge=4, le=200, validation_alias=AliasChoices("CRMFLOW_MAX_JSON_DEPTH")
    )
    # Steps per workflow definition (all levels) and the definition's size as JSON.
    max_steps_per_definition: int = Field(
        200, ge=1, validation_alias=AliasChoices("CRMFLOW_MAX_STEPS")
    )
    max_definition_bytes: int = Field(
        256_000, ge=1024, validation_alias=AliasChoices("CRMFLOW_MAX_DEFINITION_BYTES")
    )
    # Encrypts the per-company secrets store (any string; a long random one). Unset: secrets
    # cannot be written and `{{ secrets.NAME }}` fails its step with a message saying so.
    secret_key: str | None = Field(None, validation_alias=AliasChoices("CRMFLOW_SECRET_KEY"))
    # Origins (scheme://host[:port], comma-separated) allowed for CORS and WebSockets besides
    # CRMFLOW_PUBLIC_URL's own origin. Empty: CORS off, WebSockets only from the public URL.
    allowed_origins: str = Field("", validation_alias=AliasChoices("CRMFLOW_ALLOWED_ORIGINS"))
    # Optional: an OpenAI-compatible chat endpoint (Ollama, vLLM, a hosted one) that rewrites
    # suggestion titles and descriptions; unset, the miners' own words are shown.
    llm_base_url: str | None = Field(None, validation_alias=AliasChoices("CRMFLOW_LLM_BASE_URL"))
    llm_model: str | None = Field(None, validation_alias=AliasChoices("CRMFLOW_LLM_MODEL"))
    llm_api_key: str | None = Field(None, validation_alias=AliasChoices("CRMFLOW_LLM_API_KEY"))
    llm_timeout_seconds: float = Field(
        20.0, gt=0, le=300, validation_alias=AliasChoices("CRMFLOW_LLM_TIMEOUT_SECONDS")
    )
    # When set, GET /metrics needs `Authorization: Bearer <this token>`.
    metrics_token: str | None = Field(None, validation_alias=AliasChoices("CRMFLOW_METRICS_TOKEN"))
    # Sign-in throttling: failures allowed per account and per client address in the window.
    login_max_failures_per_account: int = Field(
        5, ge=1, validation_alias=AliasChoices("CRMFLOW_LOGIN_MAX_FAILURES_PER_ACCOUNT")
    )
    login_max_failures_per_address: int = Field(
        20, ge=1, validation_alias=AliasChoices("CRMFLOW_LOGIN_MAX_FAILURES_PER_ADDRESS")
    )
    login_failure_window_seconds: int = Field(
        900, ge=1, validation_alias=AliasChoices("CRMFLOW_LOGIN_FAILURE_WINDOW")
    )
    # Tokens issued by sign-in expire after this many hours (0: never).
    login_token_ttl_hours: int = Field(
        720, ge=0, validation_alias=AliasChoices("CRMFLOW_LOGIN_TOKEN_TTL_HOURS")
    )
    # Synchronous waits (`POST /workflows/{id}/execute?wait=`) in flight per company; 429 beyond.
    max_sync_waits_per_company: int = Field(
        4, ge=1, validation_alias=AliasChoices("CRMFLOW_MAX_SYNC_WAITS")
    )
    # Inbound hook deliveries per workflow per minute (a workflow's own setting wins).
    hook_rate_limit: int = Field(
        600, ge=1, le=1_000_000, validation_alias=AliasChoices("CRMFLOW_HOOK_RATE_LIMIT")
    )

    @field_validator("allowed_origins")
    @classmethod
    def _explicit_origins(cls, value: str) -> str:
        for origin in (o.strip() for o in value.split(",") if o.strip()):
            if "*" in origin or "://" not in origin:
                raise ValueError(
                    f"{origin!r}: list each origin as scheme://host[:port] (a wildcard would let "
                    "every site call the API with its users' tokens)"
                )
        return value

    @field_validator("schedule_inactivity", "schedule_daily", "schedule_weekly", "schedule_cleanup")
    @classmethod
    def _crontab(cls, value: str) -> str:
        value = " ".join(value.split())
        if value.lower() in ("off", ""):
            return "off"
        if len(value.split()) != 5 or not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a 5-field cron expression (e.g. '0 2 * * *')")
        return value

    @property
    def origins(self) -> list[str]:
        """Origins trusted for CORS and WebSockets: the public URL's and CRMFLOW_ALLOWED_ORIGINS."""
        public = urlsplit(self.public_url)
        trusted = [f"{public.scheme}://{public.netloc}"] if public.scheme and public.netloc else []
        extra = [o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()]
        return list(dict.fromkeys([*trusted, *extra]))

    @property
    def smtp_configured(self) -> bool:
        """True when emails can be delivered (an SMTP host or a SendGrid key)."""
        return bool(self.smtp_host or self.sendgrid_api_key)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process-wide settings (read once)."""
    return Settings()
