"""The domain model every backend speaks: plain pydantic v2 models, no I/O.

Datetimes are timezone-aware and normalised to UTC; the IANA zone the user worked in travels alongside
(`timezone`) so days can be bucketed the way the user saw them, DST included.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _aware_utc(value: datetime) -> datetime:
    """Reject naive datetimes (a silent local-time guess is how entries drift) and normalise to UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_aware_utc)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


def name_key(name: str) -> str:
    """The case-insensitive identity of a name: what uniqueness is checked on, and what reports sort by."""
    return " ".join(name.split()).casefold()


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class WorkingTimeRules(Model):
    """Working-time rules `hours` and `go` check (warn only, never deduct). Defaults: German ArbZG §3-§5."""

    enabled: bool = True
    break_after_minutes: int = Field(default=6 * 60, ge=0, le=24 * 60)  # work beyond this needs…
    break_minutes: int = Field(default=30, ge=0, le=24 * 60)  # …at least this much break
    long_break_after_minutes: int = Field(default=9 * 60, ge=0, le=24 * 60)
    long_break_minutes: int = Field(default=45, ge=0, le=24 * 60)
    min_break_block_minutes: int = Field(default=15, ge=0, le=24 * 60)  # shorter breaks do not count
    max_daily_minutes: int = Field(default=10 * 60, ge=0, le=24 * 60)
    min_rest_minutes: int = Field(default=11 * 60, ge=0, le=24 * 60)  # between two working days


class WorkspaceSettings(Model):
    """Per-workspace policy. `admin_only_master_data` mirrors timeghost's "who may create projects" switch."""

    admin_only_master_data: bool = False
    default_timezone: str = "UTC"
    weekly_target_minutes: int = Field(default=40 * 60, ge=0, le=7 * 24 * 60)
    working_time_rules: WorkingTimeRules = Field(default_factory=WorkingTimeRules)


class Workspace(Model):
    id: str
    name: str
    tenant_id: str | None = None
    settings: WorkspaceSettings = Field(default_factory=WorkspaceSettings)


class User(Model):
    id: str
    workspace_id: str
    name: str
    aad_object_id: str | None = None
    email: str | None = None
    is_admin: bool = False
    timezone: str | None = None


class Client(Model):
    id: str
    workspace_id: str
    name: Name
    archived: bool = False


class Project(Model):
    id: str
    workspace_id: str
    name: Name
    client_id: str | None = None
    billable: bool = False
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    private: bool = False
    done: bool = False
    description: str = ""


class Task(Model):
    id: str
    workspace_id: str
    project_id: str
    name: Name
    done: bool = False
    estimate_seconds: int | None = Field(default=None, ge=0)


TagKind = Literal["time", "project"]


class Tag(Model):
    id: str
    workspace_id: str
    name: Name
    kind: TagKind = "time"


class TimeEntry(Model):
    """A time entry; a running timer is an entry without `end`."""

    id: str
    workspace_id: str
    user_id: str
    start: UtcDatetime
    end: UtcDatetime | None = None
    timezone: str = "UTC"
    project_id: str | None = None
    task_id: str | None = None
    tag_ids: list[str] = Field(default_factory=list)
    description: str = ""
    billable: bool = False

    @property
    def running(self) -> bool:
        return self.end is None

    def overlaps(self, start: datetime, end: datetime, now: datetime) -> bool:
        """The protocol's rule for [start, end) (the local backend's `overlapping()` in SQL): an entry that
        begins inside always overlaps (zero-length ones too); one that began earlier overlaps if it ends (or,
        running, `now` is) after `start`."""
        if self.start >= end:
            return False
        if self.start >= start:
            return True
        return self.end > start if self.end is not None else now > start

    def duration(self, now: datetime | None = None) -> timedelta:
        """Elapsed time; for a running timer, up to `now` (default: the current instant)."""
        end = self.end or now or datetime.now(UTC)
        return max(end - self.start, timedelta(0))


WorkingHoursType = Literal["work", "break", "absence"]


class WorkingHoursEntry(Model):
    """A clock-in/clock-out interval (timeghost "comego"); an open one has no `end`."""

    id: str
    workspace_id: str
    user_id: str
    start: UtcDatetime
    end: UtcDatetime | None = None
    type: WorkingHoursType = "work"
    timezone: str = "UTC"


FEED_RETENTION = timedelta(days=180)
"""How long a feed event is kept after it was posted (timeghost deletes custom feed events after 180 days)."""

FeedText = Annotated[str, Field(max_length=4000)]
FeedUrl = Annotated[str, Field(min_length=1, max_length=2048, pattern=r"^https?://\S+$")]
FeedLabel = Annotated[str, Field(min_length=1, max_length=256)]


class FeedEvent(Model):
    """Something that happened elsewhere (a meeting, a ticket, an external activity) that may be booked as
    time: timeghost's "custom feed event" (`name`, `description`, `user`, `start`, `end`, `imageUrl`, `url`,
    `category`, `externalId`). `source` is the system it came from ("custom" for posted events)."""

    id: str
    workspace_id: str
    user_id: str
    name: Name
    description: FeedText = ""
    start: UtcDatetime
    end: UtcDatetime
    icon_url: FeedUrl | None = None
    url: FeedUrl | None = None
    category: FeedLabel | None = None
    external_id: FeedLabel | None = None
    source: str = "custom"
    booked_entry_id: str | None = None
    dismissed: bool = False


# ---- write models: what a caller hands a backend to create or change something -------------------------


class ClientDraft(Model):
    name: Name


class ProjectDraft(Model):
    name: Name
    client_id: str | None = None
    billable: bool = False
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    private: bool = False
    description: str = ""


class TaskDraft(Model):
    project_id: str
    name: Name
    estimate_seconds: int | None = Field(default=None, ge=0)


class TagDraft(Model):
    name: Name
    kind: TagKind = "time"


class ClientPatch(Model):
    """A change to a client: a new name, or archived (it then leaves the lists; its projects stay)."""

    name: Name | None = None
    archived: bool | None = None


class ProjectPatch(Model):
    """A change to a project: a new name, or archived (`done`: it leaves the lists, its entries stay)."""

    name: Name | None = None
    done: bool | None = None


class TaskPatch(Model):
    name: Name | None = None
    done: bool | None = None


class TagPatch(Model):
    name: Name


class TimeEntryDraft(Model):
    start: UtcDatetime
    end: UtcDatetime | None = None
    timezone: str = "UTC"
    project_id: str | None = None
    task_id: str | None = None
    tag_ids: list[str] = Field(default_factory=list)
    description: str = ""
    billable: bool = False


class TimeEntryPatch(Model):
    """Only the fields that are set (`model_fields_set`) are changed; `end=None` set explicitly restarts."""

    start: UtcDatetime | None = None
    end: UtcDatetime | None = None
    timezone: str | None = None
    project_id: str | None = None
    task_id: str | None = None
    tag_ids: list[str] | None = None
    description: str | None = None
    billable: bool | None = None


class WorkingHoursDraft(Model):
    start: UtcDatetime
    end: UtcDatetime | None = None
    type: WorkingHoursType = "work"
    timezone: str = "UTC"


class WorkingHoursPatch(Model):
    start: UtcDatetime | None = None
    end: UtcDatetime | None = None
    type: WorkingHoursType | None = None


class FeedEventDraft(Model):
    """A feed event to add; `user_id` is the tracker user it is for (None: the acting user; someone else
    needs a workspace admin)."""

    name: Name
    description: FeedText = ""
    start: UtcDatetime
    end: UtcDatetime
    icon_url: FeedUrl | None = None
    url: FeedUrl | None = None
    category: FeedLabel | None = None
    external_id: FeedLabel | None = None
    source: str = "custom"
    user_id: str | None = None


class FeedEventPatch(Model):
    """Only the fields that are set (`model_fields_set`) are changed."""

    name: Name | None = None
    description: FeedText | None = None
    start: UtcDatetime | None = None
    end: UtcDatetime | None = None
    icon_url: FeedUrl | None = None
    url: FeedUrl | None = None
    category: FeedLabel | None = None
    external_id: FeedLabel | None = None
    booked_entry_id: str | None = None
    dismissed: bool | None = None


# ---- organisation structure (groups, and Toggl Focus teams) --------------------------


class Group(Model):
    """A named set of users (and the workspaces it applies to); `user_ids` are the backend's user ids."""

    id: str
    name: str
    emoji: str | None = None
    user_ids: list[str] = Field(default_factory=list)
    workspace_ids: list[str] = Field(default_factory=list)


class Team(Group):
    """A group as a workspace sees it, with its placeholder members (`ghosts`: id → name) if any."""

    ghosts: dict[str, str] = Field(default_factory=dict)
