"""The HTTP plumbing every remote adapter shares: one pooled `httpx.AsyncClient` per backend, timeouts on
every call, retries with backoff and full jitter on 429/5xx honouring `Retry-After` (and Toggl's quota
headers), a client-side call budget, and API errors mapped to the domain's errors.

Writes that are not idempotent are retried only when the request provably never reached the server (the
connection failed) or the server said it did not process it (429, or 402 quota); a timeout after sending a
POST is not retried, because the server may have created the entry already.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from adapters.errors import (
    BackendError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)

log = logging.getLogger(__name__)

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
NOT_PROCESSED = frozenset({429, 402})  # the server refused before doing anything: safe to repeat any call


def segment(value: object) -> str:
    """One URL path segment, escaped: ids come from users and other systems (`/` or `?` must not leak)."""
    return quote(str(value), safe="")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0  # a longer Retry-After fails fast: the caller queues the write instead
    deadline: float = 30.0


class CallBudget:
    """At most `calls` requests per `period` seconds (sliding window), e.g. timeghost's 100 per 60 s.

    Callers wait for a free slot instead of provoking a 429.
    """

    def __init__(self, calls: int, period: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.calls = calls
        self.period = period
        self._clock = clock
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                while self._sent and now - self._sent[0] >= self.period:
                    self._sent.popleft()
                if len(self._sent) < self.calls:
                    self._sent.append(now)
                    return
                await asyncio.sleep(self.period - (now - self._sent[0]))


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from `Retry-After` (seconds or HTTP date) or Toggl's `X-Toggl-Quota-Resets-In`."""
    for header in ("Retry-After", "X-Toggl-Quota-Resets-In", "RateLimit-Reset"):
        value = response.headers.get(header)
        if not value:
            continue
        try:
            return max(float(value), 0.0)
        except ValueError:
            try:
                when = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                continue
            return max(when.timestamp() - time.time(), 0.0)
    return None


ErrorMessage = Callable[[httpx.Response], str]


def default_error_message(response: httpx.Response) -> str:
    """A short, safe message from an error body (`message`, `error`, `title`, `description`) or the status."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:200] if text and len(text) < 200 and "<" not in text else response.reason_phrase
    if isinstance(body, str):
        return body[:200]
    if isinstance(body, dict):
        for key in ("message", "error", "title", "description", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value[:200]
    return response.reason_phrase


def error_for(response: httpx.Response, message: str) -> BackendError:
    error = _error_for(response, message)
    error.status = response.status_code
    return error


def _error_for(response: httpx.Response, message: str) -> BackendError:
    status = response.status_code
    if status == 401:
        return Unauthorized(message)
    if status == 403:
        return PermissionDenied(message)
    if status == 404:
        return NotFound(message)
    if status == 409:
        return Conflict(message)
    if status in (400, 422):
        return ValidationFailed(message)
    if status in NOT_PROCESSED:
        return RateLimited(message, retry_after=retry_after(response))
    return Unavailable(f"{message} (HTTP {status})")


def json_body(response: httpx.Response, name: str) -> Any:
    """The answer's JSON (`None` for an empty body); anything else from a backend is `Unavailable`."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise Unavailable(f"{name} sent a response that is not JSON") from exc


class ApiClient:
    """One backend's HTTP client, shared by all of its users: credentials travel per request, never on the
    client, so one person's token can never be sent for another."""

    def __init__(
        self,
        base_url: str,
        *,
        name: str,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        budget: CallBudget | None = None,
        error_message: ErrorMessage = default_error_message,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._retry = retry or RetryPolicy()
        self._budget = budget
        self._error_message = error_message
        self._sleep = sleep
        self._client = httpx.AsyncClient(
            base_url=self.base_url + "/",
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "timebot"},
        )
        self.calls = 0  # requests actually sent (for the remote-call benchmark)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send with retries; return a 2xx response or raise the mapped `BackendError`.

        `path` is relative to the base URL; build it with `segment()` for every variable part.
        """
        method = method.upper()
        safe_to_repeat = idempotent if idempotent is not None else method in IDEMPOTENT
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            if self._budget is not None:
                await self._budget.acquire()
            try:
                self.calls += 1
                response = await self._client.request(
                    method, path.lstrip("/"), headers=headers, params=_clean(params), json=json
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Never reached the server: repeating is safe for any method.
                error: BackendError = Unavailable(f"{self.name} is unreachable ({type(exc).__name__})")
                delay = self._backoff(attempt)
            except httpx.TransportError as exc:
                if not safe_to_repeat:
                    raise Unavailable(f"{self.name} did not answer ({type(exc).__name__})") from exc
                error = Unavailable(f"{self.name} did not answer ({type(exc).__name__})")
                delay = self._backoff(attempt)
            else:
                if response.is_success:
                    return response
                error = error_for(response, self._error_message(response))
                retryable = response.status_code in NOT_PROCESSED or (
                    response.status_code in RETRYABLE_STATUS and safe_to_repeat
                )
                if not retryable:
                    raise error
                hinted = retry_after(response)
                if hinted is not None and hinted > self._retry.max_retry_after:
                    raise error
                delay = hinted if hinted is not None else self._backoff(attempt)
            elapsed = time.monotonic() - started
            if attempt >= self._retry.attempts or elapsed + delay > self._retry.deadline:
                raise error
            log.info(
                "%s %s failed (%s); retry %d in %.2fs",
                self.name,
                method,
                type(error).__name__,
                attempt,
                delay,
            )
            await self._sleep(delay)

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return json_body(await self.request(method, path, **kwargs), self.name)

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter (AWS architecture blog's recommendation)."""
        ceiling = min(self._retry.max_delay, self._retry.base_delay * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)


def _clean(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Drop unset parameters; render booleans the way these APIs expect (`true`/`false`)."""
    if params is None:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


def odata_string(value: str) -> str:
    """A string literal for an OData `$filter`/`filterby`: quoted, with single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"
