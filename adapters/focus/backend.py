"""`FocusBackend`: one person's view of one Toggl Focus workspace, over `https://focus.toggl.com/api`.

What Focus offers (its API reference pages and third-party clients) and what this adapter does with it:
- the workspace's groups (teams, with members) → `GroupSource`, and the organization's users for reports;
  `page`/`per_page` paging is followed here, never by callers (no command writes groups, so neither does
  this adapter);
- the timer (`tracking/current|start|stop`), time entries (list by RFC 3339 range, create, patch, delete),
  projects and tasks → the `Backend` protocol;
- reports: timebot's own spreadsheet from the person's own entries (paged reads);
- no clients, tags, working hours, feed or webhooks are documented: those raise `Unsupported`.
Every call sends the person's own key (`Authorization: Bearer toggl_sk_…`) on the factory's pooled client.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
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
    Unavailable,
    Unsupported,
    ValidationFailed,
)
from adapters.focus import mapping as m
from adapters.http import ApiClient, RetryPolicy, segment
from adapters.models import (
    Client,
    ClientDraft,
    Group,
    Project,
    ProjectDraft,
    Tag,
    TagDraft,
    Task,
    TaskDraft,
    Team,
    TimeEntry,
    TimeEntryDraft,
    TimeEntryPatch,
    User,
    Workspace,
)
from adapters.reporting import check_people, chunks, in_report_order, wanted
from adapters.timer import Started, stop_whatever_runs
from adapters.unsupported import NoFeed, NoWorkingHours

PER_PAGE = 100  # the largest page Focus accepts (200 is a 400)
MAX_PAGES = 1000  # a server that never ends its pages must not keep us busy forever
LIST_MARGIN = timedelta(days=1)  # asked-for range widened so entries crossing its start are seen


def error_message(response: httpx.Response) -> str:
    """Focus errors are `{"error": "validation", "error_description": "…", "trace_id": "…"}`."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or f"HTTP {response.status_code}"
    if isinstance(body, dict):
        for key in ("error_description", "message", "error"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value[:200]
    if isinstance(body, str) and body:
        return body[:200]
    return response.reason_phrase or f"HTTP {response.status_code}"


class FocusBackend(NoWorkingHours, NoFeed):
    kind = "focus"
    keeps_entry_timezones = False  # entries come back in the profile zone; the zone worked in is not kept
    capabilities = (
        Capability.GROUPS
        | Capability.TIME_ENTRIES
        | Capability.TIMER
        | Capability.PROJECTS
        | Capability.TASKS
        | Capability.REPORTS
    )

    def __init__(
        self,
        api: ApiClient,
        token: str,
        organization_id: str,
        workspace: Workspace,
        user: User,
        account_id: str | None,
        *,
        per_page: int = PER_PAGE,
    ) -> None:
        self._api = api
        self._headers = {"Authorization": f"Bearer {token}"}
        self._org = organization_id
        self.workspace = workspace
        self.user = user
        self._account_id = account_id
        self._per_page = per_page
        self._timezone = user.timezone or "UTC"

    def __repr__(self) -> str:  # never the token
        return f"FocusBackend(org={self._org}, workspace={self.workspace.id}, user={self.user.id})"

    # ---- plumbing ------------------------------------------------------------------------------------

    def _org_path(self, *parts: object) -> str:
        return "/".join(["organizations", segment(self._org), *(segment(p) for p in parts)])

    def _ws_path(self, *parts: object) -> str:
        return self._org_path("workspaces", self.workspace.id, *parts)

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        return await self._api.json(method, path, headers=self._headers, **kwargs)

    async def _pages(self, path: str, key: str, params: dict[str, Any] | None = None) -> AsyncIterator[Any]:
        """Every row of a `page`/`per_page` list, following pages until a short page or the `total`."""
        seen = 0
        for page in range(1, MAX_PAGES + 1):
            body = await self._call(
                "GET", path, params={**(params or {}), "page": page, "per_page": self._per_page}
            )
            rows = _rows(body, key)
            for row in rows:
                yield row
            seen += len(rows)
            total = body.get("total") if isinstance(body, dict) else None
            if len(rows) < self._per_page or (isinstance(total, int) and seen >= total):
                return
        raise Unavailable("Toggl Focus kept sending pages")

    # ---- organization: groups, teams, users, roles -----------------------------------------------------

    async def list_teams(self) -> list[Team]:
        """The groups of this workspace with their members and placeholder (ghost) members."""
        path = self._org_path("teams")
        return [
            m.team_from(row) async for row in self._pages(path, "data", {"workspace_id": self.workspace.id})
        ]

    async def list_groups(self) -> list[Group]:
        return [Group(**team.model_dump(exclude={"ghosts"})) for team in await self.list_teams()]

    async def list_users(self) -> list[User]:
        """The organization's users in this workspace (guests see only those sharing projects with them)."""
        path = self._org_path("users")
        return [
            m.user_from(row, self.workspace.id)
            async for row in self._pages(path, "items", {"workspaces": self.workspace.id})
        ]

    async def list_workspace_users(self) -> list[User]:
        return await self.list_users()

    # ---- master data -------------------------------------------------------------------------------------

    async def list_clients(self) -> list[Client]:
        raise Unsupported("clients")

    async def create_client(self, draft: ClientDraft) -> Client:
        raise Unsupported("clients")

    async def list_tags(self) -> list[Tag]:
        raise Unsupported("tags")

    async def create_tag(self, draft: TagDraft) -> Tag:
        raise Unsupported("tags")

    async def list_projects(self, *, include_done: bool = False) -> list[Project]:
        body = await self._call("GET", self._ws_path("projects"))
        projects = [m.project_from(row, self.workspace.id) for row in _rows(body, "data")]
        return [p for p in projects if include_done or not p.done]

    async def create_project(self, draft: ProjectDraft) -> Project:
        if draft.client_id is not None:
            raise Unsupported("clients")
        body: dict[str, Any] = {"name": draft.name.strip(), "active": True, "billable": draft.billable}
        if draft.color:
            body["color"] = draft.color
        created = await self._call("POST", self._ws_path("projects"), json=body)
        return m.project_from(created, self.workspace.id)

    async def list_tasks(self, project_id: str | None = None, *, include_done: bool = False) -> list[Task]:
        params = {"project_id": m.int_id(project_id)} if project_id is not None else None
        body = await self._call("GET", self._ws_path("tasks"), params=params)
        tasks = [m.task_from(row, self.workspace.id) for row in _rows(body, "data")]
        return [
            t
            for t in tasks
            if t is not None
            and (project_id is None or t.project_id == project_id)
            and (include_done or not t.done)
        ]

    async def create_task(self, draft: TaskDraft) -> Task:
        body: dict[str, Any] = {"name": draft.name.strip(), "project_id": m.int_id(draft.project_id)}
        if draft.estimate_seconds is not None:
            body["estimated_duration"] = draft.estimate_seconds
        created = await self._call("POST", self._ws_path("tasks"), json=body)
        task = m.task_from(created, self.workspace.id)
        if task is None:
            raise Unavailable("Toggl Focus created the task without its project")
        return task

    # ---- time entries ----------------------------------------------------------------------------------

    def _entry(self, item: Any) -> TimeEntry:
        if not isinstance(item, dict):
            raise Unavailable("Toggl Focus did not return a time entry")
        return m.entry_from(item, self.workspace.id, self.user.id, self._timezone)

    def _mine(self, item: dict[str, Any]) -> bool:
        owner = item.get("toggl_user_id")
        return owner is None or self._account_id is None or str(owner) == self._account_id

    async def current_timer(self) -> TimeEntry | None:
        body = await self._call("GET", self._ws_path("tracking", "current"))  # 204 when none runs
        if not isinstance(body, dict) or not body.get("id") or not self._mine(body):
            return None
        return self._entry(body)

    async def list_time_entries(
        self, start: datetime, end: datetime, *, limit: int | None = None
    ) -> list[TimeEntry]:
        params = {"date_from": m.rfc3339(start - LIST_MARGIN), "date_to": m.rfc3339(end)}
        now = datetime.now(UTC)
        entries = [
            self._entry(row)
            async for row in self._pages(self._ws_path("time-entries"), "data", params)
            if m.is_tracked(row) and self._mine(row)
        ]
        overlapping = [e for e in entries if e.overlaps(start, end, now)]
        overlapping.sort(key=lambda e: (e.start, e.id), reverse=True)
        return overlapping[:limit] if limit is not None else overlapping

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
        """The person's own entries of any period, paged (`time-entries` lists the key owner's only), a page
        at a time into `in_report_order`."""
        check_people(self.user, user_ids, others_readable=False)
        if project_ids is not None and not project_ids:
            return
        params = {"date_from": m.rfc3339(start - LIST_MARGIN), "date_to": m.rfc3339(end)}
        names = {p.id: p.name for p in await self.list_projects(include_done=True)} if by_project else None

        async def entries() -> AsyncIterator[TimeEntry]:
            async for row in self._pages(self._ws_path("time-entries"), "data", params):
                if m.is_tracked(row) and self._mine(row):
                    entry = self._entry(row)
                    if wanted(entry, start, end, user_ids=None, project_ids=project_ids, billable=billable):
                        yield entry

        async for batch in in_report_order(
            chunks(entries(), self._per_page),
            by_project=by_project,
            project_names=names,
            batch_size=batch_size,
        ):
            yield batch

    async def get_time_entry(self, entry_id: str) -> TimeEntry:
        body = await self._call("GET", self._ws_path("time-entries", m.int_id(entry_id)))
        if not isinstance(body, dict) or not self._mine(body) or body.get("deleted_at"):
            raise NotFound("no such time entry")
        return self._entry(body)

    def _entry_body(self, draft: TimeEntryDraft) -> dict[str, Any]:
        if draft.tag_ids:
            raise Unsupported("tags")
        if draft.end is not None and draft.end < draft.start:
            raise ValidationFailed("the end is before the start")
        body: dict[str, Any] = {
            "description": draft.description,
            "start": m.rfc3339(draft.start),
            "type": "activity",
        }
        if draft.project_id is not None:
            body["project_id"] = m.int_id(draft.project_id)
        return body

    async def _track(self, draft: TimeEntryDraft, body: dict[str, Any]) -> TimeEntry:
        """`POST ~/tracking/start` (409 when a timer runs), then the billable flag it does not take."""
        if draft.task_id is not None:
            body["task_id"] = m.int_id(draft.task_id)
        entry = self._entry(await self._call("POST", self._ws_path("tracking", "start"), json=body))
        if draft.billable:
            entry = await self.update_time_entry(entry.id, TimeEntryPatch(billable=True))
        return entry

    async def start_timer(self, draft: TimeEntryDraft) -> Started:
        """Start straight away: Focus refuses (409) while a timer runs, and only then is it stopped first."""
        body = self._entry_body(draft)
        try:
            return Started(await self._track(draft, dict(body)))
        except Conflict:
            stopped = await self.stop_timer(draft.start)
            return Started(await self._track(draft, body), stopped)

    async def stop_timer(self, end: datetime) -> TimeEntry | None:
        """`POST ~/tracking/stop` stops whatever runs: one call. An earlier `end` is checked against the
        timer's start first (Focus would refuse it with a bare 400)."""
        path, body = self._ws_path("tracking", "stop"), {"end": m.rfc3339(end)}
        stopped = await stop_whatever_runs(self, end, lambda: self._call("POST", path, json=body))
        return None if stopped is None else self._entry(stopped)  # None: "Not tracking a time entry"

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        body = self._entry_body(draft)
        if draft.end is None:
            if await self.current_timer() is not None:
                raise Conflict("a timer is already running")
            return await self._track(draft, body)
        task_id = m.int_id(draft.task_id) if draft.task_id is not None else None
        body["stop"] = m.rfc3339(draft.end)
        body["billable"] = draft.billable
        if task_id is not None:
            path = self._ws_path("tasks", task_id, "time-entries")
        else:
            path = self._ws_path("time-entries")
        return self._entry(await self._call("POST", path, json=body))

    async def update_time_entry(self, entry_id: str, patch: TimeEntryPatch) -> TimeEntry:
        fields = patch.model_fields_set
        if "tag_ids" in fields and patch.tag_ids:
            raise Unsupported("tags")
        number = m.int_id(entry_id)
        if patch.start is not None and patch.end is not None and patch.end < patch.start:
            raise ValidationFailed("the end is before the start")
        body: dict[str, Any] = {}
        if patch.start is not None:
            body["start"] = m.rfc3339(patch.start)
        if "end" in fields:
            body["stop"] = m.rfc3339(patch.end) if patch.end is not None else None
        for name in ("description", "billable"):
            value = getattr(patch, name)
            if name in fields and value is not None:
                body[name] = value
        for name in ("project_id", "task_id"):
            if name in fields:
                value = getattr(patch, name)
                body[name] = m.int_id(value) if value is not None else None
        if "stop" in body and body["stop"] is not None and "start" not in body:
            current = await self.current_timer()
            if current is not None and current.id == str(number):
                # The documented way to end the running entry; the rest of the patch follows it.
                stop = {"end": body.pop("stop")}
                stopped = await self._call("POST", self._ws_path("tracking", "stop"), json=stop)
                if not body:
                    return (
                        self._entry(stopped)
                        if isinstance(stopped, dict)
                        else await self.get_time_entry(entry_id)
                    )
        if not body:
            return await self.get_time_entry(entry_id)
        return self._entry(await self._call("PATCH", self._ws_path("time-entries", number), json=body))

    async def delete_time_entry(self, entry_id: str) -> None:
        await self._call("DELETE", self._ws_path("time-entries", m.int_id(entry_id)))

    # ---- not offered by Focus ------------------------------------------------------------------------


def _is(row: dict[str, Any], identity: Identity) -> bool:
    if identity.email:
        return str(row.get("email") or "").lower() == identity.email.lower()
    return row.get("name") == identity.name


def _rows(body: Any, key: str) -> list[Any]:
    """The rows of a list answer: a bare array, or the array under `key` (`items`, `data`)."""
    if isinstance(body, list):
        rows = body
    elif isinstance(body, dict):
        rows = body.get(key) or []
    else:
        rows = []
    return [row for row in rows if isinstance(row, dict)]


class FocusBackendFactory:
    """Binds a Teams identity to the person's Toggl Focus connection (key, organization, workspace)."""

    kind = "focus"

    def __init__(
        self,
        base_url: str,
        connections: ConnectionSource,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        retry: RetryPolicy | None = None,
        per_page: int = PER_PAGE,
    ) -> None:
        self._api = ApiClient(
            base_url, name="Toggl Focus", transport=transport, retry=retry, error_message=error_message
        )
        self._connections = connections
        self._per_page = per_page
        self._bound: dict[tuple[str, str, str, str], tuple[Workspace, User, str | None]] = {}

    @property
    def api(self) -> ApiClient:
        return self._api

    async def bind(self, identity: Identity) -> FocusBackend:
        connection = await self._connections.get(identity, "focus")
        if connection is None or not connection.secret:
            raise Unauthorized("connect Toggl Focus first (an API key from focus.toggl.com, Profile → API)")
        token = connection.secret
        organization_id = connection.extra.get("organization_id", "").strip()
        if not organization_id:
            # Focus has no endpoint that lists a key's organizations (its API reference has none).
            raise ValidationFailed(
                "Toggl Focus needs your organization id: the number after focus.toggl.com/ in the web app"
            )
        headers = {"Authorization": f"Bearer {token}"}
        workspace_id = connection.workspace_id
        if not workspace_id:
            settings = await self._api.json("GET", "users/me/settings", headers=headers)
            found = settings.get("current_workspace_id") if isinstance(settings, dict) else None
            if not found:
                raise ValidationFailed("choose a Toggl Focus workspace first")
            workspace_id = str(found)
        key = (
            identity.aad_object_id,
            hashlib.sha256(token.encode()).hexdigest(),
            organization_id,
            workspace_id,
        )
        if key not in self._bound:
            self._bound[key] = await self._whoami(identity, headers, organization_id, workspace_id)
        workspace, user, account_id = self._bound[key]
        return FocusBackend(
            self._api, token, organization_id, workspace, user, account_id, per_page=self._per_page
        )

    async def _whoami(
        self, identity: Identity, headers: dict[str, str], organization_id: str, workspace_id: str
    ) -> tuple[Workspace, User, str | None]:
        """Find the person among the organization's users by e-mail (or, without one, by name)."""
        needle = identity.email or identity.name
        path = f"organizations/{segment(organization_id)}/users"
        me: dict[str, Any] | None = None
        for page in range(1, MAX_PAGES + 1):
            params = {"filter": needle, "page": page, "per_page": self._per_page}
            rows = _rows(await self._api.json("GET", path, headers=headers, params=params), "items")
            for row in rows:
                if _is(row, identity):
                    me = row
            if me is not None or len(rows) < self._per_page:
                break
        if me is None:
            raise PermissionDenied(f"Toggl Focus has no user {needle} in organization {organization_id}")
        name = next(
            (w.get("name") for w in me.get("workspaces") or [] if str(w.get("id")) == workspace_id), None
        )
        workspace = Workspace(
            id=workspace_id, name=name or f"Workspace {workspace_id}", tenant_id=identity.tenant_id
        )
        user = m.user_from(me, workspace_id)
        account = me.get("user_account_id")
        return workspace, user, str(account) if account is not None else None

    async def close(self) -> None:
        await self._api.aclose()
