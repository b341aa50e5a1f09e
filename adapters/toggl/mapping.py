"""Toggl wire format ↔ the domain model: integer ids become strings, `duration < 0` is a running timer,
times travel as UTC `2006-01-02T15:04:05Z`. Pure functions, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field

from adapters.errors import NotFound, Unavailable, ValidationFailed
from adapters.models import (
    Client,
    Group,
    Model,
    Project,
    Tag,
    Task,
    TimeEntry,
    User,
    Workspace,
    WorkspaceSettings,
)

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def wire_time(value: datetime) -> str:
    """UTC, whole seconds, `Z` suffix: the format the v9 payload documents."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed("datetime must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime:
    """Toggl answers RFC 3339 (`+00:00`, `Z`, or the profile's offset); the domain keeps UTC."""
    if not isinstance(value, str):
        raise Unavailable(f"Toggl sent an unreadable time {value!r}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Unavailable(f"Toggl sent an unreadable time {value!r}") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def wire_id(value: str, what: str) -> int:
    """A domain id as Toggl's integer; anything else cannot exist there."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(f"no {what} {value!r}") from None
    if number <= 0 or str(number) != str(value):
        raise NotFound(f"no {what} {value!r}")
    return number


def _opt_id(value: Any) -> str | None:
    return None if value in (None, 0) else str(value)


def _workspace_id(wire: Mapping[str, Any]) -> str:
    return str(wire.get("workspace_id") or wire.get("wid"))


def workspace_from(wire: Mapping[str, Any], timezone: str | None) -> Workspace:
    settings = WorkspaceSettings(
        admin_only_master_data=bool(wire.get("only_admins_may_create_projects")),
        default_timezone=timezone or "UTC",
    )
    return Workspace(id=str(wire["id"]), name=wire.get("name") or "Toggl workspace", settings=settings)


def user_from(me: Mapping[str, Any], workspace: Mapping[str, Any], aad_object_id: str | None) -> User:
    return User(
        id=str(me["id"]),
        workspace_id=str(workspace["id"]),
        name=me.get("fullname") or me.get("email") or str(me["id"]),
        aad_object_id=aad_object_id,
        email=me.get("email") or None,
        is_admin=bool(workspace.get("admin")),
        timezone=me.get("timezone") or None,
    )


def member_from(wire: Mapping[str, Any], workspace_id: str) -> User:
    """A `models.SimpleWorkspaceUser` of `GET /workspaces/{id}/users`."""
    return User(
        id=str(wire["id"]),
        workspace_id=workspace_id,
        name=wire.get("fullname") or wire.get("email") or str(wire["id"]),
        email=wire.get("email") or None,
        is_admin=bool(wire.get("is_admin")) or wire.get("role") == "admin",
    )


def client_from(wire: Mapping[str, Any]) -> Client:
    return Client(
        id=str(wire["id"]),
        workspace_id=_workspace_id(wire),
        name=wire["name"],
        archived=bool(wire.get("archived")),
    )


def project_from(wire: Mapping[str, Any]) -> Project:
    color = wire.get("color")
    return Project(
        id=str(wire["id"]),
        workspace_id=_workspace_id(wire),
        name=wire["name"],
        client_id=_opt_id(wire.get("client_id") or wire.get("cid")),
        billable=bool(wire.get("billable")),
        color=color if isinstance(color, str) and _COLOR.match(color) else None,
        private=bool(wire.get("is_private")),
        done=not wire.get("active", True),
    )


def task_from(wire: Mapping[str, Any]) -> Task:
    estimate = wire.get("estimated_seconds")
    return Task(
        id=str(wire["id"]),
        workspace_id=_workspace_id(wire),
        project_id=str(wire["project_id"]),
        name=wire["name"],
        done=not wire.get("active", True),
        estimate_seconds=estimate if isinstance(estimate, int) and estimate > 0 else None,
    )


def tag_from(wire: Mapping[str, Any]) -> Tag:
    return Tag(id=str(wire["id"]), workspace_id=_workspace_id(wire), name=wire["name"], kind="time")


def entry_from(wire: Mapping[str, Any], timezone: str) -> TimeEntry:
    """A v9 TimeEntry; any negative duration is a running timer (v8 used `-start_epoch`, v9 `-1`)."""
    if isinstance(wire.get("data"), Mapping):  # the legacy `{"data": {…}}` envelope of old samples
        wire = wire["data"]
    start = parse_time(wire["start"])
    duration = wire.get("duration")
    end: datetime | None
    if isinstance(duration, int) and duration < 0:
        end = None
    elif wire.get("stop"):
        end = parse_time(wire["stop"])
    else:  # `duronly` entries carry a duration but no stop
        end = start + timedelta(seconds=int(duration or 0))
    return TimeEntry(
        id=str(wire["id"]),
        workspace_id=_workspace_id(wire),
        user_id=str(wire.get("user_id") or wire.get("uid")),
        start=start,
        end=end,
        timezone=timezone,
        project_id=_opt_id(wire.get("project_id") or wire.get("pid")),
        task_id=_opt_id(wire.get("task_id") or wire.get("tid")),
        tag_ids=[str(i) for i in wire.get("tag_ids") or []],
        description=wire.get("description") or "",
        billable=bool(wire.get("billable")),
    )


def entries_from_report(
    rows: Iterable[Mapping[str, Any]], workspace_id: str, timezone: str
) -> list[TimeEntry]:
    """Reports API v3 detailed rows: one row per (grouped) entry, its instances in `time_entries`."""
    out = []
    for row in rows:
        for item in row.get("time_entries") or []:
            start = parse_time(item["start"])
            stop = item.get("stop")
            out.append(
                TimeEntry(
                    id=str(item["id"]),
                    workspace_id=workspace_id,
                    user_id=str(row["user_id"]),
                    start=start,
                    end=parse_time(stop)
                    if stop
                    else start + timedelta(seconds=int(item.get("seconds") or 0)),
                    timezone=timezone,
                    project_id=_opt_id(row.get("project_id")),
                    task_id=_opt_id(row.get("task_id")),
                    tag_ids=[str(i) for i in row.get("tag_ids") or []],
                    description=row.get("description") or "",
                    billable=bool(row.get("billable")),
                )
            )
    return out


# ---- webhooks ------------------------------------------------------------------------------------------


class Subscription(Model):
    """A Webhooks API v1 subscription; `secret` keys the `X-Webhook-Signature-256` HMAC (never shown)."""

    id: str
    workspace_id: str
    description: str
    callback_url: str
    events: list[str]
    enabled: bool
    validated: bool
    secret: str = Field(default="", repr=False)


def group_from(wire: Mapping[str, Any]) -> Group:
    """A workspace group (`models.Group`): names only, members are not part of it."""
    return Group(id=str(wire["id"]), name=wire.get("name") or "?", workspace_ids=[_workspace_id(wire)])


def org_group_from(wire: Mapping[str, Any]) -> Group:
    """`group.OrganizationGroupResponse`: the group with its users and workspaces."""
    return Group(
        id=str(wire["group_id"]),
        name=wire.get("name") or "?",
        user_ids=[str(u["user_id"]) for u in wire.get("users") or [] if u.get("user_id")],
        workspace_ids=[str(w) for w in wire.get("workspaces") or []],
    )


def event_filters(events: Sequence[str]) -> list[dict[str, str]]:
    """`"time_entry.*"`, `"project.created"`, `"*"` → `[{"entity": …, "action": …}]`."""
    out = []
    for event in events:
        entity, _, action = event.partition(".")
        if not entity:
            raise ValidationFailed(f"not an event: {event!r}")
        out.append({"entity": entity, "action": action or "*"})
    if not out:
        raise ValidationFailed("a subscription needs at least one event")
    return out


def subscription_from(wire: Mapping[str, Any]) -> Subscription:
    return Subscription(
        id=str(wire["subscription_id"]),
        workspace_id=str(wire["workspace_id"]),
        description=wire.get("description") or "",
        callback_url=wire.get("url_callback") or "",
        events=[f"{f.get('entity')}.{f.get('action')}" for f in wire.get("event_filters") or []],
        enabled=bool(wire.get("enabled")),
        validated=bool(wire.get("validated_at")),
        secret=wire.get("secret") or "",
    )
