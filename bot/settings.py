"""All configuration in one pydantic-settings object, read from the environment and an optional `.env`.

Bot Framework's own variable names (`MicrosoftAppId`, …) are kept so existing Azure Bot deployments and
Teams Toolkit `.env` files work unchanged; timebot's own settings are prefixed `TIMEBOT_`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "timebot"


class ConfigError(Exception):
    """A setting is wrong or missing; the message is one line meant for the person starting the bot."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    app_id: str = Field(default="", validation_alias=AliasChoices("MicrosoftAppId", "MICROSOFT_APP_ID"))
    app_password: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("MicrosoftAppPassword", "MICROSOFT_APP_PASSWORD")
    )
    app_type: Literal["SingleTenant", "MultiTenant", "UserAssignedMSI"] = Field(
        default="SingleTenant", validation_alias=AliasChoices("MicrosoftAppType", "MICROSOFT_APP_TYPE")
    )
    app_tenant_id: str = Field(
        default="", validation_alias=AliasChoices("MicrosoftAppTenantId", "MICROSOFT_APP_TENANT_ID")
    )

    host: str = Field(default="127.0.0.1", validation_alias="TIMEBOT_HOST")
    port: int = Field(default=3978, ge=1, le=65535, validation_alias="TIMEBOT_PORT")
    # SO_REUSEPORT: several bot processes on one host listen on the same port; the kernel spreads the
    # connections among them (no proxy hop).
    reuse_port: bool = Field(default=False, validation_alias="TIMEBOT_REUSE_PORT")
    data_dir: Path = Field(default_factory=_default_data_dir, validation_alias="TIMEBOT_DATA_DIR")
    database_url: str = Field(default="", validation_alias="TIMEBOT_DATABASE_URL")
    # Pooled connections per process. PostgreSQL: kept open (default 10) and the extra ones opened under load
    # (default 10); SQLite: read connections (default 4; the single writer has one of its own).
    database_pool_size: int | None = Field(
        default=None, ge=1, le=1000, validation_alias="TIMEBOT_DATABASE_POOL_SIZE"
    )
    database_max_overflow: int | None = Field(
        default=None, ge=0, le=1000, validation_alias="TIMEBOT_DATABASE_MAX_OVERFLOW"
    )
    # Shared rate-limit buckets for several bot processes (redis://host:6379/0); empty: in-process buckets.
    redis_url: str = Field(default="", validation_alias="TIMEBOT_REDIS_URL")
    backend: Literal["local", "toggl", "focus", "awork", "timeghost"] = Field(
        default="local", validation_alias="TIMEBOT_BACKEND"
    )
    default_timezone: str = Field(default="UTC", validation_alias="TIMEBOT_DEFAULT_TIMEZONE")
    secret_key: SecretStr = Field(default=SecretStr(""), validation_alias="TIMEBOT_SECRET_KEY")
    # Toggl Focus API base (regional endpoints, proxies, test servers).
    focus_url: str = Field(default="https://focus.toggl.com/api", validation_alias="TIMEBOT_FOCUS_URL")
    timeghost_url: str = Field(
        default="https://timeghost-api.azurewebsites.net/api", validation_alias="TIMEBOT_TIMEGHOST_URL"
    )
    # awork API v1 base (the old api.awork.io domain is retired).
    awork_url: str = Field(default="https://api.awork.com/api/v1", validation_alias="TIMEBOT_AWORK_URL")
    # Toggl Track: API v9, Reports API v3 (long ranges) and Webhooks API v1 bases.
    toggl_url: str = Field(default="https://api.track.toggl.com/api/v9", validation_alias="TIMEBOT_TOGGL_URL")
    toggl_reports_url: str = Field(
        default="https://api.track.toggl.com/reports/api/v3", validation_alias="TIMEBOT_TOGGL_REPORTS_URL"
    )
    toggl_webhooks_url: str = Field(
        default="https://api.track.toggl.com/webhooks/api/v1", validation_alias="TIMEBOT_TOGGL_WEBHOOKS_URL"
    )
    # Where people reach the bot from their browser (download links for reports); default http://host:port.
    public_url: str = Field(default="", validation_alias="TIMEBOT_PUBLIC_URL")
    # The one reference-data cache (clients, projects, tasks, tags): entry lifetime, and how many at most.
    refdata_ttl_seconds: float = Field(
        default=120.0, ge=0, le=3600, validation_alias="TIMEBOT_REFDATA_TTL_SECONDS"
    )
    refdata_cache_size: int = Field(
        default=10_000, ge=1, le=1_000_000, validation_alias="TIMEBOT_REFDATA_CACHE_SIZE"
    )
    # Whose file `report` gives on timeghost when not asked (`report … timeghost` / `report … timebot`).
    timeghost_report: Literal["timebot", "timeghost"] = Field(
        default="timebot", validation_alias="TIMEBOT_TIMEGHOST_REPORT"
    )
    report_link_minutes: int = Field(
        default=15, ge=1, le=24 * 60, validation_alias="TIMEBOT_REPORT_LINK_MINUTES"
    )
    # Proactive notifications (bot.notify): the coalescing window, how long to keep trying, parallel sends.
    notify_window_seconds: float = Field(
        default=30.0, ge=0, le=3600, validation_alias="TIMEBOT_NOTIFY_WINDOW_SECONDS"
    )
    notify_max_age_hours: float = Field(
        default=24.0, gt=0, le=24 * 14, validation_alias="TIMEBOT_NOTIFY_MAX_AGE_HOURS"
    )
    notify_concurrency: int = Field(default=16, ge=1, le=256, validation_alias="TIMEBOT_NOTIFY_CONCURRENCY")
    notify_lease_seconds: float = Field(
        default=30.0, ge=1, le=3600, validation_alias="TIMEBOT_NOTIFY_LEASE_SECONDS"
    )
    # Toggl Focus has no webhooks: how often a subscriber's entries are polled (its quota is per hour).
    focus_poll_seconds: float = Field(
        default=300.0, ge=30, le=86400, validation_alias="TIMEBOT_FOCUS_POLL_SECONDS"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias="TIMEBOT_LOG_LEVEL"
    )

    # Sign-in with Microsoft (Entra ID): the app that runs MSAL (default: the bot's own registration).
    aad_client_id: str = Field(default="", validation_alias="TIMEBOT_AAD_CLIENT_ID")
    aad_client_secret: SecretStr = Field(default=SecretStr(""), validation_alias="TIMEBOT_AAD_CLIENT_SECRET")
    # A PEM file holding the private key and its certificate, instead of a secret.
    aad_client_certificate: Path | None = Field(
        default=None, validation_alias="TIMEBOT_AAD_CLIENT_CERTIFICATE"
    )
    aad_authority: str = Field(
        default="https://login.microsoftonline.com/organizations", validation_alias="TIMEBOT_AAD_AUTHORITY"
    )
    # Teams SSO: the Application ID URI the Teams client gets a token for (default api://botid-<client id>).
    aad_sso_resource: str = Field(default="", validation_alias="TIMEBOT_AAD_SSO_RESOURCE")
    # The delegated scope of the timeghost API, e.g. api://<timeghost app id>/user_impersonation.
    timeghost_scope: str = Field(default="", validation_alias="TIMEBOT_TIMEGHOST_SCOPE")
    graph_url: str = Field(default="https://graph.microsoft.com/v1.0", validation_alias="TIMEBOT_GRAPH_URL")
    # awork per-user OAuth2 (a client application registered in awork's team settings).
    awork_client_id: str = Field(default="", validation_alias="TIMEBOT_AWORK_CLIENT_ID")
    awork_client_secret: SecretStr = Field(
        default=SecretStr(""), validation_alias="TIMEBOT_AWORK_CLIENT_SECRET"
    )

    # Test and sovereign-cloud overrides for inbound JWT validation (Bot Framework's TO_BOT_FROM_CHANNEL_*).
    openid_metadata_url: str = Field(default="", validation_alias="TIMEBOT_OPENID_METADATA_URL")
    token_issuer: str = Field(default="", validation_alias="TIMEBOT_TOKEN_ISSUER")

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name like Europe/Berlin)") from exc
        return value

    @field_validator("aad_authority")
    @classmethod
    def _authority(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        segments = [p for p in parts.path.split("/") if p]
        if parts.scheme != "https" or not parts.hostname or len(segments) != 1 or parts.query:
            raise ValueError(
                f"{value!r} is not an Entra authority (use https://login.microsoftonline.com/organizations "
                "or …/<tenant id>)"
            )
        return f"https://{parts.netloc}/{segments[0]}"

    @field_validator("timeghost_scope")
    @classmethod
    def _scope(cls, value: str) -> str:
        value = value.strip()
        if value and (" " in value or "/" not in value.strip("/")):
            raise ValueError(f"{value!r} is not one scope (use api://<timeghost app id>/user_impersonation)")
        return value

    @field_validator("aad_client_certificate")
    @classmethod
    def _certificate(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no certificate file at {value} (a PEM with the private key and certificate)")
        return value

    @model_validator(mode="after")
    def _signin_complete(self) -> Settings:
        if self.aad_client_secret.get_secret_value() and self.aad_client_certificate is not None:
            raise ValueError("set TIMEBOT_AAD_CLIENT_SECRET or TIMEBOT_AAD_CLIENT_CERTIFICATE, not both")
        if self.timeghost_scope and not self.aad_client_id and not self.app_id:
            raise ValueError("TIMEBOT_TIMEGHOST_SCOPE needs TIMEBOT_AAD_CLIENT_ID (or MicrosoftAppId)")
        if self.timeghost_scope and not self.entra_credential_configured:
            raise ValueError(
                "TIMEBOT_TIMEGHOST_SCOPE needs TIMEBOT_AAD_CLIENT_SECRET or TIMEBOT_AAD_CLIENT_CERTIFICATE"
            )
        if bool(self.awork_client_id) != bool(self.awork_client_secret.get_secret_value()):
            raise ValueError(
                "awork sign-in needs both TIMEBOT_AWORK_CLIENT_ID and TIMEBOT_AWORK_CLIENT_SECRET"
            )
        return self

    @property
    def entra_client_id(self) -> str:
        return self.aad_client_id or self.app_id

    @property
    def entra_client_secret(self) -> str:
        """The explicit secret, or the bot's own password when sign-in runs as the bot's app."""
        secret = self.aad_client_secret.get_secret_value()
        if secret or self.aad_client_certificate is not None:
            return secret
        if self.entra_client_id == self.app_id:
            return self.app_password.get_secret_value()
        return ""

    @property
    def entra_credential_configured(self) -> bool:
        return bool(self.entra_client_secret) or self.aad_client_certificate is not None

    @property
    def signin_configured(self) -> bool:
        """Sign-in with Microsoft is possible: a client id, its credential and a scope to ask for."""
        return bool(self.entra_client_id and self.entra_credential_configured and self.timeghost_scope)

    @property
    def sso_resource(self) -> str:
        return self.aad_sso_resource or (
            f"api://botid-{self.entra_client_id}" if self.entra_client_id else ""
        )

    @model_validator(mode="after")
    def _credentials_complete(self) -> Settings:
        if self.app_id and self.app_type == "SingleTenant" and not self.app_tenant_id:
            raise ValueError("MicrosoftAppTenantId is required when MicrosoftAppType is SingleTenant")
        if self.app_id and self.app_type != "UserAssignedMSI" and not self.app_password.get_secret_value():
            raise ValueError("MicrosoftAppPassword is required when MicrosoftAppId is set")
        return self

    @property
    def local_mode(self) -> bool:
        """No app id: no JWT validation possible, so the bot must only listen on loopback."""
        return not self.app_id

    @property
    def effective_public_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def database_pool(self) -> dict[str, int]:
        """The pool settings given (`adapters.sql.create_engine` keeps its defaults for the others)."""
        pool = {"pool_size": self.database_pool_size, "max_overflow": self.database_max_overflow}
        return {name: value for name, value in pool.items() if value is not None}

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'timebot.db'}"


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation error into one readable line (no traceback at start-up)."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "settings"
            problems.append(f"{where}: {err['msg'].removeprefix('Value error, ')}")
        raise ConfigError("invalid configuration: " + "; ".join(problems)) from None
