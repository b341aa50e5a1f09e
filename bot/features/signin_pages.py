"""The sign-in link's two pages: `/auth/start` (redirect to the provider) and `/auth/callback`.

A successful callback confirms in the person's chat (through the notification queue) and runs the command
that needed the sign-in, so a person who typed `status` gets their status once they are signed in. A link
completed with someone else's account is refused on the page, and the person who asked is told.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.activity import OutgoingMessage
from bot.app import WebPage
from bot.features.signin import activity_for, enqueue
from bot.i18n import t
from bot.replies import card_for
from bot.service.account import Account, use_signed_in
from bot.service.outcomes import Notice, Outcome
from bot.signin.service import Redirect, Refused, SignedIn
from bot.store.signins import Pending
from bot.views.backends import backend_name
from cards.signin import page

if TYPE_CHECKING:
    from bot.timebot import Timebot

log = logging.getLogger(__name__)


class SignInPages:
    """`bot.app.AuthPages` for the application `bot`."""

    def __init__(self, bot: Timebot) -> None:
        self._bot = bot

    async def start(self, query: dict[str, str]) -> WebPage:
        signin = self._bot.services.signin
        if signin is None:
            return WebPage(404, page(t("signin.page.misconfigured", "en-US"), "en-US"))
        result = await signin.start(query.get("state", ""))
        if isinstance(result, Redirect):
            return WebPage(302, location=result.url)
        return self._refused(result)

    async def callback(self, params: dict[str, str]) -> WebPage:
        signin = self._bot.services.signin
        if signin is None:
            return WebPage(404, page(t("signin.page.misconfigured", "en-US"), "en-US"))
        result = await signin.finish(params)
        if isinstance(result, Refused):
            if result.key == "signin.page.wrong_account" and result.pending is not None:
                await self._tell(result.pending, Notice("signin.wrong_account_alert"))
            return self._refused(result)
        return await self._signed_in(result)

    def _refused(self, refused: Refused) -> WebPage:
        locale = str(refused.pending.data.get("locale") or "en-US") if refused.pending else "en-US"
        return WebPage(refused.status, page(t(refused.key, locale, **refused.params), locale))

    async def _signed_in(self, done: SignedIn) -> WebPage:
        pending = done.pending
        assert pending is not None
        locale = str(pending.data.get("locale") or "en-US")
        bot = self._bot
        prefs = await bot.services.store.get_prefs(done.identity.tenant_id, done.identity.aad_object_id)
        account = Account(done.identity, prefs, "personal", bot.services, bot.backends, bot.default_backend)
        outcome = await use_signed_in(account, done.backend, done.account)
        await self._tell(pending, outcome)
        command = pending.data.get("command")
        if isinstance(command, str) and command and isinstance(outcome, Notice):
            await self._run(pending, command, locale)
        as_account = t("signin.page.as_account", locale, account=done.account) if done.account else ""
        message = t("signin.page.done", locale, backend=backend_name(done.backend), as_account=as_account)
        return WebPage(200, page(message, locale))

    async def _tell(self, pending: Pending, outcome: Outcome) -> None:
        reference = pending.data.get("reference")
        if not isinstance(reference, dict):
            return
        locale = str(pending.data.get("locale") or "en-US")
        await enqueue(self._bot.services, reference, OutgoingMessage(card=card_for(outcome, locale)), locale)

    async def _run(self, pending: Pending, command: str, locale: str) -> None:
        reference = pending.data.get("reference")
        if not isinstance(reference, dict):
            return
        result = await self._bot.handle(activity_for(reference, command, locale))
        for message in result.messages:
            if message.replace_activity_id is None:
                await enqueue(self._bot.services, reference, message, locale)
