"""`log` places an entry and names overlaps from the person's recent view when it is fresh, and the view
stays as true as a new read would be: every own write (log, edit, delete, start, stop, the switched-away
timer, undo) is applied to it. Run on the local backend with its reads counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from adapters.local.backend import LocalBackend
from adapters.models import TimeEntry
from bot.activity import Activity
from bot.routing.turn import Turn
from bot.service.outcomes import EntryChanged, Notice, StatusShown
from bot.service.recent import RecentEntries
from bot.views.questions import WriteQuestion
from tests.support.harness import Harness, activity_json

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 17, 15, 0, tzinfo=BERLIN)


@pytest.fixture
async def h(engine) -> Harness:
    harness = Harness(engine, NOW)
    for command in ("project add Website", "project add Internal"):
        assert isinstance(await harness.say(command), Notice)
    return harness


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[datetime, datetime]]]:
    """Every `list_time_entries` the service asks of the backend (the call that is remote elsewhere)."""
    seen: list[tuple[datetime, datetime]] = []
    original = LocalBackend.list_time_entries

    async def counted(self: LocalBackend, start: datetime, end: datetime, **kw: object) -> object:
        seen.append((start, end))
        return await original(self, start, end, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(LocalBackend, "list_time_entries", counted)
    yield seen


async def _log(h: Harness, text: str) -> EntryChanged:
    outcome = await h.say(text)
    assert isinstance(outcome, EntryChanged), outcome
    return outcome


async def test_after_status_a_log_needs_no_read_and_still_names_the_overlap(
    h: Harness, reads: list[tuple[datetime, datetime]]
) -> None:
    await _log(h, "log 14:00-14:30 @website")
    assert isinstance(await h.say("status"), StatusShown)
    reads.clear()
    asked = await h.say("log 1h @internal")
    assert reads == []
    assert isinstance(asked, WriteQuestion) and asked.reason == "overlap"
    assert [(e.project, e.start.strftime("%H:%M")) for e in asked.overlaps] == [("Website", "14:00")]


async def _view_and_truth(h: Harness) -> tuple[list[TimeEntry] | None, list[TimeEntry]]:
    """Today as the recent view answers it, and as a fresh read does."""
    ctx = await Turn(
        Activity.model_validate(activity_json("status")), h.services, h.bot.backends, "UTC"
    ).user()
    assert ctx is not None
    start, end = ctx.day_bounds(ctx.today)
    view = h.services.recent.lookup(ctx.recent_key, start, end, ctx.now)
    truth = sorted(
        await ctx.backend.list_time_entries(start, end), key=lambda e: (e.start, e.id), reverse=True
    )
    return view, truth


async def test_the_view_follows_own_writes(h: Harness) -> None:
    await h.say("status")
    await h.say("start @website at 13:00")
    h.advance(seconds=20)
    await h.say("start @internal at 14:00")  # switches: Website now ends at 14:00
    h.advance(seconds=20)
    await h.say("stop")
    await _log(h, "log 12:00-12:10 @website")
    await h.say("undo")  # deletes it again
    await h.say("edit last start 14:15")
    await h.say("start @website")
    view, truth = await _view_and_truth(h)
    assert view is not None and [e.id for e in truth] != []
    assert view == truth


async def test_a_stale_view_is_read_again(h: Harness, reads: list[tuple[datetime, datetime]]) -> None:
    await h.say("status")
    h.advance(minutes=3)
    reads.clear()
    await _log(h, "log 30m @website")
    assert len(reads) == 1


def test_a_lookup_keeps_the_listing_rule_for_a_zero_length_entry_at_its_start() -> None:
    """Toggl and Focus keep whole seconds, so a quick start/stop leaves start == end; a fresh read lists it
    for a window beginning there (tests/conformance), and so must the view."""
    day = datetime(2026, 11, 17, tzinfo=BERLIN)
    at = day.replace(hour=14)
    zero = TimeEntry(id="z", workspace_id="w", user_id="u", start=at, end=at)
    ended = TimeEntry(id="e", workspace_id="w", user_id="u", start=at.replace(hour=13), end=at)
    recent = RecentEntries()
    recent.remember(("local", "w", "u"), day, day.replace(day=18), [zero, ended], NOW)
    assert recent.lookup(("local", "w", "u"), at, at.replace(minute=30), NOW) == [zero]
