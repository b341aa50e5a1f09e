"""A stateful fake of the timeghost API on loopback, speaking its RPC paths under `/api`.

What it does like the real service (sources: the connector definition in `tests/specs/timeghost`, its
documentation and third-party code):
- auth by `x-api-key` (third-party code) or `Authorization: Bearer` (the connector's AAD token), else 401
  with `{"message": "user credentials could not be authenticated"}`;
- the `workspace-id` header on every call but `get/currentuser`: 400 without it, 403 for a workspace the
  caller is not a member of;
- OData `$filter` (the subset adapters send: `eq ne lt le gt ge`, `and or not`, parentheses, `tolower()`,
  paths like `project/id`, strings with doubled quotes, `null`/`true`/`false`, numbers, unquoted date-times),
  `$filter-date-range` (required on times) and `$filter-user`;
- non-admins see only their own times and comego entries; private projects only their members (and admins);
- clients, projects (tags, users, groups), tasks, time and project tags, groups, times (tags), comego,
  custom feed events, Delete_Item, the Excel report (a real .xlsx body) and webhook registration for the
  five triggers;
- throttling: an optional per-key limit (`rate_limit=(calls, seconds)`; the connector's is 100 per 60 s)
  answered with 429 + `Retry-After`, and scriptable failures (`fail(...)`), e.g. 5xx or Cosmos DB's
  "The request rate is too large" 500.

Every request is checked with `check_request` (paths, methods, required headers such as `workspace-id` and
`clientid`, required query parameters and their enums — `$filter` on the tag lists is exactly `tagType eq N`
—, path enums, and bodies against their schema with the definition's objects closed: a property it does not
declare, like `task` or `timeZone` on a time, is refused) and every success response with `check_response`,
except where the definition has nothing to check against:
- the comego paths (`get/comego`, `add/comego`, `update/comego/{id}`, `delete/comego/{id}`) are documented
  only by third-party code (and by the connector's newer documentation, without paths): no spec check there,
  and `FakeTimeghost(comego=False)` answers them 404 "Route not resolved", as an account without them does;
- Delete_Item documents no success status at all (only 401/500/503), so its 200 is not response-checked.
Violations are collected in `violations` (and answered with 400) so a test fails on them.
A time's `task` is what the web app set (`link_task`); its `timeZone` the account's (`time_zone`).
"""

from __future__ import annotations

import io
import math
import re
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import xlsxwriter
from aiohttp import web

from tests.support.swagger import SpecViolation, load

AUTH_FAILED = "user credentials could not be authenticated"
ROUTE_NOT_RESOLVED = "Route not resolved"
COSMOS_THROTTLED = (
    'Message: {"Errors":["The request rate is too large. Please retry after sometime."]} ActivityId: fake'
)
DATE_RANGES = (
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_year",
    "last_year",
    "all_time",
)
ITEM_TYPES = {
    "projects": "projects",
    "tasks": "tasks",
    "times": "times",
    "clients": "clients",
    "tags": "tags",
    "customfeedevent": "feed",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# ---- OData `$filter` ------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<dt>\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d))"
    r"|(?P<num>-?\d+(?:\.\d+)?)|(?P<punct>[(),])|(?P<word>[A-Za-z_][\w/]*))"
)
_OPS = {"eq", "ne", "lt", "le", "gt", "ge"}

Predicate = Callable[[dict[str, Any]], bool]
Value = Callable[[dict[str, Any]], Any]


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            raise HttpError(400, f"invalid $filter near {text[pos : pos + 20]!r}")
        pos = match.end()
        kind = match.lastgroup
        raw = match.group(kind or "")
        if kind == "str":
            out.append(("lit", raw[1:-1].replace("''", "'")))
        elif kind == "dt":
            out.append(("lit", datetime.fromisoformat(raw.replace("Z", "+00:00"))))
        elif kind == "num":
            out.append(("lit", float(raw) if "." in raw else int(raw)))
        elif kind == "punct":
            out.append((raw, raw))
        elif raw in ("null", "true", "false"):
            out.append(("lit", {"null": None, "true": True, "false": False}[raw]))
        elif raw in _OPS or raw in ("and", "or", "not"):
            out.append((raw, raw))
        else:
            out.append(("path", raw))
    return out


def _resolve(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("/"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _compare(op: str, left: Any, right: Any) -> bool:
    if isinstance(left, datetime) or isinstance(right, datetime):
        left, right = (_as_time(v) for v in (left, right))
    if left is None or right is None:
        return {"eq": left is right, "ne": left is not right}.get(op, False)
    try:
        return {
            "eq": lambda: left == right,
            "ne": lambda: left != right,
            "lt": lambda: left < right,
            "le": lambda: left <= right,
            "gt": lambda: left > right,
            "ge": lambda: left >= right,
        }[op]()
    except TypeError:
        return False


def _as_time(value: Any) -> datetime | None:
    if isinstance(value, datetime) or value is None:
        return value
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return None


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self, kind: str | None = None) -> tuple[str, Any]:
        if self.i >= len(self.tokens) or (kind is not None and self.tokens[self.i][0] != kind):
            raise HttpError(400, f"invalid $filter: expected {kind or 'more'}")
        self.i += 1
        return self.tokens[self.i - 1]

    def parse(self) -> Predicate:
        predicate = self.or_expr()
        if self.i != len(self.tokens):
            raise HttpError(400, "invalid $filter: trailing input")
        return predicate

    def or_expr(self) -> Predicate:
        parts = [self.and_expr()]
        while self.peek() == "or":
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else lambda r: any(p(r) for p in parts)

    def and_expr(self) -> Predicate:
        parts = [self.unary()]
        while self.peek() == "and":
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else lambda r: all(p(r) for p in parts)

    def unary(self) -> Predicate:
        if self.peek() == "not":
            self.take()
            inner = self.unary()
            return lambda r: not inner(r)
        if self.peek() == "(":
            self.take()
            inner = self.or_expr()
            self.take(")")
            return inner
        left = self.value()
        op = self.take()[0]
        if op not in _OPS:
            raise HttpError(400, f"invalid $filter: unknown operator {op!r}")
        right = self.value()
        return lambda r: _compare(op, left(r), right(r))

    def value(self) -> Value:
        kind, raw = self.take()
        if kind == "lit":
            return lambda r: raw
        if kind != "path":
            raise HttpError(400, f"invalid $filter: unexpected {raw!r}")
        if self.peek() == "(":
            if raw not in ("tolower", "toupper"):
                raise HttpError(400, f"invalid $filter: unsupported function {raw}")
            self.take("(")
            inner = self.value()
            self.take(")")
            upper = raw == "toupper"

            def case(r: dict[str, Any]) -> Any:
                v = inner(r)
                return (v.upper() if upper else v.lower()) if isinstance(v, str) else v

            return case
        return lambda r: _resolve(r, raw)


def odata_filter(text: str | None) -> Predicate:
    if not text or not text.strip():
        return lambda r: True
    return _Parser(text).parse()


# ---- state -----------------------------------------------------------------------------------------------


def _now() -> str:
    return _iso(datetime.now(UTC))


def _iso(value: datetime) -> str:
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class FakeUser:
    id: str
    name: str
    email: str
    workspaces: list[str] = field(default_factory=list)


@dataclass
class FakeWorkspace:
    id: str
    name: str
    admins: set[str] = field(default_factory=set)
    members: list[str] = field(default_factory=list)
    tables: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    webhooks: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Failure:
    status: int
    body: Any
    headers: dict[str, str]
    method: str | None
    path: str | None
    times: int


class FakeTimeghost:
    """Start with `await fake.start()` (returns the base URL, `http://127.0.0.1:<port>/api`)."""

    def __init__(
        self,
        *,
        rate_limit: tuple[int, float] | None = None,
        comego: bool = True,
        time_zone: str = "UTC",
    ) -> None:
        self.spec = load("timeghost/apiDefinition.swagger.json")
        self.comego = comego  # False: the comego paths answer 404 "Route not resolved", like any unknown path
        self.time_zone = time_zone  # what the account's times carry as `timeZone` (requests cannot set it)
        self.users: dict[str, FakeUser] = {}
        self.workspaces: dict[str, FakeWorkspace] = {}
        self.api_keys: dict[str, str] = {}
        self.bearer_tokens: dict[str, str] = {}
        # With an identity provider set, a bearer token must be an Entra access token it accepts (it returns
        # the Entra object id, or None); `aad_users` maps that object id to the timeghost user.
        self.identity_provider: Callable[[str], str | None] | None = None
        self.aad_users: dict[str, str] = {}
        self.rate_limit = rate_limit
        self._sent: dict[str, deque[float]] = defaultdict(deque)
        self._failures: list[Failure] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (method, path, query)
        self.headers_seen: list[dict[str, str]] = []
        self.violations: list[str] = []
        self.throttled = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ---- set-up ------------------------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/api/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/api"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def add_workspace(self, name: str = "Contoso") -> str:
        workspace = FakeWorkspace(id=_new_id(), name=name)
        self.workspaces[workspace.id] = workspace
        return workspace.id

    def add_user(
        self, workspace_id: str, name: str, email: str | None = None, *, admin: bool = False
    ) -> tuple[str, str]:
        """A member of `workspace_id`; returns (user id, API key). A bearer token is `bearer_tokens`' key."""
        user = FakeUser(id=_new_id(), name=name, email=email or f"{name.lower()}@example.com")
        self.users[user.id] = user
        self.join(workspace_id, user.id, admin=admin)
        key = f"key-{uuid.uuid4().hex}"
        self.api_keys[key] = user.id
        self.bearer_tokens[f"aad-{uuid.uuid4().hex}"] = user.id
        return user.id, key

    def join(self, workspace_id: str, user_id: str, *, admin: bool = False) -> None:
        workspace = self.workspaces[workspace_id]
        workspace.members.append(user_id)
        if admin:
            workspace.admins.add(user_id)
        self.users[user_id].workspaces.append(workspace_id)

    def fail(
        self,
        status: int,
        message: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        method: str | None = None,
        path: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching requests (method, path substring) with `status`."""
        body = {"message": message or f"scripted {status}"}
        self._failures.append(Failure(status, body, dict(headers or {}), method, path, times))

    def add_time(
        self, workspace_id: str, user_id: str, start: datetime, end: datetime, *, name: str = ""
    ) -> str:
        """A finished time made in timeghost's own app (benchmarks seed thousands past the API budget)."""
        now = _now()
        row = {
            "id": _new_id(),
            "name": name,
            "billable": False,
            "start": _iso(start),
            "end": _iso(end),
            "timeDiff": int((end - start).total_seconds()),
            "user": {"id": user_id, "name": self.users[user_id].name},
            "timeZone": self.time_zone,
            "client": {"id": ""},
            "project": {"id": ""},
            "tags": [],
            "amount": 0.0,
            "cost": 0.0,
            "created": now,
            "modified": now,
            "status": "created",
            "deleted": False,
            "workspace": {"id": workspace_id},
        }
        self.table(workspace_id, "times")[row["id"]] = row
        return str(row["id"])

    def link_task(self, workspace_id: str, time_id: str, task_id: str) -> None:
        """What the web app can do and `TimeCreate`/`TimeUpdate` cannot: put a task on a time."""
        task = self.table(workspace_id, "tasks")[task_id]
        time_row = self.table(workspace_id, "times")[time_id]
        time_row["task"] = {"id": task["id"], "name": task["name"], "completed": task["completed"]}

    def table(self, workspace_id: str, name: str) -> dict[str, dict[str, Any]]:
        return self.workspaces[workspace_id].tables[name]

    def count(self, method: str, path_prefix: str) -> int:
        return sum(1 for m, p, _ in self.requests if m == method and p.startswith(path_prefix))

    # ---- dispatch ----------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        tail = request.match_info["tail"]
        query = dict(request.query)
        self.requests.append((request.method, tail, query))
        self.headers_seen.append(dict(request.headers))
        try:
            self._scripted(request.method, tail)
            user = self._authenticate(request)
            self._throttle(user.id)
            body = await request.json() if request.can_read_body else None
            comego = tail.startswith(("get/comego", "add/comego", "update/comego/", "delete/comego/"))
            if comego and not self.comego:
                raise HttpError(404, ROUTE_NOT_RESOLVED)
            op = None
            if not comego:  # comego: third-party documented only, outside the definition
                try:
                    op = self.spec.check_request(
                        request.method, request.path, query, body, headers=request.headers, strict_body=True
                    )
                except SpecViolation as exc:
                    self.violations.append(str(exc))
                    raise HttpError(400, f"spec violation: {exc}") from None
            status, payload, content_type = self._route(request, tail, query, body, user)
            if op is not None and not tail.startswith("delete/"):  # Delete_Item documents no 2xx
                check_body = payload.decode("latin-1") if isinstance(payload, bytes) else payload
                try:
                    self.spec.check_response(op, status, check_body)
                except SpecViolation as exc:
                    self.violations.append(str(exc))
                    raise HttpError(400, f"spec violation: {exc}") from None
            if isinstance(payload, bytes):
                return web.Response(status=status, body=payload, content_type=content_type)
            if payload is None:
                return web.Response(status=status)
            return web.json_response(payload, status=status)
        except HttpError as exc:
            return web.json_response({"message": exc.message}, status=exc.status, headers=exc.headers)

    def _scripted(self, method: str, tail: str) -> None:
        for failure in self._failures:
            if failure.times <= 0:
                continue
            if failure.method and failure.method != method:
                continue
            if failure.path and failure.path not in tail:
                continue
            failure.times -= 1
            raise HttpError(failure.status, failure.body["message"], failure.headers)

    def _authenticate(self, request: web.Request) -> FakeUser:
        user_id = None
        key = request.headers.get("x-api-key")
        if key:
            user_id = self.api_keys.get(key)
        else:
            auth = request.headers.get("Authorization", "")
            if auth.startswith("Bearer "):
                token = auth[len("Bearer ") :]
                if self.identity_provider is not None:
                    user_id = self.aad_users.get(self.identity_provider(token) or "")
                else:
                    user_id = self.bearer_tokens.get(token)
        if user_id is None:
            raise HttpError(401, AUTH_FAILED)
        return self.users[user_id]

    def _throttle(self, user_id: str) -> None:
        if self.rate_limit is None:
            return
        calls, period = self.rate_limit
        now = time.monotonic()
        sent = self._sent[user_id]
        while sent and now - sent[0] >= period:
            sent.popleft()
        if len(sent) >= calls:
            self.throttled += 1
            wait = max(math.ceil(period - (now - sent[0])), 1)
            raise HttpError(429, "Too Many Requests", {"Retry-After": str(wait)})
        sent.append(now)

    def _workspace(self, request: web.Request, user: FakeUser) -> FakeWorkspace:
        workspace_id = request.headers.get("workspace-id")
        if not workspace_id:
            raise HttpError(400, "the workspace-id header is required")
        workspace = self.workspaces.get(workspace_id)
        if workspace is None or user.id not in workspace.members:
            raise HttpError(403, "not a member of this workspace")
        return workspace

    def _route(
        self, request: web.Request, tail: str, query: dict[str, str], body: Any, user: FakeUser
    ) -> tuple[int, Any, str]:
        method = request.method
        if (method, tail) == ("GET", "get/currentuser"):
            return 200, self._current_user(user), ""
        ws = self._workspace(request, user)
        ctx = _Ctx(self, ws, user, query, request.headers)
        parts = tail.split("/")
        for route_method, pattern, handler in _ROUTES:
            if route_method != method:
                continue
            match = pattern.fullmatch(tail)
            if match:
                result = handler(ctx, body, *match.groups())
                if isinstance(result, tuple):
                    return result
                return 200, result, ""
        raise HttpError(404, f"no route {method} /{'/'.join(parts)}")

    def _current_user(self, user: FakeUser) -> dict[str, Any]:
        return {
            "id": user.id,
            "deleted": False,
            "email": user.email,
            "defaultWorkspace": user.workspaces[0] if user.workspaces else "",
            "workspaces": [{"id": w, "name": self.workspaces[w].name} for w in user.workspaces],
        }


@dataclass
class _Ctx:
    fake: FakeTimeghost
    ws: FakeWorkspace
    user: FakeUser
    query: dict[str, str]
    headers: Any

    @property
    def admin(self) -> bool:
        return self.user.id in self.ws.admins

    def rows(self, name: str) -> dict[str, dict[str, Any]]:
        return self.ws.tables[name]

    def filtered(self, name: str, extra: Predicate | None = None) -> list[dict[str, Any]]:
        predicate = odata_filter(self.query.get("$filter"))
        return [
            r
            for r in self.rows(name).values()
            if not r.get("deleted") and predicate(r) and (extra is None or extra(r))
        ]

    def get(self, name: str, item_id: str, what: str) -> dict[str, Any]:
        row = self.rows(name).get(item_id)
        if row is None or row.get("deleted"):
            raise HttpError(404, f"{what} not found")
        return row

    def stamp(self, row: dict[str, Any], status: str) -> dict[str, Any]:
        now = _now()
        row.setdefault("id", _new_id())
        row.setdefault("created", now)
        row["modified"] = now
        row["status"] = status
        row.setdefault("deleted", False)
        row["workspace"] = {"id": self.ws.id}
        return row


def _require(body: Any, *names: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise HttpError(400, "a JSON object body is required")
    for name in names:
        if body.get(name) in (None, ""):
            raise HttpError(400, f"{name} is required")
    return body


def _time_arg(value: Any, what: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise HttpError(400, f"{what} is not a date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


# ---- handlers ----------------------------------------------------------------------------------------------


def _workspace_get(ctx: _Ctx, body: Any, workspace_id: str) -> dict[str, Any]:
    if workspace_id != ctx.ws.id:
        raise HttpError(403, "the workspace-id header and the path disagree")
    users = [ctx.fake.users[u] for u in ctx.ws.members]
    return {
        "id": ctx.ws.id,
        "name": ctx.ws.name,
        "settings": {"isNewProjectBillable": False, "currency": "EUR", "allowFutureTimeTracking": True},
        "users": [
            {"id": u.id, "name": u.name, "email": u.email, "admin": u.id in ctx.ws.admins} for u in users
        ],
        "groups": [
            {"id": g["id"], "name": g["name"], "users": g["users"]} for g in ctx.rows("groups").values()
        ],
    }


def _client_ref(ctx: _Ctx, ref: Any) -> dict[str, Any]:
    client_id = (ref or {}).get("id", "")
    if not client_id:
        return {"id": ""}
    client = ctx.get("clients", client_id, "client")
    return {"id": client["id"], "name": client["name"]}


def _clients_list(ctx: _Ctx, body: Any) -> list[dict[str, Any]]:
    return ctx.filtered("clients")


def _clients_add(ctx: _Ctx, body: Any) -> dict[str, Any]:
    _require(body, "name")
    row = ctx.stamp(
        {k: body[k] for k in ("name", "description", "color", "externalId") if k in body}, "created"
    )
    ctx.rows("clients")[row["id"]] = row
    return row


def _clients_update(ctx: _Ctx, body: Any, client_id: str) -> dict[str, Any]:
    row = ctx.get("clients", client_id, "client")
    row.update({k: body[k] for k in ("name", "description", "color", "externalId") if k in (body or {})})
    return ctx.stamp(row, "updated")


def _visible_project(ctx: _Ctx, row: dict[str, Any]) -> bool:
    return ctx.admin or not row.get("private") or any(u["id"] == ctx.user.id for u in row.get("users", []))


def _project_out(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "description" or v}


def _projects_list(ctx: _Ctx, body: Any) -> list[dict[str, Any]]:
    return [_project_out(r) for r in ctx.filtered("projects", lambda r: _visible_project(ctx, r))]


def _client_projects(ctx: _Ctx, body: Any, client_id: str) -> list[dict[str, Any]]:
    ctx.get("clients", client_id, "client")
    return [
        _project_out(r)
        for r in ctx.filtered("projects", lambda r: _visible_project(ctx, r))
        if r["client"]["id"] == client_id
    ]


def _users_ref(ctx: _Ctx, users: Any) -> list[dict[str, Any]]:
    out = []
    for user in users or []:
        if user.get("id") not in ctx.ws.members:
            raise HttpError(400, f"user {user.get('id')!r} is not a member of this workspace")
        out.append({"id": user["id"], "role": user.get("role", 0)})
    return out


def _projects_add(ctx: _Ctx, body: Any) -> dict[str, Any]:
    _require(body, "name")
    row = {
        "name": body["name"],
        "client": _client_ref(ctx, body.get("client")),
        "billable": bool(body.get("billable")),
        "completed": bool(body.get("completed")),
        "taskBasedEstimation": bool(body.get("taskBasedEstimation")),
        "private": bool(body.get("private")),
        "color": body.get("color", "#0000FF"),
        "estimation": body.get("estimation", 0),
        "description": body.get("description", ""),
        "users": _users_ref(ctx, body.get("users")),
        "tags": [],
        "groups": [],
        "projectType": "project",
        "timesRecorded": {"billable": 0, "notBillable": 0},
    }
    row = ctx.stamp(row, "created")
    ctx.rows("projects")[row["id"]] = row
    return _project_out(row)


def _project(ctx: _Ctx, project_id: str) -> dict[str, Any]:
    row = ctx.get("projects", project_id, "project")
    if not _visible_project(ctx, row):
        raise HttpError(404, "project not found")
    return row


def _projects_update(ctx: _Ctx, body: Any, project_id: str) -> dict[str, Any]:
    row = _project(ctx, project_id)
    body = body or {}
    for key in ("name", "billable", "completed", "taskBasedEstimation", "private", "color", "estimation"):
        if key in body:
            row[key] = body[key]
    if "client" in body:
        row["client"] = _client_ref(ctx, body["client"])
    if "users" in body:
        row["users"] = _users_ref(ctx, body["users"])
    return _project_out(ctx.stamp(row, "updated"))


def _projects_tags(ctx: _Ctx, body: Any, project_id: str) -> dict[str, Any]:
    row = _project(ctx, project_id)
    tags = []
    for tag in (body or {}).get("tags", []):
        found = ctx.get("projecttags", tag["id"], "project tag")
        tags.append({"id": found["id"], "name": found["name"]})
    row["tags"] = tags
    return _project_out(ctx.stamp(row, "updated"))


def _projects_users(ctx: _Ctx, body: Any, project_id: str) -> dict[str, Any]:
    row = _project(ctx, project_id)
    row["users"] = _users_ref(ctx, (body or {}).get("users"))
    return _project_out(ctx.stamp(row, "updated"))


def _projects_groups(ctx: _Ctx, body: Any, project_id: str) -> dict[str, Any]:
    row = _project(ctx, project_id)
    groups = []
    for group in (body or {}).get("groups", []):
        ctx.get("groups", group["id"], "group")
        groups.append({"id": group["id"], "role": group.get("role", 0)})
    row["groups"] = groups
    return _project_out(ctx.stamp(row, "updated"))


def _project_tasks(ctx: _Ctx, body: Any, project_id: str) -> list[dict[str, Any]]:
    if "clientid" not in ctx.headers:
        raise HttpError(400, "the clientid header is required")
    _project(ctx, project_id)
    return [r for r in ctx.filtered("tasks") if r["project"]["id"] == project_id]


def _tasks_add(ctx: _Ctx, body: Any) -> dict[str, Any]:
    _require(body, "name", "project")
    project = _project(ctx, body["project"].get("id", ""))
    if (body.get("client") or {}).get("id", "") != project["client"]["id"]:
        raise HttpError(400, "the client does not match the project's client")
    row = {
        "name": body["name"],
        "client": project["client"],
        "project": {"id": project["id"], "name": project["name"]},
        "completed": False,
        "estimation": body.get("estimation", 0),
        "timesRecorded": {"billable": 0, "notBillable": 0},
    }
    if body.get("externalId"):
        row["externalId"] = body["externalId"]
    row = ctx.stamp(row, "created")
    ctx.rows("tasks")[row["id"]] = row
    return row


def _tasks_update(ctx: _Ctx, body: Any, task_id: str) -> dict[str, Any]:
    row = ctx.get("tasks", task_id, "task")
    for key in ("name", "estimation", "externalId"):
        if key in (body or {}):
            row[key] = body[key]
    return ctx.stamp(row, "updated")


def _tags_list(table: str, tag_type: int) -> Callable[..., Any]:
    def handler(ctx: _Ctx, body: Any) -> list[dict[str, Any]]:
        return ctx.filtered(table)

    return handler


def _tags_add(table: str, tag_type: int) -> Callable[..., Any]:
    def handler(ctx: _Ctx, body: Any) -> list[dict[str, Any]]:
        _require(body, "name")
        if body.get("tagType") != tag_type:
            raise HttpError(400, f"tagType must be {tag_type}")
        row = ctx.stamp({"name": body["name"], "tagType": tag_type}, "created")
        if body.get("externalId"):
            row["externalId"] = body["externalId"]
        ctx.rows(table)[row["id"]] = row
        return [row]  # the definition answers tag writes with an array

    return handler


def _tags_update(table: str, tag_type: int) -> Callable[..., Any]:
    def handler(ctx: _Ctx, body: Any, tag_id: str) -> list[dict[str, Any]]:
        row = ctx.get(table, tag_id, "tag")
        if "name" in (body or {}):
            row["name"] = body["name"]
        return [ctx.stamp(row, "updated")]

    return handler


def _groups_list(ctx: _Ctx, body: Any) -> list[dict[str, Any]]:
    return list(ctx.rows("groups").values())


def _groups_add(ctx: _Ctx, body: Any) -> dict[str, Any]:
    _require(body, "name")
    users = [
        {"id": u["id"], "name": ctx.fake.users[u["id"]].name} for u in _users_ref(ctx, body.get("users"))
    ]
    row = {"id": _new_id(), "name": body["name"], "synchronizedGroup": False, "users": users}
    ctx.rows("groups")[row["id"]] = row
    return row


def _groups_update(ctx: _Ctx, body: Any, group_id: str) -> dict[str, Any]:
    row = ctx.get("groups", group_id, "group")
    body = body or {}
    if "name" in body:
        row["name"] = body["name"]
    if "users" in body:
        row["users"] = [
            {"id": u["id"], "name": ctx.fake.users[u["id"]].name} for u in _users_ref(ctx, body["users"])
        ]
    return row


# times


def _date_range(name: str) -> tuple[datetime, datetime] | None:
    if name not in DATE_RANGES:
        raise HttpError(400, f"unknown $filter-date-range {name!r}")
    now = datetime.now(UTC)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = day - timedelta(days=day.weekday())
    month = day.replace(day=1)
    year = month.replace(month=1)
    previous_month = (month - timedelta(days=1)).replace(day=1)
    ranges = {
        "today": (day, day + timedelta(days=1)),
        "yesterday": (day - timedelta(days=1), day),
        "this_week": (week, week + timedelta(days=7)),
        "last_week": (week - timedelta(days=7), week),
        "this_month": (month, (month + timedelta(days=32)).replace(day=1)),
        "last_month": (previous_month, month),
        "this_year": (year, year.replace(year=year.year + 1)),
        "last_year": (year.replace(year=year.year - 1), year),
    }
    return ranges.get(name)


def _times(ctx: _Ctx, extra: Predicate | None = None) -> list[dict[str, Any]]:
    range_name = ctx.query.get("$filter-date-range")
    if not range_name:
        raise HttpError(400, "$filter-date-range is required")
    window = _date_range(range_name)
    wanted_user = ctx.query.get("$filter-user")
    if wanted_user and wanted_user != ctx.user.id and not ctx.admin:
        return []  # a member sees no one else's times

    def visible(row: dict[str, Any]) -> bool:
        owner = row["user"]["id"]
        if not ctx.admin and owner != ctx.user.id:
            return False
        if wanted_user and owner != wanted_user:
            return False
        if window is not None:
            start = _time_arg(row["start"], "start")
            if not window[0] <= start < window[1]:
                return False
        return extra is None or extra(row)

    return ctx.filtered("times", visible)


def _times_list(ctx: _Ctx, body: Any) -> list[dict[str, Any]]:
    return _times(ctx)


def _project_times(ctx: _Ctx, body: Any, project_id: str) -> list[dict[str, Any]]:
    if "clientid" not in ctx.headers:
        raise HttpError(400, "the clientid header is required")
    _project(ctx, project_id)
    return _times(ctx, lambda r: r["project"]["id"] == project_id)


def _client_times(ctx: _Ctx, body: Any, client_id: str) -> list[dict[str, Any]]:
    ctx.get("clients", client_id, "client")
    return _times(ctx, lambda r: r["client"]["id"] == client_id)


def _time_refs(ctx: _Ctx, body: dict[str, Any], row: dict[str, Any]) -> None:
    """Resolve client/project/task/tags of `body` into `row` (400/404 on inconsistencies)."""
    if "project" in body:
        project_id = (body["project"] or {}).get("id", "")
        if project_id:
            project = _project(ctx, project_id)
            row["project"] = {"id": project["id"], "name": project["name"], "completed": project["completed"]}
            client = project["client"]
        else:
            row["project"], client = {"id": ""}, {"id": ""}
        if (body.get("client") or {}).get("id", "") != client["id"]:
            raise HttpError(400, "the client does not match the project's client")
        row["client"] = client
        task = ctx.rows("tasks").get((row.get("task") or {}).get("id", ""))
        if task is None or task["project"]["id"] != row["project"]["id"]:
            row.pop("task", None)  # a task set in the web app (`link_task`) stays while the project does
    if "tags" in body:
        row["tags"] = [
            {"id": t["id"], "name": ctx.get("tags", t["id"], "tag")["name"]} for t in body["tags"] or []
        ]


def _time_finish(row: dict[str, Any]) -> None:
    start = _time_arg(row["start"], "start")
    if row.get("end"):
        end = _time_arg(row["end"], "end")
        if end < start:
            raise HttpError(400, "the end is before the start")
        row["timeDiff"] = int((end - start).total_seconds())
    else:
        row.pop("end", None)
        row["timeDiff"] = 0


def _times_add(ctx: _Ctx, body: Any) -> dict[str, Any]:
    body = _require(body, "start")
    for name in ("client", "project", "name", "billable"):
        if name not in body:
            raise HttpError(400, f"{name} is required")
    owner_id = (body.get("user") or {}).get("id") or ctx.user.id
    if owner_id != ctx.user.id and not ctx.admin:
        raise HttpError(403, "only admins may add times for others")
    if owner_id not in ctx.ws.members:
        raise HttpError(400, "unknown user")
    row: dict[str, Any] = {
        "name": body["name"],
        "billable": bool(body["billable"]),
        "start": _iso(_time_arg(body["start"], "start")),
        "user": {"id": owner_id, "name": ctx.fake.users[owner_id].name},
        "timeZone": ctx.fake.time_zone,  # the definition takes no zone: timeghost sets the account's
        "tags": [],
        "amount": 0.0,
        "cost": 0.0,
    }
    if body.get("end"):
        row["end"] = _iso(_time_arg(body["end"], "end"))
    if body.get("externalId"):
        row["externalId"] = body["externalId"]
    _time_refs(ctx, body, row)
    _time_finish(row)
    row = ctx.stamp(row, "created")
    ctx.rows("times")[row["id"]] = row
    return row


def _own_time(ctx: _Ctx, time_id: str) -> dict[str, Any]:
    row = ctx.get("times", time_id, "time")
    if row["user"]["id"] != ctx.user.id and not ctx.admin:
        raise HttpError(404, "time not found")
    return row


def _times_update(ctx: _Ctx, body: Any, time_id: str) -> dict[str, Any]:
    row = dict(_own_time(ctx, time_id))
    body = body or {}
    for key in ("name", "billable", "externalId"):
        if key in body:
            row[key] = body[key]
    for key in ("start", "end"):
        if body.get(key):
            row[key] = _iso(_time_arg(body[key], key))
    _time_refs(ctx, body, row)
    _time_finish(row)
    ctx.rows("times")[time_id] = row
    return ctx.stamp(row, "updated")


def _times_tags(ctx: _Ctx, body: Any, time_id: str) -> dict[str, Any]:
    row = _own_time(ctx, time_id)
    _time_refs(ctx, {"tags": (body or {}).get("tags", [])}, row)
    return ctx.stamp(row, "updated")


# comego (outside the definition)


def _comego_visible(ctx: _Ctx, row: dict[str, Any]) -> bool:
    wanted = ctx.query.get("$filter-user")
    owner = row["user"]["id"]
    return (ctx.admin or owner == ctx.user.id) and (not wanted or owner == wanted)


def _comego_list(ctx: _Ctx, body: Any) -> list[dict[str, Any]]:
    return ctx.filtered("comego", lambda r: _comego_visible(ctx, r))


def _comego_fields(ctx: _Ctx, item: dict[str, Any], row: dict[str, Any]) -> None:
    if "type" in item:
        if item["type"] not in ("work", "break", "absence"):
            raise HttpError(400, f"unknown type {item['type']!r}")
        row["type"] = item["type"]
    for key in ("name", "timeZone", "source"):
        if key in item:
            row[key] = item[key]
    if item.get("start"):
        row["start"] = _iso(_time_arg(item["start"], "start"))
    if "end" in item:
        if item["end"]:
            row["end"] = _iso(_time_arg(item["end"], "end"))
        else:
            row.pop("end", None)
    if "start" not in row:
        raise HttpError(400, "start is required")
    if row.get("end") and _time_arg(row["end"], "end") < _time_arg(row["start"], "start"):
        raise HttpError(400, "the end is before the start")


def _comego_add(ctx: _Ctx, body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, list) or not body:
        raise HttpError(400, "an array of working hours is expected")
    created = []
    for item in body:
        owner = (item.get("user") or {}).get("id") or ctx.user.id
        if owner != ctx.user.id and not ctx.admin:
            raise HttpError(403, "only admins may add working hours for others")
        row: dict[str, Any] = {
            "cosmosEntityName": "comego",
            "type": "work",
            "user": {"id": owner, "name": ctx.fake.users[owner].name},
        }
        _comego_fields(ctx, item, row)
        created.append(ctx.stamp(row, "new"))
    for row in created:
        ctx.rows("comego")[row["id"]] = row
    return created


def _comego_update(ctx: _Ctx, body: Any, entry_id: str) -> dict[str, Any]:
    row = dict(ctx.get("comego", entry_id, "working hours entry"))
    if not (ctx.admin or row["user"]["id"] == ctx.user.id):
        raise HttpError(404, "working hours entry not found")
    _comego_fields(ctx, body or {}, row)
    ctx.rows("comego")[entry_id] = row
    return ctx.stamp(row, "updated")


def _comego_delete(ctx: _Ctx, body: Any, entry_id: str) -> tuple[int, Any, str]:
    row = ctx.get("comego", entry_id, "working hours entry")
    if not (ctx.admin or row["user"]["id"] == ctx.user.id):
        raise HttpError(404, "working hours entry not found")
    del ctx.rows("comego")[entry_id]
    return 200, None, ""


# custom feed events


def _feed_add(ctx: _Ctx, body: Any) -> dict[str, Any]:
    body = _require(body, "name", "start", "end", "user")
    owner = body["user"].get("id")
    if owner != ctx.user.id and not ctx.admin:
        raise HttpError(403, "only admins may add feed events for others")
    row = {
        k: body[k] for k in ("name", "description", "imageUrl", "url", "category", "externalId") if k in body
    }
    row["start"] = _iso(_time_arg(body["start"], "start"))
    row["end"] = _iso(_time_arg(body["end"], "end"))
    if row["end"] < row["start"]:
        raise HttpError(400, "the end is before the start")
    row["user"] = {"id": owner}
    row = ctx.stamp(row, "created")
    ctx.rows("feed")[row["id"]] = row
    return {k: v for k, v in row.items() if k != "user"}


def _feed_update(ctx: _Ctx, body: Any, event_id: str) -> dict[str, Any]:
    row = ctx.get("feed", event_id, "feed event")
    if row["user"]["id"] != ctx.user.id and not ctx.admin:
        raise HttpError(404, "feed event not found")
    body = body or {}
    for key in ("name", "description", "imageUrl", "url", "category", "externalId"):
        if key in body:
            row[key] = body[key]
    for key in ("start", "end"):
        if body.get(key):
            row[key] = _iso(_time_arg(body[key], key))
    return {k: v for k, v in ctx.stamp(row, "updated").items() if k != "user"}


# delete, report, webhooks


def _delete_item(ctx: _Ctx, body: Any, item_type: str, item_id: str) -> tuple[int, Any, str]:
    table = ITEM_TYPES.get(item_type)
    if table is None:
        raise HttpError(400, f"unknown ItemType {item_type!r}")
    if table == "tags":
        table = "tags" if item_id in ctx.rows("tags") else "projecttags"
    row = ctx.get(table, item_id, item_type)
    owner = (row.get("user") or {}).get("id")
    if owner is not None and owner != ctx.user.id and not ctx.admin:
        raise HttpError(404, f"{item_type} not found")
    del ctx.rows(table)[item_id]
    return 200, None, ""


def _excel(ctx: _Ctx, body: Any) -> tuple[int, Any, str]:
    if ctx.query.get("groupedByProject") not in ("true", "false"):
        raise HttpError(400, "groupedByProject is required")
    range_name = ctx.query.get("$filter-date-range", "")
    if range_name == "all_time" or range_name not in DATE_RANGES:
        raise HttpError(400, "invalid $filter-date-range")
    start, end = ctx.query.get("startDate"), ctx.query.get("endDate")
    if start and end:
        window = (_time_arg(start, "startDate"), _time_arg(end, "endDate"))
    else:
        window = _date_range(range_name) or (
            datetime.min.replace(tzinfo=UTC),
            datetime.max.replace(tzinfo=UTC),
        )
    wanted = ctx.query.get("$filter-user")
    rows = [
        r
        for r in ctx.rows("times").values()
        if (ctx.admin or r["user"]["id"] == ctx.user.id)
        and (not wanted or r["user"]["id"] == wanted)
        and window[0] <= _time_arg(r["start"], "start") < window[1]
    ]
    if ctx.query["groupedByProject"] == "true":
        rows.sort(key=lambda r: (r["project"].get("name", ""), r["start"]))
    else:
        rows.sort(key=lambda r: r["start"])
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Times")
    for col, title in enumerate(("Project", "Description", "User", "Start", "End", "Seconds")):
        sheet.write_string(0, col, title)
    for i, row in enumerate(rows, start=1):
        sheet.write_string(i, 0, row["project"].get("name", ""))
        sheet.write_string(i, 1, row["name"])
        sheet.write_string(i, 2, row["user"]["name"])
        sheet.write_string(i, 3, row["start"])
        sheet.write_string(i, 4, row.get("end", ""))
        sheet.write_number(i, 5, row["timeDiff"])
    book.close()
    return 200, out.getvalue(), XLSX


def _register_webhook(ctx: _Ctx, body: Any, entity: str) -> tuple[int, Any, str]:
    body = _require(body, "name", "entity", "config")
    if body["entity"] != entity:
        raise HttpError(400, "the entity does not match the path")
    if not (body["config"] or {}).get("url"):
        raise HttpError(400, "config.url is required")
    ctx.ws.webhooks.append({**body, "registeredBy": ctx.user.id})
    return 200, None, ""


_ID = "([^/]+)"
_ROUTES: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = [
    (m, re.compile(p), h)
    for m, p, h in [
        ("GET", f"get/workspaces/{_ID}", _workspace_get),
        ("GET", "get/clients", _clients_list),
        ("POST", "add/clients", _clients_add),
        ("POST", f"update/clients/{_ID}", _clients_update),
        ("GET", f"get/clients/{_ID}/projects", _client_projects),
        ("GET", f"get/clients/{_ID}/times", _client_times),
        ("GET", "get/projects", _projects_list),
        ("POST", "add/projects", _projects_add),
        ("POST", f"update/projects/{_ID}", _projects_update),
        ("POST", f"update/projects/{_ID}/tags", _projects_tags),
        ("POST", f"update/projects/{_ID}/users", _projects_users),
        ("POST", f"update/projects/{_ID}/groups", _projects_groups),
        ("GET", f"get/projects/{_ID}/tasks", _project_tasks),
        ("GET", f"get/projects/{_ID}/times", _project_times),
        ("POST", "add/tasks", _tasks_add),
        ("POST", f"update/tasks/{_ID}", _tasks_update),
        ("GET", "get/tags", _tags_list("tags", 1)),
        ("GET", "get/projecttags", _tags_list("projecttags", 0)),
        ("POST", "add/tags", _tags_add("tags", 1)),
        ("POST", "add/projecttags", _tags_add("projecttags", 0)),
        ("POST", f"update/tags/{_ID}", _tags_update("tags", 1)),
        ("POST", f"update/projecttags/{_ID}", _tags_update("projecttags", 0)),
        ("GET", "get/groups", _groups_list),
        ("POST", "add/groups", _groups_add),
        ("POST", f"update/groups/{_ID}", _groups_update),
        ("GET", "get/times", _times_list),
        ("POST", "add/times", _times_add),
        ("POST", f"update/times/{_ID}", _times_update),
        ("POST", f"update/times/{_ID}/tags", _times_tags),
        ("GET", "get/comego", _comego_list),
        ("POST", "add/comego", _comego_add),
        ("POST", f"update/comego/{_ID}", _comego_update),
        ("DELETE", f"delete/comego/{_ID}", _comego_delete),
        ("POST", "add/customfeedevent", _feed_add),
        ("POST", f"update/customfeedevent/{_ID}", _feed_update),
        ("DELETE", f"delete/{_ID}/{_ID}", _delete_item),
        ("POST", "Create_Excel_Report", _excel),
        ("POST", "register_webhook/(clients|projects|tags|tasks|times)", _register_webhook),
    ]
]
