"""`TogglBackend`: the `Backend` protocol over Toggl Track v9, one person in one workspace.

Semantics follow the local reference backend: lists are newest first and include a running timer that
overlaps the window; a second timer is a `Conflict` (Toggl itself would silently stop the first one), and
another person's entry is `NotFound`. The running timer is remembered per person (`RunningTimers`, kept by
the factory): `stop` sends `PATCH …/stop` to the remembered id straight away (Toggl answers 409 or 404 when
it is stale, and then the timer is looked up), and `start` skips the lookup while "nothing runs" is fresh.
Toggl has no working hours and no feed: those raise `Unsupported`.
Toggl stores no zone per entry, so every entry carries the person's Toggl profile time zone (the zone Toggl
uses to cut days).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.backend import Capability
from adapters.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unsupported,
    ValidationFailed,
)
from adapters.http import segment
from adapters.models import (
    Client,
    ClientDraft,
    ClientPatch,
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
    Workspace,
)
from adapters.reporting import in_report_order, wanted
from adapters.timer import RunningTimers, Started, TimerStartsLater, is_now, stop_by_lookup
from adapters.toggl import mapping as m
from adapters.toggl.client import Session
from adapters.unsupported import NoFeed, NoWorkingHours

BASE_CAPABILITIES = (
    Capability.TIME_ENTRIES
    | Capability.TIMER
    | Capability.CLIENTS
    | Capability.PROJECTS
    | Capability.TAGS
    | Capability.WEBHOOKS
    | Capability.GROUPS
    | Capability.REPORTS
)
CREATED_WITH = "timebot"
LOOKBACK = timedelta(days=1)  # finished entries that began this long before a window are looked for too
LONG_RANGE = timedelta(days=31)  # beyond this, lists go through the Reports API (the v9 list stops at 1000)


def _utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed(f"{what} must be timezone-aware")
    return value.astimezone(UTC)


class TogglBackend(NoWorkingHours, NoFeed):
    kind = "toggl"
    # The v9 definition types a time entry's `project_id` as an integer with no way to clear it (no null, no
    # documented 0): an entry's project can be changed, not removed.
    removes_entry_projects = False

    def __init__(
        self,
        session: Session,
        workspace: Workspace,
        user: User,
        *,
        tasks_available: bool = True,
        page_size: int = 200,
        report_page_size: int = 50,
        timers: RunningTimers | None = None,
        organization_id: str | None = None,
    ) -> None:
        self._s = session
        self.workspace = workspace
        self.user = user
        self.capabilities = BASE_CAPABILITIES | (Capability.TASKS if tasks_available else Capability(0))
        self._tasks_available = tasks_available
        self._page_size = page_size
        self._report_page_size = report_page_size
        self._wid = m.wire_id(workspace.id, "workspace")
        self._ws = f"workspaces/{segment(self._wid)}"
        self._timers = timers or RunningTimers()
        self._organization_id = organization_id
        self._key = (workspace.id, user.id)

    def __repr__(self) -> str:
        return f"TogglBackend(workspace={self.workspace.id!r}, user={self.user.id!r})"

    @property
    def _tz(self) -> str:
        return self.user.timezone or "UTC"

    def _entry(self, wire: Any) -> TimeEntry:
        return m.entry_from(wire, self._tz)

    # ---- clients -------------------------------------------------------------------------------------------

    async def list_clients(self) -> list[Client]:
        wire = await self._s.track("GET", f"{self._ws}/clients", params={"status": "active"})
        clients = [m.client_from(c) for c in wire or [] if not c.get("archived")]
        return sorted(clients, key=lambda c: (c.name.casefold(), c.id))

    async def create_client(self, draft: ClientDraft) -> Client:
        wire = await self._s.track("POST", f"{self._ws}/clients", json={"name": _clean(draft.name)})
        return m.client_from(wire)

    # ---- projects (paged: `page`/`per_page`, at most 200) --------------------------------------------------

    async def list_projects(self, *, include_done: bool = False) -> list[Project]:
        projects: list[Project] = []
        page = 1
        while True:
            wire = await self._s.track(
                "GET",
                f"{self._ws}/projects",
                params={
                    "active": "both" if include_done else True,
                    "page": page,
                    "per_page": self._page_size,
                },
            )
            projects.extend(m.project_from(p) for p in wire or [])
            if len(wire or []) < self._page_size:
                break
            page += 1
        if not include_done:
            projects = [p for p in projects if not p.done]
        return sorted(projects, key=lambda p: (p.name.casefold(), p.id))

    async def create_project(self, draft: ProjectDraft) -> Project:
        body: dict[str, Any] = {
            "name": _clean(draft.name),
            "active": True,
            "is_private": draft.private,
            "billable": draft.billable,
        }
        if draft.client_id is not None:
            body["client_id"] = m.wire_id(draft.client_id, "client")
        if draft.color is not None:
            body["color"] = draft.color
        return m.project_from(await self._s.track("POST", f"{self._ws}/projects", json=body))

    # ---- tasks (a paid feature: 402/403 mean the plan lacks it) --------------------------------------------

    async def _tasks_call(self, method: str, path: str, **kwargs: Any) -> Any:
        if not self._tasks_available:
            raise Unsupported("tasks")
        try:
            return await self._s.track(method, path, **kwargs)
        except RateLimited as exc:
            if exc.retry_after is None:  # a 402 without quota headers is the plan, not the quota
                raise Unsupported("tasks") from exc
            raise
        except PermissionDenied as exc:
            if method == "GET":
                raise Unsupported("tasks") from exc
            raise

    async def list_tasks(self, project_id: str | None = None, *, include_done: bool = False) -> list[Task]:
        if project_id is not None:
            pid = m.wire_id(project_id, "project")
            params = {} if include_done else {"active": True}
            wire = await self._tasks_call("GET", f"{self._ws}/projects/{segment(pid)}/tasks", params=params)
            tasks = [m.task_from(t) for t in wire or []]
        else:
            tasks, page = [], 1
            while True:
                envelope = await self._tasks_call(
                    "GET",
                    f"{self._ws}/tasks",
                    params={
                        "active": "both" if include_done else True,
                        "page": page,
                        "per_page": self._page_size,
                    },
                )
                data = (envelope or {}).get("data") or []
                tasks.extend(m.task_from(t) for t in data)
                total = (envelope or {}).get("total_count")
                if (
                    not data
                    or len(data) < self._page_size
                    or (isinstance(total, int) and len(tasks) >= total)
                ):
                    break
                page += 1
        if not include_done:
            tasks = [t for t in tasks if not t.done]
        return sorted(tasks, key=lambda t: (t.project_id, t.name.casefold(), t.id))

    async def create_task(self, draft: TaskDraft) -> Task:
        pid = m.wire_id(draft.project_id, "project")
        body: dict[str, Any] = {"name": _clean(draft.name), "active": True}
        if draft.estimate_seconds is not None:
            body["estimated_seconds"] = draft.estimate_seconds
        return m.task_from(
            await self._tasks_call("POST", f"{self._ws}/projects/{segment(pid)}/tasks", json=body)
        )

    # ---- tags ----------------------------------------------------------------------------------------------

    async def list_tags(self) -> list[Tag]:
        wire = await self._s.track("GET", f"{self._ws}/tags")  # without page/per_page: all of them
        tags = [m.tag_from(t) for t in wire or [] if not t.get("deleted_at")]
        return sorted(tags, key=lambda t: (t.name.casefold(), t.id))

    async def create_tag(self, draft: TagDraft) -> Tag:
        if draft.kind != "time":
            raise Unsupported("project tags")
        return _one_tag(await self._s.track("POST", f"{self._ws}/tags", json={"name": _clean(draft.name)}))

    # ---- changing master data (`MasterDataEditor`; the same rights as creating) ----------------------------

    async def update_client(self, client: Client, patch: ClientPatch) -> Client:
        """`PUT …/clients/{id}` for a name; archiving is `POST …/archive` (its active projects go with it) and
        `…/restore` brings the client back."""
        path = f"{self._ws}/clients/{m.wire_id(client.id, 'client')}"
        if patch.name is not None:
            client = m.client_from(await self._s.track("PUT", path, json={"name": _clean(patch.name)}))
        if patch.archived is not None:
            await self._s.track("POST", f"{path}/{'archive' if patch.archived else 'restore'}")
            client = client.model_copy(update={"archived": patch.archived})
        return client

    async def update_project(self, project: Project, patch: ProjectPatch) -> Project:
        """`PUT …/projects/{id}` with what changes: a name, or `active` (archived = not active)."""
        body: dict[str, Any] = {}
        if patch.name is not None:
            body["name"] = _clean(patch.name)
        if patch.done is not None:
            body["active"] = not patch.done
        if not body:
            return project
        path = f"{self._ws}/projects/{m.wire_id(project.id, 'project')}"
        return m.project_from(await self._s.track("PUT", path, json=body))

    async def update_task(self, task: Task, patch: TaskPatch) -> Task:
        body: dict[str, Any] = {}
        if patch.name is not None:
            body["name"] = _clean(patch.name)
        if patch.done is not None:
            body["active"] = not patch.done
        if not body:
            return task
        pid, tid = m.wire_id(task.project_id, "project"), m.wire_id(task.id, "task")
        return m.task_from(await self._tasks_call("PUT", f"{self._ws}/projects/{pid}/tasks/{tid}", json=body))

    async def update_tag(self, tag: Tag, patch: TagPatch) -> Tag:
        path = f"{self._ws}/tags/{m.wire_id(tag.id, 'tag')}"
        return _one_tag(await self._s.track("PUT", path, json={"name": _clean(patch.name)}))

    async def delete_tag(self, tag: Tag) -> None:
        await self._s.track("DELETE", f"{self._ws}/tags/{m.wire_id(tag.id, 'tag')}")

    # ---- time entries --------------------------------------------------------------------------------------

    async def current_timer(self) -> TimeEntry | None:
        try:
            wire = await self._s.track("GET", "me/time_entries/current")
        except NotFound:
            wire = None
        running = self._entry(wire) if wire else None
        self._timers.saw(self._key, running)
        return running

    def _learned(self, entry: TimeEntry) -> TimeEntry:
        return self._timers.wrote(self._key, entry)

    async def list_time_entries(
        self, start: datetime, end: datetime, *, limit: int | None = None
    ) -> list[TimeEntry]:
        start, end = _utc(start, "start"), _utc(end, "end")
        if end < start:
            raise ValidationFailed("the end is before the start")
        now = datetime.now(UTC)
        if end - start > LONG_RANGE:
            entries = await self._report_entries(start - LOOKBACK, end)
        else:
            wire = await self._s.track(
                "GET",
                "me/time_entries",
                params={"start_date": m.wire_time(start - LOOKBACK), "end_date": m.wire_time(end)},
            )
            entries = [self._entry(w) for w in wire or []]
        entries = [e for e in entries if e.user_id == self.user.id and e.overlaps(start, end, now)]
        for open_entry in (e for e in entries if e.running):
            self._timers.saw(self._key, open_entry)
        if now > start and not any(e.running for e in entries) and self._timers.get(self._key) is not None:
            running = await self.current_timer()  # a timer that began before the lookback still overlaps
            if running is not None and running.overlaps(start, end, now):
                entries.append(running)
        unique = {e.id: e for e in entries}
        ordered = sorted(unique.values(), key=lambda e: (e.start, _sort_id(e.id)), reverse=True)
        return ordered[:limit] if limit is not None else ordered

    async def _report_entries(self, start: datetime, end: datetime) -> list[TimeEntry]:
        return [e async for page in self._report_pages(start, end, [self.user.id]) for e in page]

    async def _report_pages(
        self,
        start: datetime,
        end: datetime,
        user_ids: Sequence[str] | None,
        project_ids: Sequence[str] | None = None,
    ) -> AsyncIterator[list[TimeEntry]]:
        """Finished entries from the Reports API's detailed search, a page at a time, following
        `X-Next-ID`/`X-Next-Row-Number`. Report dates are days in the profile's zone: a day's margin each
        side, the exact cut is the caller's. `user_ids=None` is everyone the token may see."""
        body: dict[str, Any] = {
            "start_date": (start - timedelta(days=1)).date().isoformat(),
            "end_date": (end + timedelta(days=1)).date().isoformat(),
            "page_size": self._report_page_size,
            "order_by": "date",
            "order_dir": "ASC",
        }
        if user_ids is not None:
            body["user_ids"] = [m.wire_id(u, "user") for u in user_ids]
        if project_ids:
            body["project_ids"] = [m.wire_id(p, "project") for p in project_ids]
        path = f"workspace/{segment(self._wid)}/search/time_entries"
        while True:
            # A search changes nothing: safe to repeat after a 5xx. A spent quota (402) is waited for when it
            # resets within the retry policy's limit, else it is `RateLimited` with the time it resets in.
            response = await self._s.response(self._s.api.reports, "POST", path, json=body, idempotent=True)
            rows = response.json() if response.content else []
            yield m.entries_from_report(rows or [], self.workspace.id, self._tz)
            next_id, next_row = response.headers.get("X-Next-ID"), response.headers.get("X-Next-Row-Number")
            if not next_id or not next_row:
                return
            body = {**body, "first_id": int(next_id), "first_row_number": int(next_row)}

    # ---- reports (REPORTS capability) ----------------------------------------------------------------------

    async def list_workspace_users(self) -> list[User]:
        if not self.user.is_admin:
            raise PermissionDenied("only workspace admins may list the workspace's people")
        wire = await self._s.track("GET", f"{self._ws}/users")
        users = [m.member_from(w, self.workspace.id) for w in wire or [] if not w.get("inactive")]
        return sorted(users, key=lambda u: (u.name.casefold(), u.id))

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
        """The Reports API's detailed search over any period, a page at a time into `in_report_order`.
        Projects are filtered by the API unless "no project" is among them (its schema has integer ids
        only); billable and the exact period here, so a free workspace is asked nothing premium."""
        start, end = _utc(start, "start"), _utc(end, "end")
        if not self.user.is_admin and (user_ids is None or set(user_ids) != {self.user.id}):
            raise PermissionDenied("only workspace admins may report on other people's time")
        if project_ids is not None and not project_ids:
            return
        users = list(dict.fromkeys(user_ids)) if user_ids is not None else None
        by_api: list[str] | None = None
        if project_ids is not None and None not in project_ids:
            by_api = [p for p in project_ids if p is not None]
        names = {p.id: p.name for p in await self.list_projects(include_done=True)} if by_project else None

        async def pages() -> AsyncIterator[list[TimeEntry]]:
            async for page in self._report_pages(start, end, users, by_api):
                yield [
                    e
                    for e in page
                    if wanted(e, start, end, user_ids=users, project_ids=project_ids, billable=billable)
                ]

        async for batch in in_report_order(
            pages(), by_project=by_project, project_names=names, batch_size=batch_size
        ):
            yield batch

    async def get_time_entry(self, entry_id: str) -> TimeEntry:
        try:
            wire = await self._s.track("GET", f"me/time_entries/{m.wire_id(entry_id, 'time entry')}")
        except PermissionDenied as exc:
            raise NotFound(f"no time entry {entry_id!r}") from exc
        entry = self._entry(wire)
        if entry.user_id != self.user.id:
            raise NotFound(f"no time entry {entry_id!r}")
        return entry

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        if draft.end is not None and draft.end < draft.start:
            raise ValidationFailed("the end is before the start")
        body: dict[str, Any] = {
            "created_with": CREATED_WITH,
            "workspace_id": self._wid,
            "start": m.wire_time(draft.start),
            "description": draft.description,
            "billable": draft.billable,
            "tag_ids": [m.wire_id(t, "tag") for t in draft.tag_ids],
        }
        if draft.project_id is not None:
            body["project_id"] = m.wire_id(draft.project_id, "project")
        if draft.task_id is not None:
            body["task_id"] = m.wire_id(draft.task_id, "task")
        if draft.end is None:
            body["duration"] = -1  # running; `stop` is omitted ("can be omitted if it's still running")
            if self._timers.get(self._key) is not None and await self.current_timer() is not None:
                raise Conflict("a timer is already running")
        else:
            body["stop"] = m.wire_time(draft.end)
            body["duration"] = int((draft.end - draft.start).total_seconds())
        wire = await self._s.track("POST", f"{self._ws}/time_entries", json=body)
        return self._learned(self._entry(wire))

    async def stop_timer(self, end: datetime) -> TimeEntry | None:
        """`PATCH …/stop` on the remembered timer: one call; a stale memory (409/404) looks it up first."""
        known = self._timers.get(self._key)
        if isinstance(known, TimeEntry) and is_now(end):
            if end < known.start:
                raise TimerStartsLater(known)
            path = f"{self._ws}/time_entries/{segment(known.id)}/stop"
            try:
                wire = await self._own(self._s.track("PATCH", path), known.id)
            except (Conflict, NotFound):  # stopped or deleted elsewhere since
                self._timers.forget(self._key)
            else:
                self._timers.saw(self._key, None)
                return self._entry(wire)
        return await stop_by_lookup(self, end)

    async def start_timer(self, draft: TimeEntryDraft) -> Started:
        """Stop what runs (unless "nothing runs" is fresh), then one `POST`."""
        stopped = None
        if self._timers.get(self._key) is not None:
            stopped = await self.stop_timer(draft.start)
        return Started(await self.create_time_entry(draft), stopped)

    async def update_time_entry(self, entry_id: str, patch: TimeEntryPatch) -> TimeEntry:
        fields = {f for f in patch.model_fields_set if f != "timezone"}
        removing = "project_id" in fields and patch.project_id is None
        if removing and (await self.get_time_entry(entry_id)).project_id is not None:
            raise Unsupported("removing the project from a time entry")
        fields -= {f for f in fields if f != "end" and getattr(patch, f) is None}
        path = f"{self._ws}/time_entries/{m.wire_id(entry_id, 'time entry')}"
        if not fields:
            return await self.get_time_entry(entry_id)
        if fields == {"end"} and patch.end is not None:
            return await self._set_end(entry_id, path, patch.end)
        body: dict[str, Any] = {}
        if "start" in fields or ("end" in fields and patch.end is None):
            # Moving the start (or restarting) needs the other end to keep the interval consistent.
            current = await self.get_time_entry(entry_id)
            start = patch.start or current.start
            end = patch.end if "end" in fields else current.end
            if end is not None and end < start:
                raise ValidationFailed("the end is before the start")
            body["start"] = m.wire_time(start)
            if end is None:
                body["duration"] = -1
            else:
                body.update(stop=m.wire_time(end), duration=int((end - start).total_seconds()))
        elif "end" in fields and patch.end is not None:
            body["stop"] = m.wire_time(patch.end)
        if "project_id" in fields and patch.project_id is not None:
            body["project_id"] = m.wire_id(patch.project_id, "project")
        if "task_id" in fields and patch.task_id is not None:
            body["task_id"] = m.wire_id(patch.task_id, "task")
        if "tag_ids" in fields and patch.tag_ids is not None:
            body["tag_ids"] = [m.wire_id(t, "tag") for t in patch.tag_ids]
        if "description" in fields:
            body["description"] = patch.description
        if "billable" in fields:
            body["billable"] = patch.billable
        return await self._put(entry_id, path, body)

    async def _set_end(self, entry_id: str, path: str, end: datetime) -> TimeEntry:
        """Stop a running timer now (`PATCH …/stop`), or set an end (`PUT` with `stop`)."""
        if is_now(end):
            try:
                wire = await self._own(self._s.track("PATCH", f"{path}/stop"), entry_id)
            except Conflict:  # "Time entry already stopped": then it is an edit of the end
                pass
            else:
                return self._learned(self._entry(wire))
        return await self._put(entry_id, path, {"stop": m.wire_time(end)})

    async def _put(self, entry_id: str, path: str, body: dict[str, Any]) -> TimeEntry:
        return self._learned(self._entry(await self._own(self._s.track("PUT", path, json=body), entry_id)))

    async def _own(self, call: Any, entry_id: str) -> Any:
        try:
            return await call
        except PermissionDenied as exc:  # someone else's entry: invisible, like in the local backend
            raise NotFound(f"no time entry {entry_id!r}") from exc

    async def delete_time_entry(self, entry_id: str) -> None:
        path = f"{self._ws}/time_entries/{m.wire_id(entry_id, 'time entry')}"
        await self._own(self._s.track("DELETE", path), entry_id)
        self._timers.deleted(self._key, entry_id)

    # ---- groups (workspace groups; members through the organization's view) -------------------------------

    async def list_groups(self) -> list[Group]:
        """The workspace's groups with their members (`GET /organizations/{oid}/groups?workspace=`, for
        organization admins); others get the names from `GET /workspaces/{wid}/groups`."""
        if self._organization_id is not None:
            path = f"organizations/{segment(self._organization_id)}/groups"
            try:
                rows = await self._s.track("GET", path, params={"workspace": str(self._wid)})
            except PermissionDenied:
                pass
            else:
                return [m.org_group_from(row) for row in rows or []]
        return [m.group_from(row) for row in await self._s.track("GET", f"{self._ws}/groups") or []]

    # ---- not in Toggl Track --------------------------------------------------------------------------------

    # ---- webhook subscriptions (Webhooks API v1; beyond the protocol) --------------------------------------

    async def create_subscription(
        self,
        callback_url: str,
        events: Sequence[str],
        *,
        description: str | None = None,
        secret: str | None = None,
        enabled: bool = True,
    ) -> m.Subscription:
        """Subscribe `callback_url` to `events` (`"time_entry.*"`, `"project.created"`, …). Toggl then sends
        a PING with a validation code; answer it, or pass it to `validate_subscription`."""
        body: dict[str, Any] = {
            "url_callback": callback_url,
            "event_filters": m.event_filters(events),
            "enabled": enabled,
            "description": description or f"timebot {callback_url}",
        }
        if secret:
            body["secret"] = secret
        wire = await self._s.webhooks("POST", f"subscriptions/{segment(self._wid)}", json=body)
        return m.subscription_from(wire)

    async def list_subscriptions(self) -> list[m.Subscription]:
        wire = await self._s.webhooks("GET", f"subscriptions/{segment(self._wid)}")
        return [m.subscription_from(s) for s in wire or []]

    async def validate_subscription(self, subscription_id: str, validation_code: str) -> None:
        sid = m.wire_id(subscription_id, "subscription")
        await self._s.webhooks(
            "GET", f"validate/{segment(self._wid)}/{segment(sid)}/{segment(validation_code)}"
        )

    async def delete_subscription(self, subscription_id: str) -> None:
        sid = m.wire_id(subscription_id, "subscription")
        await self._s.webhooks("DELETE", f"subscriptions/{segment(self._wid)}/{segment(sid)}")


def _one_tag(wire: Any) -> Tag:
    if isinstance(wire, list):  # the swagger declares an array for tag writes; the service answers one tag
        wire = wire[0] if wire else None
    if not isinstance(wire, dict):
        raise NotFound("Toggl did not return the tag")
    return m.tag_from(wire)


def _clean(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed("the name is empty")
    return cleaned


def _sort_id(value: str) -> tuple[int, str]:
    return (int(value), "") if value.isdigit() else (0, value)
