"""Toggl Focus has no webhooks: a poller lists each subscriber's recent entries and diffs them against the
last-seen states, within Focus's hourly quota (Free: 30 calls per user and hour).

One call per subscriber per `interval` (default 5 minutes: 12 of the quota's calls an hour); a quota
answer (402, `Unavailable`) pauses that subscriber for a quarter of an hour. The first look only records
what exists (no flood of "created"); later looks store created/changed/deleted changes keyed by content,
so two processes polling the same entries store each change once. Focus shows a person only their own
entries, so a subscription sees what its subscriber's credentials see.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

from adapters.errors import BackendError, Unavailable
from bot.notify.changes import Change, ChangeStore, seed_snapshots, snapshots
from bot.notify.sources import fields_of
from bot.notify.subscriptions import Subscription, SubscriptionStore
from bot.service.backends import BackendRegistry

log = logging.getLogger(__name__)

LOOKBACK = timedelta(days=3)
AHEAD = timedelta(days=1)
QUOTA_PAUSE = timedelta(minutes=15)
WEB = "https://focus.toggl.com"


def _key(workspace_id: str, entity_id: str, event: str, fields: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:20]
    return f"focus:{workspace_id}:{entity_id}:{event}:{digest}"


class FocusPoller:
    def __init__(
        self,
        subscriptions: SubscriptionStore,
        changes: ChangeStore,
        registry: BackendRegistry,
        *,
        interval: float = 300.0,
    ) -> None:
        self._subscriptions = subscriptions
        self._changes = changes
        self._registry = registry
        self.interval = timedelta(seconds=interval)
        self._next: dict[tuple[str, str], datetime] = {}
        self.polls = 0  # remote list calls made (instrumentation: stays within the quota)

    async def poll_due(self, now: datetime) -> int:
        """Poll every subscriber whose turn it is; returns how many changes were stored."""
        owners: dict[tuple[str, str], Subscription] = {}
        for sub in await self._subscriptions.of_backend("focus"):
            owners.setdefault((sub.workspace_id, sub.owner_aad_object_id), sub)
        stored = 0
        for key, sub in owners.items():
            if self._next.get(key, now) > now:
                continue
            self._next[key] = now + self.interval
            try:
                stored += await self.poll(sub, now)
            except Unavailable:
                self._next[key] = now + max(self.interval, QUOTA_PAUSE)
                log.info("Toggl Focus quota or outage: polling paused for a subscriber")
            except BackendError as exc:
                log.info("Toggl Focus poll failed: %s", type(exc).__name__)
        return stored

    async def poll(self, sub: Subscription, now: datetime) -> int:
        backend = await self._registry.bind(sub.owner, "focus")
        start, end = now - LOOKBACK, now + AHEAD
        self.polls += 1
        current = {e.id: fields_of(e) for e in await backend.list_time_entries(start, end)}
        workspace = sub.workspace_id
        seen = await snapshots(self._subscriptions.engine, "focus", workspace, "times")
        endpoint = await self._subscriptions.create_endpoint(
            "focus", workspace, sub.owner_tenant_id, sub.owner_aad_object_id, now
        )
        seeded = set(endpoint.remote.get("seeded") or [])
        if sub.owner_aad_object_id not in seeded:
            await seed_snapshots(self._subscriptions.engine, "focus", workspace, "times", current, now)
            seeded.add(sub.owner_aad_object_id)
            await self._subscriptions.update_endpoint(
                endpoint.token, remote={**endpoint.remote, "seeded": sorted(seeded)}
            )
            return 0
        found: list[Change] = []
        for entity_id, fields in current.items():
            old = seen.get(entity_id)
            if old is None:
                found.append(self._change(workspace, entity_id, "created", fields, None, now))
            elif old != fields:
                found.append(self._change(workspace, entity_id, "changed", fields, old, now))
        for entity_id, old in seen.items():
            mine = old.get("user_id") == sub.owner_user_id
            if entity_id not in current and mine and _within(old.get("start"), start, end):
                found.append(self._change(workspace, entity_id, "deleted", old, None, now))
        stored = 0
        for change in found:
            stored += await self._changes.add(change, now)
        return stored

    @staticmethod
    def _change(
        workspace: str,
        entity_id: str,
        event: str,
        fields: dict[str, Any],
        before: dict[str, Any] | None,
        now: datetime,
    ) -> Change:
        owner = fields.get("user_id")
        return Change(
            backend="focus",
            workspace_id=workspace,
            entity="times",
            event=event,
            entity_id=entity_id,
            key=_key(workspace, entity_id, event, fields),
            occurred_at=now,
            actor_id=str(owner) if owner else None,
            owner_id=str(owner) if owner else None,
            fields=fields,
            before=before,
            url=WEB,
        )


def _within(value: Any, start: datetime, end: datetime) -> bool:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return False
    return start <= moment < end
