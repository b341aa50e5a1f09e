"""The seam between transport and application: one inbound `Activity` in, one `TurnResult` out."""

from __future__ import annotations

from typing import Protocol

from bot.activity import Activity, TurnResult


class TurnHandler(Protocol):
    """What the transport calls for every authenticated activity. Never raises for bad user input."""

    async def handle(self, activity: Activity) -> TurnResult: ...

    async def startup(self) -> None: ...

    async def shutdown(self) -> None: ...
