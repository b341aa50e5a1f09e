"""awork JSON ↔ domain models: pure functions, no I/O.

Time: awork splits an instant into a UTC date field (`startDateUtc`, `…T00:00:00Z`) and a UTC time-of-day
field (`startTimeUtc`, `"13:08:51.8220632"`, .NET ticks: up to 7 fractional digits), and keeps the IANA
`timezone` the user worked in next to it. The domain wants one aware UTC datetime. Writing sends
microseconds (6 digits) and reading keeps the first 6 of up to 7 digits, so what the bot writes reads back
exactly.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from adapters.models import Client, Project, Task, TimeEntry, User, Workspace

_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$")

# awork's standardized error object carries a `code`; the shared client maps by HTTP status only, so the
# message reader leaves the code here for `AworkClient` to refine the mapped error (same task, same context).
last_error_code: ContextVar[str | None] = ContextVar("awork_last_error_code", default=None)


def parse_utc(date_value: str | None, time_value: str | None) -> datetime | None:
    """`startDateUtc` + `startTimeUtc` → aware UTC datetime (None when the date is missing: a running timer).

    The date field may carry a time of its own (requests in the docs send `"2024-05-14T10:00:00Z"`); a
    separate time field, when present, wins.
    """
    if not date_value:
        return None
    text = date_value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    stamp = datetime.fromisoformat(text)
    stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    if not time_value:
        return stamp
    return datetime.combine(stamp.date(), parse_time(time_value), tzinfo=UTC)


def parse_time(value: str) -> time:
    match = _TIME.match(value.strip())
    if match is None:
        raise ValueError(f"not an awork time of day: {value!r}")
    hours, minutes, seconds, fraction = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    return time(int(hours), int(minutes), int(seconds or 0), micro)


def format_date(value: datetime) -> str:
    """The UTC date field: `YYYY-MM-DDT00:00:00Z`."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT00:00:00Z")


def format_time(value: datetime) -> str:
    """The UTC time-of-day field: `HH:mm:ss`, plus `.ffffff` when there are microseconds."""
    moment = value.astimezone(UTC)
    text = moment.strftime("%H:%M:%S")
    return f"{text}.{moment.microsecond:06d}" if moment.microsecond else text


def time_fields(prefix: str, value: datetime | None) -> dict[str, str | None]:
    """`{prefix}DateUtc`/`{prefix}TimeUtc` for a request body (both null for a missing end)."""
    if value is None:
        return {f"{prefix}DateUtc": None, f"{prefix}TimeUtc": None}
    return {f"{prefix}DateUtc": format_date(value), f"{prefix}TimeUtc": format_time(value)}


def filter_datetime(day: date) -> str:
    """A `datetime'…'` literal for `filterby` on a UTC date field (docs: `datetime'2018-04-03T00:00'`)."""
    return f"datetime'{day:%Y-%m-%d}T00:00'"


def entry_from_awork(body: dict[str, Any], workspace_id: str) -> TimeEntry:
    start = parse_utc(body.get("startDateUtc"), body.get("startTimeUtc"))
    if start is None:
        raise ValueError("awork time entry without a start")
    end = parse_utc(body.get("endDateUtc"), body.get("endTimeUtc"))
    return TimeEntry(
        id=str(body["id"]),
        workspace_id=workspace_id,
        user_id=str(body.get("userId") or ""),
        start=start,
        end=end,
        timezone=body.get("timezone") or "UTC",
        project_id=body.get("projectId") or None,
        task_id=body.get("taskId") or None,
        tag_ids=[],
        description=body.get("note") or "",
        billable=bool(body.get("isBillable")),
    )


def entry_body(
    *,
    user_id: str,
    type_of_work_id: str,
    start: datetime,
    end: datetime | None,
    timezone: str,
    project_id: str | None,
    task_id: str | None,
    note: str,
    billable: bool,
) -> dict[str, Any]:
    """A `POST`/`PUT /timeentries` body: split UTC fields plus the IANA zone, as the docs require."""
    return {
        "userId": user_id,
        "typeOfWorkId": type_of_work_id,
        "timezone": timezone,
        "projectId": project_id,
        "taskId": task_id,
        "note": note,
        "isBillable": billable,
        **time_fields("start", start),
        **time_fields("end", end),
    }


def user_from_awork(body: dict[str, Any], workspace_id: str, aad_object_id: str | None) -> User:
    name = " ".join(part for part in (body.get("firstName"), body.get("lastName")) if part) or "awork user"
    return User(
        id=str(body["id"]),
        workspace_id=workspace_id,
        name=name,
        aad_object_id=aad_object_id,
        is_admin=False,  # awork's role/permission model is not on `/users/me` in what the research found
    )


def workspace_from_awork(body: dict[str, Any], tenant_id: str | None) -> Workspace:
    workspace = body.get("workspace") or {}
    return Workspace(
        id=str(workspace.get("id") or "awork"),
        name=str(workspace.get("name") or "awork"),
        tenant_id=tenant_id,
    )


def client_from_awork(body: dict[str, Any], workspace_id: str) -> Client:
    return Client(
        id=str(body["id"]),
        workspace_id=workspace_id,
        name=body["name"],
        archived=bool(body.get("isArchived")),
    )


def project_from_awork(body: dict[str, Any], workspace_id: str) -> Project:
    status = body.get("projectStatus") or {}
    return Project(
        id=str(body["id"]),
        workspace_id=workspace_id,
        name=body["name"],
        client_id=body.get("companyId") or None,
        billable=bool(body.get("isBillableByDefault")),
        done=status.get("type") == "closed",
        description=body.get("description") or "",
    )


def task_from_awork(body: dict[str, Any], workspace_id: str) -> Task:
    status = body.get("taskStatus") or {}
    planned = body.get("plannedDuration")
    return Task(
        id=str(body["id"]),
        workspace_id=workspace_id,
        project_id=str(body.get("projectId") or body.get("entityId") or ""),
        name=body["name"],
        done=status.get("type") == "done",
        estimate_seconds=int(planned) if planned else None,
    )


def error_message(response: httpx.Response) -> str:
    """A safe message from awork's error object: the validation messages, else `description`, else `code`.

    Also records `code` in `last_error_code` for the finer mapping in `AworkClient`.
    """
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        last_error_code.set(None)
        return response.reason_phrase or f"HTTP {response.status_code}"
    code = body.get("code")
    last_error_code.set(code if isinstance(code, str) else None)
    messages = [
        str(item.get("message"))
        for item in body.get("validationErrors") or []
        if isinstance(item, dict) and item.get("message")
    ]
    if messages:
        return "; ".join(messages)[:300]
    for key in ("description", "code"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value[:300]
    return response.reason_phrase or f"HTTP {response.status_code}"


def days_between(start: datetime, end: datetime) -> tuple[date, date]:
    """The UTC dates a window touches (for the coarse date-field filter)."""
    last = (end - timedelta(microseconds=1)) if end > start else end
    return start.astimezone(UTC).date(), last.astimezone(UTC).date()
