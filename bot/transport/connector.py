"""An async, pooled Bot Connector client: send, reply to and update messages in a conversation.

One `aiohttp.ClientSession` (one connection pool) serves every `serviceUrl` for the life of the process —
never a client per activity, no msrest, no thread pool on the hot path. Every call

* waits for a permit from the conversation's and the tenant's buckets (Teams: 7/1 s, 8/2 s, 60/30 s and
  1,800/h per conversation, 50/s per app per tenant; shared by all processes through Redis when configured,
  see `ratelimit.py`), and reports a 429 back to those buckets,
* carries `Authorization: Bearer <token>` outside local mode (token cached, see `tokens.py`),
* has a timeout, and
* is retried on 429 (honouring `Retry-After`), 412, 502, 503, 504, connection errors and timeouts, with
  exponential backoff and full jitter, at most `RetryPolicy.max_attempts` attempts within
  `RetryPolicy.deadline` seconds. Other 4xx are not retried (401/403 once, with a fresh token).
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import pydantic_core
from yarl import URL

from bot.activity import Activity, OutgoingMessage
from bot.settings import Settings
from bot.transport.ratelimit import ConversationRateLimiter, Permits, RateLimits, permits_from_settings
from bot.transport.tokens import TokenProvider, botframework_token_provider

log = logging.getLogger(__name__)

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
RETRY_STATUSES = frozenset({412, 429, 502, 503, 504})


class ConnectorError(Exception):
    """A connector call failed for good (non-retryable status, or retries exhausted)."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after  # the last Retry-After the service sent (seconds), if any


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 0.5  # first backoff ceiling; doubles per attempt (full jitter: uniform(0, ceiling))
    max_delay: float = 8.0
    max_retry_after: float = 30.0  # a longer Retry-After is not waited for: the call fails instead
    deadline: float = 25.0  # total budget for one call, waits included

    def backoff(self, attempt: int) -> float:
        """Full-jitter exponential backoff before attempt `attempt + 1` (attempt counts from 1)."""
        return random.uniform(0.0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


def outgoing_activity(activity: Activity, message: OutgoingMessage) -> dict[str, Any]:
    """The Bot Framework JSON for `message`, sent into the conversation `activity` came from."""
    out: dict[str, Any] = {
        "type": "message",
        "channelId": activity.channel_id,
        "serviceUrl": activity.service_url,
        "from": activity.recipient.model_dump(by_alias=True, exclude_none=True),
        "recipient": activity.from_.model_dump(by_alias=True, exclude_none=True),
        "conversation": activity.conversation.model_dump(by_alias=True, exclude_none=True),
    }
    if message.replace_activity_id:
        out["id"] = message.replace_activity_id
    elif activity.id:
        out["replyToId"] = activity.id
    if activity.locale:
        out["locale"] = activity.locale
    if message.text:
        out["text"] = message.text
        out["textFormat"] = "markdown"
    attachments: list[dict[str, Any]] = []
    if message.card is not None:
        attachments.append({"contentType": ADAPTIVE_CARD, "content": message.card})
    attachments.extend(message.attachments)
    if attachments:
        out["attachments"] = attachments
    if message.summary:
        out["summary"] = message.summary
    return out


def conversation_path(conversation_id: str, activity_id: str | None = None) -> str:
    """`/v3/conversations/{id}/activities[/{activityId}]`, ids path-escaped (they contain `:;@`)."""
    path = f"/v3/conversations/{quote(conversation_id, safe='')}/activities"
    if activity_id:
        path += f"/{quote(activity_id, safe='')}"
    return path


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class ConnectorClient:
    """Sends into Bot Framework conversations. Create once per process; `await close()` on shutdown."""

    def __init__(
        self,
        *,
        token_provider: TokenProvider | None = None,
        limits: RateLimits | None = None,
        permits: Permits | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 10.0,
        connection_limit: int = 100,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self._tokens = token_provider
        self.permits: Permits = permits if permits is not None else ConversationRateLimiter(limits)
        self._retry = retry or RetryPolicy()
        self._timeout = aiohttp.ClientTimeout(total=timeout, connect=min(timeout, 5.0))
        self._connection_limit = connection_limit
        self._sleep = sleep
        self._session: aiohttp.ClientSession | None = None
        self.sessions_created = 0  # instrumentation: stays 1 for the life of the process
        self._bases: dict[str, str] = {}  # serviceUrl → normalised and checked (see `_base`)

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> ConnectorClient:
        tokens = None if settings.local_mode else botframework_token_provider(settings)
        if "permits" not in kwargs:
            kwargs["permits"] = permits_from_settings(settings, kwargs.pop("limits", None))
        return cls(token_provider=tokens, **kwargs)

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connection_limit, ttl_dns_cache=300),
                timeout=self._timeout,
                cookie_jar=aiohttp.DummyCookieJar(),  # nothing leaks from one serviceUrl to another
                headers={"User-Agent": "timebot"},
            )
            self.sessions_created += 1
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
        await self.permits.close()

    # ---- public operations -------------------------------------------------------------------------------

    async def send(self, activity: Activity, message: OutgoingMessage) -> str | None:
        """Post `message` into the conversation of `activity` (as a reply to it), or update
        `message.replace_activity_id`. Returns the id the connector gives the activity."""
        service_url = activity.service_url
        conversation_id = activity.conversation.id
        if not service_url or not conversation_id:
            raise ConnectorError("the activity has no serviceUrl or conversation id")
        payload = outgoing_activity(activity, message)
        if message.replace_activity_id:
            method, path = "PUT", conversation_path(conversation_id, message.replace_activity_id)
        else:
            method, path = "POST", conversation_path(conversation_id, activity.id)
        response = await self._call(
            method,
            service_url,
            path,
            payload,
            conversation_key=conversation_id,
            tenant_id=activity.tenant_id or "",
        )
        new_id = response.get("id") if isinstance(response, dict) else None
        return new_id if isinstance(new_id, str) else message.replace_activity_id

    async def create_conversation(self, service_url: str, parameters: dict[str, Any]) -> str | None:
        """`POST /v3/conversations` (proactive 1:1 chats); returns the conversation id."""
        response = await self._call("POST", service_url, "/v3/conversations", parameters, conversation_key="")
        conversation_id = response.get("id") if isinstance(response, dict) else None
        return conversation_id if isinstance(conversation_id, str) else None

    # ---- the one HTTP path -------------------------------------------------------------------------------

    def _base(self, service_url: str) -> str:
        """The service URL normalised (yarl), checked fit for a bearer token, remembered: Teams uses a few."""
        base = self._bases.get(service_url)
        if base is None:
            base = str(URL(service_url)).rstrip("/")
            parts = urlsplit(base)
            if self._tokens is not None and parts.scheme != "https" and not _is_loopback(parts.hostname):
                raise ConnectorError(
                    f"refusing to send a bearer token over {parts.scheme}:// to {parts.hostname}"
                )
            if len(self._bases) >= 1024:
                self._bases.clear()
            self._bases[service_url] = base
        return base

    async def _headers(self, *, fresh: bool = False) -> dict[str, str]:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self._tokens is not None:
            if fresh:
                self._tokens.invalidate()
            headers["Authorization"] = f"Bearer {await self._tokens.get_token()}"
        return headers

    async def _call(
        self,
        method: str,
        service_url: str,
        path: str,
        payload: dict[str, Any],
        *,
        conversation_key: str,
        tenant_id: str = "",
    ) -> Any:
        # Normalise the service URL, then append our already-escaped path verbatim (yarl would unquote `%3A`).
        target = URL(self._base(service_url) + path, encoded=True)
        body = pydantic_core.to_json(payload)  # compact UTF-8 like json.dumps, a third of its time for a card
        policy = self._retry
        started = time.monotonic()
        fresh_token = False
        last_problem = "no attempt"
        retry_after: float | None = None
        for attempt in range(1, policy.max_attempts + 1):
            if conversation_key:
                await self.permits.acquire(conversation_key, tenant_id)
            headers = await self._headers(fresh=fresh_token)
            delay: float | None
            try:
                async with self.session.request(method, target, data=body, headers=headers) as resp:
                    status = resp.status
                    if 200 <= status < 300:
                        raw = await resp.read()
                        if not raw:
                            return None
                        try:
                            return pydantic_core.from_json(raw)
                        except ValueError:
                            return None
                    await resp.read()
                    retry_after = _retry_after(resp.headers.get("Retry-After"))
            except (TimeoutError, aiohttp.ClientConnectionError) as exc:
                last_problem = f"{type(exc).__name__}"
                delay = policy.backoff(attempt)
            else:
                last_problem = f"HTTP {status}"
                if status in (401, 403) and self._tokens is not None and not fresh_token:
                    fresh_token, delay = True, 0.0  # a revoked/rotated token: one retry with a new one
                elif status not in RETRY_STATUSES:
                    raise ConnectorError(f"{method} {path} failed: HTTP {status}", status=status)
                elif retry_after is not None:
                    if status == 429 and conversation_key:
                        await self.permits.throttled(conversation_key, retry_after, tenant_id)
                    if retry_after > policy.max_retry_after:
                        raise ConnectorError(
                            f"{method} {path} throttled: Retry-After {retry_after:.0f}s",
                            status=status,
                            retry_after=retry_after,
                        )
                    delay = retry_after
                else:
                    delay = policy.backoff(attempt)
            if attempt == policy.max_attempts:
                break
            if time.monotonic() - started + delay > policy.deadline:
                break
            log.warning("connector %s %s: %s, retry %d in %.2fs", method, path, last_problem, attempt, delay)
            await self._sleep(delay)
        status_code = int(last_problem[5:]) if last_problem.startswith("HTTP ") else None
        raise ConnectorError(
            f"{method} {path} failed after {attempt} attempts: {last_problem}",
            status=status_code,
            retry_after=retry_after,
        )
