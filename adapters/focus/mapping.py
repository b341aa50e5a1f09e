"""Toggl Focus JSON ↔ domain models: pure functions, no I/O.

Ids are integers on Focus and strings in the domain. A domain `User.id` is the *organization user* id (the
id `organization_users` in a group body takes); a time entry's `toggl_user_id` is the user's account id.
Focus keeps no time zone per entry (it answers in the profile zone), so entries carry the acting user's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.errors import NotFound, Unavailable
from adapters.models import Group, Project, Task, Team, TimeEntry, User


def rfc3339(value: datetime) -> str:
    """Full RFC 3339 in UTC (Focus rejects plain dates with a 400)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise Unavailable("Toggl Focus sent a time that is not a string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise Unavailable("Toggl Focus sent a time that is not RFC 3339") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _id(value: Any) -> str:
    if value is None or isinstance(value, bool):
        raise Unavailable("Toggl Focus sent an object without an id")
    return str(value)


def _opt_id(value: Any) -> str | None:
    return None if value in (None, 0, "") else str(value)


def group_from(item: dict[str, Any]) -> Group:
    """A group from `PUT …/groups/{id}`, a `teams` row or a `groups/me` item (the latter has no members)."""
    return Group(
        id=_id(item.get("id")),
        name=item.get("name") or "",
        emoji=item.get("emoji") or None,
        user_ids=[_id(u.get("organization_user_id")) for u in item.get("users") or []],
        workspace_ids=[_id(w.get("workspace_id")) for w in item.get("workspaces") or []],
    )


def team_from(item: dict[str, Any]) -> Team:
    group = group_from(item)
    ghosts = {_id(g.get("id")): g.get("name") or "" for g in item.get("ghosts") or []}
    return Team(**group.model_dump(), ghosts=ghosts)


def user_from(item: dict[str, Any], workspace_id: str, timezone: str | None = None) -> User:
    return User(
        id=_id(item.get("id")),
        workspace_id=workspace_id,
        name=item.get("name") or item.get("email") or "",
        email=item.get("email") or None,
        is_admin=bool(item.get("admin") or item.get("owner")),
        timezone=timezone,
    )


def project_from(item: dict[str, Any], workspace_id: str) -> Project:
    color = item.get("color")
    return Project(
        id=_id(item.get("id")),
        workspace_id=workspace_id,
        name=item.get("name") or "",
        client_id=_opt_id(item.get("client_id")),
        billable=bool(item.get("billable")),
        color=color if isinstance(color, str) and len(color) == 7 and color.startswith("#") else None,
        done=not item.get("active", True),  # a project Focus created inactive is one nobody should pick
    )


def task_from(item: dict[str, Any], workspace_id: str) -> Task | None:
    """Focus tasks need not belong to a project; the domain's do, so project-less tasks are left out."""
    project_id = _opt_id(item.get("project_id"))
    if project_id is None:
        return None
    estimate = item.get("estimated_duration")
    return Task(
        id=_id(item.get("id")),
        workspace_id=workspace_id,
        project_id=project_id,
        name=item.get("name") or "",
        done=bool(item.get("done") or item.get("completed_at")),
        estimate_seconds=estimate if isinstance(estimate, int) and estimate >= 0 else None,
    )


def entry_from(item: dict[str, Any], workspace_id: str, user_id: str, timezone: str = "UTC") -> TimeEntry:
    """A tracked entry: `stop` null means running (durations are not used: their unit is disputed)."""
    start = parse_time(item.get("start"))
    if start is None:
        raise Unavailable("Toggl Focus sent a time entry without a start")
    return TimeEntry(
        id=_id(item.get("id")),
        workspace_id=workspace_id,
        user_id=user_id,
        start=start,
        end=parse_time(item.get("stop")),
        timezone=timezone,
        project_id=_opt_id(item.get("project_id")),
        task_id=_opt_id(item.get("task_id")),
        description=item.get("description") or "",
        billable=bool(item.get("billable")),
    )


def is_tracked(item: dict[str, Any]) -> bool:
    """Planned entries (calendar blocks without a `start`) are not time worked."""
    return bool(item.get("start")) and not item.get("deleted_at")


def int_id(value: str) -> int:
    """A domain id as the integer Focus expects; anything else cannot name a Focus object."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(f"no such Toggl Focus object: {value!r}") from None
