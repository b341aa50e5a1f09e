"""The Teams app package: schema-valid manifest, Teams' own limits, icons, zip layout and the CLI."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import jsonschema
import pytest
from PIL import Image

from bot import cli
from bot.manifest import ManifestError, manifest_dir, render_manifest, sso_section, write_package

REPO = Path(__file__).resolve().parents[2]
# The schema ships in npm @microsoft/app-manifest (package.json pins it; `make test` runs `npm ci`).
SCHEMA_PATH = (
    REPO / "node_modules/@microsoft/app-manifest/build/json-schemas/teams/v1.30/MicrosoftTeams.schema.json"
)
APP_ID = "6f1c2a4e-8b3d-4e5f-9a7b-1c2d3e4f5a6b"


@pytest.fixture(scope="module")
def schema() -> dict:
    if not SCHEMA_PATH.is_file():
        pytest.fail(f"Teams manifest schema missing at {SCHEMA_PATH}: run `npm ci`")
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _validator(schema: dict) -> jsonschema.protocols.Validator:
    # The file declares draft-04 but relies on `const` and `if`/`then` (draft-06/07 keywords), which
    # Draft4Validator silently ignores; Draft7Validator enforces them (see tests/specs/SOURCES.md).
    # check_schema() is skipped on purpose: one `\p{L}` pattern is not valid Python `re`.
    assert schema["$schema"].startswith("http://json-schema.org/draft-04/")
    return jsonschema.Draft7Validator(schema)


def _errors(schema: dict, manifest: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _validator(schema).iter_errors(manifest)
    ]


def test_template_targets_the_vendored_schema_version(schema: dict) -> None:
    template = json.loads((manifest_dir() / "manifest.json").read_text(encoding="utf-8"))
    version = schema["properties"]["manifestVersion"]["const"]
    assert template["manifestVersion"] == version
    assert (
        template["$schema"]
        == f"https://developer.microsoft.com/json-schemas/teams/v{version}/MicrosoftTeams.schema.json"
    )


@pytest.mark.parametrize("domain", [None, "timebot.example.com"])
def test_rendered_manifest_is_schema_valid(schema: dict, domain: str | None) -> None:
    manifest = render_manifest(APP_ID, valid_domain=domain)
    assert _errors(schema, manifest) == []
    assert "{{" not in json.dumps(manifest)


def test_validator_really_rejects_a_wrong_manifest_version(schema: dict) -> None:
    manifest = render_manifest(APP_ID)
    manifest["manifestVersion"] = "1.29"
    assert _errors(schema, manifest)


def test_placeholders_are_filled() -> None:
    manifest = render_manifest(
        APP_ID.upper(), name="Zeiterfassung", valid_domain="https://Bot.Example.com/api/messages"
    )
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest["name"]["short"] == "Zeiterfassung"
    assert manifest["name"]["full"].startswith("Zeiterfassung")
    assert manifest["validDomains"] == ["bot.example.com"]
    assert render_manifest(APP_ID)["validDomains"] == []
    # a fresh copy each time: the cached template is never mutated
    assert render_manifest(APP_ID)["name"]["short"] == "timebot"


def test_bot_section() -> None:
    bot = render_manifest(APP_ID)["bots"][0]
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert bot["supportsFiles"] is True
    covered = [scope for command_list in bot["commandLists"] for scope in command_list["scopes"]]
    assert sorted(covered) == sorted(bot["scopes"]), "one command list per scope"


def test_command_lists_respect_teams_limits() -> None:
    # Teams' documented limits are tighter than the schema's (12 commands, 128-char titles).
    known = {
        "start",
        "stop",
        "status",
        "log",
        "times",
        "today",
        "week",
        "hours",
        "report",
        "help",
        "subscribe",
        "unsubscribe",
        "subscriptions",
    }
    for command_list in render_manifest(APP_ID)["bots"][0]["commandLists"]:
        commands = command_list["commands"]
        assert 1 <= len(commands) <= 10
        titles = [c["title"] for c in commands]
        assert len(set(titles)) == len(titles)
        for command in commands:
            assert 0 < len(command["title"]) <= 32
            assert 0 < len(command["description"]) <= 128
            assert command["title"] in known
        assert {"start", "stop", "status", "help"} <= set(titles)


@pytest.mark.parametrize(
    "bad", ["", "not-a-guid", "6f1c2a4e8b3d4e5f9a7b1c2d3e4f5a6b", f"{APP_ID}x", "{{APP_ID}}"]
)
def test_bad_app_id_is_refused(bad: str) -> None:
    with pytest.raises(ManifestError, match="not a GUID"):
        render_manifest(bad)


@pytest.mark.parametrize(("name", "domain"), [("", None), ("x" * 31, None), ("timebot", "bad domain!")])
def test_bad_name_or_domain_is_refused(name: str, domain: str | None) -> None:
    with pytest.raises(ManifestError):
        render_manifest(APP_ID, name=name, valid_domain=domain)


def test_icons() -> None:
    with Image.open(manifest_dir() / "color.png") as color:
        assert color.format == "PNG"
        assert color.size == (192, 192)
        colours = color.convert("RGB").getcolors(192 * 192) or []
        assert len(colours) > 2, "full colour, not blank"
    with Image.open(manifest_dir() / "outline.png") as outline:
        assert outline.format == "PNG"
        assert outline.size == (32, 32)
        pixels = [px for _, px in outline.convert("RGBA").getcolors(32 * 32) or []]
        visible = [px for px in pixels if px[3] > 0]
        assert visible, "outline icon is empty"
        assert all(px[:3] == (255, 255, 255) for px in visible), "outline must be white"
        assert any(px[3] == 0 for px in pixels), "outline background must be transparent"


def test_package_zip(tmp_path: Path) -> None:
    path = write_package(APP_ID, tmp_path / "sub" / "app.zip", name="tb", valid_domain="bot.example.com")
    assert path == tmp_path / "sub" / "app.zip"
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert manifest == render_manifest(APP_ID, name="tb", valid_domain="bot.example.com")
        for icon in ("color.png", "outline.png"):
            assert archive.read(icon) == (manifest_dir() / icon).read_bytes()
            with Image.open(io.BytesIO(archive.read(icon))) as image:
                assert image.format == "PNG"
    assert not list(tmp_path.glob("sub/*.tmp"))


def test_cli_writes_the_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "timebot.zip"
    assert cli.main(["manifest", "--app-id", APP_ID, "--out", str(out)]) == 0
    assert zipfile.is_zipfile(out)
    assert str(out) in capsys.readouterr().out


def test_cli_bad_app_id_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "timebot.zip"
    assert cli.main(["manifest", "--app-id", "nope", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("timebot: ") and "not a GUID" in err
    assert "\n" not in err and "Traceback" not in captured.err
    assert not out.exists()


def test_cli_unwritable_out_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["manifest", "--app-id", APP_ID, "--out", str(blocker / "app.zip")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("timebot: cannot write") and "\n" not in err


@pytest.mark.parametrize(
    ("client", "resource", "expected"),
    [
        (None, None, {"id": APP_ID, "resource": f"api://botid-{APP_ID}"}),
        (
            "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
            "api://bot.example.com/botid-1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
            {
                "id": "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
                "resource": "api://bot.example.com/botid-1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9",
            },
        ),
    ],
)
def test_single_sign_on_adds_web_application_info(
    schema: dict, client: str | None, resource: str | None, expected: dict[str, str]
) -> None:
    manifest = render_manifest(
        APP_ID, valid_domain="bot.example.com", sso=sso_section(APP_ID, client, resource)
    )
    assert manifest["webApplicationInfo"] == expected
    assert manifest["validDomains"] == ["bot.example.com"]  # where the sign-in link starts
    assert _errors(schema, manifest) == []
    assert "webApplicationInfo" not in render_manifest(APP_ID, valid_domain="bot.example.com")


@pytest.mark.parametrize("resource", ["https://bot.example.com", "api://", "botid-x", "api://a b"])
def test_a_bad_sso_resource_is_refused(resource: str) -> None:
    with pytest.raises(ManifestError, match="Application ID URI"):
        sso_section(APP_ID, None, resource)


def test_sso_without_a_host_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["manifest", "--app-id", APP_ID, "--sso", "--out", str(tmp_path / "a.zip")]) == 2
    assert "needs --host" in capsys.readouterr().err
    out = tmp_path / "b.zip"
    assert (
        cli.main(["manifest", "--app-id", APP_ID, "--sso", "--host", "bot.example.com", "--out", str(out)])
        == 0
    )
    with zipfile.ZipFile(out) as archive:
        assert json.loads(archive.read("manifest.json"))["webApplicationInfo"]["id"] == APP_ID
