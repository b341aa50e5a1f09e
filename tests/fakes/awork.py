"""A stateful fake of the awork REST API v1 (`https://api.awork.com/api/v1`) on loopback, for adapter tests.

No awork OpenAPI copy is vendored (`tests/specs/SOURCES.md`), so every fact below names its source:

- [RESEARCH] (from awork's GitBook docs, developers.awork.com and awork's
  n8n route list): base path `/api/v1`; `Authorization: Bearer …`; `GET /users/me` with `workspace{id,name}`;
  `GET/POST /companies`, `GET/PUT /companies/{id}`; `GET/POST /projects`, `GET/PUT /projects/{id}`,
  `GET /projects/{id}/projecttasks`, `GET /projects/tags`; `POST /tasks`, `GET/PUT /tasks/{id}`;
  `GET/POST /typeofwork`; `GET/POST /timeentries`, `GET/PUT/DELETE /timeentries/{id}` (DELETE → 204);
  `POST /me/timetracking/start` (body `typeOfWorkId`, `timezone`, optional `projectId`/`taskId`) and
  `…/stop` (body `{}`), also under `/users/{userId}/timetracking/…`, both returning the time-entry model;
  time-entry fields (`startDateUtc` as `…T00:00:00Z` plus `startTimeUtc` `"HH:mm:ss.fffffff"`, `*Local`
  counterparts, `timezone` (IANA, required), `typeOfWorkId` (required), `userId`, `duration` in seconds,
  `note`, `isBillable`, `isBilled`, `createdOn/By`, `updatedOn/By`); a create takes either start + end or
  start + `duration`; paging `page`/`pageSize` (max 1000, "1000 by default") with response headers
  `aw-page`, `aw-pagesize`, `aw-totalitems` (after filters), `aw-items`; `filterby` (OData subset: `eq ne gt
  lt ge le`, `and`/`or`/`not`, parentheses, `startswith`/`endswith`/`substringof`, typed literals
  `datetime'…'`, `guid'…'`) and `orderby=A desc,B` (no spaces around commas); 429 with `RateLimit-Limit`,
  `RateLimit-Remaining`, `RateLimit-Reset` and the `X-RateLimit-*-Second/-Minute` headers; ids are GUIDs.
- [SEED] awork's 2019 developer guide: the standardized error object
  `{code, description, link, details[], validationErrors[{property, message}]}` and its codes
  (`validation-failed`, `not-found`, `invalid-filter-or-order`, `date-dependency`, `invalid-operation`,
  `server-error`, …; the newer `workspaceid-missing` for a bad token is [RESEARCH]); status codes (GET 200,
  POST 200, PUT 200, DELETE 204, 400, 401, 404); "There can only be one active timer per user" [RESEARCH].
- (assumption) where the material is silent, the plainest behaviour: a running timer has `endDateUtc`,
  `endTimeUtc` and `duration` null, and `filterby` accepts OData's `null`; string `eq` is case-sensitive;
  starting a timer while one runs stops the old one first; a `PUT` of a running entry with an end stops it;
  unknown `projectId`/`taskId`/`companyId` references, a task outside the given project and non-GUID ids in a
  body are 400 `validation-failed`; every user of the workspace may read every entry (admin-like tokens).

Script failures with `fail(...)`; every request is recorded in `requests` as (method, path with query).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web

BASE = "/api/v1"
MAX_PAGE_SIZE = 1000
LINK = "https://developers.awork.com/#response-types"
USER_ID = web.RequestKey("user_id", str)  # whose bearer token it is
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class AworkError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        description: str,
        *,
        validation: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(description)
        self.status, self.code, self.description = status, code, description
        self.validation = validation or []

    def response(self) -> web.Response:
        return error_response(self.status, self.code, self.description, self.validation)


def error_response(
    status: int,
    code: str,
    description: str,
    validation: list[tuple[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    body = {
        "code": code,
        "description": description,
        "link": LINK,
        "details": [],
        "validationErrors": [{"property": p, "message": m} for p, m in validation or []],
    }
    return web.json_response(body, status=status, headers=headers)


def invalid(prop: str, message: str) -> AworkError:
    return AworkError(
        400,
        "validation-failed",
        "The model sent in the request is invalid. See the validation errors for details.",
        validation=[(prop, message)],
    )


# ---- filterby / orderby ------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<lit>(?:datetime|guid)?'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<punct>[(),])"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_./]*))"
)


@dataclass
class _Literal:
    value: Any


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"unexpected text at {pos}")
        pos = match.end()
        if match.group("lit"):
            raw = match.group("lit")
            kind, _, quoted = raw.partition("'")
            value = quoted[:-1].replace("''", "'")
            if kind == "datetime":
                out.append(("lit", _parse_filter_datetime(value)))
            elif kind == "guid":
                if not GUID.match(value):
                    raise ValueError(f"not a guid: {value!r}")
                out.append(("lit", value.lower()))
            else:
                out.append(("lit", value))
        elif match.group("num"):
            num = match.group("num")
            out.append(("lit", float(num) if "." in num else int(num)))
        elif match.group("punct"):
            out.append((match.group("punct"), None))
        else:
            word = match.group("word")
            lowered = word.lower()
            if lowered in ("true", "false"):
                out.append(("lit", lowered == "true"))
            elif lowered == "null":
                out.append(("lit", None))
            else:
                out.append(("word", word))
    return out


def _parse_filter_datetime(value: str) -> datetime:
    stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


Predicate = Callable[[dict[str, Any]], bool]
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a is not None and b is not None and a > b,
    "lt": lambda a, b: a is not None and b is not None and a < b,
    "ge": lambda a, b: a is not None and b is not None and a >= b,
    "le": lambda a, b: a is not None and b is not None and a <= b,
}


def _field(entity: dict[str, Any], path: str) -> Any:
    value: Any = entity
    for part in path.split("/"):
        if not isinstance(value, dict):
            return None
        match = next((k for k in value if k.lower() == part.lower()), None)
        if match is None:
            raise KeyError(path)
        value = value[match]
    if isinstance(value, str):
        if GUID.match(value):
            return value.lower()
        if re.match(r"^\d{4}-\d{2}-\d{2}T", value):
            return _parse_filter_datetime(value)
    return value


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str | None = None) -> tuple[str, Any]:
        token = self.peek()
        if token is None or (kind is not None and token[0] != kind):
            raise ValueError(f"expected {kind}")
        self.pos += 1
        return token

    def keyword(self, word: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() == word:
            self.pos += 1
            return True
        return False

    def parse(self) -> Predicate:
        predicate = self.expr()
        if self.peek() is not None:
            raise ValueError("trailing text")
        return predicate

    def expr(self) -> Predicate:
        left = self.term()
        while self.keyword("or"):
            right = self.term()
            left = (lambda a, b: lambda e: a(e) or b(e))(left, right)
        return left

    def term(self) -> Predicate:
        left = self.factor()
        while self.keyword("and"):
            right = self.factor()
            left = (lambda a, b: lambda e: a(e) and b(e))(left, right)
        return left

    def factor(self) -> Predicate:
        if self.keyword("not"):
            inner = self.factor()
            return lambda e: not inner(e)
        token = self.peek()
        if token and token[0] == "(":
            self.take("(")
            inner = self.expr()
            self.take(")")
            return inner
        _, word = self.take("word")
        lowered = word.lower()
        if lowered in ("startswith", "endswith", "substringof"):
            self.take("(")
            first = self.take()
            self.take(",")
            second = self.take()
            self.take(")")
            if lowered == "substringof":
                needle, path = first[1], second[1]
            else:
                path, needle = first[1], second[1]
            if not isinstance(needle, str) or not isinstance(path, str):
                raise ValueError("bad function arguments")
            test = {
                "startswith": lambda v: v.startswith(needle),
                "endswith": lambda v: v.endswith(needle),
                "substringof": lambda v: needle in v,
            }[lowered]
            return lambda e: isinstance(v := _field(e, path), str) and test(v)
        _, op = self.take("word")
        if op.lower() not in _OPS:
            raise ValueError(f"unknown operator {op!r}")
        _, value = self.take("lit")
        compare = _OPS[op.lower()]
        return lambda e: compare(_field(e, word), value)


def parse_filter(text: str) -> Predicate:
    try:
        return _Parser(text).parse()
    except (ValueError, KeyError) as exc:
        raise AworkError(400, "invalid-filter-or-order", f"The filter is invalid: {exc}") from exc


def apply_orderby(items: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    if " ," in text or ", " in text:
        raise AworkError(400, "invalid-filter-or-order", "No spaces around commas in orderby.")
    result = list(items)
    for part in reversed(text.split(",")):
        name, _, direction = part.strip().partition(" ")
        if direction.lower() not in ("", "asc", "desc"):
            raise AworkError(400, "invalid-filter-or-order", f"Unknown direction {direction!r}.")
        try:
            keyed = [(_field(item, name), item) for item in result]
        except KeyError as exc:
            raise AworkError(400, "invalid-filter-or-order", f"Unknown property {name!r}.") from exc
        keyed.sort(key=lambda pair: (pair[0] is not None, pair[0]), reverse=direction.lower() == "desc")
        result = [item for _, item in keyed]
    return result


# ---- time fields -------------------------------------------------------------------------------------------


def _date_field(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT00:00:00Z")


def _time_field(value: datetime | None) -> str | None:
    # .NET ticks: 7 fractional digits, as in the docs' example "13:08:51.8220632"
    return None if value is None else f"{value:%H:%M:%S}.{value.microsecond * 10:07d}"


def _local_fields(prefix: str, value: datetime | None, zone: str) -> dict[str, str | None]:
    if value is None:
        return {f"{prefix}DateLocal": None, f"{prefix}TimeLocal": None}
    local = value.astimezone(ZoneInfo(zone))
    return {
        f"{prefix}DateLocal": local.strftime("%Y-%m-%dT00:00:00"),
        f"{prefix}TimeLocal": f"{local:%H:%M:%S}.{local.microsecond * 10:07d}",
    }


def _read_instant(body: dict[str, Any], prefix: str) -> datetime | None:
    date_value = body.get(f"{prefix}DateUtc")
    if date_value in (None, ""):
        return None
    try:
        stamp = _parse_filter_datetime(str(date_value)).astimezone(UTC)
        time_value = body.get(f"{prefix}TimeUtc")
        if time_value:
            hours, minutes, rest = str(time_value).split(":")
            seconds, _, fraction = rest.partition(".")
            micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
            stamp = datetime.combine(stamp.date(), datetime.min.time(), tzinfo=UTC) + timedelta(
                hours=int(hours), minutes=int(minutes), seconds=int(seconds), microseconds=micro
            )
        return stamp
    except (ValueError, TypeError) as exc:
        raise invalid(f"{prefix.title()}DateUtc", f"'{prefix}DateUtc' is not a valid date.") from exc


# ---- state -------------------------------------------------------------------------------------------------


@dataclass
class Failure:
    status: int
    headers: dict[str, str]
    method: str | None
    path: str | None
    code: str | None = None


@dataclass
class FakeAwork:
    workspace_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    workspace_name: str = "Superstar Design"
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # token → user id
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    types_of_work: dict[str, dict[str, Any]] = field(default_factory=dict)
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # internal: datetimes
    requests: list[tuple[str, str]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def __post_init__(self) -> None:
        if not self.types_of_work:
            self.add_type_of_work("Project management", archived=True)
            self.add_type_of_work("Development")

    # -- scripting --

    def add_user(self, first_name: str, last_name: str = "", *, token: str | None = None) -> tuple[str, str]:
        """A workspace user and a token for them; returns (user id, token)."""
        user_id = str(uuid.uuid4())
        self.users[user_id] = {
            "id": user_id,
            "firstName": first_name,
            "lastName": last_name,
            "status": "active",
            "isArchived": False,
            "isDeactivated": False,
            "teams": [],
            "tags": [],
            "userContactInfos": [],
            "language": "en-US",
            "isExternal": False,
            "resourceVersion": 1,
            "workspace": {"id": self.workspace_id, "name": self.workspace_name},
        }
        token = token or f"aw-{uuid.uuid4().hex}"
        self.tokens[token] = user_id
        return user_id, token

    def add_type_of_work(self, name: str, *, archived: bool = False) -> str:
        tow_id = str(uuid.uuid4())
        self.types_of_work[tow_id] = {"id": tow_id, "name": name, "icon": "code", "isArchived": archived}
        return tow_id

    def fail(
        self,
        status: int,
        *,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        """The next `times` matching requests answer `status` (429 gets RateLimit headers by default) with
        awork's error object (`code` defaults to `server-error`; 401 `unauthorized` is awork's "insufficient
        permissions")."""
        if headers is None and status == 429:
            headers = {
                "RateLimit-Limit": "500",
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": "0",
                "X-RateLimit-Limit-Second": "500",
                "X-RateLimit-Remaining-Second": "0",
                "X-RateLimit-Limit-Minute": "1000",
                "X-RateLimit-Remaining-Minute": "0",
            }
        for _ in range(times):
            self.failures.append(Failure(status, headers or {}, method, path, code))

    # -- aiohttp plumbing --

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_get(f"{BASE}/users/me", self._me)
        r.add_get(f"{BASE}/companies", self._list(lambda: self.companies.values()))
        r.add_post(f"{BASE}/companies", self._create_company)
        r.add_get(f"{BASE}/companies/{{id}}", self._get(lambda: self.companies))
        r.add_put(f"{BASE}/companies/{{id}}", self._update_company)
        r.add_get(f"{BASE}/projects", self._list(lambda: self.projects.values()))
        r.add_post(f"{BASE}/projects", self._create_project)
        r.add_get(f"{BASE}/projects/tags", self._project_tags)
        r.add_get(f"{BASE}/projects/{{id}}", self._get(lambda: self.projects))
        r.add_put(f"{BASE}/projects/{{id}}", self._update_project)
        r.add_get(f"{BASE}/projects/{{id}}/projecttasks", self._project_tasks)
        r.add_post(f"{BASE}/tasks", self._create_task)
        r.add_get(f"{BASE}/tasks/{{id}}", self._get(lambda: self.tasks))
        r.add_put(f"{BASE}/tasks/{{id}}", self._update_task)
        r.add_get(f"{BASE}/typeofwork", self._list(lambda: self.types_of_work.values()))
        r.add_post(f"{BASE}/typeofwork", self._create_type_of_work)
        r.add_get(
            f"{BASE}/timeentries", self._list(lambda: (self._entry_json(e) for e in self.entries.values()))
        )
        r.add_post(f"{BASE}/timeentries", self._create_entry)
        r.add_get(f"{BASE}/timeentries/{{id}}", self._get_entry)
        r.add_put(f"{BASE}/timeentries/{{id}}", self._update_entry)
        r.add_delete(f"{BASE}/timeentries/{{id}}", self._delete_entry)
        r.add_post(f"{BASE}/me/timetracking/start", self._start)
        r.add_post(f"{BASE}/me/timetracking/stop", self._stop)
        r.add_post(f"{BASE}/users/{{user}}/timetracking/start", self._start)
        r.add_post(f"{BASE}/users/{{user}}/timetracking/stop", self._stop)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append((request.method, request.path_qs))
        for index, failure in enumerate(self.failures):
            if (failure.method is None or failure.method == request.method) and (
                failure.path is None or request.path.startswith(BASE + "/" + failure.path.lstrip("/"))
            ):
                del self.failures[index]
                if failure.status == 429:
                    return error_response(
                        429, "too-many-requests", "Too Many Requests", headers=failure.headers
                    )
                code = failure.code or "server-error"
                return error_response(
                    failure.status, code, f"Scripted failure: {code}.", headers=failure.headers
                )
        auth = request.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or token not in self.tokens:
            return error_response(
                401,
                "workspaceid-missing",
                "The request is missing a valid workspace id. Most likely your token is invalid.",
            )
        request[USER_ID] = self.tokens[token]
        try:
            return await handler(request)
        except AworkError as exc:
            return exc.response()

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError as exc:
            raise AworkError(400, "invalid-model", "The body of the request is invalid or empty.") from exc
        if not isinstance(body, dict):
            raise AworkError(400, "invalid-model", "The body of the request is invalid or empty.")
        return body

    def _paged(self, request: web.Request, items: list[dict[str, Any]]) -> web.Response:
        query = request.query
        if filterby := query.get("filterby"):
            predicate = parse_filter(filterby)
            try:
                items = [item for item in items if predicate(item)]
            except KeyError as exc:
                raise AworkError(400, "invalid-filter-or-order", f"Unknown property {exc}.") from exc
        if orderby := query.get("orderby"):
            items = apply_orderby(items, orderby)
        try:
            page = int(query.get("page", "1"))
            size = int(query.get("pageSize", str(MAX_PAGE_SIZE)))
        except ValueError as exc:
            raise invalid("page", "'page' and 'pageSize' must be integers.") from exc
        if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
            raise invalid("pageSize", f"'pageSize' must be between 1 and {MAX_PAGE_SIZE}.")
        chunk = items[(page - 1) * size : page * size]
        headers = {
            "aw-page": str(page),
            "aw-pagesize": str(size),
            "aw-totalitems": str(len(items)),
            "aw-items": str(len(chunk)),
        }
        return web.json_response(chunk, headers=headers)

    def _list(self, source: Callable[[], Any]) -> Any:
        async def handler(request: web.Request) -> web.Response:
            return self._paged(request, [dict(item) for item in source()])

        return handler

    def _get(self, source: Callable[[], dict[str, dict[str, Any]]]) -> Any:
        async def handler(request: web.Request) -> web.Response:
            found = source().get(request.match_info["id"])
            if found is None:
                raise AworkError(404, "not-found", "The requested resource could not be located.")
            return web.json_response(found)

        return handler

    def _stamp(self, request: web.Request, entity: dict[str, Any], *, created: bool) -> None:
        now = self.clock().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if created:
            entity["createdOn"], entity["createdBy"] = now, request[USER_ID]
            entity["resourceVersion"] = 0
        entity["updatedOn"], entity["updatedBy"] = now, request[USER_ID]
        entity["resourceVersion"] = entity.get("resourceVersion", 0) + 1

    # -- users --

    async def _me(self, request: web.Request) -> web.Response:
        return web.json_response(self.users[request[USER_ID]])

    # -- master data --

    def _name(self, body: dict[str, Any]) -> str:
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            raise invalid("Name", "'Name' should not be empty.")
        return name

    def _ref(self, body: dict[str, Any], key: str, table: dict[str, Any], label: str) -> str | None:
        value = body.get(key)
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not GUID.match(value) or value not in table:
            raise invalid(label, f"The {label} '{value}' does not exist.")
        return value

    async def _create_company(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        company: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "name": self._name(body),
            "isArchived": False,
            "tags": [],
        }
        self._stamp(request, company, created=True)
        self.companies[str(company["id"])] = company
        return web.json_response(company)

    async def _update_company(self, request: web.Request) -> web.Response:
        company = self.companies.get(request.match_info["id"])
        if company is None:
            raise AworkError(404, "not-found", "The requested resource could not be located.")
        body = await self._body(request)
        company["name"] = self._name(body)
        self._stamp(request, company, created=False)
        return web.json_response(company)

    async def _create_project(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        project: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "name": self._name(body),
            "description": body.get("description") or "",
            "companyId": self._ref(body, "companyId", self.companies, "CompanyId"),
            "isBillableByDefault": bool(body.get("isBillableByDefault")),
            "projectStatus": {"id": str(uuid.uuid4()), "name": "In progress", "type": "progress"},
            "tags": [{"name": t.get("name")} for t in body.get("tags") or [] if isinstance(t, dict)],
        }
        self._stamp(request, project, created=True)
        self.projects[str(project["id"])] = project
        return web.json_response(project)

    async def _update_project(self, request: web.Request) -> web.Response:
        project = self.projects.get(request.match_info["id"])
        if project is None:
            raise AworkError(404, "not-found", "The requested resource could not be located.")
        body = await self._body(request)
        project.update(
            name=self._name(body),
            description=body.get("description") or "",
            companyId=self._ref(body, "companyId", self.companies, "CompanyId"),
            isBillableByDefault=bool(body.get("isBillableByDefault")),
        )
        self._stamp(request, project, created=False)
        return web.json_response(project)

    async def _project_tags(self, request: web.Request) -> web.Response:
        names = sorted(
            {t["name"] for p in self.projects.values() for t in p.get("tags", []) if t.get("name")}
        )
        return self._paged(request, [{"name": name} for name in names])

    async def _project_tasks(self, request: web.Request) -> web.Response:
        project_id = request.match_info["id"]
        if project_id not in self.projects:
            raise AworkError(404, "not-found", "The requested resource could not be located.")
        tasks = [dict(t) for t in self.tasks.values() if t["projectId"] == project_id]
        return self._paged(request, tasks)

    async def _create_task(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if body.get("baseType") != "projecttask":
            raise invalid("BaseType", "Only project tasks are supported by this fake.")
        project_id = self._ref(body, "entityId", self.projects, "EntityId")
        if project_id is None:
            raise invalid("EntityId", "'EntityId' must not be empty for a project task.")
        planned = body.get("plannedDuration")
        task: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "name": self._name(body),
            "baseType": "projecttask",
            "entityId": project_id,
            "projectId": project_id,
            "typeOfWorkId": self._ref(body, "typeOfWorkId", self.types_of_work, "TypeOfWorkId"),
            "plannedDuration": int(planned) if isinstance(planned, int | float) else 0,
            "taskStatus": {"id": str(uuid.uuid4()), "name": "To do", "type": "todo"},
        }
        self._stamp(request, task, created=True)
        self.tasks[str(task["id"])] = task
        return web.json_response(task)

    async def _update_task(self, request: web.Request) -> web.Response:
        task = self.tasks.get(request.match_info["id"])
        if task is None:
            raise AworkError(404, "not-found", "The requested resource could not be located.")
        body = await self._body(request)
        planned = body.get("plannedDuration")
        task.update(
            name=self._name(body),
            typeOfWorkId=self._ref(body, "typeOfWorkId", self.types_of_work, "TypeOfWorkId"),
            plannedDuration=int(planned) if isinstance(planned, int | float) else 0,
        )
        self._stamp(request, task, created=False)
        return web.json_response(task)

    async def _create_type_of_work(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        tow_id = self.add_type_of_work(self._name(body))
        return web.json_response(self.types_of_work[tow_id])

    # -- time entries --

    def _entry_json(self, entry: dict[str, Any]) -> dict[str, Any]:
        start: datetime = entry["start"]
        end: datetime | None = entry["end"]
        zone = entry["timezone"]
        return {
            "id": entry["id"],
            "userId": entry["userId"],
            "typeOfWorkId": entry["typeOfWorkId"],
            "projectId": entry["projectId"],
            "taskId": entry["taskId"],
            "note": entry["note"],
            "timezone": zone,
            "duration": None if end is None else int((end - start).total_seconds()),
            "breakDuration": 0,
            "startDateUtc": _date_field(start),
            "startTimeUtc": _time_field(start),
            "endDateUtc": _date_field(end),
            "endTimeUtc": _time_field(end),
            **_local_fields("start", start, zone),
            **_local_fields("end", end, zone),
            "isBillable": entry["isBillable"],
            "isBilled": False,
            "createdOn": entry["createdOn"],
            "createdBy": entry["createdBy"],
            "updatedOn": entry["updatedOn"],
            "updatedBy": entry["updatedBy"],
            "resourceVersion": entry["resourceVersion"],
        }

    def _check_fields(self, body: dict[str, Any], *, need_user: bool) -> dict[str, Any]:
        zone = body.get("timezone")
        try:
            ZoneInfo(str(zone))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise invalid("Timezone", "'Timezone' must be a valid IANA time zone.") from exc
        if zone in (None, ""):
            raise invalid("Timezone", "'Timezone' should not be empty.")
        type_of_work = self._ref(body, "typeOfWorkId", self.types_of_work, "TypeOfWorkId")
        if type_of_work is None:
            raise invalid("TypeOfWorkId", "'TypeOfWorkId' should not be empty.")
        if self.types_of_work[type_of_work]["isArchived"]:
            raise AworkError(400, "entity-archived", "The type of work is archived.")
        user_id = body.get("userId")
        if need_user and user_id not in self.users:
            raise invalid("UserId", "'UserId' must be a user of the workspace.")
        project_id = self._ref(body, "projectId", self.projects, "ProjectId")
        task_id = self._ref(body, "taskId", self.tasks, "TaskId")
        if task_id is not None and self.tasks[task_id]["projectId"] != project_id:
            raise invalid("TaskId", "The task does not belong to the project.")
        note = body.get("note")
        return {
            "timezone": str(zone),
            "typeOfWorkId": type_of_work,
            "userId": user_id,
            "projectId": project_id,
            "taskId": task_id,
            "note": note if isinstance(note, str) else "",
            "isBillable": bool(body.get("isBillable")),
        }

    def _interval(self, body: dict[str, Any]) -> tuple[datetime, datetime | None]:
        start = _read_instant(body, "start")
        if start is None:
            raise invalid("StartDateUtc", "'StartDateUtc' should not be empty.")
        end = _read_instant(body, "end")
        if end is None and isinstance(body.get("duration"), int | float):
            end = start + timedelta(seconds=body["duration"])
        if end is not None and end < start:
            raise AworkError(400, "date-dependency", "The end date is before the start date.")
        return start, end

    def _new_entry(
        self, request: web.Request, fields: dict[str, Any], start: datetime, end: datetime | None
    ) -> dict[str, Any]:
        entry = {"id": str(uuid.uuid4()), **fields, "start": start, "end": end}
        self._stamp(request, entry, created=True)
        self.entries[entry["id"]] = entry
        return entry

    async def _create_entry(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        fields = self._check_fields(body, need_user=True)
        start, end = self._interval(body)
        if end is None:
            raise invalid("EndDateUtc", "Either 'EndDateUtc' or 'Duration' is required.")
        return web.json_response(self._entry_json(self._new_entry(request, fields, start, end)))

    def _entry(self, request: web.Request) -> dict[str, Any]:
        entry = self.entries.get(request.match_info["id"])
        if entry is None:
            raise AworkError(404, "not-found", "The requested resource could not be located.")
        return entry

    async def _get_entry(self, request: web.Request) -> web.Response:
        return web.json_response(self._entry_json(self._entry(request)))

    async def _update_entry(self, request: web.Request) -> web.Response:
        entry = self._entry(request)
        body = await self._body(request)
        body.setdefault("userId", entry["userId"])
        fields = self._check_fields(body, need_user=True)
        start, end = self._interval(body)
        if end is None and entry["end"] is not None:
            raise AworkError(400, "invalid-operation", "A finished time entry cannot be restarted.")
        entry.update(fields, start=start, end=end)
        self._stamp(request, entry, created=False)
        return web.json_response(self._entry_json(entry))

    async def _delete_entry(self, request: web.Request) -> web.Response:
        entry = self._entry(request)
        del self.entries[entry["id"]]
        return web.Response(status=204)

    def _timer_user(self, request: web.Request) -> str:
        user_id = request.match_info.get("user", request[USER_ID])
        if user_id not in self.users:
            raise AworkError(404, "not-found", "The requested resource could not be located.")
        return user_id

    def _running(self, user_id: str) -> dict[str, Any] | None:
        return next((e for e in self.entries.values() if e["userId"] == user_id and e["end"] is None), None)

    async def _start(self, request: web.Request) -> web.Response:
        user_id = self._timer_user(request)
        body = await self._body(request)
        fields = self._check_fields({**body, "userId": user_id}, need_user=True)
        now = self.clock()
        if (running := self._running(user_id)) is not None:  # one active timer per user: the old one stops
            running["end"] = now
        return web.json_response(self._entry_json(self._new_entry(request, fields, now, None)))

    async def _stop(self, request: web.Request) -> web.Response:
        user_id = self._timer_user(request)
        running = self._running(user_id)
        if running is None:
            raise AworkError(400, "invalid-operation", "There is no running time tracking.")
        running["end"] = max(self.clock(), running["start"])
        self._stamp(request, running, created=False)
        return web.json_response(self._entry_json(running))


async def serve(fake: FakeAwork) -> tuple[web.AppRunner, str]:
    """Start `fake` on 127.0.0.1 (random port); returns the runner and the base URL (…/api/v1)."""
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}{BASE}"
