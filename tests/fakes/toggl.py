"""A stateful fake of Toggl Track on loopback: API v9, Reports API v3 search and Webhooks API v1.

It speaks the real wire format (paths, methods, Basic auth with `<api_token>:api_token`, integer ids, plain
JSON-string error bodies, `duration: -1` running entries, one running entry per user, `PATCH …/stop`,
`current` answering `null`, `page`/`per_page` paging, the Reports `X-Next-ID`/`X-Next-Row-Number` headers,
subscriptions with validation codes) and keeps state like the real service. Every request goes through
`check_request` and every success response through `check_response` of the vendored swagger files, so
neither this fake nor the adapter can drift from the published API.

Scriptable trouble: `fail_next(status, …)` (e.g. 402 with the quota headers, 429, 5xx) and an optional
leaky bucket (`leaky_bucket(capacity, per_second)`) answering 429 like the real one.

Mount points (all on one port): `/api/v9`, `/reports/api/v3`, `/webhooks/api/v1`.
"""

from __future__ import annotations

import base64
import copy
import itertools
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from aiohttp import web

from tests.support.swagger import Operation, SpecViolation, Swagger, load

TRACK = "/api/v9"
REPORTS = "/reports/api/v3"
WEBHOOKS = "/webhooks/api/v1"


class Fail(Exception):
    """An error answer: Toggl's error bodies are plain JSON strings."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Scripted:
    status: int
    body: Any
    headers: dict[str, str]
    method: str | None
    path_contains: str | None


@dataclass
class Seen:
    method: str
    raw_path: str
    query: dict[str, str]
    body: Any
    status: int = 0


@dataclass
class Account:
    id: int
    email: str
    fullname: str
    api_token: str
    default_workspace_id: int | None
    timezone: str = "UTC"


@dataclass
class FakeWorkspace:
    id: int
    name: str
    organization_id: int
    premium: bool = True
    only_admins_may_create_projects: bool = False
    only_admins_may_create_tags: bool = False
    members: dict[int, bool] = field(default_factory=dict)  # user id -> admin


def iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def parse_time(value: Any, what: str) -> datetime:
    if not isinstance(value, str):
        raise Fail(400, f"Invalid {what}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Fail(400, f"Invalid {what}") from None
    if parsed.tzinfo is None:
        raise Fail(400, f"Invalid {what}")
    return parsed.astimezone(UTC)


def parse_boundary(value: str, what: str) -> datetime:
    """`start_date`/`end_date`: YYYY-MM-DD (midnight UTC) or RFC 3339."""
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
    except ValueError:
        return parse_time(value, what)


_PROJECTS = "/workspaces/{workspace_id}/projects"


@cache
def track_spec() -> Swagger:
    """Toggl's Track definition with the two mistakes of the published file corrected (the fake checks every
    request against it, so the corrections are the only places where the fake trusts more than the file):
    - swag marks seven list filters of `GET …/projects` (`name`, `page`, `sort_field`, …) as required; the
      documentation's own examples call the list without them, and OpenTickly later relaxed them too;
    - `active` there and on `GET …/tasks` is declared a boolean, while its own description says "You can pass
      'both'".
    """
    spec = Swagger(copy.deepcopy(load("toggl/toggl-track-api-v9.swagger.json").doc))
    for name in ("name", "page", "sort_field", "sort_order", "only_templates", "sort_pinned", "search"):
        spec.correct("GET", _PROJECTS, name, required=False)
    for template in (_PROJECTS, "/workspaces/{workspace_id}/tasks"):
        spec.correct("GET", template, "active", type="string", enum=["true", "false", "both"])
    return spec


class FakeToggl:
    def __init__(self, *, max_per_page: int = 200, max_report_page: int = 50) -> None:
        self.track: Swagger = track_spec()
        self.reports: Swagger = load("toggl/toggl-reports-v3.swagger.json")
        self.webhooks: Swagger = load("toggl/toggl-webhooks-v1.swagger.json")
        self.max_per_page = max_per_page
        self.max_report_page = max_report_page
        self._ids = itertools.count(1001)
        self.accounts: dict[int, Account] = {}
        self._tokens: dict[str, int] = {}
        self.workspaces: dict[int, FakeWorkspace] = {}
        self.clients: dict[int, dict[str, Any]] = {}
        self.projects: dict[int, dict[str, Any]] = {}
        self.tasks: dict[int, dict[str, Any]] = {}
        self.tags: dict[int, dict[str, Any]] = {}
        self.groups: dict[int, dict[str, Any]] = {}  # {id, name, workspace_id, user_ids, at}
        self.entries: dict[int, dict[str, Any]] = {}
        self.subscriptions: dict[int, dict[str, Any]] = {}
        self.validation_codes: dict[int, str] = {}
        # tests/fakes/deliveries.py sets this: like Toggl, ping the callback while creating a subscription
        self.on_subscription_created: Callable[[dict[str, Any]], Awaitable[None]] | None = None
        self.seen: list[Seen] = []
        self.violations: list[str] = []
        self._script: list[Scripted] = []
        self._bucket: tuple[float, float] | None = None
        self._levels: dict[str, tuple[float, float]] = {}
        self._runner: web.AppRunner | None = None
        self.origin = ""

    # ---- lifecycle and set-up ---------------------------------------------------------------------------

    async def start(self) -> FakeToggl:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.origin = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def track_url(self) -> str:
        return self.origin + TRACK

    @property
    def reports_url(self) -> str:
        return self.origin + REPORTS

    @property
    def webhooks_url(self) -> str:
        return self.origin + WEBHOOKS

    def next_id(self) -> int:
        return next(self._ids)

    def add_workspace(self, name: str = "Workspace", *, premium: bool = True) -> FakeWorkspace:
        ws = FakeWorkspace(id=self.next_id(), name=name, organization_id=self.next_id(), premium=premium)
        self.workspaces[ws.id] = ws
        return ws

    def add_account(
        self,
        fullname: str,
        email: str,
        *,
        workspace: FakeWorkspace | None = None,
        admin: bool = False,
        timezone: str = "UTC",
    ) -> Account:
        """Sign a person up; they join `workspace` (their default) or get a workspace of their own."""
        if workspace is None:
            workspace = self.add_workspace(f"{fullname}'s workspace")
            admin = True
        account = Account(self.next_id(), email, fullname, secrets.token_hex(16), workspace.id, timezone)
        workspace.members[account.id] = admin
        self.accounts[account.id] = account
        self._tokens[account.api_token] = account.id
        return account

    def fail_next(
        self,
        status: int,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
        method: str | None = None,
        path_contains: str | None = None,
    ) -> None:
        """Answer the next matching request(s) with this status instead of serving them."""
        default = {402: "Quota exceeded", 429: "Too Many Requests"}.get(status, "Internal Server Error")
        for _ in range(times):
            self._script.append(
                Scripted(status, body if body is not None else default, headers or {}, method, path_contains)
            )

    def quota_exceeded(self, resets_in: int = 0, *, times: int = 1) -> None:
        self.fail_next(
            402,
            "You have hit your hourly limit for API calls.",
            headers={"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": str(resets_in)},
            times=times,
        )

    def leaky_bucket(self, capacity: float, per_second: float) -> None:
        """Per API token: each request adds one drop, `per_second` drops leak away; a full bucket is 429."""
        self._bucket = (capacity, per_second)

    def calls(self, method: str | None = None, contains: str = "") -> int:
        return sum(1 for s in self.seen if (method is None or s.method == method) and contains in s.raw_path)

    # ---- dispatch ---------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        body: Any = None
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return web.json_response("Invalid JSON input", status=400)
        seen = Seen(request.method, request.raw_path, dict(request.query), body)
        self.seen.append(seen)
        response = await self._serve(request, body)
        seen.status = response.status
        return response

    async def _serve(self, request: web.Request, body: Any) -> web.Response:
        raw = request.raw_path.split("?", 1)[0]
        if raw.startswith(TRACK + "/"):
            spec, spec_path, routes = self.track, raw, self._track_routes()
        elif raw.startswith(REPORTS + "/"):
            spec, spec_path, routes = self.reports, raw, self._report_routes()
        elif raw.startswith(WEBHOOKS + "/"):
            spec, spec_path, routes = self.webhooks, raw[len(WEBHOOKS) :], self._webhook_routes()
        else:
            return web.json_response("Not Found", status=404)
        # A request the real API would not understand is answered 400 (never retried) and recorded in
        # `violations`, which the tests assert to be empty.
        try:
            op = spec.check_request(
                request.method,
                spec_path,
                dict(request.query),
                body,
                headers=request.headers,
                strict_body=True,
            )
        except SpecViolation as exc:
            self.violations.append(str(exc))
            return web.json_response(f"spec violation: {exc}", status=400)
        try:
            user = self._authenticate(request)
            self._drip(user)
            scripted = self._scripted(request)
            if scripted is not None:
                return web.json_response(scripted.body, status=scripted.status, headers=scripted.headers)
            handler = routes.get((request.method, op.template))
            if handler is None:
                raise Fail(501, f"the fake does not serve {request.method} {op.template}")
            params = _path_params(op.template, spec_path, spec.base_path)
            status, payload, headers = await handler(user, params, dict(request.query), body)
        except Fail as fail:
            return web.json_response(fail.message, status=fail.status, headers=fail.headers)
        try:
            spec.check_response(_for_check(spec, op), status, _without_nulls(payload))
        except SpecViolation as exc:
            self.violations.append(str(exc))
            return web.json_response(f"fake answered off-spec: {exc}", status=400)
        if payload is None and request.method == "DELETE":
            return web.Response(status=status, headers=headers)
        return web.json_response(payload, status=status, headers=headers)

    def _authenticate(self, request: web.Request) -> Account:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            raise Fail(401, "Unauthorized")
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            raise Fail(401, "Unauthorized") from None
        account_id = self._tokens.get(user) if password == "api_token" else None
        if account_id is None:
            raise Fail(401, "Incorrect username and/or password")
        return self.accounts[account_id]

    def _drip(self, user: Account) -> None:
        if self._bucket is None:
            return
        capacity, rate = self._bucket
        now = time.monotonic()
        level, last = self._levels.get(user.api_token, (0.0, now))
        level = max(level - (now - last) * rate, 0.0)
        if level + 1 > capacity:
            self._levels[user.api_token] = (level, now)
            raise Fail(429, "Too Many Requests", {"Retry-After": f"{(level + 1 - capacity) / rate:.3f}"})
        self._levels[user.api_token] = (level + 1, now)

    def _scripted(self, request: web.Request) -> Scripted | None:
        for i, item in enumerate(self._script):
            if item.method not in (None, request.method):
                continue
            if item.path_contains is not None and item.path_contains not in request.raw_path:
                continue
            return self._script.pop(i)
        return None

    # ---- helpers ----------------------------------------------------------------------------------------

    def _workspace(self, user: Account, raw: str) -> FakeWorkspace:
        ws = self.workspaces.get(_int(raw, "workspace_id", 403))
        if ws is None or user.id not in ws.members:
            raise Fail(403, "User does not have access to this resource.")
        return ws

    def _is_admin(self, user: Account, ws: FakeWorkspace) -> bool:
        return ws.members.get(user.id, False)

    def _own_entry(self, user: Account, raw: str, ws: FakeWorkspace | None = None) -> dict[str, Any]:
        entry = self.entries.get(_int(raw, "time_entry_id", 404))
        if entry is None or (ws is not None and entry["workspace_id"] != ws.id):
            raise Fail(404, "Time entry not found")
        if entry["user_id"] != user.id and not (ws is not None and self._is_admin(user, ws)):
            raise Fail(404, "Time entry not found")
        return entry

    def _running(self, user: Account) -> dict[str, Any] | None:
        return next((e for e in self.entries.values() if e["user_id"] == user.id and e["duration"] < 0), None)

    def _page(self, items: list[Any], query: dict[str, str], default: int) -> list[Any]:
        page = _int(query.get("page", "1"), "page", 400)
        per_page = min(_int(query.get("per_page", str(default)), "per_page", 400), self.max_per_page)
        if page < 1 or per_page < 1:
            raise Fail(400, "Invalid pagination parameters")
        return items[(page - 1) * per_page : page * per_page]

    # ---- Track API v9 -----------------------------------------------------------------------------------

    Handler = Callable[
        [Account, dict[str, str], dict[str, str], Any], Awaitable[tuple[int, Any, dict[str, str]]]
    ]

    def _track_routes(self) -> dict[tuple[str, str], FakeToggl.Handler]:
        return {
            ("GET", "/me"): self._me,
            ("GET", "/me/workspaces"): self._me_workspaces,
            ("GET", "/workspaces/{workspace_id}/clients"): self._list_clients,
            ("POST", "/workspaces/{workspace_id}/clients"): self._create_client,
            ("PUT", "/workspaces/{workspace_id}/clients/{client_id}"): self._update_client,
            ("POST", "/workspaces/{workspace_id}/clients/{client_id}/archive"): self._archive_client,
            ("POST", "/workspaces/{workspace_id}/clients/{client_id}/restore"): self._restore_client,
            ("PUT", "/workspaces/{workspace_id}/projects/{project_id}"): self._update_project,
            ("PUT", "/workspaces/{workspace_id}/projects/{project_id}/tasks/{task_id}"): self._update_task,
            ("PUT", "/workspaces/{workspace_id}/tags/{tag_id}"): self._update_tag,
            ("DELETE", "/workspaces/{workspace_id}/tags/{tag_id}"): self._delete_tag,
            ("GET", "/workspaces/{workspace_id}/projects"): self._list_projects,
            ("POST", "/workspaces/{workspace_id}/projects"): self._create_project,
            ("GET", "/workspaces/{workspace_id}/tasks"): self._list_workspace_tasks,
            ("GET", "/workspaces/{workspace_id}/projects/{project_id}/tasks"): self._list_project_tasks,
            ("POST", "/workspaces/{workspace_id}/projects/{project_id}/tasks"): self._create_task,
            ("GET", "/workspaces/{workspace_id}/tags"): self._list_tags,
            ("POST", "/workspaces/{workspace_id}/tags"): self._create_tag,
            ("GET", "/workspaces/{workspace_id}/users"): self._list_users,
            ("GET", "/workspaces/{workspace_id}/groups"): self._list_groups,
            ("POST", "/workspaces/{workspace_id}/groups"): self._create_group,
            ("PUT", "/workspaces/{workspace_id}/groups/{group_id}"): self._rename_group,
            ("DELETE", "/workspaces/{workspace_id}/groups/{group_id}"): self._delete_group,
            ("GET", "/organizations/{organization_id}/groups"): self._list_org_groups,
            ("GET", "/me/time_entries"): self._list_entries,
            ("GET", "/me/time_entries/current"): self._current,
            ("GET", "/me/time_entries/{time_entry_id}"): self._get_entry,
            ("POST", "/workspaces/{workspace_id}/time_entries"): self._create_entry,
            ("PUT", "/workspaces/{workspace_id}/time_entries/{time_entry_id}"): self._update_entry,
            ("PATCH", "/workspaces/{workspace_id}/time_entries/{time_entry_id}/stop"): self._stop_entry,
            ("DELETE", "/workspaces/{workspace_id}/time_entries/{time_entry_id}"): self._delete_entry,
        }

    async def _me(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        return (
            200,
            {
                "id": user.id,
                "email": user.email,
                "fullname": user.fullname,
                "timezone": user.timezone,
                "default_workspace_id": user.default_workspace_id,
                "beginning_of_week": 1,
                "api_token": user.api_token,
                "image_url": "",
                "created_at": iso(datetime(2024, 1, 1, tzinfo=UTC)),
                "updated_at": iso(datetime(2024, 1, 1, tzinfo=UTC)),
                "at": iso(datetime(2024, 1, 1, tzinfo=UTC)),
            },
            {},
        )

    async def _list_users(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        if not self._is_admin(user, ws):
            raise Fail(403, "User does not have access to this resource.")
        out = [
            {
                "id": account.id,
                "email": account.email,
                "fullname": account.fullname,
                "is_active": True,
                "inactive": False,
                "role": "admin" if admin else "user",
            }
            for account_id, admin in ws.members.items()
            for account in [self.accounts[account_id]]
        ]
        return 200, out, {}

    async def _me_workspaces(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        out = []
        for ws in self.workspaces.values():
            if user.id in ws.members:
                admin = ws.members[user.id]
                out.append(
                    {
                        "id": ws.id,
                        "organization_id": ws.organization_id,
                        "name": ws.name,
                        "admin": admin,
                        "role": "admin" if admin else "user",
                        "premium": ws.premium,
                        "only_admins_may_create_projects": ws.only_admins_may_create_projects,
                        "only_admins_may_create_tags": ws.only_admins_may_create_tags,
                        "working_hours_in_minutes": 480,
                        "active_project_count": sum(
                            1 for pr in self.projects.values() if pr["workspace_id"] == ws.id and pr["active"]
                        ),
                        "at": iso(datetime(2024, 1, 1, tzinfo=UTC)),
                    }
                )
        return 200, out, {}

    async def _list_clients(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        status = q.get("status", "both")
        if status not in ("active", "archived", "both"):
            raise Fail(400, "Client status is invalid")
        name = q.get("name", "").casefold()
        out = [
            c
            for c in self.clients.values()
            if c["wid"] == ws.id
            and (status == "both" or c["archived"] == (status == "archived"))
            and name in c["name"].casefold()
        ]
        return 200, sorted(out, key=lambda c: c["name"].casefold()), {}

    async def _create_client(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        if ws.only_admins_may_create_projects and not self._is_admin(user, ws):
            raise Fail(403, "Forbidden")
        name = _name(b, "Client")
        if any(c["wid"] == ws.id and c["name"].casefold() == name.casefold() for c in self.clients.values()):
            raise Fail(400, f"client with name '{name}' already exists")
        client = {
            "id": self.next_id(),
            "wid": ws.id,
            "name": name,
            "archived": False,
            "notes": b.get("notes") or "",
            "creator_id": user.id,
            "at": iso(datetime.now(UTC)),
        }
        self.clients[client["id"]] = client
        return 200, client, {}

    # Changing master data needs the same rights as creating it (the admin-only switches), like Toggl.

    def _editable(self, user: Account, ws: FakeWorkspace, flag: bool) -> None:
        if flag and not self._is_admin(user, ws):
            raise Fail(403, "User does not have access to this resource.")

    def _client(self, ws: FakeWorkspace, raw: str) -> dict[str, Any]:
        client = self.clients.get(_int(raw, "client_id", 404))
        if client is None or client["wid"] != ws.id:
            raise Fail(404, f"No client with ID {raw} was found")
        return client

    async def _update_client(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        self._editable(user, ws, ws.only_admins_may_create_projects)
        client = self._client(ws, p["client_id"])
        name = _name(b, "Client")
        if any(
            c["wid"] == ws.id and c["id"] != client["id"] and c["name"].casefold() == name.casefold()
            for c in self.clients.values()
        ):
            raise Fail(400, f"client with name '{name}' already exists")
        client.update(name=name, at=iso(datetime.now(UTC)))
        return 200, client, {}

    async def _archive_client(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        self._editable(user, ws, ws.only_admins_may_create_projects)
        client = self._client(ws, p["client_id"])
        client["archived"] = True
        archived = [
            pr["id"] for pr in self.projects.values() if pr["client_id"] == client["id"] and pr["active"]
        ]
        for project_id in archived:  # "Projects that were archived with the client"
            self.projects[project_id]["active"] = False
        return 200, archived, {}

    async def _restore_client(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        self._editable(user, ws, ws.only_admins_may_create_projects)
        client = self._client(ws, p["client_id"])
        client["archived"] = False
        return 200, client, {}

    async def _update_project(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        self._editable(user, ws, ws.only_admins_may_create_projects)
        project = self._visible_project(user, ws, p["project_id"])
        if "name" in b:
            name = _name(b, "Project")
            for pr in self.projects.values():
                same = pr["workspace_id"] == ws.id and pr["client_id"] == project["client_id"]
                if same and pr["id"] != project["id"] and pr["name"].casefold() == name.casefold():
                    raise Fail(400, f"Project with name '{name}' already exists")
            project["name"] = name
        if "active" in b:
            project["active"] = bool(b["active"])
        project["at"] = iso(datetime.now(UTC))
        return 200, _public_project(project), {}

    async def _update_task(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        project = self._visible_project(user, ws, p["project_id"])
        self._tasks_of(ws, "both")  # the plan check
        self._editable(user, ws, ws.only_admins_may_create_projects)
        task = self.tasks.get(_int(p["task_id"], "task_id", 400))
        if task is None or task["project_id"] != project["id"]:
            raise Fail(400, "Invalid task_id")
        if "name" in b:
            name = _name(b, "Task")
            if any(
                t["project_id"] == project["id"]
                and t["id"] != task["id"]
                and t["name"].casefold() == name.casefold()
                for t in self.tasks.values()
            ):
                raise Fail(400, f"a task with the name '{name}' already exists")
            task["name"] = name
        if "active" in b:
            task["active"] = bool(b["active"])
        task["at"] = iso(datetime.now(UTC))
        return 200, task, {}

    def _tag(self, user: Account, p: dict[str, str]) -> tuple[FakeWorkspace, dict[str, Any]]:
        ws = self._workspace(user, p["workspace_id"])
        if ws.only_admins_may_create_tags and not self._is_admin(user, ws):
            raise Fail(
                403, "Only organization or workspace administrators may manage tags in this workspace."
            )
        tag = self.tags.get(_int(p["tag_id"], "tag_id", 400))
        if tag is None or tag["workspace_id"] != ws.id:
            raise Fail(404, "Tag not found")
        return ws, tag

    async def _update_tag(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws, tag = self._tag(user, p)
        name = (b or {}).get("name", "").strip() if isinstance(b, dict) else ""
        if not name:
            raise Fail(400, "tag name can't be blank")
        if any(
            t["workspace_id"] == ws.id and t["id"] != tag["id"] and t["name"].casefold() == name.casefold()
            for t in self.tags.values()
        ):
            raise Fail(400, f"a tag with the name '{name}' already exists")
        tag.update(name=name, at=iso(datetime.now(UTC)))
        return 200, [tag], {}  # an array here too, as the swagger declares

    async def _delete_tag(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        _, tag = self._tag(user, p)
        del self.tags[tag["id"]]
        for entry in self.entries.values():  # the tag leaves every entry that had it
            if tag["id"] in entry["tag_ids"]:
                entry["tag_ids"] = [i for i in entry["tag_ids"] if i != tag["id"]]
        return 200, None, {}

    async def _list_projects(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        active = q.get("active", "true")
        out = [
            pr
            for pr in self.projects.values()
            if pr["workspace_id"] == ws.id
            and (active == "both" or pr["active"] == (active == "true"))
            and (not pr["is_private"] or self._is_admin(user, ws) or pr["creator_id"] == user.id)
        ]
        out.sort(key=lambda pr: (pr["name"].casefold(), pr["id"]))
        return 200, [_public_project(pr) for pr in self._page(out, q, 151)], {}

    async def _create_project(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        if ws.only_admins_may_create_projects and not self._is_admin(user, ws):
            raise Fail(403, "User does not have access to this resource.")
        name = _name(b, "Project")
        client_id = b.get("client_id")
        if client_id is not None and self.clients.get(client_id, {}).get("wid") != ws.id:
            raise Fail(400, "client_id: client not found")
        for pr in self.projects.values():
            same = pr["workspace_id"] == ws.id and pr["client_id"] == client_id
            if same and pr["name"].casefold() == name.casefold():
                raise Fail(400, f"Project with name '{name}' already exists")
        color = b.get("color") or "#0b83d9"
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", color):
            raise Fail(400, "Invalid project color")
        project = {
            "id": self.next_id(),
            "workspace_id": ws.id,
            "wid": ws.id,
            "client_id": client_id,
            "cid": client_id,
            "name": name,
            "active": b.get("active", True),
            "billable": bool(b.get("billable", False)),
            "is_private": bool(b.get("is_private", False)),
            "color": color,
            "creator_id": user.id,
            "created_at": iso(datetime.now(UTC)),
            "at": iso(datetime.now(UTC)),
        }
        self.projects[project["id"]] = project
        return 200, _public_project(project), {}

    def _visible_project(self, user: Account, ws: FakeWorkspace, raw: str) -> dict[str, Any]:
        project = self.projects.get(_int(raw, "project_id", 400))
        if project is None or project["workspace_id"] != ws.id:
            raise Fail(400, "Invalid project_id")
        if project["is_private"] and not self._is_admin(user, ws) and project["creator_id"] != user.id:
            raise Fail(400, "Invalid project_id")
        return project

    def _tasks_of(self, ws: FakeWorkspace, active: str, pid: int | None = None) -> list[dict[str, Any]]:
        if not ws.premium:
            raise Fail(402, "Tasks are available on paid plans only")
        return sorted(
            (
                t
                for t in self.tasks.values()
                if t["workspace_id"] == ws.id
                and (pid is None or t["project_id"] == pid)
                and (active == "both" or t["active"] == (active == "true"))
            ),
            key=lambda t: (t["name"].casefold(), t["id"]),
        )

    async def _list_workspace_tasks(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        pid = _int(q["pid"], "pid", 400) if "pid" in q else None
        everything = self._tasks_of(ws, q.get("active", "true"), pid)
        page = self._page(everything, q, 50)
        per_page = min(int(q.get("per_page", "50")), self.max_per_page)
        return (
            200,
            {
                "data": page,
                "page": int(q.get("page", "1")),
                "per_page": per_page,
                "sort_field": "name",
                "sort_order": "ASC",
                "total_count": len(everything),
            },
            {},
        )

    async def _list_project_tasks(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        project = self._visible_project(user, ws, p["project_id"])
        return 200, self._tasks_of(ws, "true" if q.get("active") == "true" else "both", project["id"]), {}

    async def _create_task(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        project = self._visible_project(user, ws, p["project_id"])
        self._tasks_of(ws, "both")  # the plan check
        if ws.only_admins_may_create_projects and not self._is_admin(user, ws):
            raise Fail(403, "User does not have access to this resource.")
        name = _name(b, "Task")
        if any(
            t["project_id"] == project["id"] and t["name"].casefold() == name.casefold()
            for t in self.tasks.values()
        ):
            raise Fail(400, f"a task with the name '{name}' already exists")
        task = {
            "id": self.next_id(),
            "name": name,
            "project_id": project["id"],
            "workspace_id": ws.id,
            "user_id": None,
            "active": b.get("active", True),
            "estimated_seconds": b.get("estimated_seconds") or 0,
            "tracked_seconds": 0,
            "at": iso(datetime.now(UTC)),
        }
        self.tasks[task["id"]] = task
        return 200, task, {}

    # Groups: workspace groups (`models.Group`: name only, `has_users`) and the organization's view of them
    # (`group.OrganizationGroupResponse`, with users). Managing them is for admins; members may list.

    def _group_out(self, group: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": group["id"],
            "name": group["name"],
            "workspace_id": group["workspace_id"],
            "has_users": bool(group["user_ids"]),
            "permissions": [],
            "at": group["at"],
        }

    def _group_name(self, ws: FakeWorkspace, b: Any, exclude: int | None = None) -> str:
        name = (b or {}).get("name", "").strip() if isinstance(b, dict) else ""
        if not name:
            raise Fail(400, "Group name must be present")
        if len(name) > 200:
            raise Fail(400, "Group name too long, maximum length is 200")
        if any(
            g["workspace_id"] == ws.id and g["name"].casefold() == name.casefold() and g["id"] != exclude
            for g in self.groups.values()
        ):
            raise Fail(400, "Name has already been taken")
        return name

    def _admin_group(self, user: Account, p: dict[str, str]) -> tuple[FakeWorkspace, dict[str, Any] | None]:
        ws = self._workspace(user, p["workspace_id"])
        if not self._is_admin(user, ws):
            raise Fail(403, "User does not have access to this resource.")
        if "group_id" not in p:
            return ws, None
        group = self.groups.get(_int(p["group_id"], "group_id", 404))
        if group is None or group["workspace_id"] != ws.id:
            raise Fail(404, "Group was not found")
        return ws, group

    def add_group(self, ws: FakeWorkspace, name: str, members: list[Account]) -> dict[str, Any]:
        """A group made in Toggl's own app (tests set members this way; the API adds users elsewhere)."""
        group = {
            "id": self.next_id(),
            "name": name,
            "workspace_id": ws.id,
            "user_ids": [a.id for a in members],
            "at": iso(datetime.now(UTC)),
        }
        self.groups[group["id"]] = group
        return group

    async def _list_groups(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        found = [g for g in self.groups.values() if g["workspace_id"] == ws.id]
        return 200, [self._group_out(g) for g in sorted(found, key=lambda g: g["name"])], {}

    async def _create_group(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws, _ = self._admin_group(user, p)
        group = self.add_group(ws, self._group_name(ws, b), [])
        return 200, self._group_out(group), {}

    async def _rename_group(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws, group = self._admin_group(user, p)
        assert group is not None
        group["name"] = self._group_name(ws, b, exclude=group["id"])
        group["at"] = iso(datetime.now(UTC))
        return 200, self._group_out(group), {}

    async def _delete_group(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        _, group = self._admin_group(user, p)
        assert group is not None
        del self.groups[group["id"]]
        return 200, None, {}

    async def _list_org_groups(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        org = _int(p["organization_id"], "organization_id", 400)
        mine = [ws for ws in self.workspaces.values() if ws.organization_id == org and user.id in ws.members]
        if not mine:
            raise Fail(403, "User does not have access to this resource.")
        if not any(self._is_admin(user, ws) for ws in mine):
            raise Fail(403, "User does not have access to this resource.")
        wanted = _int(q["workspace"], "workspace", 400) if "workspace" in q else None
        out = []
        for group in sorted(self.groups.values(), key=lambda g: g["name"]):
            in_scope = group["workspace_id"] in {ws.id for ws in mine}
            if not in_scope or wanted not in (None, group["workspace_id"]):
                continue
            if q.get("name") and q["name"].casefold() not in group["name"].casefold():
                continue
            users = [
                {"user_id": a.id, "name": a.fullname, "avatar_url": "", "inactive": False, "joined": True}
                for a in self.accounts.values()
                if a.id in group["user_ids"]
            ]
            out.append(
                {
                    "group_id": group["id"],
                    "name": group["name"],
                    "users": users,
                    "workspaces": [group["workspace_id"]],
                    "permissions": [],
                    "at": group["at"],
                }
            )
        return 200, out, {}

    async def _list_tags(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        out = sorted(
            (t for t in self.tags.values() if t["workspace_id"] == ws.id),
            key=lambda t: (t["name"].casefold(), t["id"]),
        )
        if "page" in q or "per_page" in q:
            out = self._page(out, q, self.max_per_page)
        return 200, out, {}

    async def _create_tag(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        if ws.only_admins_may_create_tags and not self._is_admin(user, ws):
            raise Fail(
                403, "Only organization or workspace administrators may manage tags in this workspace."
            )
        name = (b or {}).get("name", "").strip() if isinstance(b, dict) else ""
        if not name:
            raise Fail(400, "tag name can't be blank")
        if any(
            t["workspace_id"] == ws.id and t["name"].casefold() == name.casefold() for t in self.tags.values()
        ):
            raise Fail(400, f"a tag with the name '{name}' already exists")
        tag = {
            "id": self.next_id(),
            "name": name,
            "workspace_id": ws.id,
            "creator_id": user.id,
            "at": iso(datetime.now(UTC)),
        }
        self.tags[tag["id"]] = tag
        return 200, [tag], {}  # the swagger declares an array for this operation

    # ---- time entries ----

    def _entry_out(self, entry: dict[str, Any]) -> dict[str, Any]:
        out = dict(entry)
        out["tags"] = [self.tags[i]["name"] for i in entry["tag_ids"] if i in self.tags]
        out["start"] = iso(entry["start"])
        out["stop"] = iso(entry["stop"]) if entry["stop"] is not None else None
        out.update(
            wid=entry["workspace_id"], pid=entry["project_id"], tid=entry["task_id"], uid=entry["user_id"]
        )
        return out

    async def _list_entries(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        if ("start_date" in q) != ("end_date" in q):
            raise Fail(400, "Both start_date and end_date must be provided")
        if "start_date" in q:
            lo, hi = parse_boundary(q["start_date"], "start_date"), parse_boundary(q["end_date"], "end_date")
            if hi < lo:
                raise Fail(400, "end_date must not be earlier than start_date")
        else:
            hi = datetime.now(UTC) + timedelta(days=1)
            lo = hi - timedelta(days=10)
        out = [e for e in self.entries.values() if e["user_id"] == user.id and lo <= e["start"] < hi]
        out.sort(key=lambda e: (e["start"], e["id"]), reverse=True)
        return 200, [self._entry_out(e) for e in out[:1000]], {}

    async def _current(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        running = self._running(user)
        return 200, self._entry_out(running) if running else None, {}

    async def _get_entry(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        entry = self._own_entry(user, p["time_entry_id"])
        return 200, self._entry_out(entry), {}

    def _apply(self, user: Account, ws: FakeWorkspace, entry: dict[str, Any], b: dict[str, Any]) -> None:
        """Apply a `timeentry.Payload` to `entry` (in place) with the API's checks."""
        if "start" in b:
            entry["start"] = parse_time(b["start"], "start")
        if "project_id" in b:
            pid = b["project_id"]
            if pid is not None:
                self._visible_project(user, ws, str(pid))
            entry["project_id"] = pid
        if "task_id" in b:
            entry["task_id"] = b["task_id"]
        if entry["task_id"] is not None:
            task = self.tasks.get(entry["task_id"])
            if task is None or task["project_id"] != entry["project_id"]:
                raise Fail(400, "Invalid task_id")
        if "tag_ids" in b:
            ids = list(b["tag_ids"] or [])
            for i in ids:
                if self.tags.get(i, {}).get("workspace_id") != ws.id:
                    raise Fail(400, f"Invalid tag_id {i}")
            entry["tag_ids"] = ids
        for key in ("description", "billable"):
            if key in b:
                entry[key] = b[key]
        if "stop" in b and b["stop"] is not None:
            entry["stop"] = parse_time(b["stop"], "stop")
            if entry["stop"] < entry["start"]:
                raise Fail(400, "Stop time must be after start time")
            entry["duration"] = int((entry["stop"] - entry["start"]).total_seconds())
        elif "duration" in b:
            if b["duration"] < 0:
                entry["stop"], entry["duration"] = None, -1
            else:
                entry["duration"] = b["duration"]
                entry["stop"] = entry["start"] + timedelta(seconds=b["duration"])
        elif "start" in b and entry["stop"] is not None:
            entry["duration"] = int((entry["stop"] - entry["start"]).total_seconds())
        if entry["duration"] >= 0 and entry["stop"] is not None and entry["stop"] < entry["start"]:
            raise Fail(400, "Stop time must be after start time")
        entry["at"] = iso(datetime.now(UTC))

    async def _create_entry(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        if not isinstance(b, dict) or not b.get("created_with"):
            raise Fail(400, "created_with needs to be provided an a valid string")
        if b.get("workspace_id") != ws.id:
            raise Fail(400, "workspace_id does not match the path")
        if "start" not in b:
            raise Fail(400, "start needs to be provided")
        if "stop" not in b and "duration" not in b:
            raise Fail(400, "duration or stop needs to be provided")
        entry: dict[str, Any] = {
            "id": self.next_id(),
            "workspace_id": ws.id,
            "user_id": user.id,
            "project_id": None,
            "task_id": None,
            "tag_ids": [],
            "description": "",
            "billable": False,
            "start": None,
            "stop": None,
            "duration": -1,
            "server_deleted_at": None,
        }
        self._apply(user, ws, entry, b)
        if entry["duration"] < 0:
            running = self._running(user)
            if running is not None:  # like the real service: a new timer stops the running one
                running["stop"] = max(entry["start"], running["start"])
                running["duration"] = int((running["stop"] - running["start"]).total_seconds())
        self.entries[entry["id"]] = entry
        return 200, self._entry_out(entry), {}

    async def _update_entry(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        entry = self._own_entry(user, p["time_entry_id"], ws)
        changed = dict(entry)
        self._apply(user, ws, changed, b if isinstance(b, dict) else {})
        if changed["duration"] < 0 and entry["duration"] >= 0:
            other = self._running(user)
            if other is not None and other["id"] != entry["id"]:
                raise Fail(409, "There is already a running time entry")
        entry.update(changed)
        return 200, self._entry_out(entry), {}

    async def _stop_entry(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        entry = self._own_entry(user, p["time_entry_id"], ws)
        if entry["duration"] >= 0:
            raise Fail(409, "Time entry already stopped")
        now = datetime.now(UTC).replace(microsecond=0)
        entry["stop"] = max(now, entry["start"])
        entry["duration"] = int((entry["stop"] - entry["start"]).total_seconds())
        return 200, self._entry_out(entry), {}

    async def _delete_entry(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._workspace(user, p["workspace_id"])
        entry = self._own_entry(user, p["time_entry_id"], ws)
        del self.entries[entry["id"]]
        return 200, None, {}

    # ---- Reports API v3 ---------------------------------------------------------------------------------

    def _report_routes(self) -> dict[tuple[str, str], FakeToggl.Handler]:
        return {("POST", "/reports/api/v3/workspace/{workspace_id}/search/time_entries"): self._search}

    async def _search(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self.workspaces.get(_int(p["workspace_id"], "workspace_id", 403))
        if ws is None or user.id not in ws.members:
            raise Fail(403, "Workspace not found/accessible")
        if not b.get("start_date") or not b.get("end_date"):
            raise Fail(400, "At least one parameter must be set")
        lo = datetime.combine(date.fromisoformat(b["start_date"]), datetime.min.time(), UTC)
        hi = datetime.combine(date.fromisoformat(b["end_date"]), datetime.min.time(), UTC) + timedelta(days=1)
        users = set(b.get("user_ids") or [])
        if users != {user.id} and not self._is_admin(user, ws):
            raise Fail(403, "Workspace not found/accessible")
        projects = b.get("project_ids")
        billable = b.get("billable")
        if billable is not None and not ws.premium:
            raise Fail(402, "Workspace needs to have this feature enabled")
        rows = [
            e
            for e in self.entries.values()
            if e["workspace_id"] == ws.id
            and e["duration"] >= 0  # the detailed report holds finished entries only
            and (not users or e["user_id"] in users)
            and (projects is None or e["project_id"] in projects)
            and (billable is None or e["billable"] == billable)
            and lo <= e["start"] < hi
        ]
        rows.sort(key=lambda e: (e["start"], e["id"]), reverse=b.get("order_dir") == "DESC")
        size = min(b.get("page_size") or 50, self.max_report_page)
        first = b.get("first_row_number") or 1
        if b.get("first_id") is not None and first <= len(rows) and rows[first - 1]["id"] != b["first_id"]:
            raise Fail(400, "first_id does not match first_row_number")
        page = rows[first - 1 : first - 1 + size]
        headers = {"X-Range-Start": b["start_date"], "X-Range-End": b["end_date"]}
        if first - 1 + size < len(rows):
            headers["X-Next-ID"] = str(rows[first - 1 + size]["id"])
            headers["X-Next-Row-Number"] = str(first + size)
        out = [
            {
                "user_id": e["user_id"],
                "username": self.accounts[e["user_id"]].fullname,
                "project_id": e["project_id"],
                "task_id": e["task_id"],
                "billable": e["billable"],
                "description": e["description"],
                "tag_ids": list(e["tag_ids"]),
                "row_number": first + i,
                "time_entries": [
                    {
                        "id": e["id"],
                        "seconds": e["duration"],
                        "start": iso(e["start"]),
                        "stop": iso(e["stop"]),
                        "at": e.get("at") or iso(e["start"]),
                    }
                ],
            }
            for i, e in enumerate(page)
        ]
        return 200, out, headers

    # ---- Webhooks API v1 --------------------------------------------------------------------------------

    def _webhook_routes(self) -> dict[tuple[str, str], FakeToggl.Handler]:
        return {
            ("GET", "/subscriptions/{workspace_id}"): self._list_subscriptions,
            ("POST", "/subscriptions/{workspace_id}"): self._create_subscription,
            ("PATCH", "/subscriptions/{workspace_id}/{subscription_id}"): self._enable_subscription,
            ("DELETE", "/subscriptions/{workspace_id}/{subscription_id}"): self._delete_subscription,
            ("GET", "/validate/{workspace_id}/{subscription_id}/{validation_code}"): self._validate,
        }

    def _hook_workspace(self, user: Account, raw: str) -> FakeWorkspace:
        ws = self.workspaces.get(_int(raw, "workspace_id", 403))
        if ws is None or user.id not in ws.members:
            raise Fail(403, "User not found/accessible for workspace")
        return ws

    def _subscription(self, ws: FakeWorkspace, raw: str) -> dict[str, Any]:
        sub = self.subscriptions.get(_int(raw, "subscription_id", 404))
        if sub is None or sub["workspace_id"] != ws.id:
            raise Fail(404, f"subscription {raw} for workspace {ws.id} not found")
        return sub

    async def _list_subscriptions(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._hook_workspace(user, p["workspace_id"])
        return 200, [s for s in self.subscriptions.values() if s["workspace_id"] == ws.id], {}

    async def _create_subscription(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        ws = self._hook_workspace(user, p["workspace_id"])
        url, description = b.get("url_callback"), b.get("description")
        if not url or not str(url).startswith(("https://", "http://")):
            raise Fail(400, "URL callback is invalid")
        if not description:
            raise Fail(400, "description is required")
        if any(
            s["workspace_id"] == ws.id and s["description"] == description
            for s in self.subscriptions.values()
        ):
            raise Fail(400, "A subscription with this description already exists for this workspace")
        filters = b.get("event_filters") or []
        if not filters:
            raise Fail(400, "event_filters are required")
        now = iso(datetime.now(UTC))
        sub = {
            "subscription_id": self.next_id(),
            "workspace_id": ws.id,
            "user_id": user.id,
            "description": description,
            "url_callback": url,
            "event_filters": filters,
            "enabled": bool(b.get("enabled", True)),
            "secret": b.get("secret") or secrets.token_hex(10),
            "validated_at": None,
            "has_pending_events": False,
            "created_at": now,
            "updated_at": now,
        }
        self.subscriptions[sub["subscription_id"]] = sub
        # What the PING to the callback would carry (tests read it here instead of running a callback).
        self.validation_codes[sub["subscription_id"]] = secrets.token_hex(8)
        if self.on_subscription_created is not None:
            await self.on_subscription_created(sub)
        return 200, sub, {}

    async def _enable_subscription(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        sub = self._subscription(self._hook_workspace(user, p["workspace_id"]), p["subscription_id"])
        sub["enabled"] = bool(b.get("enabled"))
        return 200, sub, {}

    async def _delete_subscription(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        sub = self._subscription(self._hook_workspace(user, p["workspace_id"]), p["subscription_id"])
        del self.subscriptions[sub["subscription_id"]]
        return 200, {**sub, "deleted_at": iso(datetime.now(UTC))}, {}

    async def _validate(self, user: Account, p: dict[str, str], q: dict[str, str], b: Any) -> Any:
        sub = self._subscription(self._hook_workspace(user, p["workspace_id"]), p["subscription_id"])
        if self.validation_codes.get(sub["subscription_id"]) != p["validation_code"]:
            raise Fail(400, f"subscription {sub['subscription_id']} validation code is invalid")
        sub["validated_at"] = iso(datetime.now(UTC))
        return 200, "OK", {}


# ---- module helpers ----------------------------------------------------------------------------------------


def _int(raw: str, what: str, status: int) -> int:
    try:
        return int(raw)
    except ValueError:
        raise Fail(status, f"Invalid {what}") from None


def _name(body: Any, what: str) -> str:
    name = body.get("name") if isinstance(body, dict) else None
    name = " ".join(str(name or "").split())
    if not name:
        raise Fail(400, f"{what} name cannot be empty")
    if len(name) > 100:
        raise Fail(400, f"{what} name maximum length is 100")
    return name


def _public_project(project: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in project.items() if k != "creator_id"}


def _path_params(template: str, path: str, base_path: str) -> dict[str, str]:
    if base_path and path.startswith(base_path):
        path = path[len(base_path) :]
    names = re.findall(r"\{([^}]+)\}", template)
    pattern = re.sub(r"\\\{[^}]+\\\}", "([^/]+)", re.escape(template))
    match = re.match(f"^{pattern}$", path)
    assert match is not None
    return {name: _unquote(value) for name, value in zip(names, match.groups(), strict=True)}


def _unquote(value: str) -> str:
    from urllib.parse import unquote

    return unquote(value)


def _for_check(spec: Swagger, op: Operation) -> Operation:
    """The swagger declares the Reports search answer as `string`; what it sends is an array of
    `detailed.GroupedTimeEntry` (its own definitions), so the fake's answer is checked against that."""
    if op.template.endswith("/search/time_entries") and op.method == "POST":
        schema = {"type": "array", "items": {"$ref": "#/definitions/detailed.GroupedTimeEntry"}}
        return Operation(op.template, op.method, {**op.spec, "responses": {"200": {"schema": schema}}}, {})
    return op


def _without_nulls(value: Any) -> Any:
    """Swagger 2.0 cannot say "nullable"; Toggl sends `null` where its descriptions say a field "can be null"
    (`project_id`, `stop`, `client_id`, …). The wire keeps the nulls; the schema check looks past them."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value
