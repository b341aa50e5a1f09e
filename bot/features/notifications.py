"""Renderers for the notification queue's kinds (cards are built here, at send time, in the conversation's
language). Kind `message` (a ready `OutgoingMessage`) is built into the worker; features add their kinds.

`changes`: one change is a compact change card; several coalesced ones are the digest, and because the
worker updates the posted message in place, a burst of 500 changes is one card that grows its count.
"""

from __future__ import annotations

from bot.activity import OutgoingMessage
from bot.i18n import t
from bot.notify import Renderer, Rendering
from bot.notify.fanout import DIGEST
from bot.views.changes import ChangeView
from cards.changes import change_card, digest_card


def render_changes(rendering: Rendering) -> OutgoingMessage:
    views = [ChangeView.model_validate(item) for item in rendering.items]
    if rendering.item_count == 1:
        view = views[0]
        summary = t(f"notify.title.{view.entity}.{view.event}", rendering.locale)
        return OutgoingMessage(card=change_card(view, rendering.locale), summary=summary)
    summary = t("notify.digest.title", rendering.locale, count=rendering.item_count)
    return OutgoingMessage(card=digest_card(views, rendering.item_count, rendering.locale), summary=summary)


RENDERERS: dict[str, Renderer] = {DIGEST: render_changes}
