"""Sign-in as the settings configure it: Entra (Teams SSO only outside local mode), awork OAuth, or none."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from bot.wiring import build_handler

APP = "11111111-2222-3333-4444-555555555555"


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, secret_key="k" * 40, **values)  # type: ignore[call-arg]


def test_no_sign_in_settings_no_sign_in(tmp_path: Path) -> None:
    assert build_handler(_settings(tmp_path)).services.signin is None


def test_local_mode_signs_in_by_link_only(tmp_path: Path) -> None:
    bot = build_handler(
        _settings(
            tmp_path, aad_client_id=APP, aad_client_secret="s", timeghost_scope="api://tg/user_impersonation"
        )
    )
    signin = bot.services.signin
    assert signin is not None and signin.backends == ["timeghost"] and signin.sso is None
    assert signin.redirect_uri == "http://127.0.0.1:3978/auth/callback"
    assert (
        signin.entra is not None
        and signin.entra.authority == "https://login.microsoftonline.com/organizations"
    )


def test_a_teams_deployment_adds_sso_and_awork(tmp_path: Path) -> None:
    bot = build_handler(
        _settings(
            tmp_path,
            app_id=APP,
            app_password="bot-password",
            app_tenant_id="tenant",
            public_url="https://bot.example.com",
            timeghost_scope="api://tg/user_impersonation",
            awork_client_id="awork-client",
            awork_client_secret="awork-secret",
        )
    )
    signin = bot.services.signin
    assert signin is not None and signin.sso is not None and signin.sso_resource == f"api://botid-{APP}"
    assert (
        signin.backends == ["timeghost", "awork"]
        and signin.sso_for("timeghost")
        and not signin.sso_for("awork")
    )
    assert signin.redirect_uri == "https://bot.example.com/auth/callback"
