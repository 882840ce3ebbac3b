import pytest
from pydantic import ValidationError

from bot.config import Settings, describe_error


def test_defaults_and_normalised_values(monkeypatch):
    monkeypatch.setenv("CHIBO_DATABASE_URL", "postgresql://u:p@h/db")
    monkeypatch.setenv("CHIBO_REDIS_URL", "")
    settings = Settings(_env_file=None)
    assert settings.database_url == "postgresql+asyncpg://u:p@h/db"
    assert (settings.redis_url, settings.bot_token, settings.timezone) == (None, None, "Asia/Ho_Chi_Minh")


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
