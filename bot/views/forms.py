"""What the card forms offer and keep: the log/start form's options and the settings form's values.

`values` (by input id) are what the person entered, `errors` (by input id; other keys on top) the problems
found on the server, so a rejected submit comes back as the same form with nothing lost.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from bot.views.entries import View


class Option(View):
    """One choice of a picker: `value` is the id sent back; `parent` is a task's project id."""

    value: str
    title: str
    parent: str | None = None


class FormView(View):
    kind: Literal["log", "start"]
    today: date
    projects: list[Option]  # open projects, recently used first
    tasks: list[Option]  # open tasks of those projects (title "Task", parent = project id)
    tags: list[Option]  # recently used first
    recent_projects: int = 0  # how many leading `projects` are recently used
    recent_tags: int = 0
    values: dict[str, str] = Field(default_factory=dict)
    errors: dict[str, str] = Field(default_factory=dict)


class SettingsView(View):
    timezone: str
    zones: list[str]  # common zones offered in the picker (the current one included)
    is_admin: bool = False
    admin_only_master_data: bool = False
    weekly_target_minutes: int = 40 * 60
    end_of_day: str = "18:00"  # reminders and the feed (`cards.reminders.reminder_settings`)
    long_timer_hours: int = 10
    remind_timer: bool = True
    remind_nudge: bool = True
    feed_push: bool = True
    values: dict[str, str] = Field(default_factory=dict)
    errors: dict[str, str] = Field(default_factory=dict)
