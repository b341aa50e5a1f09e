"""One transaction per command: the ambient unit of work that the local backend and `bot.store` join.

The bot runs each turn inside `unit_of_work()`. Every `write(engine)` in it (the local backend's new entry,
the store's undo pop, …) joins the unit's one transaction on that engine, and `defer`red statements (the undo
record, the processed activity id) are sent just before its COMMIT, so the entry, its undo record and the
activity id commit together or not at all, and a remote backend's turn takes the database only for that
moment. `read(engine)` in a unit that has written reads through the unit's connection (a command sees its own
writes). `after_unit` callbacks run once the unit ended (committed or rolled back): cache invalidation and
worker wake-ups must not run while another connection can still only see the old rows.

A write step that fails (an IntegrityError turned into `Conflict`, …) rolls back only itself: the first
step of a unit runs directly in the transaction (if it fails, nothing else is in it and the transaction is
dropped), later steps in a SAVEPOINT, so the common one-step command pays no savepoint round trips.

Outside a unit, `write(engine)` is a unit of its own. On SQLite every transaction goes through the engine's
single writer (`adapters.sql.writer`); on PostgreSQL a unit holds one pooled connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.base import Executable

from adapters.sql.writer import Transaction, begin_transaction

log = logging.getLogger(__name__)
Check = Callable[[CursorResult[Any]], None]


@dataclass
class _Deferred:
    statement: Executable
    params: Any
    check: Check | None
    alone: bool  # worth a transaction of its own; False: only sent along with other writes


@dataclass
class _Open:
    tx: Transaction
    steps: int = 0  # write steps that completed in this transaction


@dataclass(eq=False)
class Unit:
    """The writes of one command; see the module docstring."""

    _open: dict[Any, _Open] = field(default_factory=dict)  # by the engine's sync engine
    _deferred: dict[Any, tuple[AsyncEngine, list[_Deferred]]] = field(default_factory=dict)
    _callbacks: list[Callable[[], object]] = field(default_factory=list)
    _on_commit: list[Callable[[], object]] = field(default_factory=list)
    _on_rollback: list[Callable[[], object]] = field(default_factory=list)
    statements: int = 0  # statements that completed in this unit's context (see `engine.track_statements`)

    def has_written(self, engine: AsyncEngine) -> bool:
        return engine.sync_engine in self._open

    async def _connection(self, engine: AsyncEngine) -> _Open:
        opened = self._open.get(engine.sync_engine)
        if opened is None:
            opened = self._open[engine.sync_engine] = _Open(await begin_transaction(engine))
        return opened

    async def _drop(self, engine: AsyncEngine) -> None:
        opened = self._open.pop(engine.sync_engine, None)
        if opened is not None:
            await _finish(opened.tx.rollback())

    async def _checkpoint(self, engine: AsyncEngine) -> None:
        opened = self._open.pop(engine.sync_engine, None)
        if opened is not None:
            await opened.tx.commit()

    async def _commit(self) -> None:
        for key, (engine, items) in list(self._deferred.items()):
            if key not in self._open and not any(item.alone for item in items):
                continue  # e.g. only the activity id of a turn that wrote nothing: not worth a COMMIT
            opened = await self._connection(engine)
            for item in items:
                result = await opened.tx.conn.execute(item.statement, item.params)
                if item.check is not None:
                    item.check(result)
        self._deferred.clear()
        while self._open:
            _, opened = self._open.popitem()
            await opened.tx.commit()

    async def _rollback(self) -> None:
        self._deferred.clear()
        while self._open:
            _, opened = self._open.popitem()
            await _finish(opened.tx.rollback())

    def _ended(self, committed: bool) -> None:
        callbacks, self._callbacks = self._callbacks, []
        callbacks += self._on_commit if committed else self._on_rollback
        self._on_commit, self._on_rollback = [], []
        for callback in callbacks:
            try:
                callback()
            except Exception:
                log.exception("a unit-of-work callback failed")


async def _finish(cleanup: Any) -> None:
    """Run a rollback to its end even if the caller is cancelled: the connection (and on SQLite the single
    writer) must be given back, or every later write would wait for it."""
    await asyncio.shield(asyncio.ensure_future(cleanup))


_UNIT: ContextVar[Unit | None] = ContextVar("timebot_unit_of_work", default=None)


def current_unit() -> Unit | None:
    return _UNIT.get()


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[Unit]:
    """Commit everything written in the block together at its end (rolled back if it raises).

    Nested, it is the enclosing unit. The block's transaction opens at its first write, not before.
    """
    outer = _UNIT.get()
    if outer is not None:
        yield outer
        return
    unit = Unit()
    token = _UNIT.set(unit)
    committed = False
    try:
        try:
            yield unit
            await unit._commit()
            committed = True
        except BaseException:
            await _finish(unit._rollback())
            raise
    finally:
        _UNIT.reset(token)
        unit._ended(committed)


@asynccontextmanager
async def write(engine: AsyncEngine, *, separate: bool = False) -> AsyncIterator[AsyncConnection]:
    """A connection to write with, in the current unit's transaction (or a unit of its own).

    `separate=True` commits the block on its own, now, even inside a unit: for a record others must see
    before the command goes on (a webhook endpoint the tracker calls back while it is being registered) or
    that must stay whatever the command does next (a sign-in exchange id). What the unit wrote on this
    engine so far is committed first (on SQLite the single writer is the unit's until then); its deferred
    statements still wait for its end.
    """
    unit = _UNIT.get()
    if unit is not None and separate:
        await unit._checkpoint(engine)
    if unit is None or separate:
        token = _UNIT.set(None)
        try:
            async with unit_of_work(), write(engine) as conn:
                yield conn
        finally:
            _UNIT.reset(token)
        return
    opened = await unit._connection(engine)
    conn = opened.tx.conn
    if opened.steps:
        async with conn.begin_nested():
            yield conn
    else:
        try:
            yield conn
        except BaseException:
            await unit._drop(engine)
            raise
    opened.steps += 1


def joined_connection(engine: AsyncEngine) -> AsyncConnection | None:
    """The current unit's connection if it has written on `engine` (read your own writes), else None."""
    unit = _UNIT.get()
    opened = unit._open.get(engine.sync_engine) if unit is not None else None
    return opened.tx.conn if opened is not None else None


async def defer(
    engine: AsyncEngine,
    statement: Executable,
    params: Any = None,
    *,
    check: Check | None = None,
    alone: bool = True,
) -> None:
    """Send `statement` with the current unit's COMMIT (at once, in a unit of its own, outside any unit).

    `check` sees its result and may raise to refuse the whole unit (a duplicate). `alone=False`: send it only
    if the unit writes something else on this engine.
    """
    unit = _UNIT.get()
    if unit is None:
        if not alone:
            return
        async with write(engine) as conn:
            result = await conn.execute(statement, params)
            if check is not None:
                check(result)
        return
    _, items = unit._deferred.setdefault(engine.sync_engine, (engine, []))
    items.append(_Deferred(statement, params, check, alone))


def after_unit(callback: Callable[[], object]) -> None:
    """Run `callback` when the current unit ends (now, outside any unit)."""
    unit = _UNIT.get()
    if unit is None:
        callback()
    else:
        unit._callbacks.append(callback)


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current unit committed (never if it rolls back; now, outside any unit)."""
    unit = _UNIT.get()
    if unit is None:
        callback()
    else:
        unit._on_commit.append(callback)


def after_rollback(callback: Callable[[], object]) -> None:
    """Run `callback` if the current unit rolls back (never outside a unit: a write there committed)."""
    unit = _UNIT.get()
    if unit is not None:
        unit._on_rollback.append(callback)
