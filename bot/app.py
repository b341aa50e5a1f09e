"""The seam between transport and application: one inbound `Activity` in, one `TurnResult` out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

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


@runtime_checkable
class PersonalChats(Protocol):
    """Opens (or finds) the bot's 1:1 chat with a person, for what must not be said in a shared one."""

    async def personal_reference(self, reference: dict[str, Any]) -> dict[str, Any]:
        """A conversation reference of the personal chat with `reference`'s user. Raises `DeliveryFailed`."""
        ...


@dataclass
class Outbound:
    """What the transport lends the application for messages outside a turn's own reply (set at start-up)."""

    sender: ProactiveSender | None = None

    async def personal_reference(self, reference: dict[str, Any]) -> dict[str, Any] | None:
        """The personal chat with the user of `reference`, or None if the transport cannot open one."""
        if isinstance(self.sender, PersonalChats):
            return await self.sender.personal_reference(reference)
        return None


@dataclass(frozen=True)
class WebPage:
    """A page the bot serves itself (the sign-in link's start and callback): HTML, or a redirect."""

    status: int
    html: str | None = None
    location: str | None = None


class AuthPages(Protocol):
    """`GET /auth/start` and `GET|POST /auth/callback`, answered by the application."""

    async def start(self, query: dict[str, str]) -> WebPage: ...

    async def callback(self, params: dict[str, str]) -> WebPage: ...


class TurnHandler(Protocol):
    """What the transport calls for every authenticated activity. Never raises for bad user input."""

    async def handle(self, activity: Activity) -> TurnResult: ...

    async def startup(self) -> None: ...

    async def shutdown(self) -> None: ...


class FeedIntake(Protocol):
    """`POST /api/feed` and `PATCH /api/feed/{externalId}` after transport checks (size, JSON, bearer key):
    each answer is an HTTP status and a JSON body. Never raises for bad input."""

    async def add(self, key: str, body: Any) -> tuple[int, dict[str, Any]]: ...

    async def update(self, key: str, external_id: str, body: Any) -> tuple[int, dict[str, Any]]: ...

    def openapi(self, server_url: str) -> dict[str, Any]: ...


@runtime_checkable
class WebhookReceiver(Protocol):
    """A handler that also takes tracker webhooks (`POST /api/webhooks/{backend}/{subscription}`).

    Gets the raw body (signatures are over the exact bytes) and lower-cased headers; answers (status, JSON
    body). Must not call backends: the sender waits for the answer.
    """

    async def receive_webhook(
        self, backend: str, subscription: str, headers: Mapping[str, str], body: bytes, url: str
    ) -> tuple[int, dict[str, Any] | None]: ...
