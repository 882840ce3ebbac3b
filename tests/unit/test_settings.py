import subprocess
import sys

import pytest

from bot.config import Settings

BAD = [
    ({"CHIBO_DATABASE_URL": "mysql://x"}, "CHIBO_DATABASE_URL"),
    ({"CHIBO_TIMEZONE": "Asia/Hanoi_City"}, "CHIBO_TIMEZONE"),
    ({"CHIBO_BOT_TOKEN": "not-a-token"}, "CHIBO_BOT_TOKEN"),
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
