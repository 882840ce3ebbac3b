"""Settings from the environment and `.env` (prefix CHIBO_)."""

from datetime import time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.reminders.pacing import Limits
from bot.domain.reminders.quiet import QuietHours, parse_clock, parse_quiet_hours

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///chibo.db"
SUPPORTED_DB_PREFIXES = ("sqlite+aiosqlite://", "postgresql+asyncpg://")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHIBO_", env_file=".env", extra="ignore")

    bot_token: SecretStr | None = Field(default=None, description="Telegram bot token; empty = sandbox")
    api_base_url: str | None = Field(default=None, description="Bot API server, e.g. http://127.0.0.1:8080")
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    timezone: str = "Asia/Ho_Chi_Minh"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8081, ge=1, le=65535)
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(default=8080, ge=0, le=65535)
    invite_ttl_days: int = Field(default=14, ge=1, le=365)
    reminder_time: str = "08:00"
    quiet_hours: str = "21:00-07:00"
    send_rate: float = Field(default=30, gt=0, le=10_000)  # reminders per second, all chats together
    chat_rate: float = Field(default=1, gt=0, le=1_000)  # per private chat, per second
    group_rate: float = Field(default=20, gt=0, le=10_000)  # per group chat, per minute
    send_timeout: float = Field(default=10, gt=0, le=300)  # seconds before a send's outcome is unknown
    zalo_bot_token: SecretStr | None = Field(default=None, description="Zalo bot token; empty = no Zalo")
    zalo_api_base_url: str | None = Field(default=None, description="Zalo Bot API server")
    zalo_webhook_url: str | None = None
    zalo_webhook_secret: str | None = Field(default=None, min_length=8, max_length=256, validate_default=True)
    zalo_send_rate: float = Field(default=10, gt=0, le=10_000)  # Zalo messages per second, all chats together
    zalo_chat_rate: float = Field(default=1, gt=0, le=1_000)  # Zalo messages per second to one chat
    public_base_url: str | None = None  # where chibo's file links (/files/…) are reachable from outside
    file_dir: str = "chibo-files"  # files behind those links; shared by every process
    file_link_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    updates_at_once: int = Field(default=8, ge=1, le=1_000)  # updates at work at once in a process; more wait a turn

    @field_validator("bot_token", "redis_url", "webhook_url", "api_base_url", "webhook_secret", "zalo_bot_token",
                     "zalo_api_base_url", "zalo_webhook_url", "zalo_webhook_secret", "public_base_url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            bot_id, colon, secret = value.get_secret_value().partition(":")
            if not bot_id.isdigit() or not colon:
                raise ValueError("expected '<digits>:<secret>' as given by @BotFather")
            if len(secret) < 20:
                raise ValueError(f"the secret after ':' must be at least 20 characters, this one has {len(secret)};"
                                 " copy the whole token from @BotFather")
        return value

    @field_validator("zalo_bot_token")
    @classmethod
    def _zalo_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            bot_id, _, secret = value.get_secret_value().partition(":")
            if not bot_id.isdigit() or not secret:
                raise ValueError("expected '<digits>:<secret>' as given by the Zalo Bot Platform")
        return value

    @field_validator("api_base_url")
    @classmethod
    def _api_root(cls, value: str | None) -> str | None:
        if value is not None and (not value.startswith(("http://", "https://")) or "/bot" in urlsplit(value).path):
            raise ValueError("expected the server's root, e.g. http://127.0.0.1:8080 (chibo adds /bot<token>/<method>)")
        return value

    @field_validator("zalo_api_base_url", "zalo_webhook_url", "public_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("zalo_webhook_secret")
    @classmethod
    def _zalo_webhook_secret(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("zalo_webhook_url"):
            raise ValueError("required when CHIBO_ZALO_WEBHOOK_URL is set: 8-256 characters of your choice, which "
                             "Zalo sends back in the X-Bot-Api-Secret-Token header so chibo can tell its updates "
                             "from forged ones")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value.startswith("postgresql://"):
            value = "postgresql+asyncpg://" + value.removeprefix("postgresql://")
        if not value.startswith(SUPPORTED_DB_PREFIXES):
            raise ValueError(f"must start with one of {', '.join(SUPPORTED_DB_PREFIXES)}")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("reminder_time")
    @classmethod
    def _reminder_time(cls, value: str) -> str:
        parse_clock(value)  # its ValueError names the bad value
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_hours(cls, value: str) -> str:
        parse_quiet_hours(value)
        return value

    @property
    def reminder_clock(self) -> time:
        return parse_clock(self.reminder_time)

    @property
    def default_quiet(self) -> QuietHours:
        return parse_quiet_hours(self.quiet_hours)

    @property
    def limits(self) -> Limits:
        return Limits(self.send_rate, self.chat_rate, self.group_rate, self.zalo_send_rate, self.zalo_chat_rate)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def describe_error(error: Exception) -> str:
    """One line naming the bad setting, for a start-up that must stop with exit code 2."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        first = errors()[0]
        name = "CHIBO_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        return f"chibo: bad setting {name}: {first['msg'].removeprefix('Value error, ')}"
    return f"chibo: bad setting: {error}"
