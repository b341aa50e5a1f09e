"""The Graph calendar client against the fake Graph: paging, delta rounds, tokens only to Graph's host."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.errors import BackendError, PermissionDenied, Unauthorized, Unavailable
from adapters.graph import GraphCalendar
from adapters.http import RetryPolicy
from tests.fakes.entra import FakeEntra
from tests.fakes.graph import RESOURCE, FakeGraph

START = datetime(2026, 12, 4, 0, 0, tzinfo=UTC)
FAST = RetryPolicy(attempts=1, base_delay=0.01, max_delay=0.01, max_retry_after=1.0, deadline=1.0)


async def test_pages_then_only_changes(fake_entra: FakeEntra) -> None:
    ada = fake_entra.add_user("ada@contoso.example", "Ada")
    graph = FakeGraph(fake_entra)
    url = await graph.start()
    client = GraphCalendar(url, retry=FAST)
    try:
        ids = [
            graph.add_event(
                ada, f"m{i}", START + timedelta(minutes=5 * i), START + timedelta(minutes=5 * i + 4)
            )
            for i in range(120)
        ]
        token = fake_entra._access_token(ada, RESOURCE, [f"{RESOURCE}/Calendars.Read"], "c")
        first = await client.changes(token, START, START + timedelta(days=1))
        assert len(first.events) == 120 and first.requests == 3 and first.delta_link
        assert graph.delta_calls() == ["initial", "skip", "skip"]
        graph.delete_event(ada, ids[0])
        graph.update_event(ada, ids[1], subject="renamed")
        second = await client.changes(token, START, START + timedelta(days=1), first.delta_link)
        assert second.removed == [ids[0]] and [e["subject"] for e in second.events] == ["renamed"]
        assert (await client.changes(token, START, START + timedelta(days=1), second.delta_link)).events == []
        with pytest.raises(
            BackendError
        ):  # a stale delta link (Graph: 410): the caller reads the window again
            await client.changes(token, START, START + timedelta(days=1), first.delta_link)
        with pytest.raises(Unavailable, match="another host"):
            await client.changes(
                token, START, START + timedelta(days=1), "https://evil.example/me/calendarView/delta"
            )
        other = fake_entra._access_token(
            ada, "api://timeghost-api", ["api://timeghost-api/user_impersonation"], "c"
        )
        with pytest.raises(Unauthorized):
            await client.changes(other, START, START + timedelta(days=1))
        narrow = fake_entra._access_token(ada, RESOURCE, [f"{RESOURCE}/User.Read"], "c")
        with pytest.raises(PermissionDenied):
            await client.changes(narrow, START, START + timedelta(days=1))
    finally:
        await client.aclose()
        await graph.close()
