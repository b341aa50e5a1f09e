"""`SubscriptionStore.matching_all`: a fan-out round reads the subscriptions of all its changes at once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql import sync_engines
from bot.notify.subscriptions import Subscription, SubscriptionStore
from tests.support.notify_world import ROOTS


def _sub(conversation: str, workspace: str, entity: str) -> Subscription:
    return Subscription(
        conversation_id=conversation, tenant_id="t", scope="channel", backend="local", workspace_id=workspace,
        entity=entity, events=["created"], projects=[], owner_tenant_id="t", owner_aad_object_id="a",
        owner_user_id="u", owner_name="Alice", locale="en-US", timezone="Europe/Berlin",
    )  # fmt: skip


async def test_matching_all_is_one_read_and_answers_as_matching_does_key_by_key(engine: AsyncEngine) -> None:
    store = SubscriptionStore(engine, ROOTS)
    now = datetime.now(UTC)
    for conversation, workspace, entity in [
        ("c1", "w1", "times"),
        ("c2", "w1", "times"),
        ("c3", "w2", "projects"),
    ]:
        await store.put(_sub(conversation, workspace, entity), now)
    keys = [
        ("local", "w1", "times"),
        ("local", "w2", "projects"),
        ("local", "w3", "times"),
        ("local", "w1", "tags"),
    ]
    selects: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    for sync_engine in sync_engines(engine):
        event.listen(sync_engine, "before_cursor_execute", record)
    try:
        found = await store.matching_all([*keys, keys[0]])
    finally:
        for sync_engine in sync_engines(engine):
            event.remove(sync_engine, "before_cursor_execute", record)
    assert len(selects) == 1
    assert found == {key: await store.matching(*key) for key in keys}
    assert [s.conversation_id for s in found[keys[0]]] == ["c1", "c2"] and found[keys[2]] == []


async def test_a_round_of_changes_nobody_subscribed_to_is_settled_in_one_transaction(
    engine: AsyncEngine,
) -> None:
    """Under load most changes are of workspaces without subscriptions: one COMMIT settles them all (their
    last-seen states swapped, marked done), not one each."""
    from adapters.backend import Identity
    from adapters.local import LocalBackendFactory
    from adapters.models import TimeEntryDraft
    from bot.notify.changes import ChangeStore, snapshots
    from bot.notify.fanout import ChangeFanout
    from bot.notify.queue import NotificationQueue
    from bot.service.backends import BackendRegistry
    from bot.service.refdata import RefDataCache

    factory = LocalBackendFactory(engine)
    alice = await factory.bind(Identity("t", "a", "Alice"))
    start = datetime(2026, 11, 2, 9, tzinfo=UTC)
    for hour in range(5):
        await alice.create_time_entry(
            TimeEntryDraft(start=start.replace(hour=9 + hour), end=start.replace(hour=9 + hour, minute=30))
        )
    changes = ChangeStore(engine)
    fanout = ChangeFanout(
        engine,
        changes,
        SubscriptionStore(engine, ROOTS),
        NotificationQueue(engine),
        BackendRegistry({"local": factory}),
        RefDataCache(),
    )
    commits: list[object] = []

    def committed(conn: object) -> None:
        commits.append(conn)

    for sync_engine in sync_engines(engine):
        event.listen(sync_engine, "commit", committed)
    try:
        assert await fanout.run_once() == 10  # five relayed, five settled
    finally:
        for sync_engine in sync_engines(engine):
            event.remove(sync_engine, "commit", committed)
    assert len(commits) == 3  # the relay, the claim, and one for the five
    assert await changes.pending() == 0
    assert len(await snapshots(engine, "local", alice.workspace.id, "times")) == 5
