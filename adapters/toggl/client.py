"""Wire calls to Toggl Track: three pooled `ApiClient`s (Track v9, Reports v3, Webhooks v1) shared by all of
the backend's users; each call carries the acting person's own API token (Basic `<token>:api_token`)."""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx

from adapters.errors import BackendError, Conflict, NotFound, PermissionDenied, Unauthorized, ValidationFailed
from adapters.http import ApiClient, RetryPolicy, default_error_message

_TAGS = re.compile(r"<[^>]+>")
_AUTH_FAILED = ("incorrect username", "incorrect password", "invalid token", "api token")
_DUPLICATE = ("already exists", "already been taken", "already in use")
_MISSING = ("not found", "invalid project_id", "not accessible", "can not be found")


def toggl_error_message(response: httpx.Response) -> str:
    """Toggl's error bodies are usually a bare JSON string (`"Time entry already stopped"`), sometimes plain
    text; structured bodies fall back to the shared reader."""
    try:
        body = response.json()
    except ValueError:
        text = _TAGS.sub("", response.text).strip()
        return text[:200] if text else response.reason_phrase
    if isinstance(body, str):
        return body.strip()[:200] or response.reason_phrase
    return default_error_message(response)


def translate(error: BackendError) -> BackendError:
    """Refine the status-based mapping with what Toggl's messages say."""
    text = error.message.casefold()
    if isinstance(error, ValidationFailed) and any(m in text for m in _DUPLICATE):
        return Conflict(error.message)
    if isinstance(error, ValidationFailed) and any(m in text for m in _MISSING):
        return NotFound(error.message)
    if isinstance(error, PermissionDenied) and any(m in text for m in _AUTH_FAILED):
        return Unauthorized(error.message)  # Toggl answers 403 for bad credentials
    return error


def basic_auth(token: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{token}:api_token".encode()).decode()}


class TogglApi:
    """The three Toggl APIs a backend talks to; `calls` counts requests actually sent."""

    def __init__(
        self,
        base_url: str,
        reports_url: str,
        webhooks_url: str,
        *,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Any = None,
    ) -> None:
        extra: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}

        def client(url: str, name: str) -> ApiClient:
            return ApiClient(
                url,
                name=name,
                timeout=timeout,
                retry=retry,
                error_message=toggl_error_message,
                transport=transport,
                **extra,
            )

        self.track = client(base_url, "Toggl Track")
        self.reports = client(reports_url, "Toggl Reports")
        self.webhooks = client(webhooks_url, "Toggl Webhooks")

    @property
    def calls(self) -> int:
        return self.track.calls + self.reports.calls + self.webhooks.calls

    async def aclose(self) -> None:
        for api in (self.track, self.reports, self.webhooks):
            await api.aclose()


class Session:
    """One person's authenticated view of the APIs (the token never leaves this object's headers)."""

    def __init__(self, api: TogglApi, token: str) -> None:
        self.api = api
        self._headers = basic_auth(token)

    def __repr__(self) -> str:
        return "Session(<token>)"

    async def call(self, client: ApiClient, method: str, path: str, **kwargs: Any) -> Any:
        try:
            return await client.json(method, path, headers=self._headers, **kwargs)
        except BackendError as exc:
            refined = translate(exc)
            if refined is exc:
                raise
            raise refined from exc

    async def response(self, client: ApiClient, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return await client.request(method, path, headers=self._headers, **kwargs)
        except BackendError as exc:
            refined = translate(exc)
            if refined is exc:
                raise
            raise refined from exc

    async def track(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self.call(self.api.track, method, path, **kwargs)

    async def webhooks(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self.call(self.api.webhooks, method, path, **kwargs)
