"""Sign-in prompts: an Adaptive Card with the sign-in link, Teams' OAuthCard (SSO token exchange) and the
`loginRequest` answer to an `Action.Execute`, plus the small HTML page the link flow ends on.

Only ever sent into a personal chat (or, for `loginRequest`, to the one person who pressed the button):
the link is bound to that person, single-use and short-lived, but it still should not sit in a shared chat.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.i18n import language, t
from bot.views.backends import backend_name
from cards.elements import action_set, card, text

_BOLD = re.compile(r"\*\*(.+?)\*\*")  # a catalogue sentence's command words

OAUTH_CARD = "application/vnd.microsoft.card.oauth"
LOGIN_REQUEST = "application/vnd.microsoft.activity.loginRequest"
CONNECTION_PREFIX = "timebot:"  # + the backend: no Azure Bot OAuth connection; Teams echoes the name back
_REASONS = ("invalid_grant", "interaction_required", "consent_required")


def _lines(backend: str, provider: str, reason: str, locale: str) -> list[str]:
    name = backend_name(backend)
    lines = []
    if reason in _REASONS:
        lines.append(t(f"signin.prompt.reason.{reason}", locale, backend=name))
    lines.append(t(f"signin.prompt.text.{provider}", locale))
    return lines


def signin_card(backend: str, provider: str, link: str, locale: str, *, reason: str = "") -> dict[str, Any]:
    """The link flow's prompt: what and why, one button opening the bot's `/auth/start` link."""
    name = backend_name(backend)
    body: list[dict[str, Any]] = [
        text(t("signin.prompt.title", locale, backend=name), weight="Bolder", size="Medium", style="heading")
    ]
    body += [text(line, spacing="Small") for line in _lines(backend, provider, reason, locale)]
    body.append(
        action_set(
            [
                {
                    "type": "Action.OpenUrl",
                    "title": t("signin.prompt.button", locale),
                    "url": link,
                    "style": "positive",
                }
            ]
        )
    )
    body.append(text(t("signin.prompt.link_note", locale), subtle=True, size="Small"))
    return card(body, locale, fallback_text=t("signin.prompt.title", locale, backend=name))


def _oauth_content(
    backend: str, link: str, locale: str, *, resource: str, exchange_id: str, reason: str
) -> dict[str, Any]:
    name = backend_name(backend)
    return {
        "text": " ".join(
            [t("signin.prompt.title", locale, backend=name), *_lines(backend, "entra", reason, locale)]
        ),
        "connectionName": CONNECTION_PREFIX + backend,
        "tokenExchangeResource": {"id": exchange_id, "uri": resource},
        "buttons": [{"type": "signin", "title": t("signin.prompt.button", locale), "value": link}],
    }


def oauth_card(
    backend: str, link: str, locale: str, *, resource: str, exchange_id: str, reason: str = ""
) -> dict[str, Any]:
    """Teams SSO: the client silently gets a token for `resource` and sends `signin/tokenExchange`; if the
    bot answers 412 (consent, MFA), Teams shows the button, which opens the link flow."""
    content = _oauth_content(backend, link, locale, resource=resource, exchange_id=exchange_id, reason=reason)
    return {"contentType": OAUTH_CARD, "content": content}


def login_request(
    backend: str, link: str, locale: str, *, resource: str | None, exchange_id: str, reason: str = ""
) -> dict[str, Any]:
    """The `adaptiveCard/action` answer that makes Teams sign the presser in (Universal Actions SSO)."""
    content = _oauth_content(
        backend, link, locale, resource=resource or "", exchange_id=exchange_id, reason=reason
    )
    if not resource:
        del content["tokenExchangeResource"]
    return {"statusCode": 401, "type": LOGIN_REQUEST, "value": content}


def page(message: str, locale: str) -> str:
    """The page the sign-in link ends on: one sentence, no script, nothing loaded from elsewhere. The
    catalogue's **bold** (the command words) is bold there too."""
    title = html.escape(t("signin.page.title", locale), quote=False)
    sentence = _BOLD.sub(r"<strong>\1</strong>", html.escape(message, quote=False))
    return (
        f'<!doctype html><html lang="{language(locale)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        "<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;"
        "line-height:1.5}</style></head>"
        f"<body><h1>{title}</h1><p>{sentence}</p></body></html>"
    )
