"""All configuration in one pydantic-settings object, read from the environment and an optional `.env`.

Bot Framework's own variable names (`MicrosoftAppId`, …) are kept so existing Azure Bot deployments and
Teams Toolkit `.env` files work unchanged; timebot's own settings are prefixed `TIMEBOT_`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
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
    data_dir: Path = Field(default_factory=_default_data_dir, validation_alias="TIMEBOT_DATA_DIR")
    database_url: str = Field(default="", validation_alias="TIMEBOT_DATABASE_URL")
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
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", validation_alias="TIMEBOT_LOG_LEVEL"
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
