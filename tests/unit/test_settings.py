import subprocess
import sys

import pytest
from pydantic import ValidationError

from bot.config import Settings, describe_error

BAD = [
    ({"CHIBO_DATABASE_URL": "mysql://x"}, "CHIBO_DATABASE_URL"),
    ({"CHIBO_TIMEZONE": "Asia/Hanoi_City"}, "CHIBO_TIMEZONE"),
    ({"CHIBO_BOT_TOKEN": "not-a-token"}, "CHIBO_BOT_TOKEN"),
    ({"CHIBO_API_BASE_URL": "http://127.0.0.1:8080/bot"}, "CHIBO_API_BASE_URL"),
    ({"CHIBO_REDIS_URL": "localhost:6379"}, "CHIBO_REDIS_URL"),
    ({"CHIBO_SANDBOX_PORT": "eighty"}, "CHIBO_SANDBOX_PORT"),
    ({"CHIBO_ZALO_WEBHOOK_URL": "https://chibo.example.vn/zalo"}, "CHIBO_ZALO_WEBHOOK_SECRET"),
]


def test_defaults_and_normalised_values(monkeypatch):
    monkeypatch.setenv("CHIBO_DATABASE_URL", "postgresql://u:p@h/db")
    monkeypatch.setenv("CHIBO_REDIS_URL", "")
    settings = Settings(_env_file=None)
    assert settings.database_url == "postgresql+asyncpg://u:p@h/db"
    assert (settings.redis_url, settings.bot_token, settings.timezone) == (None, None, "Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("env", "name"), BAD)
def test_a_bad_setting_stops_start_up_with_one_line_and_exit_code_2(env, name, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], env={"PATH": "/usr/bin:/bin", **env},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"chibo: bad setting {name}:")


@pytest.mark.parametrize(("env", "line"), [
    ({"CHIBO_BOT_TOKEN": "123:abc"}, "chibo: bad setting CHIBO_BOT_TOKEN: the secret after ':' must be at least 20 "
                                     "characters, this one has 3; copy the whole token from @BotFather"),
    ({"CHIBO_BOT_TOKEN": "abc"}, "chibo: bad setting CHIBO_BOT_TOKEN: expected '<digits>:<secret>' as given by "
                                 "@BotFather"),
    ({"CHIBO_API_BASE_URL": "127.0.0.1:8080"}, "chibo: bad setting CHIBO_API_BASE_URL: expected the server's root, "
                                              "e.g. http://127.0.0.1:8080 (chibo adds /bot<token>/<method>)"),
])
def test_a_bad_token_or_server_says_what_is_expected(monkeypatch, env, line):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as error:
        Settings(_env_file=None)
    assert describe_error(error.value) == line
    for name in env:
        monkeypatch.delenv(name)
    assert Settings(_env_file=None, api_base_url="https://bot.example.vn").api_base_url == "https://bot.example.vn"
