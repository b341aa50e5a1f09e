"""The Teams app package: `manifest/manifest.json` (a template) plus its two icons, zipped for upload.

The template lives in the repository's `manifest/` directory and holds `{{APP_ID}}`, `{{NAME}}`,
`{{VERSION}}` and `{{VALID_DOMAIN}}` placeholders. `render_manifest` fills them and checks what it is
given; `write_package` writes the zip Teams expects (manifest.json, color.png, outline.png at the root).
"""

from __future__ import annotations

import copy
import json
import os
import re
import zipfile
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.settings import ConfigError

ICONS = ("color.png", "outline.png")
SHORT_NAME_MAX = 30  # manifest `name.short`
_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_DOMAIN = re.compile(
    r"^(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9-]{1,63}(?::\d{1,5})?$"
)
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


class ManifestError(ConfigError):
    """Bad input for the app package (app id, name, domain) or a missing template; one readable line."""


def manifest_dir() -> Path:
    """Where the template and icons are: `TIMEBOT_MANIFEST_DIR`, else `manifest/` beside the `bot` package."""
    override = os.environ.get("TIMEBOT_MANIFEST_DIR")
    candidates = [Path(override)] if override else []
    candidates.append(Path(__file__).resolve().parent.parent / "manifest")
    for candidate in candidates:
        if (candidate / "manifest.json").is_file():
            return candidate
    raise ManifestError(
        "manifest template not found (looked in " + ", ".join(str(c) for c in candidates) + "); "
        "run from a checkout or set TIMEBOT_MANIFEST_DIR"
    )


@cache
def _template(directory: Path) -> dict[str, Any]:
    template: dict[str, Any] = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return template


def _package_version() -> str:
    try:
        return metadata.version("timebot")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _check_app_id(app_id: str) -> str:
    value = (app_id or "").strip()
    if not _GUID.match(value):
        raise ManifestError(
            f"app id {app_id!r} is not a GUID (expected the bot's Microsoft App ID, "
            "like 00000000-0000-0000-0000-000000000000)"
        )
    return value.lower()


def _check_name(name: str) -> str:
    value = (name or "").strip()
    if not value:
        raise ManifestError("app name must not be empty")
    if len(value) > SHORT_NAME_MAX:
        raise ManifestError(f"app name {value!r} is longer than {SHORT_NAME_MAX} characters")
    return value


def _check_domain(valid_domain: str | None) -> str | None:
    """A bare host (optionally `*.`-wildcarded, optionally with a port); a URL is reduced to its host."""
    if valid_domain is None or not valid_domain.strip():
        return None
    value = valid_domain.strip()
    if "://" in value:
        parts = urlsplit(value)
        value = parts.netloc.rsplit("@", 1)[-1]
    else:
        value = value.split("/", 1)[0]
    if not _DOMAIN.match(value):
        raise ManifestError(f"host {valid_domain!r} is not a domain name like bot.example.com")
    return value.lower()


def _fill(node: Any, values: dict[str, str]) -> Any:
    if isinstance(node, str):

        def substitute(match: re.Match[str]) -> str:
            key = match.group(1)
            if key not in values:
                raise ManifestError(f"manifest template uses unknown placeholder {{{{{key}}}}}")
            return values[key]

        return _PLACEHOLDER.sub(substitute, node)
    if isinstance(node, list):
        return [_fill(item, values) for item in node]
    if isinstance(node, dict):
        return {key: _fill(value, values) for key, value in node.items()}
    return node


def _check_resource(resource: str) -> str:
    value = resource.strip()
    if not re.match(r"^api://[^\s/]+(?:/[^\s/]+)*$", value) or len(value) > 200:
        raise ManifestError(
            f"SSO resource {resource!r} is not an Application ID URI like api://botid-<app id>"
        )
    return value


def sso_section(app_id: str, client_id: str | None = None, resource: str | None = None) -> dict[str, str]:
    """`webApplicationInfo` for Teams SSO: the Entra app the Teams client gets a token for, and its
    Application ID URI (default `api://botid-<client id>`, the bot's TIMEBOT_AAD_SSO_RESOURCE default)."""
    client = _check_app_id(client_id or app_id)
    return {"id": client, "resource": _check_resource(resource or f"api://botid-{client}")}


def render_manifest(
    app_id: str,
    name: str = "timebot",
    valid_domain: str | None = None,
    *,
    sso: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The filled-in manifest as a dict. Raises `ManifestError` for a bad app id, name or domain.

    `sso` (from `sso_section`) adds `webApplicationInfo`, so Teams can sign people in silently; the bot's
    host (`valid_domain`) is where its sign-in link starts, so it must be in `validDomains` then.
    """
    values = {
        "APP_ID": _check_app_id(app_id),
        "NAME": _check_name(name),
        "VERSION": _package_version(),
    }
    domain = _check_domain(valid_domain)
    manifest = copy.deepcopy(_template(manifest_dir()))
    # No public host (local runs): drop the placeholder instead of shipping an empty domain.
    manifest["validDomains"] = [d for d in manifest.get("validDomains", []) if d != "{{VALID_DOMAIN}}"]
    if domain:
        manifest["validDomains"].append(domain)
    if sso is not None:
        if not domain:
            raise ManifestError("single sign-on needs --host: the bot's sign-in link must be a valid domain")
        manifest["webApplicationInfo"] = dict(sso)
    result: dict[str, Any] = _fill(manifest, values)
    return result


def write_package(
    app_id: str,
    out: Path | str,
    name: str = "timebot",
    valid_domain: str | None = None,
    *,
    sso: dict[str, str] | None = None,
) -> Path:
    """Write the Teams app package zip to `out` (parent directories are created) and return its path."""
    manifest = render_manifest(app_id, name=name, valid_domain=valid_domain, sso=sso)
    directory = manifest_dir()
    path = Path(out)
    for icon in ICONS:
        if not (directory / icon).is_file():
            raise ManifestError(f"icon {directory / icon} is missing")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
            for icon in ICONS:
                archive.write(directory / icon, arcname=icon)
        tmp.replace(path)
    except OSError as exc:
        raise ManifestError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
