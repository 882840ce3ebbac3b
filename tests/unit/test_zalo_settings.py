"""The Zalo settings: a webhook needs its secret, said in one clear line."""

import pytest
from pydantic import ValidationError

from bot.config import Settings, describe_error

URL = "https://chibo.example.vn/zalo"


def test_a_zalo_webhook_without_its_secret_is_refused_with_what_to_set():
    for secret in (None, ""):
        with pytest.raises(ValidationError) as error:
            Settings(_env_file=None, zalo_webhook_url=URL, zalo_webhook_secret=secret)
        line = describe_error(error.value)
        assert line.startswith("chibo: bad setting CHIBO_ZALO_WEBHOOK_SECRET:")
        assert "required when CHIBO_ZALO_WEBHOOK_URL is set" in line and "X-Bot-Api-Secret-Token" in line
    with pytest.raises(ValidationError, match="at least 8 characters"):
        Settings(_env_file=None, zalo_webhook_url=URL, zalo_webhook_secret="short")


def test_long_polling_needs_no_secret_and_a_webhook_takes_one():
    assert Settings(_env_file=None).zalo_webhook_secret is None
    settings = Settings(_env_file=None, zalo_webhook_url=URL, zalo_webhook_secret="a-secret-of-chibo")
    assert (settings.zalo_webhook_url, settings.zalo_webhook_secret) == (URL, "a-secret-of-chibo")
