"""The card verbs: the one table of every button's name and the payload model its data must fit.

Every action the bot sends carries `{"verb": name, **data}` (and, for a form, the card's inputs). The card
builders (`cards`) put these names on buttons; the card handlers (`bot.features.card_actions`) look the name
up here and validate what came back against its model before anything runs: a card's data is the client's,
never trusted. The handlers declare what each verb does; a test keeps both tables on the same names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any, Final, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

UNDO: Final = "undo"
STOP: Final = "stop"
SWITCH: Final = "switch"
EDIT: Final = "edit"
EDIT_SAVE: Final = "edit_save"
EDIT_CANCEL: Final = "edit_cancel"
DELETE: Final = "delete"
DELETE_CONFIRM: Final = "delete_confirm"
RUN: Final = "run"
PICK_PROJECT: Final = "pick_project"
ON_PROJECT: Final = "on_project"  # a project list's Start / Log… / Tasks: like a pick, in a reply of its own
CREATE_PROJECT: Final = "create_project"
REFRESH_STATUS: Final = "refresh_status"
CONTINUE: Final = "continue"
WRITE: Final = "write"  # an option of a write question: run the operation it carries
DISMISS: Final = "dismiss"  # Cancel on a question: nothing is written
COME: Final = "come"  # working hours
GO: Final = "go"
BREAK_START: Final = "break_start"
BREAK_END: Final = "break_end"
ADD_BREAK: Final = "add_break"
BOOK_GAP: Final = "book_gap"
HOURS: Final = "hours"
LOG_FORM: Final = "log_form"  # card forms
LOG_SAVE: Final = "log_save"
START_FORM: Final = "start_form"
START_SAVE: Final = "start_save"
SETTINGS_SAVE: Final = "settings_save"
CONNECT_SAVE: Final = "connect_save"  # account
FEED_BOOK: Final = "feed_book"  # the feed
FEED_DISMISS: Final = "feed_dismiss"
FEED_UNBOOK: Final = "feed_unbook"
REMINDER_STOP: Final = "reminder_stop"  # reminders
REMINDER_KEEP: Final = "reminder_keep"
COPY_DAY: Final = "copy_day"
CHANGE_UNDO: Final = "change_undo"  # change notifications
SUBSCRIPTIONS_SAVE: Final = "subscriptions_save"


class Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class Empty(Payload):
    pass


class TokenData(Payload):
    token: str = Field(min_length=1, max_length=100)


class EntryData(Payload):
    entry_id: str = Field(min_length=1, max_length=200)


EchoAction = Literal["logged", "stopped", "edited", "continued", "restored", "started"]


class EditData(EntryData):
    """Edit (and its form's Cancel and Save): the entry, and the card the form came from so Cancel can bring
    it back — a `times` list (`back`: its operation, run again) or a write's echo (`echo`: its action, with
    its Undo `token`)."""

    back: dict[str, Any] | None = None
    echo: EchoAction | None = None
    token: str | None = Field(default=None, max_length=100)


EDIT_INPUTS: Final = ("project", "task", "tags", "date", "start", "end", "note")
NO_PROJECT: Final = "-"  # the edit form's "No project" choice: Save removes the entry's project and task


class EditSaveData(EditData):
    date: str | None = None
    start: str | None = None
    end: str | None = None
    note: str | None = Field(default=None, max_length=2000)
    project: str | None = Field(default=None, max_length=200)
    task: str | None = Field(default=None, max_length=200)
    tags: str | None = Field(default=None, max_length=20_000)

    def entered(self) -> dict[str, str]:
        """Every input as the person left it ("" where emptied), for the form shown again on a refusal."""
        return {name: getattr(self, name) or "" for name in EDIT_INPUTS}


class RunData(Payload):
    command: str = Field(min_length=1, max_length=2000)


class PickData(Payload):
    project_id: str = Field(min_length=1, max_length=200)
    op: dict[str, Any]


class WriteData(Payload):
    op: dict[str, Any]


class CreateData(Payload):
    name: str = Field(min_length=1, max_length=200)
    op: dict[str, Any]


# ---- working hours --------------------------------------------------------------------------------------


class ClockData(Payload):
    at: AwareDatetime | None = None


class GoData(ClockData):
    come_at: AwareDatetime | None = None


class AddBreakData(Payload):
    minutes: int = Field(ge=1, le=8 * 60)
    day: date


class GapData(Payload):
    start: AwareDatetime
    end: AwareDatetime


class HoursData(Payload):
    period: str = Field(default="today", min_length=1, max_length=60)


# ---- card forms: raw input values as Teams sends them ---------------------------------------------------


class FormData(Payload):
    """Strings; a number input may arrive as a number, a toggle as a bool."""

    @field_validator("*", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return f"{value:g}"
        return value

    def values(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if isinstance(v, str) and v}


class EntryForm(FormData):
    project: str | None = Field(default=None, max_length=200)
    task: str | None = Field(default=None, max_length=200)
    tags: str | None = Field(default=None, max_length=20_000)
    billable: str | None = Field(default=None, max_length=10)
    note: str | None = Field(default=None, max_length=2000)


class LogForm(EntryForm):
    date: str | None = Field(default=None, max_length=40)
    start: str | None = Field(default=None, max_length=40)
    end: str | None = Field(default=None, max_length=40)
    duration: str | None = Field(default=None, max_length=40)


class SettingsForm(FormData):
    timezone: str | None = Field(default=None, max_length=64)
    timezone_other: str | None = Field(default=None, max_length=64)
    admin_only_master_data: str | None = Field(default=None, max_length=10)
    weekly_target_hours: str | None = Field(default=None, max_length=20)
    end_of_day: str | None = Field(default=None, max_length=20)  # reminders and the feed
    long_timer_hours: str | None = Field(default=None, max_length=20)
    remind_timer: str | None = Field(default=None, max_length=10)
    remind_nudge: str | None = Field(default=None, max_length=10)
    feed_push: str | None = Field(default=None, max_length=10)


# ---- the feed and reminders ----------------------------------------------------------------------------

PICK_INPUT = r"^p_\d{1,3}$"  # the id of an event's project picker on a feed card


class PeriodData(Payload):
    """The feed period a card shows (its dates and the catalogue message naming it), so its buttons can show
    it again afterwards."""

    start: date
    end: date
    key: str = Field(min_length=1, max_length=80, pattern=r"^[a-z0-9_.]+$")
    params: dict[str, str | int] = Field(default_factory=dict, max_length=8)


class FeedEventData(Payload):
    source: str = Field(min_length=1, max_length=64)
    id: str = Field(min_length=1, max_length=256)
    period: PeriodData


class FeedBookData(Payload):
    """**Book** (one event: `source`, `id`, its picker `input`) or **Book all** (`inputs`: picker → event
    key `source:id`); the pickers' values come along as card inputs (`p_0`…)."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    day: date
    period: PeriodData
    source: str | None = Field(default=None, min_length=1, max_length=64)
    id: str | None = Field(default=None, min_length=1, max_length=256)
    input: str | None = Field(default=None, pattern=PICK_INPUT)
    inputs: dict[str, str] = Field(default_factory=dict, max_length=50)

    @field_validator("inputs")
    @classmethod
    def _pickers(cls, value: dict[str, str]) -> dict[str, str]:
        if any(not re.fullmatch(PICK_INPUT, k) or len(v) > 330 for k, v in value.items()):
            raise ValueError("not a picker of a feed card")
        return value

    def picked(self, input_id: str) -> str | None:
        """What the person chose in a picker ("" for no project), None if it sent nothing."""
        value = (self.model_extra or {}).get(input_id)
        return value.strip()[:300] if isinstance(value, str) else None


class FeedUnbookData(FeedEventData):
    token: str = Field(min_length=1, max_length=100)


class StopAtData(Payload):
    at: AwareDatetime


class CopyDayData(Payload):
    source: date
    target: date


# ---- account ----------------------------------------------------------------------------------------------


class ConnectData(Payload):
    backend: str = Field(min_length=1, max_length=20)


class ConnectSaveData(ConnectData):
    token: str = Field(default="", max_length=400, repr=False)  # never in logs or error messages
    organization_id: str = Field(default="", max_length=40)


# ---- change notifications ---------------------------------------------------------------------------------


class ChangeData(Payload):
    change_id: int = Field(ge=1)


class SubscriptionsForm(FormData):
    """The subscriptions card: one toggle per entity (`sub_times` …) and the events as a comma list."""

    sub_times: str | None = Field(default=None, max_length=10)
    sub_projects: str | None = Field(default=None, max_length=10)
    sub_tasks: str | None = Field(default=None, max_length=10)
    sub_clients: str | None = Field(default=None, max_length=10)
    sub_tags: str | None = Field(default=None, max_length=10)
    sub_feed: str | None = Field(default=None, max_length=10)
    events: str | None = Field(default=None, max_length=100)


VERBS: Final[Mapping[str, type[Payload]]] = {
    UNDO: TokenData,
    STOP: Empty,
    SWITCH: Empty,
    EDIT: EditData,
    EDIT_SAVE: EditSaveData,  # the entry plus the edit form's inputs
    EDIT_CANCEL: EditData,
    DELETE: EditData,  # from the edit form: its origin comes along, so Keep can bring that card back
    DELETE_CONFIRM: EditData,
    RUN: RunData,
    PICK_PROJECT: PickData,
    ON_PROJECT: PickData,
    CREATE_PROJECT: CreateData,
    REFRESH_STATUS: Empty,
    CONTINUE: EntryData,
    WRITE: WriteData,
    DISMISS: Empty,
    COME: ClockData,
    GO: GoData,
    BREAK_START: ClockData,
    BREAK_END: ClockData,
    ADD_BREAK: AddBreakData,
    BOOK_GAP: GapData,
    HOURS: HoursData,
    LOG_FORM: Empty,
    LOG_SAVE: LogForm,
    START_FORM: Empty,
    START_SAVE: EntryForm,
    SETTINGS_SAVE: SettingsForm,
    FEED_BOOK: FeedBookData,
    FEED_DISMISS: FeedEventData,
    FEED_UNBOOK: FeedUnbookData,
    REMINDER_STOP: StopAtData,
    REMINDER_KEEP: Empty,
    COPY_DAY: CopyDayData,
    CHANGE_UNDO: ChangeData,
    SUBSCRIPTIONS_SAVE: SubscriptionsForm,
}
"""The verbs that act for a person on their bound backend."""

ACCOUNT_VERBS: Final[Mapping[str, type[Payload]]] = {
    CONNECT_SAVE: ConnectSaveData,
}
"""The verbs that run before a backend is bound (a broken connection must not stop its own repair); their
data may hold a secret."""

ALL_VERBS: Final[Mapping[str, type[Payload]]] = {**VERBS, **ACCOUNT_VERBS}
