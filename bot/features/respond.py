"""Run an operation for the turn's user and turn the outcome into a reply, mapping backend errors to words."""

from __future__ import annotations

import logging
from typing import Any

from adapters.errors import (
    BackendError,
    Conflict,
    NotFound,
    PermissionDenied,
    Unauthorized,
    Unavailable,
    Unsupported,
    ValidationFailed,
)
from bot.operations import Ambiguity, Op, ParseFailure
from bot.replies import card_for
from bot.routing.turn import Turn
from bot.service.outcomes import Outcome, Problem
from bot.service.registry import execute

log = logging.getLogger(__name__)


def problem_for(exc: BackendError, retry_command: str | None) -> Problem:
    detail = exc.message
    match exc:
        case NotFound():
            return Problem("error.not_found", {"detail": detail})
        case Conflict():
            return Problem("error.conflict", {"detail": detail})
        case PermissionDenied():
            return Problem("error.permission", {"detail": detail}, hint_key="error.permission_hint")
        case Unauthorized():
            return Problem("error.unauthorized")
        case ValidationFailed():
            return Problem("error.validation", {"detail": detail})
        case Unsupported():
            return Problem("error.unsupported", {"capability": exc.capability})
        case Unavailable():
            return Problem("error.unavailable", retry_command=retry_command)
    return Problem("error.internal", retry_command=retry_command)


async def run_operation(
    turn: Turn, op: Op | Ambiguity | ParseFailure, retry_command: str | None
) -> Outcome | Ambiguity | ParseFailure:
    if isinstance(op, Ambiguity | ParseFailure):
        return op
    ctx = await turn.user()
    if ctx is None:
        return Problem("error.no_identity")
    try:
        return await execute(ctx, op)
    except BackendError as exc:
        log.info("backend refused %s: %s", type(op).__name__, type(exc).__name__)
        return problem_for(exc, retry_command)


def render(turn: Turn, outcome: Outcome | Ambiguity | ParseFailure) -> dict[str, Any]:
    return card_for(outcome, turn.locale)
