"""A stateful fake of the Toggl Focus API (`https://focus.toggl.com/api`) on loopback, for adapter tests.

No Focus OpenAPI copy is vendored (`tests/specs/SOURCES.md`), so every fact below names its source:

- [SEED] Focus's API reference pages ("Organization"): the paths, methods, query
  parameters, bodies, response shapes and status codes of `POST /organizations/{organization_id}/groups`
  (body `emoji, name, organization_users[int], workspaces[int]`,
  201 without a documented body), `GET …/groups/me` (`{items:[{id,name,emoji}]}`),
  `PUT …/groups/{group_id}` (same body; 200 with the group: `id, name, emoji, organization_id, created_at,
  updated_at, deleted_at, users[…], workspaces[…]`; 404 "Group not found"), `DELETE …/groups/{group_id}`
  (`workspace_id` query **required**; 200, 404), `GET …/roles` (`{items:[{role_id, name, code, …}]}`),
  `GET …/teams` (`workspace_id` required; `page`, `per_page`, `sort_dir`, `filter`, `organization_user_id`,
  `group_ids`; `{data, page, rows, total}` with `ghosts`) and `GET …/users` (`page`, `per_page`, `filter`
  "by name or email", `workspaces`, `groups`, …; `{items:[…]}` without totals).
- [TF-DOCS] (Toggl Focus documentation): `Authorization: Bearer toggl_sk_…` (the reference pages' Basic
  snippets are template leftovers), 401 on an authentication failure, quota answered with **402** and
  `X-Toggl-Quota-Remaining`/`X-Toggl-Quota-Resets-In`, `GET /users/me/settings` with `current_workspace_id`,
  `GET ~/tracking/current` (200 entry or **204** empty), `POST ~/tracking/start` (body `description,
  project_id, start, task_id, time_block_id, type`), the time-entry fields, `GET/POST ~/projects`,
  `GET/POST ~/tasks`.
- [TF-3P] (third-party clients): `POST ~/tracking/stop` with `{"end": …}`, `GET ~/time-entries`
  with **required** RFC 3339 `date_from`/`date_to` and `page`/`per_page` answering `{page, per_page, data}`,
  `POST ~/time-entries`, `POST ~/tasks/{task_id}/time-entries`, `PATCH`/`DELETE ~/time-entries/{id}`,
  tracked entries carrying `start`, `stop`, `duration`; a project created with `name` only is `active:false`;
  the error body `{"error", "error_description", "trace_id"}`; `per_page` 100 accepted, 200 rejected with
  the quoted validation message; Track tokens rejected with 401.
- (assumption) everything else, kept as plain as possible: default `per_page` 50; integer ids (a non-integer
  path id is a 400); only organization admins write groups; teams are the groups that list the workspace;
  `rows` is the number of rows on the page; `GET ~/time-entries/{id}` exists; durations are seconds; a start
  while a timer runs is a 409; `~` = `/organizations/{organization_id}/workspaces/{workspace_id}`.

Script failures with `fail(...)`; every request is recorded in `requests` (method, raw path, Authorization).
"""

from __future__ import annotations

import itertools
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FocusError(Exception):
    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


def _bad(description: str) -> FocusError:
    return FocusError(400, "validation", description)


@dataclass
class Member:
    """An organization user: `id` is the organization user id, `account_id` the Toggl account."""

    id: int
    account_id: int
    name: str
    email: str
    token: str
    admin: bool
    workspaces: list[int]
    created_at: str = field(default_factory=_now)


@dataclass
class GroupRow:
    id: int
    name: str
    emoji: str
    users: list[int]
    workspaces: list[int]
    ghosts: dict[int, str] = field(default_factory=dict)
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)


@dataclass
class Organization:
    id: int
    name: str
    workspaces: dict[int, str] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    groups: dict[int, GroupRow] = field(default_factory=dict)


MEMBER = web.RequestKey("member", list[Member])  # who the bearer key belongs to (one row per org)


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    headers: dict[str, str]
    body: Any
    times: int


ROLES = [
    {
        "role_id": 1,
        "code": "admin",
        "name": "Admin",
        "description": "Manages the organization",
        "entity": "organization",
        "privilege_level": 100,
        "type": "system",
        "permissions": [],
    },
    {
        "role_id": 2,
        "code": "member",
        "name": "Member",
        "description": "Tracks time",
        "entity": "organization",
        "privilege_level": 10,
        "type": "system",
        "permissions": [],
    },
]


class FakeFocus:
    """The fake service. `await start()`, use `url`, `await close()` (or `async with FakeFocus() as fake`)."""

    def __init__(self) -> None:
        self._ids = itertools.count(1001)
        self.organizations: dict[int, Organization] = {}
        self.requests: list[tuple[str, str, str]] = []
        self.failures: list[Failure] = []
        self.projects: dict[int, dict[str, Any]] = {}
        self.tasks: dict[int, dict[str, Any]] = {}
        self.entries: dict[int, dict[str, Any]] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ---- set-up --------------------------------------------------------------------------------------

    def add_organization(self, name: str = "Org", workspaces: tuple[str, ...] = ("Main",)) -> Organization:
        org = Organization(next(self._ids), name)
        for ws in workspaces:
            org.workspaces[next(self._ids)] = ws
        self.organizations[org.id] = org
        return org

    def add_group(self, org: Organization, name: str, members: tuple[Member, ...] = ()) -> GroupRow:
        """A group made in Focus's own app, in the organization's first workspace."""
        group = GroupRow(next(self._ids), name, "", [m.id for m in members], [next(iter(org.workspaces))])
        org.groups[group.id] = group
        return group

    def add_member(
        self, org: Organization, name: str, email: str, *, admin: bool = False, token: str | None = None
    ) -> Member:
        member = Member(
            id=next(self._ids),
            account_id=next(self._ids),
            name=name,
            email=email,
            token=token or f"toggl_sk_{secrets.token_hex(12)}",
            admin=admin,
            workspaces=list(org.workspaces),
        )
        org.members[member.id] = member
        return member

    def fail(
        self,
        method: str,
        path: str,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests whose method matches and whose path matches regex `path`."""
        if body is None:
            body = {"error": "server_error" if status >= 500 else "error", "error_description": "scripted"}
        self.failures.append(Failure(method.upper(), re.compile(path), status, headers or {}, body, times))

    def quota_exceeded(self, path: str, *, resets_in: int = 0, times: int = 1, method: str = "GET") -> None:
        self.fail(
            method,
            path,
            402,
            headers={"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": str(resets_in)},
            body={"error": "quota_exceeded", "error_description": "API quota exceeded"},
            times=times,
        )

    # ---- server --------------------------------------------------------------------------------------

    async def start(self) -> FakeFocus:
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        o = "/api/organizations/{org}"
        w = o + "/workspaces/{ws}"
        r.add_get("/api/users/me/settings", self._settings)
        r.add_post(o + "/groups", self._create_group)
        r.add_get(o + "/groups/me", self._my_groups)
        r.add_put(o + "/groups/{group_id}", self._update_group)
        r.add_delete(o + "/groups/{group_id}", self._delete_group)
        r.add_get(o + "/roles", self._roles)
        r.add_get(o + "/teams", self._teams)
        r.add_get(o + "/users", self._users)
        r.add_get(w + "/projects", self._list_projects)
        r.add_post(w + "/projects", self._create_project)
        r.add_get(w + "/tasks", self._list_tasks)
        r.add_post(w + "/tasks", self._create_task)
        r.add_get(w + "/tracking/current", self._current)
        r.add_post(w + "/tracking/start", self._start)
        r.add_post(w + "/tracking/stop", self._stop)
        r.add_get(w + "/time-entries", self._list_entries)
        r.add_post(w + "/time-entries", self._create_entry)
        r.add_post(w + "/tasks/{task_id}/time-entries", self._create_entry)
        r.add_get(w + "/time-entries/{entry_id}", self._get_entry)
        r.add_patch(w + "/time-entries/{entry_id}", self._patch_entry)
        r.add_delete(w + "/time-entries/{entry_id}", self._delete_entry)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/api"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeFocus:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append((request.method, request.raw_path, request.headers.get("Authorization", "")))
        for failure in self.failures:
            if (
                failure.times > 0
                and failure.method == request.method
                and failure.pattern.search(request.path)
            ):
                failure.times -= 1
                return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        try:
            request[MEMBER] = self._authenticate(request)
            return await handler(request)
        except FocusError as exc:
            body = {
                "error": exc.error,
                "error_description": exc.description,
                "trace_id": secrets.token_hex(16),
            }
            return web.json_response(body, status=exc.status)

    def _authenticate(self, request: web.Request) -> list[Member]:
        auth = request.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.startswith("toggl_sk_"):
            raise FocusError(401, "unauthorized", "invalid or missing API key")
        found = [m for org in self.organizations.values() for m in org.members.values() if m.token == token]
        if not found:
            raise FocusError(401, "unauthorized", "invalid or missing API key")
        return found

    # ---- helpers -------------------------------------------------------------------------------------

    def _org(self, request: web.Request) -> tuple[Organization, Member]:
        org = self.organizations.get(_int(request.match_info["org"], "organization_id"))
        me = next((m for m in request[MEMBER] if org is not None and m.id in org.members), None)
        if org is None or me is None:
            raise FocusError(403, "forbidden", "User does not have access to the organization")
        return org, me

    def _workspace(self, request: web.Request) -> tuple[Organization, Member, int]:
        org, me = self._org(request)
        ws = _int(request.match_info["ws"], "workspace_id")
        if ws not in org.workspaces or ws not in me.workspaces:
            raise FocusError(403, "forbidden", "User does not have access to the workspace")
        return org, me, ws

    @staticmethod
    def _admin(me: Member) -> None:
        if not me.admin:
            raise FocusError(403, "forbidden", "User does not have access")

    @staticmethod
    async def _body(request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            raise _bad("invalid JSON body") from None
        if not isinstance(body, dict):
            raise _bad("the body must be a JSON object")
        return body

    def _group_body(self, org: Organization, body: dict[str, Any], *, partial: GroupRow | None) -> GroupRow:
        name = body.get("name", partial.name if partial else None)
        if not isinstance(name, str) or not name.strip():
            raise _bad("Key: 'Group.Name' Error:Field validation for 'Name' failed on the 'required' tag")
        users = body.get("organization_users", partial.users if partial else [])
        workspaces = body.get("workspaces", partial.workspaces if partial else [])
        for value, known, what in (
            (users, org.members, "organization user"),
            (workspaces, org.workspaces, "workspace"),
        ):
            if not isinstance(value, list) or not all(isinstance(v, int) and v in known for v in value):
                raise _bad(f"unknown {what}")
        emoji = body.get("emoji", partial.emoji if partial else "")
        return GroupRow(
            id=partial.id if partial else next(self._ids),
            name=name,
            emoji=emoji if isinstance(emoji, str) else "",
            users=list(dict.fromkeys(users)),
            workspaces=list(dict.fromkeys(workspaces)),
            ghosts=partial.ghosts if partial else {},
            created_at=partial.created_at if partial else _now(),
        )

    def _group_json(self, org: Organization, group: GroupRow, *, ghosts: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": group.id,
            "name": group.name,
            "emoji": group.emoji,
            "organization_id": org.id,
            "created_at": group.created_at,
            "updated_at": group.updated_at,
            "deleted_at": None,
            "users": [
                {
                    "organization_user_id": uid,
                    "user_account_id": org.members[uid].account_id,
                    "display_name": org.members[uid].name,
                    "user_group_id": group.id * 1000 + n,
                    "focus_role_id": 1 if org.members[uid].admin else 2,
                    "track_role_id": None,
                    "work_role_id": None,
                    "created_at": group.created_at,
                    "updated_at": group.updated_at,
                    "deleted_at": None,
                }
                for n, uid in enumerate(group.users)
                if uid in org.members
            ],
            "workspaces": [
                {
                    "workspace_id": ws,
                    "name": org.workspaces[ws],
                    "workspace_group_id": group.id * 1000 + n,
                    "created_at": group.created_at,
                    "updated_at": group.updated_at,
                    "deleted_at": None,
                }
                for n, ws in enumerate(group.workspaces)
            ],
        }
        if ghosts:
            out["ghosts"] = [{"id": gid, "name": name} for gid, name in group.ghosts.items()]
        return out

    # ---- unscoped ------------------------------------------------------------------------------------

    async def _settings(self, request: web.Request) -> web.Response:
        me: Member = request[MEMBER][0]
        return web.json_response({"current_workspace_id": me.workspaces[0] if me.workspaces else None})

    # ---- organization: groups, roles, teams, users [SEED] --------------------------------------------

    async def _create_group(self, request: web.Request) -> web.Response:
        org, me = self._org(request)
        self._admin(me)
        group = self._group_body(org, await self._body(request), partial=None)
        org.groups[group.id] = group
        return web.Response(status=201)  # [SEED] 201 "Successful operation", no body documented

    async def _my_groups(self, request: web.Request) -> web.Response:
        org, me = self._org(request)
        items = [
            {"id": g.id, "name": g.name, "emoji": g.emoji} for g in org.groups.values() if me.id in g.users
        ]
        return web.json_response({"items": items})

    async def _update_group(self, request: web.Request) -> web.Response:
        org, me = self._org(request)
        group = org.groups.get(_int(request.match_info["group_id"], "group_id"))
        if group is None:
            raise FocusError(404, "not_found", "Group not found")
        self._admin(me)
        updated = self._group_body(org, await self._body(request), partial=group)
        updated.updated_at = _now()
        org.groups[group.id] = updated
        return web.json_response(self._group_json(org, updated))

    async def _delete_group(self, request: web.Request) -> web.Response:
        org, me = self._org(request)
        ws = request.query.get("workspace_id")
        if ws is None:
            raise _bad(
                "Key: 'workspace_id' Error:Field validation for 'workspace_id' failed on the 'required' tag"
            )
        if _int(ws, "workspace_id") not in org.workspaces:
            raise FocusError(403, "forbidden", "User does not have access")
        group_id = _int(request.match_info["group_id"], "group_id")
        if group_id not in org.groups:
            raise FocusError(404, "not_found", "Group not found")
        self._admin(me)
        del org.groups[group_id]
        return web.Response(status=200)

    async def _roles(self, request: web.Request) -> web.Response:
        org, _ = self._org(request)
        return web.json_response({"items": [{**role, "organization_id": org.id} for role in ROLES]})

    async def _teams(self, request: web.Request) -> web.Response:
        org, _ = self._org(request)
        q = request.query
        if "workspace_id" not in q:
            raise _bad(
                "Key: 'workspace_id' Error:Field validation for 'workspace_id' failed on the 'required' tag"
            )
        ws = _int(q["workspace_id"], "workspace_id")
        if ws not in org.workspaces:
            raise FocusError(403, "forbidden", "User does not have permission to view groups")
        page, per_page = _paging(q)
        groups = [g for g in org.groups.values() if ws in g.workspaces]
        if "filter" in q:
            groups = [g for g in groups if q["filter"].lower() in g.name.lower()]
        if "organization_user_id" in q:
            uid = _int(q["organization_user_id"], "organization_user_id")
            groups = [g for g in groups if uid in g.users]
        ids = _int_list(q, "group_ids")
        if ids is not None:
            groups = [g for g in groups if g.id in ids]
        groups.sort(key=lambda g: (g.name.lower(), g.id), reverse=q.get("sort_dir") == "desc")
        rows = groups[(page - 1) * per_page : page * per_page]
        return web.json_response(
            {
                "data": [self._group_json(org, g, ghosts=True) for g in rows],
                "page": page,
                "rows": len(rows),
                "total": len(groups),
            }
        )

    async def _users(self, request: web.Request) -> web.Response:
        org, _ = self._org(request)
        q = request.query
        page, per_page = _paging(q)
        members = sorted(org.members.values(), key=lambda m: (m.name.lower(), m.id))
        if q.get("sort_dir") == "desc":
            members.reverse()
        if "filter" in q:
            needle = q["filter"].lower()
            members = [m for m in members if needle in m.name.lower() or needle in m.email.lower()]
        workspaces = _int_list(q, "workspaces")
        if workspaces is not None:
            members = [m for m in members if set(workspaces) & set(m.workspaces)]
        groups = _int_list(q, "groups")
        if groups is not None:
            members = [
                m for m in members if any(m.id in org.groups[g].users for g in groups if g in org.groups)
            ]
        if q.get("only_admins") == "true":
            members = [m for m in members if m.admin]
        rows = members[(page - 1) * per_page : page * per_page]
        return web.json_response({"items": [self._member_json(org, m) for m in rows]})

    def _member_json(self, org: Organization, m: Member) -> dict[str, Any]:
        groups = [g for g in org.groups.values() if m.id in g.users]
        return {
            "id": m.id,
            "user_account_id": m.account_id,
            "user_id": str(m.account_id),
            "organization_id": org.id,
            "name": m.name,
            "email": m.email,
            "admin": m.admin,
            "owner": False,
            "active": True,
            "joined": True,
            "invite_sent": False,
            "2fa_enabled": False,
            "account_locked_at": None,
            "can_edit_personal_details": True,
            "created_at": m.created_at,
            "updated_at": m.created_at,
            "deleted_at": None,
            "groups": [
                {"id": g.id, "name": g.name, "emoji": g.emoji, "workspace_ids": g.workspaces} for g in groups
            ],
            "permissions": {},
            "rate": None,
            "tags": [],
            "working_hours": None,
            "workspaces": [
                {
                    "id": ws,
                    "name": org.workspaces[ws],
                    "workspace_user_id": m.id * 10 + n,
                    "focus_role_id": 1 if m.admin else 2,
                    "track_role_id": None,
                    "work_role_id": None,
                    "toggl_products": ["focus"],
                    "groups": [
                        {"id": g.id, "name": g.name, "emoji": g.emoji} for g in groups if ws in g.workspaces
                    ],
                }
                for n, ws in enumerate(m.workspaces)
            ],
        }

    # ---- workspace: projects, tasks [TF-DOCS, TF-3P] ------------------------------------------------

    async def _list_projects(self, request: web.Request) -> web.Response:
        _, _, ws = self._workspace(request)
        return web.json_response([p for p in self.projects.values() if p["workspace_id"] == ws])

    async def _create_project(self, request: web.Request) -> web.Response:
        _, _, ws = self._workspace(request)
        body = await self._body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _bad("Key: 'Project.Name' Error:Field validation for 'Name' failed on the 'required' tag")
        project = {
            "id": next(self._ids),
            "workspace_id": ws,
            "name": name,
            "active": bool(body.get("active", False)),  # [TF-3P] name only → active:false
            "billable": bool(body.get("billable", False)),
            "color": body.get("color"),
            "client_id": None,
            "created_at": _now(),
            "updated_at": _now(),
        }
        self.projects[project["id"]] = project
        return web.json_response(project, status=201)

    async def _list_tasks(self, request: web.Request) -> web.Response:
        _, _, ws = self._workspace(request)
        tasks = [t for t in self.tasks.values() if t["workspace_id"] == ws]
        if "project_id" in request.query:
            pid = _int(request.query["project_id"], "project_id")
            tasks = [t for t in tasks if t["project_id"] == pid]
        return web.json_response(tasks)

    async def _create_task(self, request: web.Request) -> web.Response:
        _, _, ws = self._workspace(request)
        body = await self._body(request)
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _bad("Key: 'Task.Name' Error:Field validation for 'Name' failed on the 'required' tag")
        project_id = body.get("project_id")
        if project_id is not None and self.projects.get(project_id, {}).get("workspace_id") != ws:
            raise FocusError(404, "not_found", "project not found")
        task = {
            "id": next(self._ids),
            "workspace_id": ws,
            "project_id": project_id,
            "name": name,
            "done": False,
            "estimated_duration": body.get("estimated_duration"),
            "created_at": _now(),
            "updated_at": _now(),
        }
        self.tasks[task["id"]] = task
        return web.json_response(task, status=201)

    # ---- workspace: tracking and time entries [TF-DOCS, TF-3P] --------------------------------------

    def _own(self, request: web.Request, ws: int, me: Member) -> list[dict[str, Any]]:
        return [
            e
            for e in self.entries.values()
            if e["workspace_id"] == ws and e["toggl_user_id"] == me.account_id and e["deleted_at"] is None
        ]

    def _entry(self, request: web.Request, ws: int, me: Member) -> dict[str, Any]:
        entry_id = _int(request.match_info["entry_id"], "time_entry_id")
        for e in self._own(request, ws, me):
            if e["id"] == entry_id:
                return e
        raise FocusError(404, "not_found", "time entry not found")

    def _check_refs(self, ws: int, project_id: Any, task_id: Any) -> None:
        if project_id is not None and self.projects.get(project_id, {}).get("workspace_id") != ws:
            raise FocusError(404, "not_found", "project not found")
        if task_id is not None:
            task = self.tasks.get(task_id)
            if task is None or task["workspace_id"] != ws:
                raise FocusError(404, "not_found", "task not found")
            if project_id is not None and task["project_id"] not in (None, project_id):
                raise _bad("task does not belong to the project")

    def _new_entry(self, ws: int, me: Member, body: dict[str, Any], start: datetime) -> dict[str, Any]:
        self._check_refs(ws, body.get("project_id"), body.get("task_id"))
        entry = {
            "id": next(self._ids),
            "workspace_id": ws,
            "toggl_user_id": me.account_id,
            "project_id": body.get("project_id"),
            "task_id": body.get("task_id"),
            "time_block_id": body.get("time_block_id"),
            "description": body.get("description") or "",
            "start": _iso(start),
            "stop": None,
            "duration": None,
            "billable": bool(body.get("billable", False)),
            "billable_source": "manual",
            "type": body.get("type") or "activity",
            "created_at": _now(),
            "updated_at": _now(),
            "archived_at": None,
            "deleted_at": None,
        }
        self.entries[entry["id"]] = entry
        return entry

    @staticmethod
    def _set_stop(entry: dict[str, Any], stop: datetime | None) -> None:
        start = _parse(entry["start"], "start")
        if stop is not None and stop < start:
            raise _bad("stop must not be before start")
        entry["stop"] = _iso(stop)
        entry["duration"] = None if stop is None else int((stop - start).total_seconds())
        entry["updated_at"] = _now()

    async def _current(self, request: web.Request) -> web.Response:
        _, me, ws = self._workspace(request)
        running = [e for e in self._own(request, ws, me) if e["stop"] is None]
        if not running:
            return web.Response(status=204)  # [TF-DOCS] "Not tracking a time entry"
        return web.json_response(running[0])

    async def _start(self, request: web.Request) -> web.Response:
        _, me, ws = self._workspace(request)
        body = await self._body(request)
        if any(e["stop"] is None for e in self._own(request, ws, me)):
            raise FocusError(409, "conflict", "already tracking a time entry")
        start = _parse(body["start"], "start") if body.get("start") else datetime.now(UTC)
        return web.json_response(self._new_entry(ws, me, body, start))

    async def _stop(self, request: web.Request) -> web.Response:
        _, me, ws = self._workspace(request)
        body = await self._body(request) if request.can_read_body else {}
        running = [e for e in self._own(request, ws, me) if e["stop"] is None]
        if not running:
            raise _bad("Not tracking a time entry")
        end = _parse(body["end"], "end") if body.get("end") else datetime.now(UTC)
        self._set_stop(running[0], end)
        return web.json_response(running[0])

    async def _list_entries(self, request: web.Request) -> web.Response:
        _, me, ws = self._workspace(request)
        q = request.query
        if "date_from" not in q or "date_to" not in q:
            raise _bad("date_from and date_to are required")
        date_from, date_to = _parse(q["date_from"], "date_from"), _parse(q["date_to"], "date_to")
        page, per_page = _paging(q)
        now = datetime.now(UTC)
        rows = [
            e
            for e in self._own(request, ws, me)
            if _parse(e["start"], "start") < date_to
            and (_parse(e["stop"], "stop") if e["stop"] else now) > date_from
        ]
        rows.sort(key=lambda e: (e["start"], e["id"]))
        data = rows[(page - 1) * per_page : page * per_page]
        return web.json_response({"page": page, "per_page": per_page, "data": data})

    async def _create_entry(self, request: web.Request) -> web.Response:
        _, me, ws = self._workspace(request)
        body = await self._body(request)
        if "task_id" in request.match_info:
            body["task_id"] = _int(request.match_info["task_id"], "task_id")
        if not body.get("start"):
            raise _bad(
                "Key: 'TimeEntry.Start' Error:Field validation for 'Start' failed on the 'required' tag"
            )
        start = _parse(body["start"], "start")
        stop = _parse(body["stop"], "stop") if body.get("stop") else None
        if stop is not None and stop < start:
            raise _bad("stop must not be before start")
        if stop is None and any(e["stop"] is None for e in self._own(request, ws, me)):
            raise FocusError(409, "conflict", "already tracking a time entry")
        entry = self._new_entry(ws, me, body, start)
        self._set_stop(entry, stop)
        return web.json_response(entry, status=201)

    async def _get_entry(self, request: web.Request) -> web.Response:
        _, me, ws = self._workspace(request)
        return web.json_response(self._entry(request, ws, me))

    async def _patch_entry(self, request: web.Request) -> web.Response:
        _, me, ws = self._workspace(request)
        entry = self._entry(request, ws, me)
        body = await self._body(request)
        project_id = body.get("project_id", entry["project_id"])
        task_id = body.get("task_id", entry["task_id"])
        self._check_refs(ws, project_id, task_id)
        start = _parse(body["start"], "start") if body.get("start") else _parse(entry["start"], "start")
        stop_raw = body["stop"] if "stop" in body else entry["stop"]
        stop = _parse(stop_raw, "stop") if stop_raw else None
        if stop is not None and stop < start:
            raise _bad("stop must not be before start")
        running = any(e["stop"] is None for e in self._own(request, ws, me))
        if stop is None and entry["stop"] is not None and running:
            raise FocusError(409, "conflict", "already tracking a time entry")
        for key in ("description", "billable"):
            if key in body:
                entry[key] = body[key]
        entry["project_id"], entry["task_id"], entry["start"] = project_id, task_id, _iso(start)
        self._set_stop(entry, stop)
        return web.json_response(entry)

    async def _delete_entry(self, request: web.Request) -> web.Response:
        _, me, ws = self._workspace(request)
        entry = self._entry(request, ws, me)
        entry["deleted_at"] = _now()
        return web.Response(status=204)


def _int(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise _bad(f"invalid {what}: {value!r}") from None


def _int_list(query: Any, key: str) -> list[int] | None:
    values = query.getall(key, None) or query.getall(key + "[]", None)
    if values is None:
        return None
    return [_int(part, key) for value in values for part in value.split(",") if part]


def _paging(query: Any) -> tuple[int, int]:
    page = _int(query.get("page", "1"), "page")
    per_page = _int(query.get("per_page", str(DEFAULT_PER_PAGE)), "per_page")
    if per_page > MAX_PER_PAGE:  # [TF-3P] the quoted message for per_page=200
        raise _bad("Key: 'Pagination.PerPage' Error:Field validation for 'PerPage' failed on the 'max' tag")
    if page < 1 or per_page < 1:
        raise _bad("Key: 'Pagination.Page' Error:Field validation for 'Page' failed on the 'min' tag")
    return page, per_page


def _parse(value: Any, what: str) -> datetime:
    """RFC 3339 with a zone, as Focus demands ([TF-3P]: a plain date is a 400 quoting Go's layout)."""
    if not isinstance(value, str):
        raise _bad(f"{what} must be an RFC 3339 string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise _bad(f'parsing time "{value}" as "2006-01-02T15:04:05Z07:00": cannot parse')
    return parsed.astimezone(UTC)
