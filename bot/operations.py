"""Typed operations: what a person asked for, whether they typed a command or pressed a card button.

The parser (`bot.commands`) and the card handlers both produce these; the service (`bot.service`) runs them.
Times are already resolved to aware datetimes in the user's zone (the parser knows "now" and the zone), so
the service never re-interprets text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from bot.i18n import Message, render


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What the parser needs to resolve relative input: the instant, the user's zone, their locale."""

    now: datetime  # aware
    tz: ZoneInfo
    locale: str = "en-US"


class Op(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectRef(Op):
    """`@web`, `@website/design`, `@acme/website/design`, or leading words naming a project.

    `path` holds the raw parts as typed; the service resolves them (exact, unique prefix, fuzzy).
    One part = project; two = project/task; three = client/project/task.
    """

    path: list[str] = Field(min_length=1, max_length=3)
    id: str | None = None  # set when a card picked the exact project: no name resolution needed
    task_id: str | None = None

    @property
    def text(self) -> str:
        return "/".join(self.path)


class EntryRef(Op):
    """`@N`: the N-th most recent entry of the user (by start), 1-based. `written`: `last` in `edit`/`delete`
    means the entry the person wrote last (the undo journal knows), which need not be the one starting last
    (`log 2h yesterday` after today's timer)."""

    index: int = Field(default=1, ge=1, le=10_000)
    written: bool = False


class Period(Op):
    """A half-open range of local dates [start, end) and what it is called ("This week", "Week 47"): `name` is
    a catalogue message the reply layer renders in the reader's language; `label` reads it in `locale`, the
    language it was asked in."""

    start: date
    end: date
    name: Message
    locale: str = "en"

    @property
    def label(self) -> str:
        return render(self.name, self.locale)


Allowance = Literal["soon", "overnight", "long", "overlap"]
"""A warning about a write's times the person accepted on a question card (`bot.service.checks`): a time a
few minutes ahead, a span over midnight, a long span, an overlap with other entries."""


class Help(Op):
    kind: Literal["help"] = "help"
    topic: str | None = None  # a canonical verb name (or what was typed, when it names none)
    words: list[str] = []  # the verb's words in English and German, for "Also: …"


class StartTimer(Op):
    kind: Literal["start"] = "start"
    project: ProjectRef | None = None
    tags: list[str] = []
    note: str | None = None
    at: datetime | None = None
    billable: bool | None = None
    allow: list[Allowance] = []


class StopTimer(Op):
    kind: Literal["stop"] = "stop"
    at: datetime | None = None
    allow: list[Allowance] = []


class CancelTimer(Op):
    kind: Literal["cancel"] = "cancel"


class ContinueEntry(Op):
    kind: Literal["continue"] = "continue"
    ref: EntryRef = EntryRef()
    entry_id: str | None = None  # set by card buttons, which know the exact entry
    at: datetime | None = None
    allow: list[Allowance] = []


class Status(Op):
    kind: Literal["status"] = "status"


class LogEntry(Op):
    """A finished entry: `start`+`end`, or a `duration` the service places on `day` (default today)."""

    kind: Literal["log"] = "log"
    duration: timedelta | None = None
    start: datetime | None = None
    end: datetime | None = None
    day: date | None = None
    project: ProjectRef | None = None
    tags: list[str] = []
    note: str | None = None
    billable: bool | None = None
    allow: list[Allowance] = []


class EditEntry(Op):
    kind: Literal["edit"] = "edit"
    ref: EntryRef = EntryRef()
    entry_id: str | None = None  # set by card submits, which know the exact entry
    start: datetime | None = None
    end: datetime | None = None
    duration: timedelta | None = None
    day: date | None = None
    project: ProjectRef | None = None
    clear_project: bool = False  # the edit form's "No project": the entry keeps neither project nor task
    add_tags: list[str] = []
    remove_tags: list[str] = []
    set_tags: list[str] | None = None  # the edit form: exactly these tags (names), replacing the others
    note: str | None = None
    billable: bool | None = None
    allow: list[Allowance] = []


class DeleteEntry(Op):
    kind: Literal["delete"] = "delete"
    ref: EntryRef = EntryRef()
    entry_id: str | None = None
    confirmed: bool = False


class Undo(Op):
    kind: Literal["undo"] = "undo"
    token: str | None = None  # from an Undo button: undo exactly that write


class ListTimes(Op):
    kind: Literal["times"] = "times"
    period: Period
    project: ProjectRef | None = None
    tags: list[str] = []


SummaryGroup = Literal["project", "client", "task", "tag", "day"]


class Summary(Op):
    kind: Literal["summary"] = "summary"
    period: Period
    by: SummaryGroup = "project"


class ListProjects(Op):
    kind: Literal["projects"] = "projects"
    client: str | None = None


class AddProject(Op):
    kind: Literal["project_add"] = "project_add"
    name: str
    client: str | None = None
    billable: bool | None = None
    color: str | None = None
    private: bool = False


class ListClients(Op):
    kind: Literal["clients"] = "clients"


class AddClient(Op):
    kind: Literal["client_add"] = "client_add"
    name: str


class ListTasks(Op):
    kind: Literal["tasks"] = "tasks"
    project: ProjectRef | None = None


class AddTask(Op):
    kind: Literal["task_add"] = "task_add"
    project: ProjectRef
    name: str
    estimate: timedelta | None = None


class ListTags(Op):
    kind: Literal["tags"] = "tags"


class ListGroups(Op):
    kind: Literal["groups"] = "groups"


class AddTag(Op):
    kind: Literal["tag_add"] = "tag_add"
    name: str
    tag_kind: Literal["time", "project"] = "time"


class ChangeItem(Op):
    """`project rename OLD to NEW`, `project archive NAME`, `client rename|archive …`, `task rename|done
    PROJECT/TASK …`, `tag rename|delete …`: changing master data where the backend can."""

    kind: Literal["item_change"] = "item_change"
    entity: Literal["client", "project", "task", "tag"]
    action: Literal["rename", "archive", "delete"]
    project: ProjectRef | None = None  # the project, or project/task, changed (a pick card fills in its id)
    name: str | None = None  # the client or tag changed
    new_name: str | None = None


class SetTimezone(Op):
    kind: Literal["timezone"] = "timezone"
    zone: str | None = None  # None: show the current one


# ---- working hours (come/go) ---------------------------------------------------------------------------


class ClockIn(Op):
    """`come [at TIME]` (alias in, clock in, kommen): open the working day."""

    kind: Literal["come"] = "come"
    at: datetime | None = None
    allow: list[Allowance] = []


class ClockOut(Op):
    """`go [at TIME]` (alias out, clock out, gehen): close the working day."""

    kind: Literal["go"] = "go"
    at: datetime | None = None
    come_at: datetime | None = None  # not clocked in: record the whole interval [come_at, at] (a fix button)
    allow: list[Allowance] = []


class TakeBreak(Op):
    """`break` / `break start` (open a break now or at `start`), `break end` (close it), `break 30m`
    (a break of that length ending now, or starting at `start`), `break 12:00-12:30` (inserted)."""

    kind: Literal["break"] = "break"
    action: Literal["start", "end", "insert"] = "start"
    duration: timedelta | None = None
    start: datetime | None = None
    end: datetime | None = None
    day: date | None = None  # insert `duration` on that day where it fits best (the "Add 15 min break" fix)
    allow: list[Allowance] = []


class Hours(Op):
    """`hours [PERIOD]`: clocked vs booked time, breaks, balance against the target, rule warnings."""

    kind: Literal["hours"] = "hours"
    period: Period


# ---- reports and settings -----------------------------------------------------------------------------

RoundingType = Literal["up", "down", "nearest"]


class Report(Op):
    """`report [PERIOD] [project…] [client:…] [user:…|me|all] [by project]`: the times Excel report.

    The fields follow timeghost's "Create Times Excel Report" action (range, grouping, optional columns,
    billable filter, rounding, time zone, users).
    """

    kind: Literal["report"] = "report"
    period: Period
    projects: list[ProjectRef] = []
    client: str | None = None
    users: Literal["me", "all"] | list[str] = "me"
    by_project: bool = False
    billable: bool | None = None  # None: all entries; True/False: only billable / non-billable
    columns: list[Literal["client", "project", "project_description", "task", "description", "author"]] = [
        "client",
        "project",
        "task",
        "description",
    ]
    rounding_minutes: int | None = Field(default=None, ge=1, le=240)
    rounding_type: RoundingType = "nearest"
    # "backend": the tracker's own file (timeghost's Create_Excel_Report); "timebot": timebot's spreadsheet;
    # None: what the bot is set to (`TIMEBOT_TIMEGHOST_REPORT`), timebot's by default.
    source: Literal["timebot", "backend"] | None = None


class ShowSettings(Op):
    """`settings`: the settings card (time zone, language; working-time rules for admins)."""

    kind: Literal["settings"] = "settings"


class ShowForm(Op):
    """A card form to fill in instead of typing: `log` alone opens the log-time form; buttons open either."""

    kind: Literal["form"] = "form"
    form: Literal["log", "start"] = "log"
    project: ProjectRef | None = None  # chosen in the form already (a project list's Log… button)


# ---- account -------------------------------------------------------------------------------------------

BackendKind = Literal["local", "toggl", "focus", "awork", "timeghost"]


class Connect(Op):
    """`connect toggl|focus|awork|timeghost|local`: choose the backend (tokens only ever go into a card)."""

    kind: Literal["connect"] = "connect"
    backend: BackendKind | None = None  # None: show the connections


SignInBackend = Literal["timeghost", "awork", "calendar"]


class SignInTo(Op):
    """`signin [timeghost|awork|calendar]`: sign in with a Microsoft (or awork) account instead of a key."""

    kind: Literal["signin"] = "signin"
    backend: SignInBackend | None = None  # None: the tracker in use, else the first that offers sign-in


class SignOut(Op):
    """`signout [backend]`: forget the sign-in (the MSAL account, or awork's tokens) and its connection."""

    kind: Literal["signout"] = "signout"
    backend: SignInBackend | None = None


class ChooseWorkspace(Op):
    """`workspace` lists the backend's workspaces; `workspace NAME` switches to one."""

    kind: Literal["workspace"] = "workspace"
    name: str | None = None


# ---- the feed and reminders ------------------------------------------------------------------------------


class ShowFeed(Op):
    """`feed [PERIOD]`: the person's feed events not booked or dismissed yet (default: today)."""

    kind: Literal["feed"] = "feed"
    period: Period


class FeedCalendar(Op):
    """`feed calendar [on|off]`: the person's Outlook meetings in `feed` (read through Graph), or not."""

    kind: Literal["feed_calendar"] = "feed_calendar"
    enabled: bool = True
    period: Period


class FeedEventRef(Op):
    """One feed event: the source it came from and its id there."""

    source: str = Field(min_length=1, max_length=64)
    id: str = Field(min_length=1, max_length=256)


class BookFeed(Op):
    """Book feed events of `day` as entries: the given ones, or (none given: `Book all`) every open one.
    `projects` maps an event's `source:id` to the project (`id` or `id/task_id`, "" for none) chosen on the
    card; without a choice the suggestion is taken. `period` is the feed shown afterwards."""

    kind: Literal["feed_book"] = "feed_book"
    events: list[FeedEventRef] = Field(default=[], max_length=50)
    day: date
    projects: dict[str, str] = {}
    period: Period


class DismissFeed(Op):
    kind: Literal["feed_dismiss"] = "feed_dismiss"
    event: FeedEventRef
    period: Period


class UnbookFeed(Op):
    """Undo a booking from the feed card: the entry goes (via its undo token) and the event is open again."""

    kind: Literal["feed_unbook"] = "feed_unbook"
    event: FeedEventRef
    token: str = Field(min_length=1, max_length=100)
    period: Period


class AddFeedKey(Op):
    """`feed key add NAME`: a workspace admin makes an API key for `POST /api/feed` (personal chat)."""

    kind: Literal["feed_key_add"] = "feed_key_add"
    name: str = Field(min_length=1, max_length=100)


class ListFeedKeys(Op):
    kind: Literal["feed_keys"] = "feed_keys"


class RevokeFeedKey(Op):
    kind: Literal["feed_key_revoke"] = "feed_key_revoke"
    name: str = Field(min_length=1, max_length=100)


class CopyDay(Op):
    """ "Log like yesterday": the entries of `source` again on `target`, at the same local times."""

    kind: Literal["copy_day"] = "copy_day"
    source: date
    target: date


# ---- change notifications --------------------------------------------------------------------------------

ChangeEntity = Literal["clients", "projects", "tasks", "tags", "times", "feed"]  # feed: posted feed events
ChangeEvent = Literal["created", "changed", "deleted"]
ALL_EVENTS: tuple[ChangeEvent, ...] = ("created", "changed", "deleted")


class Subscribe(Op):
    """`subscribe ENTITY… [EVENT…] [@project…]`: post changes into this conversation (personal: own times)."""

    kind: Literal["subscribe"] = "subscribe"
    entities: list[ChangeEntity] = Field(min_length=1, max_length=6)
    events: list[ChangeEvent] = Field(default_factory=lambda: list(ALL_EVENTS), min_length=1, max_length=3)
    projects: list[ProjectRef] = Field(default_factory=list, max_length=20)
    keep_projects: bool = False  # the toggles card: an entity already subscribed keeps its project filter


class Unsubscribe(Op):
    """`unsubscribe [ENTITY…]`: stop them here (all without an entity)."""

    kind: Literal["unsubscribe"] = "unsubscribe"
    entities: list[ChangeEntity] | None = None


class ListSubscriptions(Op):
    """`subscriptions`: what this conversation gets, with toggles to change it."""

    kind: Literal["subscriptions"] = "subscriptions"


Operation = Annotated[
    Help
    | StartTimer
    | StopTimer
    | CancelTimer
    | ContinueEntry
    | Status
    | LogEntry
    | EditEntry
    | DeleteEntry
    | Undo
    | ListTimes
    | Summary
    | ListProjects
    | AddProject
    | ListClients
    | AddClient
    | ListTasks
    | AddTask
    | ListTags
    | ListGroups
    | AddTag
    | ChangeItem
    | SetTimezone
    | ClockIn
    | ClockOut
    | TakeBreak
    | Hours
    | Report
    | ShowSettings
    | ShowForm
    | Connect
    | SignInTo
    | SignOut
    | ChooseWorkspace
    | ShowFeed
    | FeedCalendar
    | BookFeed
    | DismissFeed
    | UnbookFeed
    | AddFeedKey
    | ListFeedKeys
    | RevokeFeedKey
    | CopyDay
    | Subscribe
    | Unsubscribe
    | ListSubscriptions,
    Field(discriminator="kind"),
]


# ---- what the parser returns when it cannot produce an operation ----------------------------------------


class Choice(Op):
    """One button of a clarifying question: its text (a catalogue message, rendered by the reply layer) and
    the command it re-submits; `label` reads the text in `locale`, the language it was asked in."""

    text: Message
    command: str
    locale: str = "en"

    @property
    def label(self) -> str:
        return render(self.text, self.locale)


class Ambiguity(Op):
    """Refuse before guessing: e.g. `log 90` (minutes or hours?). Each choice is a complete command."""

    kind: Literal["ambiguity"] = "ambiguity"
    message_key: str
    params: dict[str, str] = {}
    choices: list[Choice]


class ParseFailure(Op):
    """The text is not a command we understand; `message_key` is a catalogue key, `params` its values."""

    kind: Literal["parse_failure"] = "parse_failure"
    message_key: str
    params: dict[str, str] = {}
    verb: str | None = None  # the verb we recognised, if any, so help can be specific


ParseResult = Operation | Ambiguity | ParseFailure
