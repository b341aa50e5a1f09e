"""`timebot` command line: `serve` runs the bot, `manifest` builds the Teams app package."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.settings import ConfigError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timebot", description="Time tracking bot for Microsoft Teams.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot (POST /api/messages, GET /healthz)")
    serve.add_argument("--host", help="address to bind (default TIMEBOT_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default TIMEBOT_PORT or 3978)")
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


if __name__ == "__main__":
    sys.exit(main())
