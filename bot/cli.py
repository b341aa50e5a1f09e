"""`timebot` command line: `serve` runs the bot, `healthcheck` asks a running one (the container's
HEALTHCHECK), `manifest` builds the Teams app package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import ConfigError, Settings, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timebot", description="Time tracking bot for Microsoft Teams.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot (POST /api/messages, GET /healthz)")
    serve.add_argument("--host", help="address to bind (default TIMEBOT_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default TIMEBOT_PORT or 3978)")
    sub.add_parser("healthcheck", help="exit 0 if the bot on TIMEBOT_PORT answers GET /healthz, else 1")
    manifest = sub.add_parser("manifest", help="write the Teams app package (zip)")
    manifest.add_argument("--app-id", required=True, help="the bot's Microsoft App ID (a GUID)")
    manifest.add_argument("--out", type=Path, default=Path("timebot-teams-app.zip"), help="zip file to write")
    manifest.add_argument("--name", default="timebot", help="short app name shown in Teams")
    manifest.add_argument("--host", dest="valid_domain", default=None, help="public host of the bot, if any")
    manifest.add_argument(
        "--sso", action="store_true", help="add webApplicationInfo for Teams single sign-on (needs --host)"
    )
    manifest.add_argument("--aad-client-id", default=None, help="the Entra app for SSO (default: --app-id)")
    manifest.add_argument(
        "--sso-resource", default=None, help="its Application ID URI (default api://botid-<client id>)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            from bot.transport.server import serve

            overrides: dict[str, object] = {}
            if args.host:
                overrides["host"] = args.host
            if args.port:
                overrides["port"] = args.port
            serve(load_settings(**overrides))
            return 0
        if args.command == "healthcheck":
            return healthcheck(load_settings())
        if args.command == "manifest":
            from bot.manifest import sso_section, write_package

            sso = None
            if args.sso or args.aad_client_id or args.sso_resource:
                sso = sso_section(args.app_id, args.aad_client_id, args.sso_resource)
            path = write_package(
                app_id=args.app_id, out=args.out, name=args.name, valid_domain=args.valid_domain, sso=sso
            )
            print(f"wrote {path}")
            return 0
    except ConfigError as exc:
        print(f"timebot: {exc}", file=sys.stderr)
        return 2
    return 2


def healthcheck(settings: Settings, timeout: float = 2.0) -> int:
    """0 if the bot serving on this machine answers `/healthz` with 200 within `timeout`, else 1."""
    import urllib.error
    import urllib.request

    host = settings.host if settings.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    url = f"http://{host}:{settings.port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            ok = response.status == 200
    except (urllib.error.URLError, OSError) as exc:
        print(f"timebot: {url} did not answer: {exc}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
