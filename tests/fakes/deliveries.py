"""Webhook deliveries as each real service sends them, from the fakes' own state (kept apart from the fakes'
API emulation, which belongs to the adapters).

* Toggl Track (Webhooks API v1): compact JSON signed with `X-Webhook-Signature-256: sha256=HMAC-SHA256(raw
  body, subscription secret)`, a fresh `timestamp` per attempt, a PING with `validation_code` while a
  subscription is created (a callback that does not answer 2xx fails the create with 400, and one that
  echoes the code validates it), events only to enabled subscriptions whose filters match.
* awork: the webhook an admin configured in awork's UI (URL, custom header name and value), the documented
  payload `{timestamp, eventType, entity, entityId, entityType, entityLink, traceId, triggeredBy}`.
* timeghost: the entity object itself (`TimesResponse`, …) to every active trigger registered for that
  entity, with the trigger's `config.basicAuth` as HTTP Basic credentials.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from tests.fakes.toggl import Fail, FakeToggl

_event_ids = itertools.count(90_001)


def compact(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def toggl_signature(secret: str, raw: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Sent:
    """One delivery attempt: what was posted and what the receiver answered."""

    url: str
    headers: dict[str, str]
    body: bytes
    status: int
    answer: Any


async def post(url: str, raw: bytes, headers: dict[str, str]) -> Sent:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=raw, headers={"Content-Type": "application/json", **headers}) as resp,
    ):
        text = await resp.text()
        try:
            answer: Any = json.loads(text) if text else None
        except ValueError:
            answer = text
        return Sent(url, headers, raw, resp.status, answer)


# ---- Toggl Track ------------------------------------------------------------------------------------------


class TogglDeliveries:
    """Sends what Toggl would, for the subscriptions in `fake`. `install()` makes create ping the callback."""

    def __init__(self, fake: FakeToggl) -> None:
        self.fake = fake
        self.sent: list[Sent] = []

    def install(self) -> TogglDeliveries:
        async def ping_on_create(sub: dict[str, Any]) -> None:
            sent = await self.ping(sub["subscription_id"])
            if not 200 <= sent.status < 300:
                del self.fake.subscriptions[sub["subscription_id"]]
                raise Fail(
                    400,
                    f"URL endpoint {sub['url_callback']} responded with status {sent.status} instead of 200",
                )

        self.fake.on_subscription_created = ping_on_create
        return self

    def _body(
        self, sub: dict[str, Any], payload: Any, metadata: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        return {
            "event_id": next(_event_ids),
            "created_at": _now(),
            "creator_id": sub["user_id"],
            "metadata": metadata,
            "payload": payload,
            "subscription_id": sub["subscription_id"],
            "timestamp": _now(),
            "url_callback": sub["url_callback"],
            **extra,
        }

    async def send(self, sub: dict[str, Any], body: dict[str, Any]) -> Sent:
        raw = compact(body)
        headers = {"X-Webhook-Signature-256": toggl_signature(sub["secret"], raw)}
        sent = await post(sub["url_callback"], raw, headers)
        self.sent.append(sent)
        return sent

    async def ping(self, subscription_id: int) -> Sent:
        sub = self.fake.subscriptions[subscription_id]
        code = self.fake.validation_codes[subscription_id]
        url = f"{self.fake.webhooks_url}/validate/{sub['workspace_id']}/{subscription_id}/{code}"
        body = self._body(sub, "ping", {"request_type": "POST", "event_user_id": sub["user_id"]})
        body.update(validation_code=code, validation_code_url=url)
        sent = await self.send(sub, body)
        if isinstance(sent.answer, dict) and sent.answer.get("validation_code") == code:
            sub["validated_at"] = _now()  # the synchronous validation
        return sent

    def matching(self, workspace_id: int, model: str, action: str) -> list[dict[str, Any]]:
        def wants(sub: dict[str, Any]) -> bool:
            return any(
                f["entity"] in ("*", model) and f["action"] in ("*", action) for f in sub["event_filters"]
            )

        return [
            s
            for s in self.fake.subscriptions.values()
            if s["workspace_id"] == workspace_id and s["enabled"] and s["validated_at"] and wants(s)
        ]

    async def event(
        self,
        workspace_id: int,
        model: str,
        action: str,
        payload: dict[str, Any],
        *,
        user_id: int | None = None,
    ) -> list[Sent]:
        """`model` (time_entry, project, client, tag, task) was `action` (created, updated, deleted)."""
        sent = []
        for sub in self.matching(workspace_id, model, action):
            metadata = {
                "action": action,
                "model": model,
                "path": f"/api/v9/workspaces/{workspace_id}/{model}s",
                "request_type": {"created": "POST", "updated": "PUT", "deleted": "DELETE"}[action],
                "workspace_id": str(workspace_id),
                "event_user_id": user_id or sub["user_id"],
                f"{model}_id": payload.get("id"),
            }
            sent.append(await self.send(sub, self._body(sub, payload, metadata)))
        return sent


# ---- awork ------------------------------------------------------------------------------------------------


@dataclass
class AworkWebhook:
    """What an awork admin enters in Settings → Integrations → Webhooks."""

    url: str
    header_name: str
    header_value: str
    paused: bool = False
    failures: int = 0


@dataclass
class AworkDeliveries:
    workspace_link: str = "https://superstar-design.awork.com"
    webhooks: list[AworkWebhook] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)

    def configure(self, url: str, header_name: str, header_value: str) -> AworkWebhook:
        hook = AworkWebhook(url, header_name, header_value)
        self.webhooks.append(hook)
        return hook

    def body(
        self, event_type: str, entity: dict[str, Any], *, entity_type: str, by: tuple[str, str, str]
    ) -> dict[str, Any]:
        return {
            "timestamp": datetime.now(UTC).isoformat(),
            "eventType": event_type,
            "entity": entity,
            "entityId": entity.get("id"),
            "entityType": entity_type,
            "entityLink": f"{self.workspace_link}/{entity_type}s/{entity.get('id')}",
            "traceId": uuid.uuid4().hex,
            "triggeredBy": {"id": by[0], "firstName": by[1], "lastName": by[2]},
        }

    async def send(self, body: dict[str, Any]) -> list[Sent]:
        """To every active webhook; more than 10 failures in a row pause it (as awork does)."""
        out = []
        for hook in self.webhooks:
            if hook.paused:
                continue
            sent = await post(hook.url, compact(body), {hook.header_name: hook.header_value})
            hook.failures = 0 if 200 <= sent.status < 300 else hook.failures + 1
            hook.paused = hook.failures > 10
            self.sent.append(sent)
            out.append(sent)
        return out


# ---- timeghost --------------------------------------------------------------------------------------------


async def timeghost_deliver(webhooks: list[dict[str, Any]], entity: str, body: dict[str, Any]) -> list[Sent]:
    """The entity to every active trigger registered for it (as the connector's trigger would fire). A
    trigger registered again under the same name replaces the earlier one (its latest `active` counts)."""
    latest = {hook.get("name"): hook for hook in webhooks}
    out = []
    for hook in latest.values():
        if hook.get("entity") != entity or not hook.get("active", True):
            continue
        config = hook.get("config") or {}
        headers = {}
        auth = config.get("basicAuth")
        if auth:
            token = base64.b64encode(f"{auth['userName']}:{auth['pass']}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        out.append(await post(config["url"], compact(body), headers))
    return out
