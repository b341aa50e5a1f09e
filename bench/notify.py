"""`python -m bench.notify`: how fast proactive notifications leave, and how long a webhook takes to a card.

1. **Fan-out throughput.** One change (a project created through the bot) subscribed by `--conversations`
   channels, delivered through the fake Teams connector, which enforces Teams' per-conversation limits and a
   per-app limit (Teams: 50 per second; also run at 20 per second, below the bot's own 45, so Teams answers
   429 with Retry-After). Printed: notifications per second against the connector's limit, and the 429s.
2. **Webhook receipt → send latency.** `--deliveries` signed Toggl Track webhook deliveries (the real intake:
   HMAC check, storage, fan-out, queue, connector), paced at `--rate` per second over 10 channels that each
   subscribed to their own project (so no channel goes over Teams' per-conversation limits), without
   coalescing (each change its own card). Printed: p50 and p99 from the start of the webhook POST to the
   moment the connector accepted the card.

Everything runs in this process on loopback, on a fresh SQLite database per part; the bot is the real app.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.backend import BackendFactory, Identity
from adapters.credentials import Connection
from adapters.http import RetryPolicy
from adapters.models import ProjectDraft, TimeEntryDraft
from adapters.sql import create_engine
from bot.activity import Activity
from bot.notify.subscriptions import Subscription
from bot.store.connections import ConnectionStore
from bot.store.migrate import upgrade
from bot.store.state import UserPrefs
from tests.fakes.deliveries import TogglDeliveries
from tests.fakes.toggl import FakeToggl
from tests.support.harness import activity_json
from tests.support.notify_world import NotifyWorld, notify_world
from tests.support.teams_connector import TEAMS_OVERALL, TEAMS_PER_CONVERSATION, TeamsConnector

ALICE = Identity("tenant-1", "alice", "Alice")
FAST = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02, max_retry_after=1.0, deadline=3.0)


def _reference(world: NotifyWorld, conversation: str) -> dict[str, Any]:
    data = activity_json(
        conversation_id=conversation, conversation_type="channel", service_url=world.teams.url
    )
    return Activity.model_validate(data).reference()


async def _subscribe(
    world: NotifyWorld, conversation: str, backend: Any, entity: str, projects: list[dict[str, str]]
) -> None:
    await world.services.store.save_conversation_ref(
        conversation, "tenant-1", _reference(world, conversation), scope="channel"
    )
    await world.subscriptions.put(
        Subscription(
            conversation_id=conversation, tenant_id="tenant-1", scope="channel", backend=backend.kind,
            workspace_id=backend.workspace.id, entity=entity, events=["created", "changed", "deleted"],
            projects=projects, owner_tenant_id="tenant-1", owner_aad_object_id="alice",
            owner_user_id=backend.user.id, owner_name="Alice", locale="en-US", timezone="Europe/Berlin",
        ),
        datetime.now(UTC),
    )  # fmt: skip


async def fan_out(
    folder: Path, conversations: int, per_app: tuple[tuple[int, float], ...]
) -> dict[str, float]:
    engine = create_engine(f"sqlite+aiosqlite:///{folder / f'fanout-{per_app[0][0]}.db'}")
    await upgrade(engine)
    teams = TeamsConnector(per_conversation=TEAMS_PER_CONVERSATION, overall=per_app)
    try:
        async with notify_world(engine, teams=teams) as world:
            await world.say("status")
            alice = await world.bot.backends.bind(ALICE, "local")
            for i in range(conversations):
                await _subscribe(world, f"19:fan-{i}@thread.tacv2", alice, "projects", [])
            started = time.monotonic()
            await world.say("project add Website")
            await world.settle(within=600)
            posts = [
                t
                for t, method, conv, _i in world.teams.accepted
                if method == "POST" and conv.startswith("19:fan-")
            ]
            elapsed = max(posts) - started
            counts = Counter(
                conv for _t, m, conv, _i in world.teams.accepted if m == "POST" and conv.startswith("19:fan-")
            )
            return {
                "limit": per_app[0][0] / per_app[0][1],
                "delivered": float(len(counts)),
                "once": float(sum(1 for n in counts.values() if n == 1)),
                "per_second": len(posts) / elapsed,
                "throttled": float(world.teams.throttled),
                "seconds": elapsed,
            }
    finally:
        await engine.dispose()


async def latency(folder: Path, deliveries: int, rate: float) -> list[float]:
    from adapters.toggl.factory import TogglBackendFactory

    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'latency.db'}")
    await upgrade(engine)
    toggl = await FakeToggl().start()
    account = toggl.add_account("Alice", "alice@example.com", timezone="Europe/Berlin")

    def remote(connections: ConnectionStore) -> dict[str, BackendFactory]:
        return {
            "toggl": TogglBackendFactory(
                toggl.track_url, toggl.reports_url, toggl.webhooks_url, connections=connections, retry=FAST
            )
        }

    try:
        async with notify_world(engine, remote, window=timedelta(0)) as world:
            assert world.services.connections is not None
            await world.services.connections.save(ALICE, Connection("toggl", account.api_token))
            await world.services.store.save_prefs(
                UserPrefs(tenant_id="tenant-1", aad_object_id="alice", backend="toggl")
            )
            backend = await world.bot.backends.bind(ALICE, "toggl")
            projects = [await backend.create_project(ProjectDraft(name=f"Project {i}")) for i in range(10)]
            for i, project in enumerate(projects):
                await _subscribe(
                    world,
                    f"19:lat-{i}@thread.tacv2",
                    backend,
                    "times",
                    [{"id": project.id, "name": project.name}],
                )
            sender = TogglDeliveries(toggl).install()
            # The webhook itself, registered once through `subscribe` in one more channel (the real path).
            await world.say(
                'subscribe times @"Project 0"',
                conversation_id="19:lat-0@thread.tacv2",
                conversation_type="channel",
            )
            [sub] = toggl.subscriptions.values()
            assert sub["validated_at"], "the Toggl subscription was not validated"
            start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
            payloads = []
            for i in range(deliveries):
                at = start + timedelta(minutes=i)
                entry = await backend.create_time_entry(
                    TimeEntryDraft(
                        start=at,
                        end=at + timedelta(minutes=1),
                        description=f"bench-{i}",
                        project_id=projects[i % len(projects)].id,
                    )
                )
                payloads.append(toggl._entry_out(toggl.entries[int(entry.id)]))
            sent_at: dict[str, float] = {}
            gap = 1.0 / rate
            for i, payload in enumerate(payloads):
                due = time.monotonic() + gap
                sent_at[f"bench-{i}"] = time.monotonic()
                [result] = await sender.event(
                    toggl_workspace(toggl, account), "time_entry", "created", payload
                )
                assert result.status == 200, result
                await asyncio.sleep(max(0.0, due - time.monotonic()))
            await world.settle(within=120)
            seen: dict[str, float] = {}
            for when, method, conv, activity_id in world.teams.accepted:
                if method != "POST" or not conv.startswith("19:lat-"):
                    continue
                card = world.teams.conversations[conv][activity_id]
                text = str(card)
                for name in sent_at:
                    if f"'{name}'" in text or f"**{name}**" in text:
                        seen.setdefault(name, when)
            return [seen[name] - sent_at[name] for name in sent_at if name in seen]
    finally:
        await engine.dispose()
        await toggl.stop()


def toggl_workspace(toggl: FakeToggl, account: Any) -> int:
    assert account.default_workspace_id is not None
    return int(account.default_workspace_id)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(conversations: int, deliveries: int, rate: float) -> None:
    with tempfile.TemporaryDirectory(prefix="timebot-bench-notify-") as tmp:
        folder = Path(tmp)
        print(f"Fan-out: one change to {conversations} channels through the fake Teams connector")
        print(
            f"{'connector limit':>16} {'delivered':>10} {'once':>6} {'notif/s':>8} {'429s':>6} {'seconds':>8}"
        )
        for per_app in (TEAMS_OVERALL, ((20, 1.0),)):
            row = await fan_out(folder, conversations, per_app)
            print(
                f"{row['limit']:>13.0f}/s {row['delivered']:>10.0f} {row['once']:>6.0f} "
                f"{row['per_second']:>8.1f} {row['throttled']:>6.0f} {row['seconds']:>8.1f}",
                flush=True,
            )
        values = await latency(folder, deliveries, rate)
        print(f"\nWebhook receipt → card sent: {len(values)} of {deliveries} Toggl deliveries at {rate:g}/s")
        p50, p99 = statistics.median(values) * 1000, _percentile(values, 0.99) * 1000
        print(f"p50 {p50:.0f} ms   p99 {p99:.0f} ms   max {max(values) * 1000:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0, help="webhook deliveries per second")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the connector logs every 429 it honours: not news here
    asyncio.run(main(args.conversations, args.deliveries, args.rate))
