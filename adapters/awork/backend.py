"""`AworkBackend`: one awork user's view of their awork workspace, through awork's REST API v1.

Mapping decisions (facts from awork's developer documentation, developers.awork.com, unless marked
*inference*):
- clients are awork **companies**; projects carry `companyId` and `isBillableByDefault`; tasks are project
  tasks (`baseType: "projecttask"`, `entityId` = project) listed with `GET /projects/{id}/projecttasks`.
- time entries are `/timeentries` with split UTC date/time fields plus the IANA `timezone`; every entry
  needs a `typeOfWorkId`: the connection's `type_of_work` (a name) picks one, otherwise the first active
  type by name.
- the running timer is awork's **user timer** (`POST /me/timetracking/start|stop`). The start endpoint takes
  no start time, so a backdated start is set afterwards with `PUT /timeentries/{id}` (*inference*: a running
  entry can be edited). awork has no "current timer" endpoint: the running entry is the user's entry with
  `endDateUtc eq null` (*inference*: OData `null` in `filterby`). One timer per user: starting a second one
  is a `Conflict` here (awork itself would stop the first). `stop_timer` is one call (the stop endpoint
  needs no id); `start_timer` first stops whatever runs, unless this factory saw "nothing runs" lately.
- names are unique per workspace (clients, tags), per client (projects) and per project (tasks), compared
  case-insensitively like the local backend; awork does not promise this, so the adapter checks before
  creating.
- entries are the acting user's own: another user's entry is `NotFound` even if the token could read it.
- not supported (raise `Unsupported`): tags (awork tags sit on projects, tasks, companies and users and have
  no create endpoint of their own; time entries carry none), working hours, feed events.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.awork.client import AworkClient
from adapters.awork.mapping import (
    client_from_awork,
    days_between,
    entry_body,
    entry_from_awork,
    filter_datetime,
    project_from_awork,
    task_from_awork,
)
from adapters.backend import Capability
from adapters.errors import Conflict, NotFound, PermissionDenied, Unsupported, ValidationFailed
from adapters.http import odata_string, segment
from adapters.models import (
    Client,
    ClientDraft,
    ClientPatch,
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
    Workspace,
)
from adapters.refcache import ReferenceCache
from adapters.reporting import check_people, in_report_order, wanted
from adapters.timer import RunningTimers, Started, stop_whatever_runs
from adapters.unsupported import NoFeed, NoWorkingHours

log = logging.getLogger(__name__)

CAPABILITIES = (
    Capability.TIME_ENTRIES
    | Capability.TIMER
    | Capability.CLIENTS
    | Capability.PROJECTS
    | Capability.TASKS
    | Capability.REPORTS
)
TYPE_OF_WORK = "awork type of work"  # the cache key space of the type of work new entries get
TIMER_TOLERANCE = timedelta(seconds=2)  # the server's "now" vs ours when starting/stopping the user timer


class AworkBackend(NoWorkingHours, NoFeed):
    kind = "awork"
    capabilities = CAPABILITIES

    def __init__(
        self,
        client: AworkClient,
        token: str,
        workspace: Workspace,
        user: User,
        *,
        cache: ReferenceCache,
        type_of_work: str | None = None,
        timers: RunningTimers | None = None,
    ) -> None:
        self._client = client
        self._token = token
        self.workspace = workspace
        self.user = user
        self._cache = cache
        self._timers = timers or RunningTimers()
        self._key = (workspace.id, user.id)
        self._type_of_work_name = type_of_work

    def __repr__(self) -> str:  # never the token
        return f"AworkBackend(workspace={self.workspace.id!r}, user={self.user.id!r})"

    # ---- plumbing ------------------------------------------------------------------------------------------

    async def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self._client.json(self._token, method, path, **kwargs)

    async def _all(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return await self._client.list_all(self._token, path, params)

    async def _cached(self, key: Any, path: str, *, fresh: bool = False) -> list[dict[str, Any]]:
        """A workspace-wide list (awork shows everyone the same companies, projects, tasks), kept in the
        bot's one reference cache; `fresh` reads it again (duplicate checks must see others' changes)."""
        cache_key = (self.kind, self.workspace.id, key)
        if not fresh and (hit := self._cache.get(cache_key)) is not None:
            return list(hit)
        items = await self._all(path)
        self._cache.put(cache_key, items)
        return list(items)

    def _changed(self) -> None:
        self._cache.invalidate(self.kind, self.workspace.id)

    # ---- master data ---------------------------------------------------------------------------------------

    async def list_clients(self) -> list[Client]:
        return [client_from_awork(c, self.workspace.id) for c in await self._cached("companies", "companies")]

    async def create_client(self, draft: ClientDraft) -> Client:
        existing = await self._cached("companies", "companies", fresh=True)
        if any(_same(c.get("name"), draft.name) for c in existing):
            raise Conflict(f"a client named {draft.name!r} exists already")
        body = await self._json("POST", "companies", json={"name": draft.name})
        self._changed()
        return client_from_awork(body, self.workspace.id)

    async def list_projects(self, *, include_done: bool = False) -> list[Project]:
        raw = await self._cached("projects", "projects")
        projects = [project_from_awork(p, self.workspace.id) for p in raw]
        return [p for p in projects if include_done or not p.done]

    async def create_project(self, draft: ProjectDraft) -> Project:
        existing = await self._cached("projects", "projects", fresh=True)
        if any(
            _same(p.get("name"), draft.name) and (p.get("companyId") or None) == draft.client_id
            for p in existing
        ):
            raise Conflict(f"a project named {draft.name!r} exists already")
        body: dict[str, Any] = {
            "name": draft.name,
            "description": draft.description,
            "isBillableByDefault": draft.billable,
        }
        if draft.client_id is not None:
            body["companyId"] = draft.client_id
        created = await self._json("POST", "projects", json=body)
        self._changed()
        return project_from_awork(created, self.workspace.id)

    async def list_tasks(self, project_id: str | None = None, *, include_done: bool = False) -> list[Task]:
        if project_id is not None:
            project_ids = [project_id]
        else:
            project_ids = [p.id for p in await self.list_projects(include_done=True)]
        tasks: list[Task] = []
        for pid in project_ids:
            raw = await self._cached(("tasks", pid), f"projects/{segment(pid)}/projecttasks")
            tasks.extend(task_from_awork(t, self.workspace.id) for t in raw)
        return [t for t in tasks if include_done or not t.done]

    async def create_task(self, draft: TaskDraft) -> Task:
        path = f"projects/{segment(draft.project_id)}/projecttasks"
        existing = await self._cached(("tasks", draft.project_id), path, fresh=True)
        if any(_same(t.get("name"), draft.name) for t in existing):
            raise Conflict(f"a task named {draft.name!r} exists already in this project")
        body: dict[str, Any] = {
            "name": draft.name,
            "baseType": "projecttask",
            "entityId": draft.project_id,
            "typeOfWorkId": await self._type_of_work_id(),
        }
        if draft.estimate_seconds is not None:
            body["plannedDuration"] = draft.estimate_seconds
        created = await self._json("POST", "tasks", json=body)
        self._changed()
        return task_from_awork(created, self.workspace.id)

    # ---- changing master data (`MasterDataEditor`: names; statuses are awork's own workflow) --------------

    async def _unique(self, key: Any, path: str, item_id: str, name: str, scope: Any = None) -> None:
        existing = await self._cached(key, path, fresh=True)
        if any(
            str(x.get("id")) != item_id and _same(x.get("name"), name) and (scope is None or scope(x))
            for x in existing
        ):
            raise Conflict(f"{name!r} exists already")

    async def update_client(self, client: Client, patch: ClientPatch) -> Client:
        """`PUT /companies/{id}` with the new name (awork keeps archiving companies to its own UI)."""
        if patch.archived is not None:
            raise Unsupported("archiving clients")
        if patch.name is None:
            return client
        await self._unique("companies", "companies", client.id, patch.name)
        body = await self._json("PUT", f"companies/{segment(client.id)}", json={"name": patch.name})
        self._changed()
        return client_from_awork(body, self.workspace.id)

    async def update_project(self, project: Project, patch: ProjectPatch) -> Project:
        """`PUT /projects/{id}` with the project's fields and the new name. Closing a project is a project
        status of the workspace's own workflow, not a flag: archiving projects is not offered here."""
        if patch.done is not None:
            raise Unsupported("archiving projects")
        if patch.name is None:
            return project

        def same_client(other: dict[str, Any]) -> bool:
            return (other.get("companyId") or None) == project.client_id

        await self._unique("projects", "projects", project.id, patch.name, same_client)
        body: dict[str, Any] = {
            "name": patch.name,
            "description": project.description,
            "isBillableByDefault": project.billable,
        }
        if project.client_id is not None:
            body["companyId"] = project.client_id
        updated = await self._json("PUT", f"projects/{segment(project.id)}", json=body)
        self._changed()
        return project_from_awork(updated, self.workspace.id)

    async def update_task(self, task: Task, patch: TaskPatch) -> Task:
        """`PUT /tasks/{id}` with the new name (a task's status is the project's workflow, as above)."""
        if patch.done is not None:
            raise Unsupported("finishing tasks")
        if patch.name is None:
            return task
        path = f"projects/{segment(task.project_id)}/projecttasks"
        await self._unique(("tasks", task.project_id), path, task.id, patch.name)
        body: dict[str, Any] = {"name": patch.name, "typeOfWorkId": await self._type_of_work_id()}
        if task.estimate_seconds is not None:
            body["plannedDuration"] = task.estimate_seconds
        updated = await self._json("PUT", f"tasks/{segment(task.id)}", json=body)
        self._changed()
        return task_from_awork(updated, self.workspace.id)

    async def update_tag(self, tag: Tag, patch: TagPatch) -> Tag:
        raise Unsupported("tags")

    async def delete_tag(self, tag: Tag) -> None:
        raise Unsupported("tags")

    async def list_tags(self) -> list[Tag]:
        raise Unsupported("tags")

    async def create_tag(self, draft: TagDraft) -> Tag:
        raise Unsupported("tags")

    async def _type_of_work_id(self) -> str:
        """The type of work new entries and tasks get (awork requires one on every time entry)."""
        tow_key = (TYPE_OF_WORK, self.workspace.id)  # a setting, not master data: a write leaves it
        if (hit := self._cache.get(tow_key)) is not None:
            return str(hit)
        clauses = ["isArchived eq false"]
        if self._type_of_work_name:
            clauses.append(f"name eq {odata_string(self._type_of_work_name)}")
        found = await self._json(
            "GET",
            "typeofwork",
            params={"filterby": " and ".join(clauses), "orderby": "name", "page": 1, "pageSize": 1},
        )
        if not found:
            wanted = f" named {self._type_of_work_name!r}" if self._type_of_work_name else ""
            raise ValidationFailed(f"awork has no active type of work{wanted} to book time with")
        chosen = str(found[0]["id"])
        self._cache.put(tow_key, chosen)
        return chosen

    # ---- time entries --------------------------------------------------------------------------------------

    def _own(self, body: Any) -> TimeEntry:
        if not isinstance(body, dict) or str(body.get("userId")) != self.user.id:
            raise NotFound("no such time entry")
        return entry_from_awork(body, self.workspace.id)

    def _user_filter(self) -> str:
        return f"userId eq guid{odata_string(self.user.id)}"

    async def current_timer(self) -> TimeEntry | None:
        found = await self._json(
            "GET",
            "timeentries",
            params={
                "filterby": f"{self._user_filter()} and endDateUtc eq null",
                "orderby": "startDateUtc desc,startTimeUtc desc",
                "page": 1,
                "pageSize": 1,
            },
        )
        running = entry_from_awork(found[0], self.workspace.id) if found else None
        self._timers.saw(self._key, running)
        return running

    async def list_time_entries(
        self, start: datetime, end: datetime, *, limit: int | None = None
    ) -> list[TimeEntry]:
        start, end = _aware(start, "start"), _aware(end, "end")
        if end < start:
            raise ValidationFailed("the end is before the start")
        if limit is not None and limit <= 0:
            return []
        first_day, last_day = days_between(start, end)
        # Coarse on the UTC date fields (the server filters whole days), exact here with the local rule.
        filterby = (
            f"{self._user_filter()} and startDateUtc le {filter_datetime(last_day)}"
            f" and (endDateUtc ge {filter_datetime(first_day)} or endDateUtc eq null)"
        )
        params = {"filterby": filterby, "orderby": "startDateUtc desc,startTimeUtc desc"}
        now = datetime.now(UTC)
        found: list[TimeEntry] = []
        async for page in self._client.pages(self._token, "timeentries", params):
            for raw in page:
                entry = entry_from_awork(raw, self.workspace.id)
                if entry.user_id == self.user.id and entry.overlaps(start, end, now):
                    found.append(entry)
            if limit is not None and len(found) >= limit:
                break
        found.sort(key=lambda e: (e.start, e.id), reverse=True)
        return found[:limit] if limit is not None else found

    # ---- reports (REPORTS capability) ----------------------------------------------------------------------

    async def list_workspace_users(self) -> list[User]:
        if not self.user.is_admin:  # awork's roles are not on `/users/me`: nobody is known to be an admin
            raise PermissionDenied("only workspace admins may list the workspace's people")
        return [self.user]

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
        """The person's own finished entries starting in [start, end), paged (`page`/`pageSize`) on awork's
        UTC date fields and cut exactly here, a page at a time into `in_report_order`."""
        start, end = _aware(start, "start"), _aware(end, "end")
        check_people(self.user, user_ids, others_readable=False)
        if project_ids is not None and not project_ids:
            return
        first_day, last_day = days_between(start, end)
        filterby = (
            f"{self._user_filter()} and startDateUtc ge {filter_datetime(first_day)}"
            f" and startDateUtc le {filter_datetime(last_day)} and endDateUtc ne null"
        )
        params = {"filterby": filterby, "orderby": "startDateUtc,startTimeUtc"}
        names = {p.id: p.name for p in await self.list_projects(include_done=True)} if by_project else None

        async def pages() -> AsyncIterator[list[TimeEntry]]:
            async for page in self._client.pages(self._token, "timeentries", params):
                entries = (entry_from_awork(raw, self.workspace.id) for raw in page)
                yield [
                    e
                    for e in entries
                    if e.user_id == self.user.id
                    and wanted(e, start, end, user_ids=None, project_ids=project_ids, billable=billable)
                ]

        async for batch in in_report_order(
            pages(), by_project=by_project, project_names=names, batch_size=batch_size
        ):
            yield batch

    async def get_time_entry(self, entry_id: str) -> TimeEntry:
        return self._own(await self._json("GET", f"timeentries/{segment(entry_id)}"))

    async def _project_of_task(self, task_id: str) -> str:
        task = await self._json("GET", f"tasks/{segment(task_id)}")
        return task_from_awork(task, self.workspace.id).project_id

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        if draft.tag_ids:
            raise Unsupported("tags on time entries")
        if draft.end is not None and draft.end < draft.start:
            raise ValidationFailed("the end is before the start")
        project_id = draft.project_id
        if draft.task_id is not None and project_id is None:
            project_id = await self._project_of_task(draft.task_id)
        type_of_work = await self._type_of_work_id()
        if draft.end is not None:
            body = entry_body(
                user_id=self.user.id,
                type_of_work_id=type_of_work,
                start=draft.start,
                end=draft.end,
                timezone=draft.timezone,
                project_id=project_id,
                task_id=draft.task_id,
                note=draft.description,
                billable=draft.billable,
            )
            return self._own(await self._json("POST", "timeentries", json=body))
        if self._timers.get(self._key) is not None and await self.current_timer() is not None:
            raise Conflict("a timer is running already; stop it first")
        return await self._start(draft, type_of_work, project_id)

    async def _start(self, draft: TimeEntryDraft, type_of_work: str, project_id: str | None) -> TimeEntry:
        """`POST /me/timetracking/start` (it takes no start time: a backdated one is `PUT` afterwards)."""
        started = self._own(
            await self._json(
                "POST",
                "me/timetracking/start",
                json={
                    "typeOfWorkId": type_of_work,
                    "timezone": draft.timezone,
                    "projectId": project_id,
                    "taskId": draft.task_id,
                    "note": draft.description,
                    "isBillable": draft.billable,
                },
            )
        )
        if abs(started.start - draft.start) > TIMER_TOLERANCE:
            started = await self._put(started, type_of_work, start=draft.start)
        self._timers.saw(self._key, started)
        return started

    async def start_timer(self, draft: TimeEntryDraft) -> Started:
        """Stop what runs (one call, no id needed; skipped while "nothing runs" is fresh), then start."""
        if draft.tag_ids:
            raise Unsupported("tags on time entries")
        project_id = draft.project_id
        if draft.task_id is not None and project_id is None:
            project_id = await self._project_of_task(draft.task_id)
        type_of_work = await self._type_of_work_id()
        stopped = None
        if self._timers.get(self._key) is not None:
            stopped = await self.stop_timer(draft.start)
        return Started(await self._start(draft, type_of_work, project_id), stopped)

    async def stop_timer(self, end: datetime) -> TimeEntry | None:
        """`POST /me/timetracking/stop` stops the user's timer, whichever it is: one call for a stop now.
        An earlier `end` is checked against the timer's start first, then set with a `PUT`."""
        raw = await stop_whatever_runs(self, end, lambda: self._json("POST", "me/timetracking/stop", json={}))
        if raw is None:  # `invalid-operation`: nothing runs
            return None
        stopped = self._own(raw)
        self._timers.saw(self._key, None)
        if stopped.end is not None and abs(stopped.end - end) > TIMER_TOLERANCE:
            stopped = await self._put(stopped, raw.get("typeOfWorkId") or None, end=end)
        return stopped

    async def _put(self, entry: TimeEntry, type_of_work: str | None, **changes: Any) -> TimeEntry:
        merged = entry.model_copy(update=changes)
        if merged.end is not None and merged.end < merged.start:
            raise ValidationFailed("the end is before the start")
        body = entry_body(
            user_id=self.user.id,
            type_of_work_id=type_of_work or await self._type_of_work_id(),
            start=merged.start,
            end=merged.end,
            timezone=merged.timezone,
            project_id=merged.project_id,
            task_id=merged.task_id,
            note=merged.description,
            billable=merged.billable,
        )
        return self._own(await self._json("PUT", f"timeentries/{segment(entry.id)}", json=body))

    async def update_time_entry(self, entry_id: str, patch: TimeEntryPatch) -> TimeEntry:
        raw = await self._json("GET", f"timeentries/{segment(entry_id)}")
        current = self._own(raw)
        type_of_work = raw.get("typeOfWorkId") or None
        changes = {name: getattr(patch, name) for name in patch.model_fields_set}
        if changes.get("tag_ids"):
            raise Unsupported("tags on time entries")
        changes.pop("tag_ids", None)
        if "timezone" in changes and changes["timezone"] is None:
            changes.pop("timezone")
        if "task_id" in changes and changes["task_id"] is not None and "project_id" not in changes:
            changes["project_id"] = await self._project_of_task(changes["task_id"])
        if current.running and "end" in changes and changes["end"] is not None:
            merged = current.model_copy(update=changes)
            if merged.end is not None and merged.end < merged.start:
                raise ValidationFailed("the end is before the start")
            stopped = self._own(await self._json("POST", "me/timetracking/stop", json={}))
            self._timers.saw(self._key, None)
            if stopped.id != current.id:  # pragma: no cover - awork stopped a different timer
                raise Conflict("a different timer was running")
            wanted = {k: v for k, v in changes.items() if k != "end"}
            end = changes["end"]
            if stopped.end is not None and abs(stopped.end - end) <= TIMER_TOLERANCE:
                end = stopped.end
            if end == stopped.end and all(getattr(stopped, k) == v for k, v in wanted.items()):
                return stopped
            return await self._put(stopped, type_of_work, **{**wanted, "end": end})
        if not current.running and "end" in changes and changes["end"] is None:
            raise Unsupported("restarting a finished awork time entry")
        return self._timers.wrote(self._key, await self._put(current, type_of_work, **changes))

    async def delete_time_entry(self, entry_id: str) -> None:
        await self.get_time_entry(entry_id)  # another user's entry is NotFound, not deleted
        await self._json("DELETE", f"timeentries/{segment(entry_id)}")
        self._timers.deleted(self._key, entry_id)

    # ---- not offered by awork's API ------------------------------------------------------------------------


def _same(a: object, b: str) -> bool:
    return isinstance(a, str) and a.casefold() == b.casefold()


def _aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(f"{what} must be timezone-aware")
    return value.astimezone(UTC)


__all__ = ["CAPABILITIES", "AworkBackend"]
