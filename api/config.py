"""Settings of the HTTP service, on top of the product settings (same INBURGERING_* environment)."""
from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, Field

from inburgering.settings import ROOT, Settings


class ApiKeyConfig(BaseModel):
    """An API key given in the settings: its id, the sha256 of the key, and where it may be used."""

    id: str
    sha256: str
    origins: list[str] = Field(default_factory=list)  # a widget key: only from these web sites
    rate_per_minute: int | None = None


class ServiceSettings(Settings):
    """What the service adds: storage, keys, limits, Teams; override with INBURGERING_<NAME>."""

    db_url: str = f"sqlite:///{ROOT / 'var' / 'service.sqlite3'}"
    # No keys (here or in the database) means the API is open: meant for local use only.
    api_keys: list[ApiKeyConfig] = Field(default_factory=list)
    cors_origins: list[str] = Field(default_factory=list)
    rate_limit_per_minute: int = 60
    rate_limit_burst: int = 20
    # Without keys (open mode) every client address gets this limit.
    open_rate_limit_per_minute: int = 60
    open_rate_limit_burst: int = 20
    # With keys, /metrics and /docs + /openapi.json need a key too unless these are set.
    public_metrics: bool = False
    public_docs: bool = False
    # Retention in days (0: keep forever); `inburgering purge` deletes what is older.
    retention_audit_days: int = 365
    retention_turns_days: int = 90
    retention_feedback_days: int = 365
    max_question_chars: int = 2000
    max_history: int = 20
    max_body_bytes: int = 65_536
    public_url: str = "http://127.0.0.1:8000"
    page_api_key: str | None = None  # key the full-page chat at / uses when keys are required
    warmup: bool = True
    teams_app_id: str | None = None
    teams_tenant_id: str | None = None
    teams_client_secret: str | None = None
    teams_anonymous_allowed: bool = False  # only for local tests with the Agents Playground
    # Scope per Teams channel, team, conversation or tenant id, e.g. {"<tenant id>": "regio:amrd"}.
    teams_scopes: dict[str, str] = Field(default_factory=dict)


def as_service_settings(settings: Settings | None) -> ServiceSettings:
    """The service settings for `settings` (a plain Settings keeps its values, gains defaults)."""
    if settings is None:
        return get_service_settings()
    if isinstance(settings, ServiceSettings):
        return settings
    return ServiceSettings(**settings.model_dump())


@lru_cache
def get_service_settings() -> ServiceSettings:
    """The process-wide service settings (cached)."""
    return ServiceSettings()
