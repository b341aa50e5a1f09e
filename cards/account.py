"""Connecting a backend: the token form (a password field, never echoed), the connections and workspaces."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.i18n import t
from bot.views.backends import ConnectionView, backend_name
from cards import actions as act
from cards.elements import action_set, card, container, more_line, text
from cards.format import escape, shorten

MAX_WORKSPACES = 15  # with long names, more would break the 28 KB card budget
MAX_BUTTONS = 5
NAME_LIMIT = 80  # `workspace "…"` matches by prefix, so a shortened name still picks the workspace


def connect_form_card(
    backend: str, locale: str, *, error: str | None = None, can_sign_in: bool = False
) -> dict[str, Any]:
    """Ask for the API token (the value is sent once with the submit and never shown again), or offer
    signing in instead where the bot can do that for `backend`."""
    name = backend_name(backend)
    body: list[dict[str, Any]] = [
        text(t("account.form.title", locale, backend=name), weight="Bolder", size="Medium", style="heading")
    ]
    if can_sign_in:
        body.append(text(t("account.form.sign_in_instead", locale, backend=name), size="Small"))
        body.append(action_set([act.run(t("signin.prompt.button", locale), f"signin {backend}")]))
    body += [
        text(t(f"account.form.help.{backend}", locale), subtle=True, size="Small"),
        {
            "type": "Input.Text",
            "id": "token",
            "style": "password",
            "label": t(f"account.form.token.{backend}", locale),
            "isRequired": True,
            "errorMessage": t("account.token_missing", locale),
            "maxLength": 400,
        },
    ]
    if backend == "focus":
        body.append(
            {
                "type": "Input.Text",
                "id": "organization_id",
                "label": t("account.form.organization", locale),
                "maxLength": 40,
            }
        )
    if error:
        body.append(container([text("⚠️ " + error, color="Attention", size="Small")]))
    body.append(
        action_set(
            [
                act.execute(
                    t("account.form.save", locale), act.CONNECT_SAVE, {"backend": backend}, style="positive"
                ),
                act.run(t("account.form.cancel", locale), "connect"),
            ]
        )
    )
    body.append(text(t("account.form.privacy", locale), subtle=True, size="Small"))
    return card(body, locale, fallback_text=t("account.form.title", locale, backend=name))


def _how(view: ConnectionView, locale: str) -> str:
    if view.how == "signin":
        if view.account:
            return t("account.list.signed_in", locale, account=escape(view.account))
        return t("account.list.signed_in_unnamed", locale)
    if view.how == "api_key":
        return t("account.list.api_key", locale)
    if view.how == "builtin":
        return t("account.list.connected", locale)
    return t("account.list.not_connected", locale)


def connections_card(current: str, backends: Sequence[ConnectionView], locale: str) -> dict[str, Any]:
    """Each tracker with how the person is connected (signed in as…, API key, not connected), the one in
    use marked; buttons switch to another, or sign in where that is how one connects."""
    rows: list[dict[str, Any]] = [text(t("account.list.title", locale), weight="Bolder", size="Medium")]
    buttons = []
    for view in backends:
        name = backend_name(view.kind)
        state = _how(view, locale)
        if view.kind == current:
            state += " · " + t("account.list.current", locale)
        rows.append(text(f"**{escape(name)}** · {state}", spacing="Small"))
        if view.how == "none" and view.can_sign_in:
            buttons.append(act.run(t("account.list.sign_in", locale, backend=name), f"signin {view.kind}"))
        elif view.kind != current:
            buttons.append(act.run(t("account.list.use", locale, backend=name), f"connect {view.kind}"))
    if buttons:
        rows.append(action_set(buttons[:6]))
    return card(rows, locale, fallback_text=t("account.list.title", locale))


def workspaces_card(
    backend: str, current: str | None, workspaces: Sequence[tuple[str, str]], locale: str
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = [
        text(
            t("account.workspaces.title", locale, backend=backend_name(backend)),
            weight="Bolder",
            size="Medium",
        )
    ]
    buttons: list[dict[str, Any]] = []
    shown = sorted(workspaces, key=lambda w: w[0] != current)[:MAX_WORKSPACES]  # the current one first
    for wid, name in shown:
        marker = " ✓" if wid == current else ""
        rows.append(text(f"{escape(shorten(name, NAME_LIMIT))}{marker}", spacing="Small"))
        if wid != current and len(buttons) < MAX_BUTTONS:
            title = t("account.workspaces.use", locale, workspace=shorten(name, 40))
            buttons.append(act.run(title, f'workspace "{name[:NAME_LIMIT]}"'))
    more = more_line(len(workspaces) - len(shown), locale)
    if more is not None:
        rows.append(more)
    if buttons:
        rows.append(action_set(buttons))
    return card(
        rows, locale, fallback_text=t("account.workspaces.title", locale, backend=backend_name(backend))
    )
