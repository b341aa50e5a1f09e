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


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        (
            {"TIMEBOT_AAD_AUTHORITY": "http://login.microsoftonline.com/organizations"},
            "TIMEBOT_AAD_AUTHORITY",
        ),
        ({"TIMEBOT_AAD_AUTHORITY": "https://login.microsoftonline.com/a/b"}, "not an Entra authority"),
        ({"TIMEBOT_TIMEGHOST_SCOPE": "user_impersonation"}, "TIMEBOT_TIMEGHOST_SCOPE"),
        ({"TIMEBOT_TIMEGHOST_SCOPE": "api://tg/a"}, "needs TIMEBOT_AAD_CLIENT_ID"),
        (
            {"TIMEBOT_TIMEGHOST_SCOPE": "api://tg/a", "TIMEBOT_AAD_CLIENT_ID": "c"},
            "needs TIMEBOT_AAD_CLIENT_SECRET",
        ),
        ({"TIMEBOT_AAD_CLIENT_CERTIFICATE": "/nonexistent.pem"}, "no certificate file"),
        ({"TIMEBOT_AWORK_CLIENT_ID": "awork-client"}, "TIMEBOT_AWORK_CLIENT_SECRET"),
    ],
)
def test_bad_signin_settings_are_one_line(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], fragment: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_signin_defaults_to_the_bots_own_app(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "MicrosoftAppId": "11111111-2222-3333-4444-555555555555",
        "MicrosoftAppPassword": "bot-password",
        "MicrosoftAppTenantId": "tenant",
        "TIMEBOT_TIMEGHOST_SCOPE": "api://timeghost/user_impersonation",
    }.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.signin_configured and settings.entra_client_secret == "bot-password"
    assert settings.aad_authority == "https://login.microsoftonline.com/organizations"
    assert settings.sso_resource == "api://botid-11111111-2222-3333-4444-555555555555"
