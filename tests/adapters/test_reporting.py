"""`adapters.reporting`: remote pages in any order become report batches in the local backend's order, with
each entry once, through a temporary file that is gone afterwards, in bounded memory."""

from __future__ import annotations

import glob
import os
import tempfile
import tracemalloc
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta

import pytest

from adapters.errors import PermissionDenied, Unsupported
from adapters.models import TimeEntry, User
from adapters.reporting import check_people, chunks, in_report_order, wanted, windows

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _entry(n: int, hours: float, project: str | None = None, *, user: str = "u1") -> TimeEntry:
    start = T0 + timedelta(hours=hours)
    return TimeEntry(
        id=f"e{n}", workspace_id="w", user_id=user, start=start, end=start + timedelta(minutes=30),
        project_id=project, description=f"entry {n}",
    )  # fmt: skip


async def _pages(*pages: Iterable[TimeEntry]) -> AsyncIterator[Iterable[TimeEntry]]:
    for page in pages:
        yield page


async def _all(batches: AsyncIterator[list[TimeEntry]]) -> list[list[str]]:
    return [[e.id for e in batch] async for batch in batches]


def _spools() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "timebot-report-*")))


async def test_by_start_with_repeats_across_pages_and_batches() -> None:
    pages = _pages([_entry(3, 5), _entry(1, 1)], [_entry(2, 2), _entry(3, 5)], [], [_entry(0, 0)])
    assert await _all(in_report_order(pages, batch_size=2)) == [["e0", "e1"], ["e2", "e3"]]


async def test_by_project_name_case_insensitively_then_id_then_start_no_project_last() -> None:
    names = {"pb": "beta", "pa": "Alpha", "pz": "alpha"}  # "Alpha" and "alpha" sort by id then
    pages = _pages(
        [_entry(1, 9, "pb"), _entry(2, 1), _entry(3, 3, "pz")],
        [_entry(4, 2, "pa"), _entry(5, 1, "pb"), _entry(6, 0, "gone")],  # a project no longer listed
    )
    batches = await _all(in_report_order(pages, by_project=True, project_names=names, batch_size=10))
    assert batches == [["e6", "e4", "e3", "e5", "e1", "e2"]]


async def test_the_temporary_file_is_gone_when_the_source_fails() -> None:
    before = _spools()

    async def failing() -> AsyncIterator[list[TimeEntry]]:
        yield [_entry(1, 1)]
        raise RuntimeError("the API went away")

    with pytest.raises(RuntimeError):
        await _all(in_report_order(failing()))
    assert _spools() == before


async def test_memory_stays_at_a_page_whatever_the_number_of_entries() -> None:
    async def many(count: int) -> AsyncIterator[list[TimeEntry]]:
        for page in range(count // 100):
            yield [_entry(page * 100 + i, (page * 100 + i) / 10) for i in range(100)]

    async def peak(count: int) -> int:
        tracemalloc.start()
        try:
            seen = 0
            async for batch in in_report_order(many(count), batch_size=100):
                seen += len(batch)
            assert seen == count
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = await peak(500), await peak(5_000)
    assert large < small * 2  # ten times the entries, not ten times the memory


def test_windows_and_wanted() -> None:
    spans = list(windows(T0, T0 + timedelta(days=10), timedelta(days=7)))
    assert spans == [(T0, T0 + timedelta(days=7)), (T0 + timedelta(days=7), T0 + timedelta(days=10))]
    entry = _entry(1, 0, "p")
    window = (T0, T0 + timedelta(hours=1))
    assert wanted(entry, *window, user_ids=None, project_ids=None, billable=None)
    assert not wanted(entry, T0 + timedelta(minutes=1), T0 + timedelta(hours=1), user_ids=None,
                      project_ids=None, billable=None)  # fmt: skip
    assert wanted(entry, *window, user_ids=["u1"], project_ids=["p", None], billable=False)
    assert not wanted(entry, *window, user_ids=["u2"], project_ids=None, billable=None)
    assert not wanted(entry, *window, user_ids=None, project_ids=[None], billable=None)
    assert not wanted(entry, *window, user_ids=None, project_ids=None, billable=True)
    running = entry.model_copy(update={"end": None})
    assert not wanted(running, *window, user_ids=None, project_ids=None, billable=None)


async def test_chunks() -> None:
    async def entries() -> AsyncIterator[TimeEntry]:
        for n in range(5):
            yield _entry(n, n)

    assert [[e.id for e in c] async for c in chunks(entries(), 2)] == [["e0", "e1"], ["e2", "e3"], ["e4"]]


def test_who_a_report_may_cover() -> None:
    me = User(id="u1", workspace_id="w", name="Me")
    admin = me.model_copy(update={"is_admin": True})
    check_people(me, ["u1"], others_readable=False)
    with pytest.raises(PermissionDenied):
        check_people(me, None, others_readable=True)
    with pytest.raises(PermissionDenied):
        check_people(me, ["u1", "u2"], others_readable=True)
    check_people(admin, None, others_readable=True)
    with pytest.raises(Unsupported) as refused:
        check_people(admin, ["u2"], others_readable=False)
    assert refused.value.capability == "reports on other people's time"
