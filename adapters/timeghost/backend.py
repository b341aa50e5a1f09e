"""`TimeghostBackend` (one user in one timeghost workspace) and `TimeghostBackendFactory`.

The operation table (connector ↔ adapter) and the sources are in `adapters/timeghost/__init__.py`.

Semantics kept identical to the local backend (`adapters/local/backend.py`), checked by the conformance suite:
- Own entries only: every time read carries `$filter-user=<me>`; update/delete first read the entry that
  way, so someone else's id is `NotFound` even for a workspace admin (timeghost would let an admin edit it).
- One running timer per user (a time without `end`): checked before starting, as timeghost documents no rule.
- Names are unique per workspace (projects per client, tasks per project), case-insensitively: checked with an
  OData `tolower(name) eq '…'` query before creating (timeghost itself does not refuse duplicates).
- `list_time_entries` = times overlapping [start, end), a running one lasting until now, newest first.
Reference data (clients, projects, tasks, tags) is cached per workspace and user in the bot's one reference
cache (`adapters.refcache`) and dropped on every change made through it, so `start`/`stop`/`log` by name need
no list calls.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from adapters.backend import Capability, Identity
from adapters.credentials import ConnectionSource
from adapters.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    Unauthorized,
    Unsupported,
    ValidationFailed,
)
from adapters.http import ApiClient, RetryPolicy, segment
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
)
from adapters.refcache import ReferenceCache
from adapters.refusals import BY_ID_STATUS, ConnectionRefusals, Refusals, believed
from adapters.reporting import check_people, in_report_order, wanted, windows
from adapters.timeghost import mapping as m
from adapters.timeghost.client import (
    CALLS_PER_WINDOW,
    DEFAULT_URL,
    WINDOW_SECONDS,
    Budgets,
    PerConnectionBudget,
    Session,
    auth_headers,
)
from adapters.timer import Started, TimerStartsLater

KIND = "timeghost"
ARCHIVING_CLIENTS = "archiving clients"
FINISHING_TASKS = "finishing tasks"
NO_CLIENT_TASKS = "tasks on projects without a client"
WORKING_HOURS = "working hours"
ALL_TIME = "all_time"  # `$filter-date-range` is required; the real window is in `$filter`
XLSX_MAGIC = b"PK\x03\x04"
REPORT_WINDOW = timedelta(days=7)  # a report reads `get/times` a week at a time


@dataclass
class _RefData:
    clients: list[Client] | None = None
    projects: list[Project] | None = None
    tags: list[Tag] | None = None
    tasks: dict[str, list[Task]] = field(default_factory=dict)


class RefCache:
    """Lookups per (workspace, user) — visibility differs per user (private projects) — filled as needed,
    kept in the bot's one `ReferenceCache` (its TTL and size; a write drops the workspace there)."""

    def __init__(self, cache: ReferenceCache) -> None:
        self._cache = cache

    def get(self, workspace_id: str, user_id: str) -> _RefData:
        key = (KIND, workspace_id, "refs", user_id)
        data = self._cache.get(key)
        if not isinstance(data, _RefData):
            data = _RefData()
            self._cache.put(key, data)
        return data

    def drop(self, workspace_id: str, user_id: str) -> None:
        self._cache.drop((KIND, workspace_id, "refs", user_id))

    def invalidate(self, workspace_id: str) -> None:
        """A change is seen by every user of the workspace (and by the service's view of it)."""
        self._cache.invalidate(KIND, workspace_id)


class TimeghostBackend:
    kind = KIND
    # `TimeCreate`/`TimeUpdate` declare neither `task` nor `timeZone`: a time's task is what timeghost stored
    # (set in its web app), its zone the account's.
    keeps_entry_timezones = False
    links_entry_tasks = False
    capabilities = (
        Capability.TIME_ENTRIES
        | Capability.TIMER
        | Capability.CLIENTS
        | Capability.PROJECTS
        | Capability.TASKS
        | Capability.TAGS
        | Capability.WORKING_HOURS
        | Capability.FEED_WRITE
        | Capability.REPORTS
        | Capability.WEBHOOKS
        | Capability.GROUPS
    )
    # Not declared: FEED (custom feed events can be added, updated and deleted, but the API has no way to list
    # them: the bot keeps its own copy of what it posted), WORKSPACE_SETTINGS (no write access to workspace
    # settings in the API).

    def __init__(
        self,
        session: Session,
        workspace: Workspace,
        user: User,
        refs: RefCache,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        refused: ConnectionRefusals | None = None,
    ) -> None:
        self._s = session
        self.workspace = workspace
        self.user = user
        self._refs = refs
        self._now = clock
        self.refused = refused or ConnectionRefusals()
        self.capabilities = type(self).capabilities & ~self.refused.flags

    @property
    def _ws(self) -> str:
        return self.workspace.id

    def _ref(self) -> _RefData:
        return self._refs.get(self._ws, self.user.id)

    def _changed(self) -> None:
        self._refs.invalidate(self._ws)

    # ---- clients -------------------------------------------------------------------------------------------

    async def list_clients(self) -> list[Client]:
        data = self._ref()
        if data.clients is None:
            rows = await self._s.get("get/clients")
            data.clients = sorted(
                (m.client_from(r, self._ws) for r in rows or [] if not r.get("deleted")),
                key=lambda c: (c.name.casefold(), c.id),
            )
        return list(data.clients)

    async def create_client(self, draft: ClientDraft, *, description: str | None = None) -> Client:
        name = m.clean_name(draft.name)
        if await self._s.get("get/clients", params={"$filter": m.f_name(name)}):
            raise Conflict(f"a client named {name!r} already exists")
        body: dict[str, Any] = {"name": name}
        if description:
            body["description"] = description
        created = await self._s.post("add/clients", body)
        self._changed()
        return m.client_from(created, self._ws)

    async def update_client(self, client: Client, patch: ClientPatch) -> Client:
        """A new name (`ClientUpdate` has no archived flag: archiving clients is not in timeghost's API)."""
        if patch.archived is not None:
            raise Unsupported(ARCHIVING_CLIENTS)
        client_id = client.id
        if patch.name is None:
            return client
        name = m.clean_name(patch.name)
        found = await self._s.get("get/clients", params={"$filter": m.f_name(name)})
        if any(str(r.get("id")) != client_id for r in found or [] if not r.get("deleted")):
            raise Conflict(f"a client named {name!r} already exists")
        updated = await self._s.post(f"update/clients/{segment(client_id)}", {"name": name})
        self._changed()
        return m.client_from(updated, self._ws)

    # ---- projects ------------------------------------------------------------------------------------------

    async def _all_projects(self) -> list[Project]:
        data = self._ref()
        if data.projects is None:
            rows = await self._s.get("get/projects")
            data.projects = sorted(
                (m.project_from(r, self._ws) for r in rows or [] if not r.get("deleted")),
                key=lambda p: (p.name.casefold(), p.id),
            )
        return data.projects

    def _refresh(self) -> None:
        """Drop this user's cached reference data (something named may be newer than the cache)."""
        self._refs.drop(self._ws, self.user.id)

    async def _project(self, project_id: str, *, refreshed: bool = False) -> Project:
        for project in await self._all_projects():
            if project.id == project_id:
                return project
        if not refreshed:  # created elsewhere (web app, another process) since the cache was filled?
            self._refresh()
            return await self._project(project_id, refreshed=True)
        raise NotFound(f"no project {project_id!r}")

    async def list_projects(self, *, include_done: bool = False) -> list[Project]:
        return [p for p in await self._all_projects() if include_done or not p.done]

    async def create_project(self, draft: ProjectDraft) -> Project:
        name = m.clean_name(draft.name)
        if draft.client_id is not None and all(c.id != draft.client_id for c in await self.list_clients()):
            raise NotFound(f"no client {draft.client_id!r}")
        duplicate = m.f_and(m.f_name(name), m.f_eq("client/id", draft.client_id or ""))
        if await self._s.get("get/projects", params={"$filter": duplicate}):
            suffix = " for this client" if draft.client_id else ""
            raise Conflict(f"a project named {name!r} already exists{suffix}")
        body: dict[str, Any] = {
            "name": name,
            "client": m.ref(draft.client_id),
            "billable": draft.billable,
            "completed": False,
            "taskBasedEstimation": False,
            "private": draft.private,
            "users": [{"id": self.user.id, "role": 1}],  # the creator manages it (and sees it when private)
        }
        if draft.color:
            body["color"] = draft.color
        if draft.description:
            body["description"] = draft.description
        created = await self._s.post("add/projects", body)
        self._changed()
        return m.project_from(created, self._ws)

    async def update_project(self, project: Project, patch: ProjectPatch) -> Project:
        """`POST update/projects/{id}` with a new `name` and/or `completed` (archived: out of the lists)."""
        project_id = project.id
        body: dict[str, Any] = {}
        if patch.name is not None:
            name = m.clean_name(patch.name)
            duplicate = m.f_and(m.f_name(name), m.f_eq("client/id", project.client_id or ""))
            found = await self._s.get("get/projects", params={"$filter": duplicate})
            if any(str(r.get("id")) != project_id for r in found or [] if not r.get("deleted")):
                raise Conflict(f"a project named {name!r} already exists")
            body["name"] = name
        if patch.done is not None:
            body["completed"] = patch.done
        if not body:
            return project
        updated = await self._s.post(f"update/projects/{segment(project_id)}", body)
        self._changed()
        return m.project_from(updated, self._ws)

    # ---- tasks ---------------------------------------------------------------------------------------------

    async def _project_tasks(self, project: Project) -> list[Task]:
        """A project's tasks. The definition requires the `clientid` header on `get/projects/{id}/tasks`, and
        tasks belong to a client and a project (`TaskCreate.client` is required): a project without a
        client has no tasks timebot can reach, so it is not asked (an empty header would be refused)."""
        if project.client_id is None:
            return []
        data = self._ref()
        if project.id not in data.tasks:
            rows = await self._s.get(
                f"get/projects/{segment(project.id)}/tasks", headers={"clientid": project.client_id}
            )
            data.tasks[project.id] = sorted(
                (m.task_from(r, self._ws, project.id) for r in rows or [] if not r.get("deleted")),
                key=lambda t: (t.name.casefold(), t.id),
            )
        return data.tasks[project.id]

    async def list_tasks(self, project_id: str | None = None, *, include_done: bool = False) -> list[Task]:
        if project_id is not None:
            projects = [await self._project(project_id)]
        else:
            # No workspace-wide task list in the API: one call per project (cached afterwards).
            projects = await self.list_projects(include_done=include_done)
        lists = await asyncio.gather(*(self._project_tasks(p) for p in projects))
        tasks = [t for found in lists for t in found if include_done or not t.done]
        if project_id is None:
            tasks.sort(key=lambda t: (t.name.casefold(), t.id))
        return tasks

    async def _task(self, task_id: str, *, refreshed: bool = False) -> Task:
        for project in await self._all_projects():
            for task in await self._project_tasks(project):
                if task.id == task_id:
                    return task
        if not refreshed:
            self._refresh()
            return await self._task(task_id, refreshed=True)
        raise NotFound(f"no task {task_id!r}")

    async def create_task(self, draft: TaskDraft) -> Task:
        name = m.clean_name(draft.name)
        project = await self._project(draft.project_id)
        if project.client_id is None:
            raise Unsupported(NO_CLIENT_TASKS)
        existing = await self._s.get(
            f"get/projects/{segment(project.id)}/tasks",
            params={"$filter": m.f_name(name)},
            headers={"clientid": project.client_id},
        )
        if existing:
            raise Conflict(f"a task named {name!r} already exists in this project")
        body: dict[str, Any] = {
            "client": m.ref(project.client_id),
            "project": {"id": project.id},
            "name": name,
        }
        if draft.estimate_seconds is not None:
            body["estimation"] = draft.estimate_seconds
        created = await self._s.post("add/tasks", body)
        self._changed()
        return m.task_from(created, self._ws, project.id)

    async def update_task(self, task: Task, patch: TaskPatch) -> Task:
        """Rename a task (`TaskUpdate` has no `completed`: finishing tasks is not in timeghost's API)."""
        if patch.done is not None:
            raise Unsupported(FINISHING_TASKS)
        task_id = task.id
        if patch.name is None:
            return task
        project = await self._project(task.project_id)
        name = m.clean_name(patch.name)
        found = await self._s.get(
            f"get/projects/{segment(project.id)}/tasks",
            params={"$filter": m.f_name(name)},
            headers={"clientid": project.client_id or ""},  # a task's project has a client (`_project_tasks`)
        )
        if any(str(r.get("id")) != task_id for r in found or [] if not r.get("deleted")):
            raise Conflict(f"a task named {name!r} already exists in this project")
        body: dict[str, Any] = {
            "client": m.ref(project.client_id),
            "project": {"id": project.id},
            "name": name,
        }
        updated = await self._s.post(f"update/tasks/{segment(task_id)}", body)
        self._changed()
        return m.task_from(updated, self._ws, project.id)

    # ---- tags ----------------------------------------------------------------------------------------------

    async def list_tags(self) -> list[Tag]:
        data = self._ref()
        if data.tags is None:
            time_tags, project_tags = await asyncio.gather(
                self._s.get("get/tags", params={"$filter": f"tagType eq {m.TIME_TAG}"}),
                self._s.get("get/projecttags", params={"$filter": f"tagType eq {m.PROJECT_TAG}"}),
            )
            tags = [m.tag_from(r, self._ws, "time") for r in time_tags or [] if not r.get("deleted")]
            tags += [m.tag_from(r, self._ws, "project") for r in project_tags or [] if not r.get("deleted")]
            data.tags = sorted(tags, key=lambda t: (t.name.casefold(), t.kind, t.id))
        return list(data.tags)

    async def create_tag(self, draft: TagDraft) -> Tag:
        name = m.clean_name(draft.name)
        path, tag_type = ("tags", m.TIME_TAG) if draft.kind == "time" else ("projecttags", m.PROJECT_TAG)
        # `$filter` on the tag lists is an enum of one value (`tagType eq N`): the name is compared here.
        rows = await self._s.get(f"get/{path}", params={"$filter": f"tagType eq {tag_type}"})
        if any(m.same_name(r.get("name"), name) for r in rows or [] if not r.get("deleted")):
            raise Conflict(f"a {draft.kind} tag named {name!r} already exists")
        created = await self._s.post(f"add/{path}", {"name": name, "tagType": tag_type})
        self._changed()
        return m.tag_from(m.single(created), self._ws, draft.kind)

    async def update_tag(self, tag: Tag, patch: TagPatch) -> Tag:
        self._refresh()  # a fresh list: the duplicate check must see tags made elsewhere
        tags = await self.list_tags()
        tag_id = tag.id
        name = m.clean_name(patch.name)
        if any(t.id != tag_id and t.kind == tag.kind and m.same_name(t.name, name) for t in tags):
            raise Conflict(f"a {tag.kind} tag named {name!r} already exists")
        path, tag_type = ("tags", m.TIME_TAG) if tag.kind == "time" else ("projecttags", m.PROJECT_TAG)
        updated = await self._s.post(f"update/{path}/{segment(tag_id)}", {"name": name, "tagType": tag_type})
        self._changed()
        return m.tag_from(m.single(updated), self._ws, tag.kind)

    async def delete_tag(self, tag: Tag) -> None:
        """`DELETE delete/tags/{id}` (Delete_Item, for time and project tags alike)."""
        await self._s.delete_item("tags", tag.id)
        self._changed()

    # ---- groups --------------------------------------------------------------------------------------------

    async def list_groups(self) -> list[Group]:
        return [m.group_from(r, self._ws) for r in await self._s.get("get/groups") or []]

    # ---- times ---------------------------------------------------------------------------------------------

    def _times_query(self, start: datetime, end: datetime, *, extra: str | None = None) -> dict[str, str]:
        if end < start:
            raise ValidationFailed("the end is before the start")
        return {
            "$filter-date-range": ALL_TIME,
            "$filter-user": self.user.id,
            "$filter": m.f_and(m.f_overlap(start, end, self._now()), extra),
        }

    def _entries(self, rows: Any) -> list[TimeEntry]:
        entries = [
            m.time_entry_from(r, self._ws, self.user.id)
            for r in rows or []
            if not r.get("deleted") and (m.ref_id(r.get("user")) in (None, self.user.id))
        ]
        entries.sort(key=lambda e: (e.start, e.id), reverse=True)
        return entries

    async def _own_times(self, odata: str) -> list[TimeEntry]:
        rows = await self._s.get(
            "get/times",
            params={"$filter-date-range": ALL_TIME, "$filter-user": self.user.id, "$filter": odata},
        )
        return self._entries(rows)

    async def current_timer(self) -> TimeEntry | None:
        running = await self._own_times(m.f_open())
        return running[0] if running else None

    async def list_time_entries(
        self, start: datetime, end: datetime, *, limit: int | None = None
    ) -> list[TimeEntry]:
        rows = await self._s.get("get/times", params=self._times_query(start, end))
        entries = self._entries(rows)
        return entries if limit is None else entries[:limit]

    async def get_time_entry(self, entry_id: str) -> TimeEntry:
        found = await self._own_times(m.f_eq("id", entry_id))
        if not found:
            raise NotFound(f"no time entry {entry_id!r}")
        return found[0]

    async def _references(
        self, project_id: str | None, task_id: str | None, tag_ids: Sequence[str]
    ) -> tuple[str | None, str | None, str | None, list[str]]:
        """(client, project, task, tags), checked against the cached reference data; a task implies its
        project."""
        if task_id is not None:
            task = await self._task(task_id)
            if project_id is None:
                project_id = task.project_id
            elif project_id != task.project_id:
                raise ValidationFailed("the task belongs to another project")
        client_id = None
        if project_id is not None:
            client_id = (await self._project(project_id)).client_id
        unique = list(dict.fromkeys(tag_ids))
        if unique:
            known = {t.id for t in await self.list_tags() if t.kind == "time"}
            if any(t not in known for t in unique):
                self._refresh()
                known = {t.id for t in await self.list_tags() if t.kind == "time"}
            missing = [t for t in unique if t not in known]
            if missing:
                raise NotFound(f"no tag {missing[0]!r}")
        return client_id, project_id, task_id, unique

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        if draft.end is None and await self.current_timer() is not None:
            raise Conflict("another timer is already running")
        return await self._add_time(draft)

    async def stop_timer(self, end: datetime) -> TimeEntry | None:
        """Find the open time, then set its end: two calls. timeghost has no stop endpoint and no
        conditional update, so a remembered id could overwrite a time already stopped elsewhere."""
        running = await self.current_timer()
        if running is None:
            return None
        if end < running.start:
            raise TimerStartsLater(running)
        return await self._update_time(running, TimeEntryPatch(end=end))

    async def start_timer(self, draft: TimeEntryDraft) -> Started:
        """One lookup (timeghost itself would let a second time run), a stop if needed, one add."""
        stopped = await self.stop_timer(draft.start)
        return Started(await self._add_time(draft), stopped)

    async def _add_time(self, draft: TimeEntryDraft) -> TimeEntry:
        if draft.end is not None and draft.end < draft.start:
            raise ValidationFailed("the end is before the start")
        client_id, project_id, _task, tag_ids = await self._references(
            draft.project_id, draft.task_id, draft.tag_ids
        )
        body = m.time_body(
            client_id=client_id,
            project_id=project_id,
            description=draft.description,
            start=draft.start,
            end=draft.end,
            billable=draft.billable,
            tag_ids=tag_ids,
            user_id=self.user.id,
        )
        return m.time_entry_from(await self._s.post("add/times", body), self._ws, self.user.id)

    async def update_time_entry(self, entry_id: str, patch: TimeEntryPatch) -> TimeEntry:
        return await self._update_time(await self.get_time_entry(entry_id), patch)

    async def _update_time(self, entry: TimeEntry, patch: TimeEntryPatch) -> TimeEntry:
        """`POST update/times/{id}` with the whole time (the API replaces it); `entry` is the caller's own."""
        fields = patch.model_fields_set
        if "end" in fields and patch.end is None and entry.end is not None:
            # TimeUpdate.end is a date-time: there is no way to clear it, so no reopening a stopped time.
            raise ValidationFailed("timeghost cannot reopen a stopped time; start a new one")
        start = patch.start if "start" in fields and patch.start is not None else entry.start
        end = patch.end if "end" in fields and patch.end is not None else entry.end
        if end is not None and end < start:
            raise ValidationFailed("the end is before the start")
        project_id, task_id = entry.project_id, entry.task_id
        if "project_id" in fields:
            project_id = patch.project_id
            if project_id != entry.project_id and "task_id" not in fields:
                task_id = None  # the old task belongs to the old project
        if "task_id" in fields:
            task_id = patch.task_id
        tag_ids = entry.tag_ids if patch.tag_ids is None else patch.tag_ids
        client_id, project_id, _task, tag_ids = await self._references(project_id, task_id, tag_ids)
        body = m.time_body(
            client_id=client_id,
            project_id=project_id,
            description=patch.description if patch.description is not None else entry.description,
            start=start,
            end=end,
            billable=patch.billable if patch.billable is not None else entry.billable,
            tag_ids=tag_ids,
            user_id=self.user.id,
        )
        updated = await self._s.post(f"update/times/{segment(entry.id)}", body)
        return m.time_entry_from(updated, self._ws, self.user.id)

    async def delete_time_entry(self, entry_id: str) -> None:
        entry = await self.get_time_entry(entry_id)
        await self._s.delete_item("times", entry.id)

    # ---- working hours (comego) ----------------------------------------------------------------------------

    async def _comego(self, odata: str) -> list[WorkingHoursEntry]:
        # The comego paths are outside the definition (`operations.py`): a route the server does not have
        # turns working hours off for this connection instead of failing `status` and everything else.
        with believed(self, Capability.WORKING_HOURS, WORKING_HOURS):
            rows = await self._s.get("get/comego", params={"$filter-user": self.user.id, "$filter": odata})
        entries = [
            m.working_hours_from(r, self._ws, self.user.id)
            for r in rows or []
            if not r.get("deleted") and m.ref_id(r.get("user")) in (None, self.user.id)
        ]
        entries.sort(key=lambda e: (e.start, e.id), reverse=True)
        return entries

    async def _comego_entry(self, entry_id: str) -> WorkingHoursEntry:
        found = await self._comego(m.f_eq("id", entry_id))
        if not found:
            raise NotFound(f"no working hours entry {entry_id!r}")
        return found[0]

    async def list_working_hours(self, start: datetime, end: datetime) -> list[WorkingHoursEntry]:
        if end < start:
            raise ValidationFailed("the end is before the start")
        return await self._comego(m.f_overlap(start, end, self._now()))

    async def _open_comego(self, kind: str, exclude: str | None = None) -> bool:
        found = await self._comego(m.f_and(m.f_open(), m.f_eq("type", kind)))
        return any(e.id != exclude for e in found)

    async def create_working_hours(self, draft: WorkingHoursDraft) -> WorkingHoursEntry:
        if draft.end is not None and draft.end < draft.start:
            raise ValidationFailed("the end is before the start")
        if draft.end is None and await self._open_comego(draft.type):
            raise Conflict(f"an open {draft.type} interval already exists")
        body = m.comego_body(
            start=draft.start,
            end=draft.end,
            kind=draft.type,
            timezone=draft.timezone,
            user_id=self.user.id,
            workspace_id=self._ws,
        )
        with believed(self, Capability.WORKING_HOURS, WORKING_HOURS):
            created = await self._s.post("add/comego", [body])  # an array, as [ABS] sends it
        return m.working_hours_from(m.single(created), self._ws, self.user.id)

    async def update_working_hours(self, entry_id: str, patch: WorkingHoursPatch) -> WorkingHoursEntry:
        entry = await self._comego_entry(entry_id)
        fields = patch.model_fields_set
        start = patch.start if "start" in fields and patch.start is not None else entry.start
        end = patch.end if "end" in fields else entry.end
        kind = patch.type if "type" in fields and patch.type is not None else entry.type
        if end is not None and end < start:
            raise ValidationFailed("the end is before the start")
        if end is None and await self._open_comego(kind, exclude=entry.id):
            raise Conflict(f"an open {kind} interval already exists")
        body = m.comego_body(
            start=start,
            end=end,
            kind=kind,
            timezone=entry.timezone,
            user_id=self.user.id,
            workspace_id=self._ws,
        )
        body["id"] = entry.id
        if end is None:
            body["end"] = None  # comego's end "can be null if ongoing"
        with believed(self, Capability.WORKING_HOURS, WORKING_HOURS, statuses=BY_ID_STATUS):
            updated = await self._s.post(f"update/comego/{segment(entry.id)}", body)
        return m.working_hours_from(updated, self._ws, self.user.id)

    async def delete_working_hours(self, entry_id: str) -> None:
        entry = await self._comego_entry(entry_id)
        with believed(self, Capability.WORKING_HOURS, WORKING_HOURS, statuses=BY_ID_STATUS):
            await self._s.delete_item("comego", entry.id)

    # ---- feed (custom feed events) -------------------------------------------------------------------------

    async def list_feed_events(self, start: datetime, end: datetime) -> list[FeedEvent]:
        raise Unsupported("listing timeghost feed events (the API can only add, update and delete them)")

    async def create_feed_event(self, draft: FeedEventDraft) -> FeedEvent:
        """`Add_CustomFeedEvent` for the acting user or (admins) `draft.user_id`; timeghost deletes it after
        180 days."""
        if draft.end < draft.start:
            raise ValidationFailed("the end is before the start")
        owner = draft.user_id or self.user.id
        body = m.feed_event_body(draft, owner)
        created = await self._s.post("add/customfeedevent", body)
        return m.feed_event_from(created, self._ws, owner)

    async def update_feed_event(self, event_id: str, patch: FeedEventPatch) -> FeedEvent:
        """`Update_CustomFeedEvent` with the fields that are set (timeghost keeps the others). The response
        names no user: the event is reported as the acting user's."""
        if patch.start is not None and patch.end is not None and patch.end < patch.start:
            raise ValidationFailed("the end is before the start")
        body = m.feed_event_patch_body(patch)
        updated = await self._s.post(f"update/customfeedevent/{segment(event_id)}", body)
        return m.feed_event_from(updated, self._ws, self.user.id)

    async def delete_feed_event(self, event_id: str) -> None:
        await self._s.delete_item("customfeedevent", event_id)

    # ---- reports -------------------------------------------------------------------------------------------

    async def list_workspace_users(self) -> list[User]:
        if not self.user.is_admin:
            raise PermissionDenied("only workspace admins may list the workspace's people")
        body = await self._s.get(f"get/workspaces/{segment(self._ws)}")
        account = m.account_from(
            {"id": self.user.id}, body, fallback_name=self.user.name, aad_object_id=None, tenant_id=None
        )
        return sorted(account.users, key=lambda u: (u.name.casefold(), u.id))

    async def iter_workspace_time_entries(
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
        """`get/times` has no paging: the period is read in `REPORT_WINDOW` spans (each answer stays small),
        each span straight into `in_report_order`."""
        check_people(self.user, user_ids, others_readable=True)
        if project_ids is not None and not project_ids:
            return
        names = {p.id: p.name for p in await self.list_projects(include_done=True)} if by_project else None
        users = list(dict.fromkeys(user_ids)) if user_ids is not None else None

        async def pages() -> AsyncIterator[list[TimeEntry]]:
            for lo, hi in windows(start, end, REPORT_WINDOW):
                parts = [f"start ge {m.iso(lo)}", f"start lt {m.iso(hi)}", "end ne null"]
                if project_ids is not None:
                    parts.append(m.f_or([m.f_eq("project/id", p or "") for p in project_ids]))
                if billable is not None:
                    parts.append(f"billable eq {'true' if billable else 'false'}")
                params: dict[str, str] = {"$filter-date-range": ALL_TIME}
                if users is not None and len(users) == 1:
                    params["$filter-user"] = users[0]
                elif users is not None:
                    parts.append(m.f_or([m.f_eq("user/id", u) for u in users]))
                params["$filter"] = m.f_and(*parts)
                rows = await self._s.get("get/times", params=params)
                entries = (m.time_entry_from(r, self._ws) for r in rows or [] if not r.get("deleted"))
                yield [
                    e
                    for e in entries
                    if wanted(e, lo, hi, user_ids=users, project_ids=project_ids, billable=billable)
                ]

        async for batch in in_report_order(
            pages(), by_project=by_project, project_names=names, batch_size=batch_size
        ):
            yield batch

    async def create_excel_report(
        self,
        start: datetime,
        end: datetime,
        *,
        user_id: str | None = None,
        everyone: bool = False,
        grouped_by_project: bool = True,
    ) -> bytes:
        """`POST Create_Excel_Report`: timeghost's own workbook of [start, end) (a raw or base64 body), for
        one person (default: the caller) or, for admins, `everyone`. The definition's parameters are exactly
        these: the period (`startDate`/`endDate`, which overwrite the required `$filter-date-range`, sent as
        the matching preset where there is one), `$filter-user` and `groupedByProject`."""
        if end < start:
            raise ValidationFailed("the end is before the start")
        if (everyone or (user_id not in (None, self.user.id))) and not self.user.is_admin:
            raise PermissionDenied("only workspace admins may report on other people's time")
        params: dict[str, Any] = {
            "$filter-date-range": m.date_range(start, end, self._now()) or "today",
            "groupedByProject": grouped_by_project,
            "startDate": m.iso(start),
            "endDate": m.iso(end),
        }
        if not everyone:
            params["$filter-user"] = user_id or self.user.id
        response = await self._s.request("POST", "Create_Excel_Report", params=params, idempotent=True)
        return excel_bytes(response)

    # ---- webhooks ------------------------------------------------------------------------------------------

    async def register_webhook(
        self,
        entity: str,
        url: str,
        *,
        events: Sequence[str] = m.WEBHOOK_EVENTS,
        name: str = "timebot",
        basic_auth: tuple[str, str] | None = None,
        active: bool = True,
    ) -> None:
        """`POST register_webhook/{clients|projects|tags|tasks|times}` (the connector's five triggers)."""
        if entity not in m.WEBHOOK_ENTITIES:
            raise ValidationFailed(f"timeghost has no {entity!r} trigger")
        unknown = set(events) - set(m.WEBHOOK_EVENTS)
        if unknown or not events:
            raise ValidationFailed(f"unknown webhook events {sorted(unknown)}")
        config: dict[str, Any] = {"url": url}
        if basic_auth is not None:
            config["basicAuth"] = {"userName": basic_auth[0], "pass": basic_auth[1]}
        body = {"name": name, "events": list(events), "entity": entity, "active": active, "config": config}
        await self._s.request("POST", f"register_webhook/{segment(entity)}", json=body)


def excel_bytes(response: httpx.Response) -> bytes:
    """The workbook from a `Create_Excel_Report` answer: raw bytes, or a (JSON) base64 string."""
    content = response.content
    if content.startswith(XLSX_MAGIC):
        return content
    text = content.decode("ascii", errors="replace").strip()
    if text.startswith('"'):
        try:
            decoded = response.json()
        except ValueError:
            decoded = text.strip('"')
        text = decoded if isinstance(decoded, str) else ""
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ValidationFailed("timeghost sent a report that is not an Excel file") from exc
    if not data.startswith(XLSX_MAGIC):
        raise ValidationFailed("timeghost sent a report that is not an Excel file")
    return data


class TimeghostBackendFactory:
    """Binds a Teams identity to its timeghost user through that person's own connection (key or token)."""

    kind = KIND

    def __init__(
        self,
        base_url: str,
        connections: ConnectionSource,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        budget: tuple[int, float] = (CALLS_PER_WINDOW, WINDOW_SECONDS),
        retry: RetryPolicy | None = None,
        timeout: float = 15.0,
        cache: ReferenceCache | None = None,
        cosmos_delay: float = 1.0,
    ) -> None:
        self.api = ApiClient(
            base_url or DEFAULT_URL,
            name="timeghost",
            timeout=timeout,
            retry=retry,
            budget=PerConnectionBudget(),  # type: ignore[arg-type]
            transport=transport,
        )
        self._connections = connections
        self._budgets = Budgets(*budget)
        self._refs = RefCache(cache if cache is not None else ReferenceCache())
        self._refusals = Refusals()
        self._cosmos_delay = cosmos_delay

    async def bind(self, identity: Identity) -> TimeghostBackend:
        connection = await self._connections.get(identity, KIND)
        if connection is None or not connection.secret:
            raise Unauthorized("timeghost is not connected: use `connect timeghost` in a personal chat")
        headers = auth_headers(connection)
        session = Session(
            self.api, self._budgets.for_secret(connection.secret), headers, cosmos_delay=self._cosmos_delay
        )
        me = await session.get("get/currentuser")
        if not isinstance(me, dict) or not me.get("id"):
            raise Unauthorized("timeghost did not say who this is")
        workspace_id = m.pick_workspace(me, connection.workspace_id)
        if workspace_id is None:
            if connection.workspace_id:
                raise NotFound(f"you are not a member of the timeghost workspace {connection.workspace_id!r}")
            raise NotFound("your timeghost account has no workspace")
        session = session.with_workspace(workspace_id)
        workspace = await session.get(f"get/workspaces/{segment(workspace_id)}")
        account = m.account_from(
            me,
            workspace,
            fallback_name=identity.name,
            aad_object_id=identity.aad_object_id,
            tenant_id=identity.tenant_id,
            fallback_email=identity.email,
        )
        refused = self._refusals.connection(connection)
        return TimeghostBackend(session, account.workspace, account.user, self._refs, refused=refused)

    async def close(self) -> None:
        await self.api.aclose()
