"""Start-up configuration: a wrong or missing setting is one clear line, never a traceback."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.settings import ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in ("MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType", "MicrosoftAppTenantId"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_are_local_mode_on_sqlite(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMEBOT_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    assert settings.local_mode and settings.host == "127.0.0.1" and settings.port == 3978
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'timebot.db'}"


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"MicrosoftAppType": "Sometimes"}, "MicrosoftAppType"),
        ({"MicrosoftAppId": "abc", "MicrosoftAppPassword": "x"}, "MicrosoftAppTenantId is required"),
        ({"MicrosoftAppId": "abc", "MicrosoftAppTenantId": "t"}, "MicrosoftAppPassword is required"),
        ({"TIMEBOT_PORT": "99999"}, "TIMEBOT_PORT"),
        ({"TIMEBOT_DEFAULT_TIMEZONE": "Mars/Olympus"}, "unknown time zone"),
    ],
)
def test_bad_settings_are_one_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], fragment: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert fragment in message and "\n" not in message


def test_cli_prints_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MicrosoftAppType", "Sometimes")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("timebot: invalid configuration") and "\n" not in err and "Traceback" not in err


def test_secrets_are_not_echoed_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MicrosoftAppId", "abc")
    monkeypatch.setenv("MicrosoftAppPassword", "super-secret-value")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "super-secret-value" not in str(caught.value)
