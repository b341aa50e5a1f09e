"""Signing in from chat: prompts only where they may be shown, and Teams' `signin/*` invokes.

- In a personal chat the prompt is an OAuthCard with a token exchange (Teams SSO, when set up) or an
  Adaptive Card with the sign-in link. In a group chat or channel nobody else may see (or press) it: the
  sender gets a short public "I've sent you a private message" and the prompt in their 1:1 chat, created
  if needed. An `Action.Execute` answers `loginRequest` instead, which Teams shows to the presser only.
- `signin/tokenExchange` (the SSO token from the Teams client): deduplicated by its id (every signed-in
  Teams client sends one), validated by the bot itself, exchanged on-behalf-of; 200 when it worked, 412
  when it cannot (consent, MFA, a rejected token), after which Teams shows the sign-in button (the link).
- `signin/verifyState` and `signin/failure` get a clear message.
The private prompt goes straight through the transport (not the notification queue): it carries a live
sign-in link, and the queue keeps what it sends in the database.
"""

from __future__ import annotations

import logging
from typing import Any

from adapters.backend import Identity
from bot.activity import Activity, InvokeResponse, OutgoingMessage, TurnResult
from bot.app import DeliveryFailed
from bot.features.respond import account_of, render
from bot.i18n import t
from bot.notify import message_item
from bot.operations import Ambiguity, ParseFailure
from bot.routing.filters import AppRemovedByPerson, invoke_named
from bot.routing.router import Router
from bot.routing.turn import Turn
from bot.service.account import forget_synced, use_signed_in
from bot.service.outcomes import Notice, Outcome, Problem, SignInPrompt
from bot.signin.entra import EntraMisconfigured, EntraUnavailable, SignInRequired
from bot.signin.service import SignIn
from bot.signin.sso import SsoRejected
from bot.views.backends import backend_name
from cards import signin as cards

log = logging.getLogger(__name__)
router = Router("signin")
CONNECTION_PREFIX = cards.CONNECTION_PREFIX


def _card(turn: Turn, outcome: Outcome | Ambiguity | ParseFailure) -> OutgoingMessage:
    return OutgoingMessage(card=render(turn, outcome))


async def prompt_message(
    signin: SignIn,
    identity: Identity,
    prompt: SignInPrompt,
    *,
    reference: dict[str, Any],
    command: str | None,
    locale: str,
) -> OutgoingMessage:
    """The sign-in prompt for a personal chat (`reference`), with a fresh single-use link."""
    link = await signin.link(identity, prompt.backend, reference=reference, command=command, locale=locale)
    if signin.sso_for(prompt.backend):
        attachment = cards.oauth_card(
            prompt.backend,
            link.url,
            locale,
            resource=signin.sso_resource,
            exchange_id=link.state,
            reason=prompt.reason,
        )
        return OutgoingMessage(
            attachments=[attachment],
            summary=t("signin.prompt.title", locale, backend=backend_name(prompt.backend)),
        )
    provider = signin.provider(prompt.backend)
    return OutgoingMessage(
        card=cards.signin_card(prompt.backend, provider, link.url, locale, reason=prompt.reason)
    )


async def prompt(turn: Turn, outcome: SignInPrompt, command: str | None) -> TurnResult:
    """Answer a command that needs sign-in: the prompt here (personal chat) or privately (shared chats)."""
    signin, identity = turn.services.signin, turn.identity
    name = backend_name(outcome.backend)
    if signin is None or identity is None or not signin.offers(outcome.backend):
        return TurnResult(
            messages=[
                _card(turn, Problem("signin.not_offered", {"backend": name, "command": outcome.backend}))
            ]
        )
    reference = turn.activity.reference()
    if turn.activity.scope == "personal":
        message = await prompt_message(
            signin, identity, outcome, reference=reference, command=command, locale=turn.locale
        )
        return TurnResult(messages=[message])
    params = {"name": identity.name, "backend": name}
    try:
        personal = await turn.services.outbound.personal_reference(reference)
        sender = turn.services.outbound.sender
        if personal is None or sender is None:
            raise DeliveryFailed("no personal chat")
        message = await prompt_message(
            signin, identity, outcome, reference=personal, command=command, locale=turn.locale
        )
        await sender(personal, message)
    except DeliveryFailed as exc:
        log.info("could not send a private sign-in prompt: %s", exc)
        return TurnResult(messages=[_card(turn, Problem("signin.private_failed", params))])
    return TurnResult(messages=[_card(turn, Notice("signin.private_sent", dict(params)))])


async def login_request(turn: Turn, outcome: SignInPrompt) -> dict[str, Any] | None:
    """The `adaptiveCard/action` answer asking Teams to sign the presser in (None: sign-in not offered)."""
    signin, identity = turn.services.signin, turn.identity
    if signin is None or identity is None or not signin.offers(outcome.backend):
        return None
    personal = await _personal_or_here(turn)
    link = await signin.link(identity, outcome.backend, reference=personal, command=None, locale=turn.locale)
    resource = signin.sso_resource if signin.sso_for(outcome.backend) else None
    return cards.login_request(
        outcome.backend,
        link.url,
        turn.locale,
        resource=resource,
        exchange_id=link.state,
        reason=outcome.reason,
    )


async def _personal_or_here(turn: Turn) -> dict[str, Any]:
    """Where to confirm a sign-in: the person's 1:1 chat (never a shared one), else this conversation."""
    reference = turn.activity.reference()
    if turn.activity.scope == "personal":
        return reference
    try:
        return await turn.services.outbound.personal_reference(reference) or reference
    except DeliveryFailed:
        return reference


# ---- Teams SSO invokes -----------------------------------------------------------------------------------


def _exchange_answer(status: int, value: dict[str, Any], detail: str | None = None) -> InvokeResponse:
    body: dict[str, Any] = {"id": value.get("id"), "connectionName": value.get("connectionName")}
    if detail:
        body["failureDetail"] = detail
    return InvokeResponse(status=status, body=body)


async def token_exchange(turn: Turn) -> TurnResult:
    value = turn.activity.value if isinstance(turn.activity.value, dict) else {}
    signin, identity = turn.services.signin, turn.identity
    exchange_id, token = str(value.get("id") or ""), value.get("token")
    if signin is None or identity is None or not exchange_id or not isinstance(token, str):
        return TurnResult(invoke=_exchange_answer(412, value, "The bot cannot exchange this token."))
    key = f"signin/tokenExchange|{turn.activity.conversation.id}|{exchange_id}"
    if await turn.services.store.seen_activity(key):
        log.info("duplicate token exchange ignored")
        return TurnResult(invoke=_exchange_answer(200, value))
    pending = await signin.pending.peek(exchange_id, now=turn.services.clock())
    backend = _sso_backend(signin, str(value.get("connectionName") or ""))
    if not isinstance(pending, str) and not _same_person(pending.identity, identity):
        pending = "unknown"  # someone else's card: exchange for the presser, with nothing of theirs
    try:
        signed_in = await signin.exchange(identity, token, backend)
    except (SsoRejected, SignInRequired, EntraUnavailable, EntraMisconfigured) as exc:
        await turn.services.store.unsee_activity(key)  # a later exchange with this id may still work
        log.info("token exchange refused (%s): %s", type(exc).__name__, getattr(exc, "reason", exc))
        return TurnResult(
            invoke=_exchange_answer(412, value, "The bot could not sign you in silently. Please sign in.")
        )
    command = None
    if not isinstance(pending, str):
        claimed = await signin.pending.claim(exchange_id, now=turn.services.clock())
        command = claimed.data.get("command") if not isinstance(claimed, str) else None
    messages = [await _after_sign_in(turn, signed_in.backend, signed_in.account)]
    if isinstance(command, str) and command:
        messages += await _run_command(turn, command)
    return TurnResult(messages=messages, invoke=_exchange_answer(200, value))


def _same_person(one: Identity, other: Identity) -> bool:
    return (one.tenant_id, one.aad_object_id.lower()) == (other.tenant_id, other.aad_object_id.lower())


def _sso_backend(signin: SignIn, connection_name: str) -> str:
    """The backend a token exchange is for: named in the connection name we sent, else the first SSO one."""
    named = (
        connection_name.removeprefix(CONNECTION_PREFIX)
        if connection_name.startswith(CONNECTION_PREFIX)
        else ""
    )
    return named if signin.sso_for(named) else next((b for b in signin.backends if signin.sso_for(b)), "")


async def exchange_from_action(turn: Turn) -> None:
    """After a `loginRequest`, Teams sends the action again with `value.authentication` (an SSO token):
    sign the presser in first, so the action then runs with their own tokens."""
    value = turn.activity.value if isinstance(turn.activity.value, dict) else {}
    auth = value.get("authentication")
    signin, identity = turn.services.signin, turn.identity
    if (
        not isinstance(auth, dict)
        or not isinstance(auth.get("token"), str)
        or signin is None
        or identity is None
    ):
        return
    backend = _sso_backend(signin, str(auth.get("connectionName") or ""))
    try:
        signed_in = await signin.exchange(identity, auth["token"], backend)
    except (SsoRejected, SignInRequired, EntraUnavailable, EntraMisconfigured) as exc:
        log.info("action token exchange refused (%s)", type(exc).__name__)
        return
    account = await account_of(turn)
    if account is not None:
        await use_signed_in(account, signed_in.backend, signed_in.account)


async def _after_sign_in(turn: Turn, backend: str, account_name: str | None) -> OutgoingMessage:
    account = await account_of(turn)
    if account is None:
        return _card(turn, Problem("error.no_identity"))
    return _card(turn, await use_signed_in(account, backend, account_name))


async def _run_command(turn: Turn, command: str) -> list[OutgoingMessage]:
    """Run the command that needed the sign-in, now that it can, as if typed again."""
    from bot.features.respond import run_text

    outcome = await run_text(turn, command)
    return [_card(turn, outcome)]


async def verify_state(turn: Turn) -> TurnResult:
    """The sign-in popup finished (`value.state`); the link flow has already confirmed in the chat."""
    signin, identity = turn.services.signin, turn.identity
    done = False
    if signin is not None and identity is not None:
        for backend in signin.backends:
            if await signin.account(identity, backend) is not None:
                done = True
    if done:
        return TurnResult(invoke=InvokeResponse(status=200))
    return TurnResult(
        messages=[_card(turn, Problem("signin.verify_failed"))], invoke=InvokeResponse(status=404)
    )


async def failure(turn: Turn) -> TurnResult:
    """Teams could not get the SSO token itself (`resourcematchfailed`, `installedappnotfound`, …)."""
    value = turn.activity.value if isinstance(turn.activity.value, dict) else {}
    code = str(value.get("code") or "unknown")[:60]
    log.warning("Teams reported signin/failure %s: %s", code, str(value.get("message") or "")[:200])
    known = code.lower() in ("resourcematchfailed", "installedappnotfound")
    key = f"signin.failure.{code.lower()}" if known else "signin.failure.other"
    return TurnResult(messages=[_card(turn, Problem(key, {"code": code}))], invoke=InvokeResponse(status=200))


async def uninstalled(turn: Turn) -> TurnResult:
    """The person removed the app: forget their sign-ins (MSAL account and cache, awork tokens)."""
    signin, identity = turn.services.signin, turn.identity
    if signin is not None and identity is not None:
        for backend in ("timeghost", "awork"):  # timeghost's sign-out takes the whole Microsoft account
            await signin.sign_out(identity, backend)
        await forget_synced(turn.services, identity)
        log.info("app removed by a person: their sign-ins are deleted")
    return TurnResult()


router.add(AppRemovedByPerson, uninstalled)
router.add(invoke_named("signin/tokenExchange"), token_exchange)
router.add(invoke_named("signin/verifyState"), verify_state)
router.add(invoke_named("signin/failure"), failure)


async def enqueue(
    turn_services: Any, reference: dict[str, Any], message: OutgoingMessage, locale: str
) -> None:
    """Post into `reference` outside a turn: through the notification queue when there is one."""
    queue = turn_services.notifications
    if queue is not None:
        await queue.enqueue(
            reference, "message", message_item(message), locale=locale, now=turn_services.clock()
        )
        return
    sender = turn_services.outbound.sender
    if sender is not None:
        await sender(reference, message)


def activity_for(reference: dict[str, Any], command: str, locale: str) -> Activity:
    """A message activity as if the person typed `command` again in the conversation of `reference`."""
    activity = Activity.from_reference(reference)
    return activity.model_copy(update={"text": command, "locale": locale or activity.locale})
