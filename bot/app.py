"""The seam between transport and application: one inbound `Activity` in, one `TurnResult` out."""

from __future__ import annotations

from typing import Any, Protocol

from bot.activity import Activity, OutgoingMessage, TurnResult


class ProactiveSender(Protocol):
    """Sends a message into a conversation the bot saw before (its stored reference), outside any turn."""

    async def __call__(self, reference: dict[str, Any], message: OutgoingMessage) -> None: ...


class TurnHandler(Protocol):
    """What the transport calls for every authenticated activity. Never raises for bad user input."""

    async def handle(self, activity: Activity) -> TurnResult: ...

    async def startup(self) -> None: ...

    async def shutdown(self) -> None: ...
