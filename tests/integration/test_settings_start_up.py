"""A bad setting stops `python -m bot` at start-up with one line and exit code 2 (a process of its own)."""

import subprocess
import sys

import pytest

BAD = [
    ({"CHIBO_DATABASE_URL": "mysql://x"}, "CHIBO_DATABASE_URL"),
    ({"CHIBO_TIMEZONE": "Asia/Hanoi_City"}, "CHIBO_TIMEZONE"),
    ({"CHIBO_BOT_TOKEN": "not-a-token"}, "CHIBO_BOT_TOKEN"),
    ({"CHIBO_API_BASE_URL": "http://127.0.0.1:8080/bot"}, "CHIBO_API_BASE_URL"),
    ({"CHIBO_REDIS_URL": "localhost:6379"}, "CHIBO_REDIS_URL"),
    ({"CHIBO_SANDBOX_PORT": "eighty"}, "CHIBO_SANDBOX_PORT"),
    ({"CHIBO_ZALO_WEBHOOK_URL": "https://chibo.example.vn/zalo"}, "CHIBO_ZALO_WEBHOOK_SECRET"),
]


@pytest.mark.parametrize(("env", "name"), BAD)
def test_a_bad_setting_stops_start_up_with_one_line_and_exit_code_2(env, name, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], env={"PATH": "/usr/bin:/bin", **env},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"chibo: bad setting {name}:")


def test_chibo_run_tells_a_bad_setting_before_loading_the_bot(tmp_path):
    """The settings are checked before the bot's framework is imported (seconds on a small machine)."""
    probe = ("import sys\nfrom bot.cli import main\ntry:\n    main(['run'])\nexcept SystemExit as stop:\n"
             "    print(stop.code, 'aiogram' in sys.modules, 'bot.runner' in sys.modules)")
    result = subprocess.run(
        [sys.executable, "-c", probe], env={"PATH": "/usr/bin:/bin", "CHIBO_BOT_TOKEN": "123:abc"},
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.split() == ["2", "False", "False"]
    assert result.stderr.startswith("chibo: bad setting CHIBO_BOT_TOKEN: the secret after ':' must be at least 20")
