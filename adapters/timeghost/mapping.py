"""timeghost JSON ↔ domain models, and the OData `$filter` expressions the adapter sends. Pure, no I/O.

Conventions (see `adapters/timeghost/__init__.py` for the sources):
- Date-times are sent as `yyyy-MM-ddTHH:mm:ss.SSSZ` (the format the definition names for `start`/`end`);
  OData date-time literals are the same text, unquoted (OData v4).
- "No client" / "no project" is an empty `id`: the definition requires `client{id}` on projects and
  `client{id}` + `project{id}` on times, while the domain allows neither. Responses without them (or with an
  empty id) map to `None`.
- A time without `end` is a running timer (the definition made `end` optional in 2022 and documents no timer
  endpoint; inference, recorded in the research notes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from adapters.errors import ValidationFailed
from adapters.http import odata_string
from adapters.models import (
    Client,
    FeedEvent,
    FeedEventDraft,
    FeedEventPatch,
    Group,
    Project,
    Tag,
    TagKind,
    Task,
    TimeEntry,
    User,
    WorkingHoursEntry,
    WorkingHoursType,
    Workspace,
)

TIME_TAG = 1
PROJECT_TAG = 0
ITEM_TYPES = frozenset({"projects", "tasks", "times", "clients", "tags", "customfeedevent"})
WEBHOOK_ENTITIES = ("clients", "projects", "tags", "tasks", "times")
WEBHOOK_EVENTS = ("add", "update", "delete")
COMEGO_TYPES: frozenset[str] = frozenset({"work", "break", "absence"})
FEED_SOURCE = "custom"


# ---- values --------------------------------------------------------------------------------------------


def iso(value: datetime) -> str:
    """`2025-03-04T09:00:00.000Z` (UTC, milliseconds): what timeghost stores and what `$filter` compares."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationFailed("date-times must be timezone-aware")
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def date_range(start: datetime, end: datetime, now: datetime) -> str | None:
    """The `$filter-date-range` preset that is exactly [start, end) in `start`'s zone (`today`, `last_month`,
    … — weeks from Monday), or None. `Create_Excel_Report` requires one; its `startDate`/`endDate` overwrite
    it, and where the period is a preset both say the same."""
    zone = start.tzinfo or UTC
    first, last = start.astimezone(zone), end.astimezone(zone)
    if first.time() != time(0) or last.time() != time(0):
        return None
    today = now.astimezone(zone).date()
    week = today - timedelta(days=today.weekday())
    month = today.replace(day=1)
    previous_month = (month - timedelta(days=1)).replace(day=1)
    year = month.replace(month=1)
    presets = {
        (today, today + timedelta(days=1)): "today",
        (today - timedelta(days=1), today): "yesterday",
        (week, week + timedelta(days=7)): "this_week",
        (week - timedelta(days=7), week): "last_week",
        (month, (month + timedelta(days=32)).replace(day=1)): "this_month",
        (previous_month, month): "last_month",
        (year, year.replace(year=year.year + 1)): "this_year",
        (year.replace(year=year.year - 1), year): "last_year",
    }
    return presets.get((first.date(), last.date()))


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 date-time from timeghost (with `Z` or an offset; naive means UTC), or None."""
    if not value or not isinstance(value, str):
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def ms(value: datetime) -> datetime:
    """`value` at the millisecond precision timeghost keeps (compare adapter-side with what comes back)."""
    return value.astimezone(UTC).replace(microsecond=value.microsecond // 1000 * 1000)


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationFailed("the name is empty")
    return cleaned


def same_name(value: Any, name: str) -> bool:
    """Names compared as the duplicate checks do (`tolower(name) eq …`), for lists filtered here."""
    return isinstance(value, str) and " ".join(value.split()).lower() == name.lower()


def ref(entity_id: str | None) -> dict[str, str]:
    """`{"id": …}` for a reference; the empty id stands for "none" (see the module docstring)."""
    return {"id": entity_id or ""}


def ref_id(value: Any) -> str | None:
    if isinstance(value, Mapping):
        found = value.get("id")
        return str(found) if found else None
    return None


def single(body: Any) -> Mapping[str, Any]:
    """The one entity of a write's answer (tag writes answer with an array, per the definition)."""
    if isinstance(body, list):
        body = body[0] if body else None
    if not isinstance(body, Mapping) or not body.get("id"):
        raise ValidationFailed("timeghost did not return the written entity")
    return body


# ---- OData `$filter` -------------------------------------------------------------------------------------


def f_eq(path: str, value: str) -> str:
    return f"{path} eq {odata_string(value)}"


def f_name(name: str) -> str:
    """Case-insensitive name match (duplicate checks): `tolower(name) eq 'o''brien'`."""
    return f"tolower(name) eq {odata_string(name.lower())}"


def f_and(*parts: str | None) -> str:
    kept = [p for p in parts if p]
    return " and ".join(kept if len(kept) == 1 else [f"({p})" if " or " in p else p for p in kept])


def f_or(parts: Sequence[str]) -> str:
    return "(" + " or ".join(parts) + ")"


def f_overlap(start: datetime, end: datetime, now: datetime) -> str:
    """Rows overlapping [start, end): begins inside, or began earlier and ends (or, open, `now` is) after
    `start` — exactly the local backend's `overlapping()`."""
    alternatives = [f"start ge {iso(start)}", f"end gt {iso(start)}"]
    if now > start:
        alternatives.append("end eq null")
    return f"start lt {iso(end)} and " + f_or(alternatives)


def f_open() -> str:
    return "end eq null"


# ---- responses → domain ------------------------------------------------------------------------------


def client_from(body: Mapping[str, Any], workspace_id: str) -> Client:
    return Client(id=str(body["id"]), workspace_id=workspace_id, name=body.get("name") or "?")


def project_from(body: Mapping[str, Any], workspace_id: str) -> Project:
    color = body.get("color")
    if not (isinstance(color, str) and len(color) == 7 and color.startswith("#")):
        color = None
    else:
        try:
            int(color[1:], 16)
        except ValueError:
            color = None
    return Project(
        id=str(body["id"]),
        workspace_id=workspace_id,
        name=body.get("name") or "?",
        client_id=ref_id(body.get("client")),
        billable=bool(body.get("billable")),
        color=color,
        private=bool(body.get("private")),
        done=bool(body.get("completed")),
        description=body.get("description") or "",
    )


def task_from(body: Mapping[str, Any], workspace_id: str, project_id: str | None = None) -> Task:
    estimation = body.get("estimation")
    return Task(
        id=str(body["id"]),
        workspace_id=workspace_id,
        project_id=ref_id(body.get("project")) or project_id or "",
        name=body.get("name") or "?",
        done=bool(body.get("completed")),
        estimate_seconds=int(estimation) if isinstance(estimation, int | float) and estimation > 0 else None,
    )


def tag_from(body: Mapping[str, Any], workspace_id: str, kind: TagKind | None = None) -> Tag:
    tag_type = body.get("tagType")
    if kind is None:
        kind = "project" if tag_type == PROJECT_TAG else "time"
    return Tag(id=str(body["id"]), workspace_id=workspace_id, name=body.get("name") or "?", kind=kind)


def time_entry_from(body: Mapping[str, Any], workspace_id: str, user_id: str | None = None) -> TimeEntry:
    start = parse_time(body.get("start"))
    if start is None:
        raise ValidationFailed("timeghost sent a time without a start")
    zone = body.get("timeZone")
    return TimeEntry(
        id=str(body["id"]),
        workspace_id=workspace_id,
        user_id=ref_id(body.get("user")) or user_id or "",
        start=start,
        end=parse_time(body.get("end")),
        timezone=zone if isinstance(zone, str) and zone else "UTC",
        project_id=ref_id(body.get("project")),
        task_id=ref_id(body.get("task")),
        tag_ids=[str(t["id"]) for t in body.get("tags") or [] if isinstance(t, Mapping) and t.get("id")],
        description=body.get("name") or "",
        billable=bool(body.get("billable")),
    )


def working_hours_from(body: Mapping[str, Any], workspace_id: str, user_id: str) -> WorkingHoursEntry:
    start = parse_time(body.get("start"))
    if start is None:
        raise ValidationFailed("timeghost sent working hours without a start")
    kind = body.get("type")
    zone = body.get("timeZone")
    wh_type: WorkingHoursType = kind if kind in COMEGO_TYPES else "work"
    return WorkingHoursEntry(
        id=str(body["id"]),
        workspace_id=workspace_id,
        user_id=ref_id(body.get("user")) or user_id,
        start=start,
        end=parse_time(body.get("end")),
        type=wh_type,
        timezone=zone if isinstance(zone, str) and zone else "UTC",
    )


def feed_event_from(body: Mapping[str, Any], workspace_id: str, user_id: str) -> FeedEvent:
    """A `CustomFeedEventResponse` (it carries no user: the caller says whose it is)."""
    start, end = parse_time(body.get("start")), parse_time(body.get("end"))
    if start is None or end is None:
        raise ValidationFailed("timeghost sent a feed event without start or end")
    return FeedEvent(
        id=str(body["id"]),
        workspace_id=workspace_id,
        user_id=ref_id(body.get("user")) or user_id,
        name=body.get("name") or "?",
        description=body.get("description") or "",
        start=start,
        end=end,
        icon_url=body.get("imageUrl") or None,
        url=body.get("url") or None,
        category=body.get("category") or None,
        external_id=body.get("externalId") or None,
        source=FEED_SOURCE,
    )


_FEED_FIELDS = {  # domain field → timeghost's name (the API's `imageUrl` is what people post as `iconUrl`)
    "name": "name",
    "description": "description",
    "icon_url": "imageUrl",
    "url": "url",
    "category": "category",
    "external_id": "externalId",
}


def feed_event_body(draft: FeedEventDraft, user_id: str) -> dict[str, Any]:
    """`CustomFeedEventCreate`: name, start, end and user are required; empty optional fields are left out."""
    body: dict[str, Any] = {"start": iso(draft.start), "end": iso(draft.end), "user": {"id": user_id}}
    for name, wire in _FEED_FIELDS.items():
        value = getattr(draft, name)
        if value:
            body[wire] = value
    return body


def feed_event_patch_body(patch: FeedEventPatch) -> dict[str, Any]:
    """`CustomFeedEventUpdate` (no field required) with only what changes; the owner stays as it is."""
    body: dict[str, Any] = {}
    for name in patch.model_fields_set:
        value = getattr(patch, name)
        if name in ("start", "end") and value is not None:
            body[name] = iso(value)
        elif name in _FEED_FIELDS:
            body[_FEED_FIELDS[name]] = value if value is not None else ""
    return body


def group_from(body: Mapping[str, Any], workspace_id: str) -> Group:
    """A `GroupsResponse` (its `synchronizedGroup` flag, an Entra ID sync, is not kept)."""
    users = [str(u["id"]) for u in body.get("users") or [] if isinstance(u, Mapping) and u.get("id")]
    name = body.get("name") or "?"
    return Group(id=str(body["id"]), name=name, user_ids=users, workspace_ids=[workspace_id])


@dataclass(frozen=True)
class Account:
    """What `get/currentuser` + `get/workspaces/{id}` tell about the caller."""

    workspace: Workspace
    user: User
    users: tuple[User, ...] = field(default=())


def pick_workspace(current_user: Mapping[str, Any], wanted: str | None) -> str | None:
    """The connection's workspace if the user belongs to it, else the default one, else the first."""
    workspaces = current_user.get("workspaces") or []
    ids = [str(w["id"]) for w in workspaces if isinstance(w, Mapping) and w.get("id")]
    if wanted:
        return wanted if wanted in ids else None
    default = current_user.get("defaultWorkspace")
    if default and str(default) in ids:
        return str(default)
    return ids[0] if ids else None


def account_from(
    current_user: Mapping[str, Any],
    workspace: Mapping[str, Any],
    *,
    fallback_name: str,
    aad_object_id: str | None,
    tenant_id: str | None,
    fallback_email: str | None = None,
) -> Account:
    workspace_id = str(workspace["id"])
    user_id = str(current_user["id"])
    users: list[User] = []
    for member in workspace.get("users") or []:
        if not isinstance(member, Mapping) or not member.get("id"):
            continue
        users.append(
            User(
                id=str(member["id"]),
                workspace_id=workspace_id,
                name=member.get("name") or member.get("email") or "?",
                email=member.get("email") or None,
                is_admin=bool(member.get("admin")),
            )
        )
    me = next((u for u in users if u.id == user_id), None)
    user = User(
        id=user_id,
        workspace_id=workspace_id,
        name=(me.name if me else None) or fallback_name,
        aad_object_id=aad_object_id,
        email=current_user.get("email") or (me.email if me else None) or fallback_email,
        is_admin=bool(me and me.is_admin),
    )
    return Account(
        workspace=Workspace(id=workspace_id, name=workspace.get("name") or "timeghost", tenant_id=tenant_id),
        user=user,
        users=tuple(users),
    )


# ---- domain → request bodies -------------------------------------------------------------------------


def time_body(
    *,
    client_id: str | None,
    project_id: str | None,
    description: str,
    start: datetime,
    end: datetime | None,
    billable: bool,
    tag_ids: Iterable[str],
    user_id: str,
) -> dict[str, Any]:
    """A `TimeCreate` (also a complete `TimeUpdate`): exactly the properties the definition declares. It has
    no `task` and no `timeZone` (only answers carry them), so neither is sent: a task link is whatever
    timeghost stored, read from its answer."""
    body: dict[str, Any] = {
        "client": ref(client_id),
        "project": ref(project_id),
        "name": description,
        "start": iso(start),
        "billable": billable,
        "tags": [{"id": tag} for tag in tag_ids],
        "user": {"id": user_id},
    }
    if end is not None:
        body["end"] = iso(end)
    return body


def comego_body(
    *, start: datetime, end: datetime | None, kind: str, timezone: str, user_id: str, workspace_id: str
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "user": {"id": user_id},
        "start": iso(start),
        "timeZone": timezone,
        "type": kind,
        "name": None,
        "source": "timebot",
        "workspace": {"id": workspace_id},
    }
    if end is not None:
        body["end"] = iso(end)
    return body
