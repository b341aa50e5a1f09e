"""The `Backend` protocol: what the bot may ask of a time tracker, bound to one user in one workspace.

A backend instance always acts *as* one user with that user's own credentials (security rule: nobody acts with
someone else's token). `BackendFactory.bind` is how the bot gets one for the person behind a Teams activity.
Capabilities are declared, never faked: calling an operation the backend lacks raises `Unsupported`.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from adapters.models import (
    Client,
    ClientDraft,
    ClientPatch,
    FeedEvent,
    FeedEventDraft,
    FeedEventPatch,
    Group,
    Project,
    ProjectDraft,
    ProjectPatch,
    Tag,
    TagDraft,
    TagPatch,
    Task,
    TaskDraft,
    TaskPatch,
    TimeEntry,
    TimeEntryDraft,
    TimeEntryPatch,
    User,
    WorkingHoursDraft,
    WorkingHoursEntry,
    WorkingHoursPatch,
    Workspace,
    WorkspaceSettings,
)


class Capability(enum.Flag):
    TIME_ENTRIES = enum.auto()
    TIMER = enum.auto()
    CLIENTS = enum.auto()
    PROJECTS = enum.auto()
    TASKS = enum.auto()
    TAGS = enum.auto()
    WORKING_HOURS = enum.auto()
    FEED = enum.auto()  # keeps feed events and lists them
    FEED_WRITE = enum.auto()  # takes feed events (add, update), even where it cannot list them (timeghost)
    REPORTS = enum.auto()
    WEBHOOKS = enum.auto()
    GROUPS = enum.auto()
    WORKSPACE_SETTINGS = enum.auto()


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is acting, as Teams knows them. The backend maps this to its own user (and workspace)."""

    tenant_id: str
    aad_object_id: str
    name: str
    email: str | None = None
    tenant_name: str | None = None


@runtime_checkable
class Backend(Protocol):
    """One user's view of one workspace. Lists return only what that user may see."""

    kind: str
    capabilities: Capability
    workspace: Workspace
    user: User

    # master data
    async def list_clients(self) -> list[Client]: ...
    async def create_client(self, draft: ClientDraft) -> Client: ...
    async def list_projects(self, *, include_done: bool = False) -> list[Project]: ...
    async def create_project(self, draft: ProjectDraft) -> Project: ...
    async def list_tasks(
        self, project_id: str | None = None, *, include_done: bool = False
    ) -> list[Task]: ...
    async def create_task(self, draft: TaskDraft) -> Task: ...
    async def list_tags(self) -> list[Tag]: ...
    async def create_tag(self, draft: TagDraft) -> Tag: ...

    # time entries (the acting user's own)
    async def current_timer(self) -> TimeEntry | None: ...
    async def list_time_entries(
        self, start: datetime, end: datetime, *, limit: int | None = None
    ) -> list[TimeEntry]:
        """Entries overlapping [start, end), running ones included, newest start first (at most `limit`)."""
        ...

    async def get_time_entry(self, entry_id: str) -> TimeEntry: ...
    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        """Create an entry; `end=None` starts a timer (a backend with one timer per user stops no other)."""
        ...

    async def update_time_entry(self, entry_id: str, patch: TimeEntryPatch) -> TimeEntry: ...
    async def delete_time_entry(self, entry_id: str) -> None: ...

    # working hours (come/go)
    async def list_working_hours(self, start: datetime, end: datetime) -> list[WorkingHoursEntry]: ...
    async def create_working_hours(self, draft: WorkingHoursDraft) -> WorkingHoursEntry: ...
    async def update_working_hours(self, entry_id: str, patch: WorkingHoursPatch) -> WorkingHoursEntry: ...
    async def delete_working_hours(self, entry_id: str) -> None: ...

    # feed (custom feed events): listing needs FEED, adding and updating FEED_WRITE
    async def list_feed_events(self, start: datetime, end: datetime) -> list[FeedEvent]:
        """The acting user's events overlapping [start, end), posted within `FEED_RETENTION`."""
        ...

    async def create_feed_event(self, draft: FeedEventDraft) -> FeedEvent: ...
    async def update_feed_event(self, event_id: str, patch: FeedEventPatch) -> FeedEvent: ...


@runtime_checkable
class WorkspaceSettingsWriter(Protocol):
    """Optional: a backend with `Capability.WORKSPACE_SETTINGS` lets admins change the workspace policy."""

    async def set_workspace_settings(self, settings: WorkspaceSettings) -> Workspace: ...


@runtime_checkable
class MasterDataEditor(Protocol):
    """Optional: renaming and archiving clients, projects and tasks, renaming and deleting tags. A backend
    offers the methods its API has; a change its API cannot make raises `Unsupported` with what it lacks
    ("archiving clients", "finishing tasks", …). Names stay unique as on creation (`Conflict`). They take the
    item as last read (APIs address a task through its project, a tag through its kind)."""

    async def update_client(self, client: Client, patch: ClientPatch) -> Client: ...
    async def update_project(self, project: Project, patch: ProjectPatch) -> Project: ...
    async def update_task(self, task: Task, patch: TaskPatch) -> Task: ...
    async def update_tag(self, tag: Tag, patch: TagPatch) -> Tag: ...
    async def delete_tag(self, tag: Tag) -> None: ...


@runtime_checkable
class GroupSource(Protocol):
    """What a backend declaring `Capability.GROUPS` offers: the workspace's user groups (teams)."""

    async def list_groups(self) -> list[Group]: ...


@runtime_checkable
class ReportSource(Protocol):
    """What a backend declaring `Capability.REPORTS` offers besides `Backend`: workspace entries, streamed.

    `iter_workspace_time_entries` yields finished entries that start in [start, end) in batches, ordered by
    start (or by project, then start, with `by_project`). `user_ids=None` is everyone (admins only; others get
    `PermissionDenied` unless they ask for exactly themselves).
    """

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
    ) -> AsyncIterator[list[TimeEntry]]: ...

    async def list_workspace_users(self) -> list[User]: ...


@runtime_checkable
class ExcelReportSource(Protocol):
    """A backend whose API makes its own Excel report (timeghost's "Create Times Excel Report"), for people
    who know that file; `report` stays timebot's own spreadsheet unless asked for this one."""

    async def create_excel_report(
        self,
        start: datetime,
        end: datetime,
        *,
        user_id: str | None = None,
        everyone: bool = False,
        grouped_by_project: bool = True,
    ) -> bytes: ...


class BackendFactory(Protocol):
    """Gives the bot a `Backend` bound to the person behind an activity (creating workspace and user)."""

    kind: str

    async def bind(self, identity: Identity) -> Backend: ...

    async def close(self) -> None: ...
