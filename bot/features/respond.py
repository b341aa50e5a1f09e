"""Run an operation for the turn's user and turn the outcome into a reply, mapping backend errors to words."""

from __future__ import annotations

import logging
import math
from typing import Any

from adapters.errors import (
    BackendError,
    CapabilityRefused,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unauthorized,
    Unavailable,
    Unsupported,
    ValidationFailed,
)
from bot.commands import clean_text, parse
from bot.features.outbox import queue, queueable
from bot.operations import Ambiguity, Op, ParseFailure
from bot.replies import card_for, refused_params
from bot.routing.turn import Turn
from bot.service.account import Account
from bot.service.outcomes import Outcome, Problem, SignInPrompt
from bot.service.registry import execute, on_account
from bot.signin.connections import SignInNeeded
from bot.views.backends import backend_name

log = logging.getLogger(__name__)


def problem_for(exc: BackendError, retry_command: str | None, backend: str | None = None) -> Problem:
    """The person's words for a backend error; `backend` (the kind that refused) lets "unsupported" name it,
    so people on several trackers know which one lacks the feature."""
    detail = exc.message
    match exc:
        case NotFound():
            return Problem("error.not_found", {"detail": detail})
        case Conflict():
            return Problem("error.conflict", {"detail": detail})
        case PermissionDenied():
            return Problem("error.permission", {"detail": detail}, hint_key="error.permission_hint")
        case Unauthorized():
            return Problem("error.unauthorized", hint_key="account.reconnect_hint")
        case ValidationFailed():
            return Problem("error.validation", {"detail": detail})
        case CapabilityRefused() if backend is not None:  # said once: afterwards it is simply unsupported
            return Problem("error.refused", refused_params(backend, exc.capability))
        case Unsupported() if backend is not None:
            return Problem(
                "error.unsupported", {"backend": backend_name(backend), "capability": exc.capability}
            )
        case Unsupported():
            return Problem("error.unsupported_generic", {"capability": exc.capability})
        case RateLimited(retry_after=float() as wait) if backend is not None and wait > 0:
            minutes = str(max(math.ceil(wait / 60), 1))
            params = {"backend": backend_name(backend), "minutes": minutes}
            return Problem("error.rate_limited", params, retry_command=retry_command)
        case Unavailable():
            return Problem("error.unavailable", retry_command=retry_command)
    return Problem("error.internal", retry_command=retry_command)


async def run_operation(
    turn: Turn, op: Op | Ambiguity | ParseFailure, retry_command: str | None
) -> Outcome | Ambiguity | ParseFailure:
    if isinstance(op, Ambiguity | ParseFailure):
        return op
    backend: str | None = None  # known once the person's backend is bound
    try:
        account_handler = on_account(op)
        if account_handler is not None:
            account = await account_of(turn)
            return await account_handler(account, op) if account else Problem("error.no_identity")
        ctx = await turn.user()
        if ctx is None:
            return Problem("error.no_identity")
        backend = ctx.backend.kind
        try:
            return await execute(ctx, op)
        except Unavailable:
            outbox = turn.services.outbox
            if outbox is None or ctx.backend.kind == "local" or not queueable(op):
                raise
            return await queue(ctx, op, turn.activity.reference(), outbox)
    except SignInNeeded as exc:
        return SignInPrompt(exc.backend, exc.reason)
    except BackendError as exc:
        log.info("backend refused %s: %s", type(op).__name__, type(exc).__name__)
        return problem_for(exc, retry_command, backend)


async def run_text(turn: Turn, raw: str | None) -> Outcome | Ambiguity | ParseFailure:
    """A command as typed (or carried by a `run` button): cleaned, parsed in the sender's zone, run."""
    text = clean_text(raw)
    try:
        ctx = await turn.user()
    except BackendError as exc:  # the person's backend cannot be bound: `connect`, `signin` must still work
        op = parse(text, turn.fallback_parse_context())
        if isinstance(op, ParseFailure | Ambiguity) or on_account(op) is not None:
            return await run_operation(turn, op, retry_command=text or None)
        if isinstance(exc, SignInNeeded):
            return SignInPrompt(exc.backend, exc.reason)
        log.info("could not bind the backend: %s", type(exc).__name__)
        return problem_for(exc, text or None)
    if ctx is None:
        return Problem("error.no_identity")
    return await run_operation(turn, parse(text, ctx.parse_context), retry_command=text or None)


async def account_of(turn: Turn) -> Account | None:
    identity = turn.identity
    if identity is None:
        return None
    prefs = await turn.prefs(identity)
    return Account(identity, prefs, turn.activity.scope, turn.services, turn.backends, turn.default_backend)


def render(turn: Turn, outcome: Outcome | Ambiguity | ParseFailure) -> dict[str, Any]:
    shared = turn.activity.scope != "personal"  # others see the card: refresh it per user
    return card_for(outcome, turn.locale, viewer=turn.activity.from_.id or None if shared else None)
