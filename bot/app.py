"""The seam between transport and application: one inbound `Activity` in, one `TurnResult` out."""

from __future__ import annotations

from typing import Any, Protocol

from bot.activity import Activity, OutgoingMessage, TurnResult


class DeliveryFailed(Exception):
    """A proactive send failed for good or for now; the transport says which with `status`/`retry_after`.

    `status` is the HTTP status of the last answer (None for a connection error or timeout) and
    `retry_after` the seconds the service asked us to wait (429), so the delivery queue can plan its retry
    without knowing the transport.
    """

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class ProactiveSender(Protocol):
    """Sends a message into a conversation the bot saw before (its stored reference), outside any turn.

    Returns the id of the posted activity (to update it in place later via `replace_activity_id`), or None
    when the service gave none. Raises `DeliveryFailed`.
    """

    async def __call__(self, reference: dict[str, Any], message: OutgoingMessage) -> str | None: ...


class TurnHandler(Protocol):
    """What the transport calls for every authenticated activity. Never raises for bad user input."""

    async def handle(self, activity: Activity) -> TurnResult: ...

    async def startup(self) -> None: ...

    async def shutdown(self) -> None: ...
