"""`LocalBackend`: the `Backend` protocol over the bot's own SQL database (the reference implementation).

Every method is one short transaction. Invariants that matter under concurrency are enforced by the database
(unique constraints for names, partial unique indexes for "one running timer" and "one open work interval"),
and the pre-checks in Python only exist to give a clear message; an `IntegrityError` becomes `Conflict`.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.backend import Capability
from adapters.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from adapters.local import tables as t
from adapters.local.cache import MISS, EntryReadCache
from adapters.models import (
    FEED_RETENTION,
    Client,
    ClientDraft,
    FeedEvent,
    FeedEventDraft,
    FeedEventPatch,
    Project,
    ProjectDraft,
    Tag,
    TagDraft,
    Task,
    TaskDraft,
    TimeEntry,
    TimeEntryDraft,
    TimeEntryPatch,
    User,
    WorkingHoursDraft,
    WorkingHoursEntry,
    WorkingHoursPatch,
    WorkingTimeRules,
    Workspace,
    WorkspaceSettings,
    name_key,
)

Clock = Callable[[], datetime]

LOCAL_CAPABILITIES = (
    Capability.TIME_ENTRIES
    | Capability.TIMER
    | Capability.CLIENTS
    | Capability.PROJECTS
    | Capability.TASKS
    | Capability.TAGS
    | Capability.WORKING_HOURS
    | Capability.FEED
    | Capability.FEED_WRITE
    | Capability.WORKSPACE_SETTINGS
    | Capability.REPORTS
)

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed("the name is empty")
    return cleaned


@lru_cache(maxsize=512)
def _zone_exists(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_timezone(zone: str) -> str:
    if not zone or not _zone_exists(zone):
        raise ValidationFailed(f"unknown time zone {zone!r}")
    return zone


def check_aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(f"{what} must be timezone-aware")
    return value.astimezone(UTC)


def check_interval(start: datetime, end: datetime | None) -> None:
    if end is not None and end < start:
        raise ValidationFailed("the end is before the start")


@asynccontextmanager
async def read_connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection for a read-only unit of work (one transaction, rolled back at the end)."""
    async with engine.connect() as conn:
        await conn.execution_options(**{t.READ_ONLY_OPTION: True})
        yield conn


def overlapping(table: sa.Table, start: datetime, end: datetime, now: datetime) -> sa.ColumnElement[bool]:
    """Rows whose interval overlaps [start, end); an open interval (no end) lasts until `now`.

    A row that begins inside the window always overlaps (this also covers zero-length rows and timers started
    in the future); one that began earlier overlaps if it ends (or, open, `now` is) after the window starts.
    """
    still_open: sa.ColumnElement[bool] = table.c.end.is_(None) if now > start else sa.false()
    return sa.and_(
        table.c.start < end,
        sa.or_(table.c.start >= start, table.c.end > start, still_open),
    )


class LocalBackend:
    """One user's view of one workspace in the embedded database. Get one from `LocalBackendFactory.bind`."""

    kind = "local"
    capabilities = LOCAL_CAPABILITIES

    def __init__(
        self,
        engine: AsyncEngine,
        workspace: Workspace,
        user: User,
        *,
        clock: Clock = utcnow,
        cache: EntryReadCache | None = None,
    ) -> None:
        self._engine = engine
        self.workspace = workspace
        self.user = user
        self._clock = clock
        self._cache = cache

    def __repr__(self) -> str:
        return f"LocalBackend(workspace={self.workspace.id!r}, user={self.user.id!r})"

    # ---- plumbing ------------------------------------------------------------------------------------------

    def _read(self) -> Any:
        return read_connection(self._engine)

    @asynccontextmanager
    async def _write(
        self, conflict_message: str = "conflicts with existing data"
    ) -> AsyncIterator[AsyncConnection]:
        try:
            async with self._engine.begin() as conn:
                yield conn
        except IntegrityError as exc:
            raise Conflict(conflict_message, detail=type(exc.orig).__name__ if exc.orig else None) from exc
        finally:
            # After the transaction ended (committed or not): a read that raced the write and memoised the
            # old rows is dropped too.
            if self._cache is not None:
                self._cache.invalidate(self.user.id)

    def _now(self) -> datetime:
        return self._clock().astimezone(UTC)

    def _lock(self, stmt: sa.Select[Any]) -> sa.Select[Any]:
        """Row lock on PostgreSQL; SQLite write transactions are serialised by BEGIN IMMEDIATE anyway."""
        if self._engine.dialect.name == "postgresql":
            return stmt.with_for_update()
        return stmt

    async def _check_may_create_master_data(self, conn: AsyncConnection) -> None:
        row = (
            await conn.execute(
                sa.select(t.workspaces.c.admin_only_master_data, t.users.c.is_admin)
                .select_from(t.workspaces.join(t.users, t.users.c.workspace_id == t.workspaces.c.id))
                .where(t.workspaces.c.id == self.workspace.id, t.users.c.id == self.user.id)
            )
        ).one_or_none()
        if row is None:
            raise NotFound("the workspace or user no longer exists")
        if row.admin_only_master_data and not row.is_admin:
            raise PermissionDenied("only workspace admins may create clients, projects, tasks and tags here")

    def _project_visible(self) -> sa.ColumnElement[bool]:
        if self.user.is_admin:
            return sa.true()
        return sa.or_(t.projects.c.private.is_(False), t.projects.c.created_by == self.user.id)

    # ---- workspace settings --------------------------------------------------------------------------------

    async def get_workspace_settings(self) -> WorkspaceSettings:
        async with self._read() as conn:
            row = (
                await conn.execute(sa.select(t.workspaces).where(t.workspaces.c.id == self.workspace.id))
            ).one()
        return _settings(row)

    async def set_workspace_settings(self, settings: WorkspaceSettings) -> Workspace:
        """Change the workspace's policy (admins only); returns the updated workspace."""
        check_timezone(settings.default_timezone)
        async with self._write() as conn:
            is_admin = (
                await conn.execute(sa.select(t.users.c.is_admin).where(t.users.c.id == self.user.id))
            ).scalar_one_or_none()
            if not is_admin:
                raise PermissionDenied("only workspace admins may change the workspace settings")
            await conn.execute(
                t.workspaces.update()
                .where(t.workspaces.c.id == self.workspace.id)
                .values(
                    admin_only_master_data=settings.admin_only_master_data,
                    default_timezone=settings.default_timezone,
                    weekly_target_minutes=settings.weekly_target_minutes,
                    **{f"rules_{k}": v for k, v in settings.working_time_rules.model_dump().items()},
                )
            )
        self.workspace = self.workspace.model_copy(update={"settings": settings.model_copy()})
        return self.workspace

    # ---- clients -------------------------------------------------------------------------------------------

    async def list_clients(self) -> list[Client]:
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(t.clients)
                .where(t.clients.c.workspace_id == self.workspace.id, t.clients.c.archived.is_(False))
                .order_by(t.clients.c.name_key, t.clients.c.id)
            )
            return [_client(row) for row in rows]

    async def create_client(self, draft: ClientDraft) -> Client:
        name = clean_name(draft.name)
        message = f"a client named {name!r} already exists"
        async with self._write(message) as conn:
            await self._check_may_create_master_data(conn)
            if await _exists(
                conn,
                t.clients,
                t.clients.c.workspace_id == self.workspace.id,
                t.clients.c.name_key == name_key(name),
            ):
                raise Conflict(message)
            client = Client(id=new_id(), workspace_id=self.workspace.id, name=name)
            await conn.execute(
                t.clients.insert().values(
                    id=client.id,
                    workspace_id=client.workspace_id,
                    name=name,
                    name_key=name_key(name),
                    archived=False,
                    created_at=self._now(),
                )
            )
        return client

    # ---- projects ------------------------------------------------------------------------------------------

    async def list_projects(self, *, include_done: bool = False) -> list[Project]:
        stmt = sa.select(t.projects).where(
            t.projects.c.workspace_id == self.workspace.id, self._project_visible()
        )
        if not include_done:
            stmt = stmt.where(t.projects.c.done.is_(False))
        async with self._read() as conn:
            rows = await conn.execute(stmt.order_by(t.projects.c.name_key, t.projects.c.id))
            return [_project(row) for row in rows]

    async def create_project(self, draft: ProjectDraft) -> Project:
        name = clean_name(draft.name)
        message = f"a project named {name!r} already exists" + (" for this client" if draft.client_id else "")
        async with self._write(message) as conn:
            await self._check_may_create_master_data(conn)
            if draft.client_id is not None and not await _exists(
                conn,
                t.clients,
                t.clients.c.workspace_id == self.workspace.id,
                t.clients.c.id == draft.client_id,
            ):
                raise NotFound(f"no client {draft.client_id!r}")
            client_key = draft.client_id or ""
            if await _exists(
                conn,
                t.projects,
                t.projects.c.workspace_id == self.workspace.id,
                t.projects.c.client_key == client_key,
                t.projects.c.name_key == name_key(name),
            ):
                raise Conflict(message)
            project = Project(
                id=new_id(),
                workspace_id=self.workspace.id,
                name=name,
                client_id=draft.client_id,
                billable=draft.billable,
                color=draft.color,
                private=draft.private,
                description=draft.description,
            )
            await conn.execute(
                t.projects.insert().values(
                    id=project.id,
                    workspace_id=project.workspace_id,
                    client_id=project.client_id,
                    client_key=client_key,
                    name=name,
                    name_key=name_key(name),
                    billable=project.billable,
                    color=project.color,
                    private=project.private,
                    done=False,
                    description=project.description,
                    created_by=self.user.id,
                    created_at=self._now(),
                )
            )
        return project

    async def _visible_project(self, conn: AsyncConnection, project_id: str) -> sa.Row[Any]:
        row = (
            await conn.execute(
                sa.select(t.projects).where(
                    t.projects.c.workspace_id == self.workspace.id,
                    t.projects.c.id == project_id,
                    self._project_visible(),
                )
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"no project {project_id!r}")
        return row

    # ---- tasks ---------------------------------------------------------------------------------------------

    async def list_tasks(self, project_id: str | None = None, *, include_done: bool = False) -> list[Task]:
        stmt = (
            sa.select(t.tasks)
            .select_from(t.tasks.join(t.projects, t.projects.c.id == t.tasks.c.project_id))
            .where(t.tasks.c.workspace_id == self.workspace.id, self._project_visible())
        )
        if project_id is not None:
            stmt = stmt.where(t.tasks.c.project_id == project_id)
        if not include_done:
            stmt = stmt.where(t.tasks.c.done.is_(False))
        async with self._read() as conn:
            if project_id is not None:
                await self._visible_project(conn, project_id)
            rows = await conn.execute(stmt.order_by(t.projects.c.name_key, t.tasks.c.name_key, t.tasks.c.id))
            return [_task(row) for row in rows]

    async def create_task(self, draft: TaskDraft) -> Task:
        name = clean_name(draft.name)
        message = f"a task named {name!r} already exists in this project"
        async with self._write(message) as conn:
            await self._check_may_create_master_data(conn)
            await self._visible_project(conn, draft.project_id)
            if await _exists(
                conn, t.tasks, t.tasks.c.project_id == draft.project_id, t.tasks.c.name_key == name_key(name)
            ):
                raise Conflict(message)
            task = Task(
                id=new_id(),
                workspace_id=self.workspace.id,
                project_id=draft.project_id,
                name=name,
                estimate_seconds=draft.estimate_seconds,
            )
            await conn.execute(
                t.tasks.insert().values(
                    id=task.id,
                    workspace_id=task.workspace_id,
                    project_id=task.project_id,
                    name=name,
                    name_key=name_key(name),
                    done=False,
                    estimate_seconds=task.estimate_seconds,
                    created_at=self._now(),
                )
            )
        return task

    # ---- tags ----------------------------------------------------------------------------------------------

    async def list_tags(self) -> list[Tag]:
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(t.tags)
                .where(t.tags.c.workspace_id == self.workspace.id)
                .order_by(t.tags.c.name_key)
            )
            return [_tag(row) for row in rows]

    async def create_tag(self, draft: TagDraft) -> Tag:
        name = clean_name(draft.name)
        message = f"a tag named {name!r} already exists"
        async with self._write(message) as conn:
            await self._check_may_create_master_data(conn)
            if await _exists(
                conn, t.tags, t.tags.c.workspace_id == self.workspace.id, t.tags.c.name_key == name_key(name)
            ):
                raise Conflict(message)
            tag = Tag(id=new_id(), workspace_id=self.workspace.id, name=name, kind=draft.kind)
            await conn.execute(
                t.tags.insert().values(
                    id=tag.id,
                    workspace_id=tag.workspace_id,
                    name=name,
                    name_key=name_key(name),
                    kind=tag.kind,
                    created_at=self._now(),
                )
            )
        return tag

    # ---- time entries --------------------------------------------------------------------------------------

    def _own_entries(self) -> sa.ColumnElement[bool]:
        te = t.time_entries
        return sa.and_(te.c.workspace_id == self.workspace.id, te.c.user_id == self.user.id)

    async def _entries(self, conn: AsyncConnection, stmt: sa.Select[Any]) -> list[TimeEntry]:
        """Run `stmt` (rows of time_entries) and attach the tags with one more query (no N+1)."""
        rows = (await conn.execute(stmt)).all()
        if not rows:
            return []
        tag_ids: dict[str, list[str]] = {row.id: [] for row in rows}
        links = await conn.execute(
            sa.select(t.time_entry_tags.c.entry_id, t.time_entry_tags.c.tag_id)
            .where(t.time_entry_tags.c.entry_id.in_(list(tag_ids)))
            .order_by(t.time_entry_tags.c.entry_id, t.time_entry_tags.c.position)
        )
        for entry_id, tag_id in links:
            tag_ids[entry_id].append(tag_id)
        return [_time_entry(row, tag_ids[row.id]) for row in rows]

    async def current_timer(self) -> TimeEntry | None:
        cached = self._cache.get(self.user.id, "timer") if self._cache is not None else MISS
        if cached is not MISS:
            return cached
        te = t.time_entries
        async with self._read() as conn:
            entries = await self._entries(conn, sa.select(te).where(self._own_entries(), te.c.end.is_(None)))
        timer = entries[0] if entries else None
        if self._cache is not None:
            self._cache.put(self.user.id, "timer", timer)
        return timer

    async def list_time_entries(
        self, start: datetime, end: datetime, *, limit: int | None = None
    ) -> list[TimeEntry]:
        start, end = check_aware(start, "start"), check_aware(end, "end")
        check_interval(start, end)

        async def load() -> list[TimeEntry]:
            te = t.time_entries
            stmt = (
                sa.select(te)
                .where(self._own_entries(), overlapping(te, start, end, self._now()))
                .order_by(te.c.start.desc(), te.c.id.desc())
                .limit(limit)
            )
            async with self._read() as conn:
                return await self._entries(conn, stmt)

        return await self._memoised(("entries", start, end, limit), start, load)

    async def _memoised(
        self, key: tuple[Any, ...], window_start: datetime, load: Callable[[], Awaitable[list[R]]]
    ) -> list[R]:
        """A window's rows from the read cache, or loaded and kept there until this user's next write.

        A window that has begun gives the same rows until the next write (open entries stay in it); one still
        in the future changes as time passes, so it is never memoised.
        """
        cacheable = self._cache is not None and self._now() > window_start
        if cacheable and (cached := self._cache.get(self.user.id, key)) is not MISS:  # type: ignore[union-attr]
            return list(cached)
        rows = await load()
        if cacheable:
            self._cache.put(self.user.id, key, rows)  # type: ignore[union-attr]
        return list(rows)

    async def get_time_entry(self, entry_id: str) -> TimeEntry:
        te = t.time_entries
        async with self._read() as conn:
            entries = await self._entries(conn, sa.select(te).where(self._own_entries(), te.c.id == entry_id))
        if not entries:
            raise NotFound(f"no time entry {entry_id!r}")
        return entries[0]

    async def _check_references(
        self, conn: AsyncConnection, project_id: str | None, task_id: str | None, tag_ids: Sequence[str]
    ) -> tuple[str | None, str | None, list[str]]:
        """Check project/task/tags exist (and are visible); a task alone implies its project."""
        if task_id is not None:
            task_project = (
                await conn.execute(
                    sa.select(t.tasks.c.project_id).where(
                        t.tasks.c.workspace_id == self.workspace.id, t.tasks.c.id == task_id
                    )
                )
            ).scalar_one_or_none()
            if task_project is None:
                raise NotFound(f"no task {task_id!r}")
            if project_id is None:
                project_id = task_project
            elif project_id != task_project:
                raise ValidationFailed("the task belongs to another project")
        if project_id is not None:
            await self._visible_project(conn, project_id)
        unique_tags = list(dict.fromkeys(tag_ids))
        if unique_tags:
            found = set(
                (
                    await conn.execute(
                        sa.select(t.tags.c.id).where(
                            t.tags.c.workspace_id == self.workspace.id, t.tags.c.id.in_(unique_tags)
                        )
                    )
                ).scalars()
            )
            missing = [tag for tag in unique_tags if tag not in found]
            if missing:
                raise NotFound(f"no tag {missing[0]!r}")
        return project_id, task_id, unique_tags

    async def _running_id(self, conn: AsyncConnection, exclude: str | None = None) -> str | None:
        te = t.time_entries
        stmt = sa.select(te.c.id).where(self._own_entries(), te.c.end.is_(None))
        if exclude is not None:
            stmt = stmt.where(te.c.id != exclude)
        return (await conn.execute(stmt)).scalar_one_or_none()

    async def _set_tags(
        self, conn: AsyncConnection, entry_id: str, tag_ids: Iterable[str], *, replace: bool
    ) -> None:
        if replace:
            await conn.execute(t.time_entry_tags.delete().where(t.time_entry_tags.c.entry_id == entry_id))
        values = [{"entry_id": entry_id, "tag_id": tag, "position": i} for i, tag in enumerate(tag_ids)]
        if values:
            await conn.execute(t.time_entry_tags.insert(), values)

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        check_interval(draft.start, draft.end)
        check_timezone(draft.timezone)
        async with self._write("another timer is already running") as conn:
            project_id, task_id, tag_ids = await self._check_references(
                conn, draft.project_id, draft.task_id, draft.tag_ids
            )
            if draft.end is None and await self._running_id(conn) is not None:
                raise Conflict("another timer is already running")
            now = self._now()
            entry = TimeEntry(
                id=new_id(),
                workspace_id=self.workspace.id,
                user_id=self.user.id,
                start=draft.start,
                end=draft.end,
                timezone=draft.timezone,
                project_id=project_id,
                task_id=task_id,
                tag_ids=tag_ids,
                description=draft.description,
                billable=draft.billable,
            )
            await conn.execute(
                t.time_entries.insert().values(
                    **entry.model_dump(exclude={"tag_ids"}), created_at=now, updated_at=now
                )
            )
            await self._set_tags(conn, entry.id, tag_ids, replace=False)
        return entry

    async def update_time_entry(self, entry_id: str, patch: TimeEntryPatch) -> TimeEntry:
        te = t.time_entries
        fields = patch.model_fields_set
        async with self._write("another timer is already running") as conn:
            current = await self._entries(
                conn, self._lock(sa.select(te).where(self._own_entries(), te.c.id == entry_id))
            )
            if not current:
                raise NotFound(f"no time entry {entry_id!r}")
            entry = current[0]
            values: dict[str, Any] = {}
            for name in ("start", "end", "description", "billable", "timezone"):
                if name in fields and (getattr(patch, name) is not None or name == "end"):
                    values[name] = getattr(patch, name)
            if "timezone" in values:
                check_timezone(values["timezone"])
            start = values.get("start", entry.start)
            end = values.get("end", entry.end) if "end" in fields else entry.end
            check_interval(start, end)

            project_id, task_id = entry.project_id, entry.task_id
            if "project_id" in fields:
                project_id = patch.project_id
                if project_id != entry.project_id and "task_id" not in fields:
                    task_id = None  # the old task belongs to the old project
            if "task_id" in fields:
                task_id = patch.task_id
            tag_ids = entry.tag_ids if patch.tag_ids is None else patch.tag_ids
            project_id, task_id, tag_ids = await self._check_references(conn, project_id, task_id, tag_ids)
            values.update(project_id=project_id, task_id=task_id)

            if end is None and entry.end is not None and await self._running_id(conn, exclude=entry.id):
                raise Conflict("another timer is already running")
            values["updated_at"] = self._now()
            await conn.execute(te.update().where(te.c.id == entry.id).values(**values))
            if patch.tag_ids is not None and tag_ids != entry.tag_ids:
                await self._set_tags(conn, entry.id, tag_ids, replace=True)
            values.pop("updated_at")
            return entry.model_copy(update={**values, "tag_ids": tag_ids})

    async def delete_time_entry(self, entry_id: str) -> None:
        te = t.time_entries
        async with self._write() as conn:
            result = await conn.execute(te.delete().where(self._own_entries(), te.c.id == entry_id))
            if result.rowcount == 0:
                raise NotFound(f"no time entry {entry_id!r}")

    # ---- working hours -------------------------------------------------------------------------------------

    def _own_hours(self) -> sa.ColumnElement[bool]:
        wh = t.working_hours
        return sa.and_(wh.c.workspace_id == self.workspace.id, wh.c.user_id == self.user.id)

    async def list_working_hours(self, start: datetime, end: datetime) -> list[WorkingHoursEntry]:
        start, end = check_aware(start, "start"), check_aware(end, "end")
        check_interval(start, end)

        async def load() -> list[WorkingHoursEntry]:
            wh = t.working_hours
            async with self._read() as conn:
                rows = await conn.execute(
                    sa.select(wh)
                    .where(self._own_hours(), overlapping(wh, start, end, self._now()))
                    .order_by(wh.c.start.desc(), wh.c.id.desc())
                )
                return [_working_hours(row) for row in rows]

        return await self._memoised(("hours", start, end), start, load)

    async def _open_hours_id(
        self, conn: AsyncConnection, kind: str, exclude: str | None = None
    ) -> str | None:
        wh = t.working_hours
        stmt = sa.select(wh.c.id).where(self._own_hours(), wh.c.end.is_(None), wh.c.type == kind)
        if exclude is not None:
            stmt = stmt.where(wh.c.id != exclude)
        return (await conn.execute(stmt)).scalar_one_or_none()

    async def create_working_hours(self, draft: WorkingHoursDraft) -> WorkingHoursEntry:
        check_interval(draft.start, draft.end)
        check_timezone(draft.timezone)
        message = f"an open {draft.type} interval already exists"
        async with self._write(message) as conn:
            if draft.end is None and await self._open_hours_id(conn, draft.type) is not None:
                raise Conflict(message)
            entry = WorkingHoursEntry(
                id=new_id(),
                workspace_id=self.workspace.id,
                user_id=self.user.id,
                start=draft.start,
                end=draft.end,
                type=draft.type,
                timezone=draft.timezone,
            )
            await conn.execute(t.working_hours.insert().values(**entry.model_dump(), created_at=self._now()))
        return entry

    async def update_working_hours(self, entry_id: str, patch: WorkingHoursPatch) -> WorkingHoursEntry:
        wh = t.working_hours
        fields = patch.model_fields_set
        async with self._write("an open interval of this type already exists") as conn:
            row = (
                await conn.execute(self._lock(sa.select(wh).where(self._own_hours(), wh.c.id == entry_id)))
            ).one_or_none()
            if row is None:
                raise NotFound(f"no working hours entry {entry_id!r}")
            entry = _working_hours(row)
            values: dict[str, Any] = {}
            if "start" in fields and patch.start is not None:
                values["start"] = patch.start
            if "end" in fields:
                values["end"] = patch.end
            if "type" in fields and patch.type is not None:
                values["type"] = patch.type
            updated = entry.model_copy(update=values)
            check_interval(updated.start, updated.end)
            if updated.end is None and await self._open_hours_id(conn, updated.type, exclude=entry.id):
                raise Conflict(f"an open {updated.type} interval already exists")
            if values:
                await conn.execute(wh.update().where(wh.c.id == entry.id).values(**values))
        return updated

    async def delete_working_hours(self, entry_id: str) -> None:
        wh = t.working_hours
        async with self._write() as conn:
            result = await conn.execute(wh.delete().where(self._own_hours(), wh.c.id == entry_id))
            if result.rowcount == 0:
                raise NotFound(f"no working hours entry {entry_id!r}")

    # ---- feed ----------------------------------------------------------------------------------------------

    async def list_feed_events(self, start: datetime, end: datetime) -> list[FeedEvent]:
        start, end = check_aware(start, "start"), check_aware(end, "end")
        check_interval(start, end)
        fe = t.feed_events
        now = self._now()
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(fe)
                .where(
                    fe.c.workspace_id == self.workspace.id,
                    fe.c.user_id == self.user.id,
                    fe.c.created_at > now - FEED_RETENTION,
                    overlapping(fe, start, end, now),
                )
                .order_by(fe.c.start.desc(), fe.c.id.desc())
            )
            return [_feed_event(row) for row in rows]

    async def create_feed_event(self, draft: FeedEventDraft) -> FeedEvent:
        """Add an event for the acting user, or (workspace admins) for `draft.user_id` in the workspace."""
        check_interval(draft.start, draft.end)
        message = f"a feed event {draft.external_id!r} from {draft.source!r} already exists"
        async with self._write(message) as conn:
            owner = await self._feed_owner(conn, draft.user_id)
            fields = draft.model_dump(exclude={"user_id"})
            event = FeedEvent(id=new_id(), workspace_id=self.workspace.id, user_id=owner, **fields)
            await conn.execute(t.feed_events.insert().values(**event.model_dump(), created_at=self._now()))
        return event

    async def update_feed_event(self, event_id: str, patch: FeedEventPatch) -> FeedEvent:
        fe = t.feed_events
        async with self._write("another feed event already has that external id") as conn:
            row = (
                await conn.execute(
                    self._lock(
                        sa.select(fe).where(fe.c.workspace_id == self.workspace.id, fe.c.id == event_id)
                    )
                )
            ).one_or_none()
            if row is None or (row.user_id != self.user.id and not self.user.is_admin):
                raise NotFound(f"no feed event {event_id!r}")
            values = {name: getattr(patch, name) for name in patch.model_fields_set}
            updated = _feed_event(row).model_copy(update=values)
            check_interval(updated.start, updated.end)
            if values:
                await conn.execute(fe.update().where(fe.c.id == event_id).values(**values))
        return FeedEvent.model_validate(updated.model_dump())

    async def _feed_owner(self, conn: AsyncConnection, user_id: str | None) -> str:
        if user_id is None or user_id == self.user.id:
            return self.user.id
        if not self.user.is_admin:
            raise PermissionDenied("only workspace admins may add feed events for other people")
        us = t.users
        if not await _exists(conn, us, us.c.workspace_id == self.workspace.id, us.c.id == user_id):
            raise NotFound(f"no user {user_id!r} in this workspace")
        return user_id

    # ---- reports (REPORTS capability) ----------------------------------------------------------------------

    def iter_workspace_time_entries(
        self,
        start: datetime,
        end: datetime,
        user_ids: Sequence[str] | None = None,
        *,
        project_ids: Sequence[str | None] | None = None,
        billable: bool | None = None,
        by_project: bool = False,
        batch_size: int = 1000,
    ) -> AsyncIterator[list[TimeEntry]]:
        """Finished entries starting in [start, end), streamed in batches, in report order (see
        `adapters.local.reports`). `user_ids=None` means everyone: workspace admins only; anyone may read
        exactly their own (`user_ids=[own id]`)."""
        from adapters.local.reports import iter_entries

        start, end = check_aware(start, "start"), check_aware(end, "end")
        check_interval(start, end)
        if not self.user.is_admin and (user_ids is None or set(user_ids) != {self.user.id}):
            raise PermissionDenied("only workspace admins may report on other people's time")
        return iter_entries(
            self._engine,
            self.workspace.id,
            start,
            end,
            user_ids=user_ids,
            project_ids=project_ids,
            billable=billable,
            by_project=by_project,
            batch_size=batch_size,
        )

    async def list_workspace_users(self) -> list[User]:
        """Everyone in the workspace (for reports on others): workspace admins only."""
        from adapters.local.reports import list_users

        if not self.user.is_admin:
            raise PermissionDenied("only workspace admins may list the workspace's people")
        return await list_users(self._engine, self.workspace.id)


# ---- row → model -----------------------------------------------------------------------------------------


async def _exists(conn: AsyncConnection, table: sa.Table, *where: sa.ColumnElement[bool]) -> bool:
    return bool((await conn.execute(sa.select(sa.exists().select_from(table).where(*where)))).scalar_one())


def _load(model: type[M], row: Any, **extra: Any) -> M:
    """A domain model from a row whose column names match the model's fields (plus `extra` values)."""
    values = {name: getattr(row, name) for name in model.model_fields if name not in extra}
    return model.model_validate({**values, **extra})


def _settings(row: Any) -> WorkspaceSettings:
    rules = {name: getattr(row, f"rules_{name}") for name in WorkingTimeRules.model_fields}
    return _load(WorkspaceSettings, row, working_time_rules=WorkingTimeRules.model_validate(rules))


def workspace_from_row(row: Any) -> Workspace:
    return _load(Workspace, row, settings=_settings(row))


def user_from_row(row: Any) -> User:
    return _load(User, row)


def _client(row: Any) -> Client:
    return _load(Client, row)


def _project(row: Any) -> Project:
    return _load(Project, row)


def _task(row: Any) -> Task:
    return _load(Task, row)


def _tag(row: Any) -> Tag:
    return _load(Tag, row)


def _time_entry(row: Any, tag_ids: list[str]) -> TimeEntry:
    return _load(TimeEntry, row, tag_ids=tag_ids)


def _working_hours(row: Any) -> WorkingHoursEntry:
    return _load(WorkingHoursEntry, row)


def _feed_event(row: Any) -> FeedEvent:
    return _load(FeedEvent, row)
