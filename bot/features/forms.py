"""Card form verbs: open the log/start forms, save them, save the settings.

A save validates every field server-side (the card's own checks are a convenience, not a guarantee) and, on a
problem, answers with the same form: the problem marked under its field and every entered value kept. A valid
log/start form becomes the ordinary `LogEntry`/`StartTimer` with `ProjectRef(id=…, task_id=…)`, so it gets the
same echo card and Undo as the typed command.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import available_timezones

from rapidfuzz import process

from adapters.errors import BackendError
from bot.commands.durations import bare_number, parse_duration
from bot.features import reminder_settings
from bot.features.respond import problem_for, run_operation
from bot.i18n import t
from bot.operations import Ambiguity, LogEntry, ParseFailure, ProjectRef, ShowForm, StartTimer
from bot.replies import form_problem
from bot.routing.turn import Turn
from bot.service import forms as service
from bot.service.context import UserContext
from bot.service.outcomes import FormShown, Notice, Outcome, Problem, SettingsShown
from bot.service.preferences import canonical_zone
from bot.views import verbs
from bot.views.verbs import Empty, EntryForm, LogForm, SettingsForm

Result = Outcome | Ambiguity | ParseFailure
GENERAL = "_"  # errors under this key are shown on top of the form

# Which field a service problem belongs to (others go on top of the form).
_PROBLEM_FIELDS = {
    "service.end_before_start": "end",
    "check.ends_in_future": "end",
    "check.starts_in_future": "start",
    "service.future_day": "date",
    "service.log_needs_time": "duration",
}


async def _log_form(turn: Turn, data: Empty) -> Result:
    return await run_operation(turn, ShowForm(form="log"), None)


async def _start_form(turn: Turn, data: Empty) -> Result:
    return await run_operation(turn, ShowForm(form="start"), None)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _time(value: str | None) -> time | None:
    try:
        return time.fromisoformat(value) if value else None
    except ValueError:
        return None


async def picked_target(
    ctx: UserContext,
    project_id: str | None,
    task_id: str | None,
    tags: str | None,
    errors: dict[str, str],
    locale: str,
) -> tuple[ProjectRef | None, list[str]]:
    """The project/task reference and tag names picked on a form (ids; tags comma-separated), each checked
    against what exists; a problem goes into `errors` under its input."""
    refdata = await ctx.refdata()
    project = refdata.project(project_id) if project_id else None
    if project_id and (project is None or project.done):
        errors["project"] = t("form.project.unknown", locale)
        project = None
    task = refdata.task(task_id) if task_id else None
    if task_id:
        if task is None or task.done:
            errors["task"] = t("form.task.unknown", locale)
        elif project is None and not project_id:
            project = refdata.project(task.project_id)  # a task picked alone names its project
        elif project is not None and task.project_id != project.id:
            errors["task"] = t("form.task.unknown", locale)
    ref = None
    if project is not None:
        ref = ProjectRef(path=[project.name], id=project.id, task_id=task.id if task else None)
    tag_names: list[str] = []
    by_id = {tag.id: tag.name for tag in refdata.tags}
    for tag_id in dict.fromkeys(v.strip() for v in (tags or "").split(",") if v.strip()):
        if tag_id not in by_id:
            errors["tags"] = t("form.tags.unknown", locale)
        else:
            tag_names.append(by_id[tag_id])
    return ref, tag_names


async def _target(
    ctx: UserContext, data: EntryForm, errors: dict[str, str], locale: str
) -> tuple[ProjectRef | None, list[str], bool | None]:
    """The project/task reference, tag names and billable flag of a form, each checked against what exists."""
    ref, tag_names = await picked_target(ctx, data.project, data.task, data.tags, errors, locale)
    billable = True if data.billable == "true" else None  # unticked: the project's default
    return ref, tag_names, billable


def _duration(text: str | None, errors: dict[str, str], locale: str) -> timedelta | None:
    if not text:
        return None
    number = bare_number(text)
    if number is not None:
        errors["duration"] = t("form.duration.unit", locale, number=number)
        return None
    value = parse_duration(text)
    if value is None or value <= timedelta(0):
        errors["duration"] = t("form.duration.invalid", locale)
        return None
    return value


def _when(ctx: UserContext, data: LogForm, errors: dict[str, str], locale: str) -> dict[str, Any]:
    """LogEntry time fields: a range (From/To, From+duration, To−duration) or a duration on a day."""
    day = _date(data.date) or (None if data.date else ctx.today)
    if day is None:
        errors["date"] = t("form.bad_date", locale)
    elif day > ctx.today:
        errors["date"] = t("form.date.future", locale)
    start_t, end_t = _time(data.start), _time(data.end)
    if data.start and start_t is None:
        errors["start"] = t("form.bad_time", locale)
    if data.end and end_t is None:
        errors["end"] = t("form.bad_time", locale)
    duration = _duration(data.duration, errors, locale)
    if errors or day is None:
        return {}

    def at(clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=ctx.tz)

    if start_t and end_t:
        if duration is not None:
            errors["duration"] = t("form.both", locale)
            return {}
        return {"start": at(start_t), "end": at(end_t), "day": day}
    if duration is None:
        if start_t:
            errors["end"] = t("form.end.missing", locale)
        else:
            errors["duration"] = t("form.duration.missing", locale)
        return {}
    if start_t:
        return {"start": at(start_t), "duration": duration, "day": day}
    if end_t:
        return {"end": at(end_t), "duration": duration, "day": day}
    return {"duration": duration, "day": day}


async def _again(turn: Turn, kind: str, values: dict[str, str], errors: dict[str, str]) -> Result:
    ctx = await turn.user()
    assert ctx is not None
    return FormShown(await service.form_view(ctx, kind, values, errors))


async def _save_entry(turn: Turn, kind: str, data: EntryForm, fields: dict[str, Any]) -> Result:
    """Run the op; a problem the service reports comes back as the form with that problem marked."""
    ctx = await turn.user()
    assert ctx is not None
    op: LogEntry | StartTimer = LogEntry(**fields) if kind == "log" else StartTimer(**fields)
    outcome = await run_operation(turn, op, None)
    if not isinstance(outcome, Problem):
        return outcome
    field = _PROBLEM_FIELDS.get(outcome.key, GENERAL)
    if outcome.key == "service.too_long":
        field = "duration" if fields.get("duration") else "end"
    message = form_problem(outcome.key, turn.locale, outcome.params)
    return await _again(turn, kind, data.values(), {field: message})


async def _log_save(turn: Turn, data: LogForm) -> Result:
    ctx = await turn.user()
    if ctx is None:
        return Problem("error.no_identity")
    errors: dict[str, str] = {}
    ref, tags, billable = await _target(ctx, data, errors, turn.locale)
    when = _when(ctx, data, errors, turn.locale)
    if errors:
        return await _again(turn, "log", data.values(), errors)
    fields = {**when, "project": ref, "tags": tags, "note": data.note or None, "billable": billable}
    return await _save_entry(turn, "log", data, fields)


async def _start_save(turn: Turn, data: EntryForm) -> Result:
    ctx = await turn.user()
    if ctx is None:
        return Problem("error.no_identity")
    errors: dict[str, str] = {}
    ref, tags, billable = await _target(ctx, data, errors, turn.locale)
    if errors:
        return await _again(turn, "start", data.values(), errors)
    fields = {"project": ref, "tags": tags, "note": data.note or None, "billable": billable}
    return await _save_entry(turn, "start", data, fields)


def _hours(text: str | None) -> float | None:
    try:
        hours = float((text or "").replace(",", "."))
    except ValueError:
        return None
    return hours if 0 <= hours <= 168 else None


async def _settings_save(turn: Turn, data: SettingsForm) -> Result:
    ctx = await turn.user()
    if ctx is None:
        return Problem("error.no_identity")
    locale = turn.locale
    errors: dict[str, str] = {}
    field = "timezone_other" if data.timezone_other else "timezone"
    zone_text = data.timezone_other or data.timezone
    zone = canonical_zone(zone_text) if zone_text else None
    if zone_text and zone is None:
        found = process.extractOne(zone_text, sorted(available_timezones()))
        errors[field] = t(
            "form.settings.timezone_unknown",
            locale,
            zone=zone_text,
            suggestion=found[0] if found else "Europe/Berlin",
        )
    admin = service.may_change_workspace(ctx)
    changes: dict[str, Any] = {}
    if admin:
        hours = _hours(data.weekly_target_hours)
        if hours is None:
            errors["weekly_target_hours"] = t("form.settings.weekly_target_invalid", locale)
        else:
            changes["weekly_target_minutes"] = round(hours * 60)
        if data.admin_only_master_data in ("true", "false"):
            changes["admin_only_master_data"] = data.admin_only_master_data == "true"
    elif data.admin_only_master_data is not None or data.weekly_target_hours is not None:
        errors[GENERAL] = t("form.settings.not_admin", locale)
    personal = reminder_settings.parse(data, errors, locale)
    if errors:
        return SettingsShown(await service.settings_view(ctx, data.values(), errors))
    facts: list[tuple[str, str]] = []
    try:
        if zone:
            facts.append(
                (t("form.settings.timezone", locale), await service.save_timezone(ctx, zone) or zone)
            )
        if changes:
            settings = (await service.save_workspace(ctx, **changes)).settings
            facts.append(
                (t("form.settings.weekly_target", locale), f"{settings.weekly_target_minutes / 60:g}")
            )
            facts.append(
                (
                    t("form.settings.admin_only", locale),
                    t("card.field.yes" if settings.admin_only_master_data else "card.field.no", locale),
                )
            )
    except BackendError as exc:
        problem = problem_for(exc, None, ctx.backend.kind)
        errors[GENERAL] = form_problem(problem.key, locale, problem.params)
        return SettingsShown(await service.settings_view(ctx, data.values(), errors))
    facts.extend(await reminder_settings.save(ctx, personal, locale))
    return Notice("form.settings.saved", facts=facts)


Action = Callable[[Turn, Any], Awaitable[Result]]

# verb → (handler, replaces the card the button was on); the payload models are in `bot.views.verbs`
FORM_HANDLERS: dict[str, tuple[Action, bool]] = {
    verbs.LOG_FORM: (_log_form, False),
    verbs.START_FORM: (_start_form, False),
    verbs.LOG_SAVE: (_log_save, True),
    verbs.START_SAVE: (_start_save, True),
    verbs.SETTINGS_SAVE: (_settings_save, True),
}
