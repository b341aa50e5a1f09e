"""Backend errors the bot understands. Adapters translate their API's error bodies into these."""

from __future__ import annotations


class BackendError(Exception):
    """Base for every error an adapter raises; `message` is safe to show (no secrets, no stack)."""

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


class Unavailable(BackendError):
    """The backend could not be reached or answered 5xx after retries; writes are queued, not dropped."""


class RateLimited(Unavailable):
    """The backend said 429/402 quota; `retry_after` seconds until it may be asked again."""

    def __init__(self, message: str = "rate limited", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
