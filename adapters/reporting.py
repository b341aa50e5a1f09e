"""Report order for remote backends, in bounded memory: pages in, batches out in the local backend's order.

A remote API answers a report's entries page by page, in its own order (or none), and may repeat an entry
across pages. `in_report_order` writes every page to a temporary SQLite file as it arrives (one page in
memory at a time), then reads it back in batches in exactly the order `adapters.local.reports` keeps: by
start, or with `by_project` by project name (case-insensitively; entries without a project last), project
id, then start — the entry id breaks ties. So every backend gives the same spreadsheet, and neither the
entries nor the workbook is ever held whole. The file lives in the system's temporary directory and is gone
when the iteration ends, however it ends.

`windows` cuts a period into consecutive spans for APIs without paging (timeghost), so each answer stays
small too.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from adapters.errors import PermissionDenied, Unsupported
from adapters.models import TimeEntry, User, name_key

DEFAULT_BATCH = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def windows(start: datetime, end: datetime, step: timedelta) -> Iterator[tuple[datetime, datetime]]:
    """[start, end) as consecutive [a, b) spans of at most `step`."""
    lo = start
    while lo < end:
        hi = min(lo + step, end)
        yield lo, hi
        lo = hi


def wanted(
    entry: TimeEntry,
    start: datetime,
    end: datetime,
    *,
    user_ids: Sequence[str] | None,
    project_ids: Sequence[str | None] | None,
    billable: bool | None,
) -> bool:
    """What a report holds, the local backend's rule: finished entries starting in [start, end) that match
    the filters (for APIs that filter coarser, or not at all)."""
    return (
        entry.end is not None
        and start <= entry.start < end
        and (user_ids is None or entry.user_id in user_ids)
        and (project_ids is None or entry.project_id in project_ids)
        and (billable is None or entry.billable == billable)
    )


OTHERS = "reports on other people's time"


def check_people(user: User, user_ids: Sequence[str] | None, *, others_readable: bool) -> None:
    """Who a report may cover: anyone may report on exactly themselves, workspace admins on others too —
    where the API lets a token read others' entries at all (`others_readable`), else that is `Unsupported`."""
    if user_ids is not None and set(user_ids) == {user.id}:
        return
    if not user.is_admin:
        raise PermissionDenied("only workspace admins may report on other people's time")
    if not others_readable:
        raise Unsupported(OTHERS)


async def chunks(entries: AsyncIterator[TimeEntry], size: int) -> AsyncIterator[list[TimeEntry]]:
    """An entry stream as lists of at most `size` (what `in_report_order` takes)."""
    batch: list[TimeEntry] = []
    async for entry in entries:
        batch.append(entry)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Spool:
    """The temporary SQLite file behind `in_report_order` (used from one worker thread at a time)."""

    def __init__(self) -> None:
        handle, self.path = tempfile.mkstemp(prefix="timebot-report-", suffix=".sqlite")
        os.close(handle)
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute(
            "CREATE TABLE e (id TEXT PRIMARY KEY, no_project INTEGER, project_key TEXT, project_id TEXT,"
            " start INTEGER, body TEXT)"
        )

    def add(self, entries: list[TimeEntry]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO e VALUES (?, ?, '', ?, ?, ?)", map(_row, entries))

    def name_projects(self, names: Mapping[str, str]) -> None:
        self._db.executemany(
            "UPDATE e SET project_key = ? WHERE project_id = ?",
            [(name_key(name), project_id) for project_id, name in names.items()],
        )

    def batches(self, by_project: bool, size: int) -> Iterator[list[str]]:
        order = "no_project, project_key, project_id, start, id" if by_project else "start, id"
        self._db.execute(f"CREATE INDEX e_order ON e ({order})")
        cursor = self._db.execute(f"SELECT body FROM e ORDER BY {order}")
        while rows := cursor.fetchmany(size):
            yield [body for (body,) in rows]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._db.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


def _row(entry: TimeEntry) -> tuple[str, int, str, int, str]:
    microseconds = (entry.start - _EPOCH) // timedelta(microseconds=1)
    no_project = 0 if entry.project_id else 1
    return (entry.id, no_project, entry.project_id or "", microseconds, entry.model_dump_json())


async def in_report_order(
    pages: AsyncIterator[Iterable[TimeEntry]],
    *,
    by_project: bool = False,
    project_names: Mapping[str, str] | None = None,
    batch_size: int = DEFAULT_BATCH,
) -> AsyncIterator[list[TimeEntry]]:
    """Every entry of `pages` once (the last copy of a repeated id wins), in report order, `batch_size` at a
    time. `project_names` (id → name; done projects too) is what `by_project` sorts by."""
    spool = await asyncio.to_thread(_Spool)
    try:
        async for page in pages:
            entries = list(page)
            if entries:
                await asyncio.to_thread(spool.add, entries)
        if by_project:
            await asyncio.to_thread(spool.name_projects, project_names or {})
        reader = spool.batches(by_project, max(batch_size, 1))
        while True:
            bodies = await asyncio.to_thread(next, reader, None)
            if bodies is None:
                return
            yield [TimeEntry.model_validate_json(body) for body in bodies]
    finally:
        await asyncio.to_thread(spool.close)
