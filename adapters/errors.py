"""Backend errors the bot understands. Adapters translate their API's error bodies into these."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.backend import Capability


class BackendError(Exception):
    """Base for every error an adapter raises; `message` is safe to show (no secrets, no stack).
    `status` is the HTTP status that caused it, where one did."""

    status: int | None = None

    def __init__(self, message: str = "", *, detail: str | None = None) -> None:
        super().__init__(message or self.__class__.__name__)
        self.message = message or self.__class__.__name__
        self.detail = detail


class NotFound(BackendError):
    """The entity does not exist (or the user may not see it)."""


class Conflict(BackendError):
    """The write contradicts existing data: a duplicate name, an overlap, a second running timer."""


class PermissionDenied(BackendError):
    """The user is known but may not do this (e.g. creating projects when only admins may)."""


class Unauthorized(BackendError):
    """The credentials are missing, expired or revoked: the user must sign in / connect again."""


class ValidationFailed(BackendError):
    """The backend rejected the values (end before start, name too long, …)."""


class Unsupported(BackendError):
    """The backend lacks the capability; the bot says so plainly instead of faking it."""

    def __init__(self, capability: str) -> None:
        super().__init__(f"not supported: {capability}")
        self.capability = capability


class CapabilityRefused(Unsupported):
    """The adapter believed in the capability but the live API refused it (no such route): it is off for this
    connection from now on (`adapters.refusals`). Said once; afterwards it is simply not offered."""

    def __init__(self, capability: str, flag: Capability) -> None:
        super().__init__(capability)
        self.flag = flag


class Unavailable(BackendError):
    """The backend could not be reached or answered 5xx after retries; writes are queued, not dropped."""


class RateLimited(Unavailable):
    """The backend said 429/402 quota; `retry_after` seconds until it may be asked again."""

    def __init__(self, message: str = "rate limited", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
