"""What running an operation produced, before it is laid out as a card (`bot.replies` does that)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from bot.i18n import Message, render
from bot.views.backends import ConnectionView
from bot.views.changes import SubscriptionsView
from bot.views.entries import EditOrigin, EntryView, NamedItem, ProjectView, SummaryView
from bot.views.feed import FeedKeyView, FeedView
from bot.views.forms import FormView, SettingsView
from bot.views.questions import WriteQuestion
from bot.views.reminders import DayNudgeView, TimerReminderView
from bot.views.welcome import WelcomeView
from bot.views.workinghours import ClockView, HoursView, Note

EntryAction = Literal[
    "logged", "started", "stopped", "edited", "deleted", "cancelled", "continued", "restored"
]


@dataclass(frozen=True)
class EntryChanged:
    action: EntryAction
    entry: EntryView
    undo_token: str | None = None
    switched_from: EntryView | None = None
    typed: str | None = None  # the project as typed, when only a fuzzy match found it ("webseite")


@dataclass(frozen=True)
class Refusal:
    """A capability the backend's live API just refused for this connection (`adapters.refusals`)."""

    backend: str  # the backend's kind
    capability: str


@dataclass(frozen=True)
class StatusShown:
    running: EntryView | None
    today_seconds: int
    today_entries: int
    clock: ClockView | None = None  # working hours (come/go), where the backend keeps them
    degraded: Refusal | None = None  # working hours were just refused: said once, then no longer asked


ClockAction = Literal["came", "went", "break_started", "break_ended", "break_added", "restored", "refused"]


@dataclass(frozen=True)
class ClockShown:
    """Working hours after `come`/`go`/`break` (or the refusal in `notes[0]` with its fix buttons)."""

    action: ClockAction
    clock: ClockView
    undo_token: str | None = None
    notes: list[Note] = field(default_factory=list)


@dataclass(frozen=True)
class HoursShown:
    """`hours`: clocked vs booked per day, balance, rule warnings; `notice` after a fix button wrote."""

    view: HoursView
    notice: Note | None = None
    undo_token: str | None = None


@dataclass(frozen=True)
class SummaryShown:
    view: SummaryView


@dataclass(frozen=True)
class EntriesShown:
    period_label: str | Message
    entries: list[EntryView]
    total_seconds: int
    truncated: int = 0
    source: dict[str, Any] | None = None  # the `times` operation (JSON), so an edit can show the list again
    changed: EntryChanged | None = None  # an edit saved from this list: said on top, with Undo


@dataclass(frozen=True)
class ListShown:
    """A list of master data: its heading and how to add a first item, rendered in the reader's language."""

    heading: Message
    items: list[NamedItem]
    empty_hint: Message | None = None
    locale: str = "en"  # the language it was asked in
    actions: tuple[str, ...] = ()  # what each item offers: "start", "log", "tasks" (projects)

    @property
    def title(self) -> str:
        """The heading in the language it was asked in (a card renders it in the reader's)."""
        return render(self.heading, self.locale)


@dataclass(frozen=True)
class ProjectPick:
    """Refuse before guessing: the name matched nothing or several projects; let the person choose."""

    query: str
    candidates: list[ProjectView]
    op: dict[str, Any]
    can_create: bool
    # What the pick is for, so the card can say it: a typed name ("pick"), switching the running timer away
    # from `current`, or booking the span `span` of the working hours.
    purpose: Literal["pick", "switch", "book"] = "pick"
    current: EntryView | None = None
    span: tuple[datetime, datetime] | None = None


@dataclass(frozen=True)
class EditForm:
    """The edit form of `entry` with the pickers' `options`; `origin` is the card it came from (Cancel brings
    it back), `around` that card when the form opens inside it (a `times` list stays, the row expanded);
    `values`, by input id, when a save was refused, so nothing the person typed is lost."""

    entry: EntryView
    errors: dict[str, str] = field(default_factory=dict)
    options: FormView | None = None
    origin: EditOrigin | None = None
    around: EntriesShown | None = None
    values: dict[str, str] | None = None  # a refused save: what the person entered, shown instead of `entry`


@dataclass(frozen=True)
class DeleteConfirm:
    entry: EntryView
    origin: EditOrigin | None = None  # the card the edit form came from: Keep brings it back


@dataclass(frozen=True)
class Notice:
    """A short confirmation or information: a catalogue key and its fields."""

    key: str
    params: dict[str, str | Message] = field(default_factory=dict)
    facts: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ProjectCreated(Notice):
    """`project add`: the confirmation, and the new project for whatever asked for it (a pick card's
    Create button)."""

    project_id: str = ""
    project_name: str = ""
    undo_token: str | None = None  # where the backend can archive it again


@dataclass(frozen=True)
class NothingRunning:
    """`stop` or `cancel` with no timer running: information, not an error (the card offers Start…)."""


@dataclass(frozen=True)
class Problem:
    """Something the person can fix (or retry): a catalogue key, fields, and the command to retry."""

    key: str
    params: dict[str, str] = field(default_factory=dict)
    hint_key: str | None = None
    retry_command: str | None = None


@dataclass(frozen=True)
class HelpShown:
    topic: str | None = None
    words: list[str] = field(default_factory=list)  # the verb's other words (German ones too)


@dataclass(frozen=True)
class WelcomeShown:
    """First contact: greet and say what to do first."""

    view: WelcomeView


@dataclass(frozen=True)
class ReportReady:
    """A times report written to `path` (inside the file store), waiting to be delivered to the person."""

    path: Path
    filename: str
    period_label: str | Message
    entries: int | None  # None (and no total) for a tracker's own file: timebot did not count it
    total_seconds: int | None
    size: int
    made_by: str | None = None  # the backend kind whose own report file this is (timeghost's Excel report)
    period_start: date | None = None  # the period's first day and the day after its last
    period_end: date | None = None


@dataclass(frozen=True)
class FormShown:
    """A card form (log time, start a timer) with the options to pick from, kept values and errors."""

    view: FormView


@dataclass(frozen=True)
class SettingsShown:
    view: SettingsView


@dataclass(frozen=True)
class ConnectForm:
    """The card that asks for a backend's API token (password field, personal chat only)."""

    backend: str
    error_key: str | None = None
    error_params: dict[str, str] = field(default_factory=dict)
    can_sign_in: bool = False  # offer "sign in instead" (no key needed)


@dataclass(frozen=True)
class SignInPrompt:
    """The person must sign in to `backend` first (`reason`: no_account, invalid_grant, consent_required…).

    The reply layer makes the prompt: a sign-in card in a personal chat, a private message from a shared one.
    """

    backend: str
    reason: str = "no_account"
    resume: bool = True  # run the command that needed it once signed in (not for `signin` itself)


@dataclass(frozen=True)
class ConnectionsShown:
    current: str
    backends: list[ConnectionView]


@dataclass(frozen=True)
class WorkspacesShown:
    backend: str
    current: str | None
    workspaces: list[tuple[str, str]]  # (id, name)


@dataclass(frozen=True)
class FeedShown:
    view: FeedView


@dataclass(frozen=True)
class FeedKeyCreated:
    """A new feed API key: `secret` is shown this once, in a personal chat, and never stored."""

    name: str
    secret: str
    workspace: str


@dataclass(frozen=True)
class FeedKeysShown:
    workspace: str
    keys: list[FeedKeyView]


@dataclass(frozen=True)
class DayCopied:
    """ "Log like yesterday": what was booked on `target` from `source`, and how many were left out."""

    source: date
    target: date
    entries: list[EntryView]
    skipped: int = 0


@dataclass(frozen=True)
class TimerReminder:
    view: TimerReminderView


@dataclass(frozen=True)
class DayNudge:
    view: DayNudgeView


@dataclass(frozen=True)
class SubscriptionsShown:
    """`subscribe`/`unsubscribe`/`subscriptions`: what this conversation now gets, with what just changed.

    `done` is "subscribed", "subscribed_personal", "removed", "nothing_removed" or None (just listing);
    `entities`/`events` name what it was about; `hints` are catalogue keys with their fields."""

    view: SubscriptionsView
    done: str | None = None
    entities: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    hints: list[Message] = field(default_factory=list)


Outcome = (
    EntryChanged
    | StatusShown
    | SubscriptionsShown
    | SummaryShown
    | EntriesShown
    | ListShown
    | ProjectPick
    | EditForm
    | DeleteConfirm
    | Notice
    | NothingRunning
    | Problem
    | HelpShown
    | WelcomeShown
    | ReportReady
    | ClockShown
    | HoursShown
    | FormShown
    | SettingsShown
    | ConnectForm
    | SignInPrompt
    | ConnectionsShown
    | WorkspacesShown
    | FeedShown
    | FeedKeyCreated
    | FeedKeysShown
    | DayCopied
    | TimerReminder
    | DayNudge
    | WriteQuestion
)
