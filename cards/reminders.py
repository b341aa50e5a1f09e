"""The reminders: a timer still running at the end of the day (or for too long), a workday with little or
nothing booked, and what "Log like yesterday" booked."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.i18n import t
from bot.views import verbs
from bot.views.entries import EntryView
from bot.views.forms import SettingsView
from bot.views.reminders import DayNudgeView, TimerReminderView
from cards import actions as act
from cards import format as fmt
from cards.common import entry_path, entry_range
from cards.elements import Element, action_set, card, container, fit_rows, heading, more_line, text


def timer_reminder_card(view: TimerReminderView, locale: str) -> dict[str, Any]:
    """**Stop at HH:MM** (last activity or end of day), **Stop now**, **Keep running**."""
    entry = view.entry
    why = (
        t(
            "reminder.timer.end_of_day",
            locale,
            time=f"{view.end_of_day.hour:02d}:{view.end_of_day.minute:02d}",
        )
        if view.reason == "end_of_day"
        else t("reminder.timer.long", locale, hours=view.limit_hours)
    )
    body: list[Element] = [
        heading("⏰ " + t("reminder.timer.title", locale)),
        text(why, spacing="None"),
        container(
            [
                text(f"*{entry_path(entry, locale)}*", spacing="None"),
                text(
                    f"{entry_range(entry, locale)} · {fmt.duration(entry.duration_seconds, locale)}",
                    subtle=True,
                    spacing="None",
                ),
            ],
            style="emphasis",
        ),
    ]
    buttons: list[Element] = []
    if view.stop_at is not None:
        buttons.append(
            act.execute(
                t("reminder.btn.stop_at", locale, time=fmt.time_of_day(view.stop_at)),
                verbs.REMINDER_STOP,
                {"at": view.stop_at.isoformat()},
                inputs=False,
                style="positive",
            )
        )
    buttons.append(act.execute(t("reminder.btn.stop_now", locale), verbs.STOP, inputs=False))
    buttons.append(act.execute(t("reminder.btn.keep", locale), verbs.REMINDER_KEEP, inputs=False))
    body.append(action_set(buttons))
    body.append(text(t("reminder.settings_hint", locale), subtle=True, size="Small"))
    return card(body, locale, fallback_text=t("reminder.timer.title", locale))


def nudge_card(view: DayNudgeView, locale: str) -> dict[str, Any]:
    """**Book from feed**, **Log like yesterday**, **Open log form**."""
    day = fmt.day_label(view.day, locale)
    booked = fmt.duration(view.booked_seconds, locale)
    if view.booked_seconds == 0:
        line = t("reminder.nudge.nothing", locale, day=day)
    else:
        line = t("reminder.nudge.little", locale, day=day, booked=booked)
    body: list[Element] = [heading("📝 " + t("reminder.nudge.title", locale)), text(line, spacing="None")]
    if view.clocked_seconds:
        clocked = fmt.duration(view.clocked_seconds, locale)
        body.append(text(t("reminder.nudge.clocked", locale, clocked=clocked, booked=booked), subtle=True))
    buttons: list[Element] = []
    if view.feed_events:
        title = t("reminder.btn.feed", locale, count=view.feed_events)
        buttons.append(act.run(title, f"feed {view.day.isoformat()}"))
    if view.copy_from is not None:
        key = (
            "reminder.btn.copy_yesterday"
            if (view.day - view.copy_from).days == 1
            else "reminder.btn.copy_day"
        )
        title = t(key, locale, day=fmt.day_label(view.copy_from, locale))
        data = {"source": view.copy_from.isoformat(), "target": view.day.isoformat()}
        buttons.append(act.execute(title, verbs.COPY_DAY, data, inputs=False))
    buttons.append(act.execute(t("reminder.btn.log_form", locale), verbs.LOG_FORM, inputs=False))
    body.append(action_set(buttons))
    body.append(text(t("reminder.settings_hint", locale), subtle=True, size="Small"))
    return card(body, locale, fallback_text=line)


def _entry_row(entry: EntryView, locale: str) -> Element:
    return text(f"{entry_range(entry, locale)} · *{entry_path(entry, locale)}*", spacing="None")


def day_copied_card(
    entries: list[EntryView], skipped: int, source_day: date, target_day: date, locale: str
) -> dict[str, Any]:
    total = sum(e.duration_seconds for e in entries)
    fields = {
        "count": len(entries),
        "duration": fmt.duration(total, locale),
        "source": fmt.day_label(source_day, locale),
        "target": fmt.day_label(target_day, locale),
    }
    body: list[Element] = [text(t("reminder.copied", locale, **fields))]
    rows = fit_rows([_entry_row(e, locale) for e in entries], max_rows=20)
    body.extend(rows)
    hidden = more_line(len(entries) - len(rows), locale)
    if hidden is not None:
        body.append(hidden)
    if skipped:
        body.append(text(t("reminder.copied_skipped", locale, count=skipped), subtle=True, size="Small"))
    return card(body, locale, fallback_text=t("reminder.copied", locale, **fields))


REMINDER_INPUTS = ("end_of_day", "long_timer_hours", "remind_timer", "remind_nudge", "feed_push")


def _toggle(input_id: str, title: str, on: bool) -> Element:
    return {
        "type": "Input.Toggle",
        "id": input_id,
        "title": title,
        "valueOn": "true",
        "valueOff": "false",
        "value": "true" if on else "false",
    }


def reminder_settings(view: SettingsView, locale: str) -> list[Element]:
    """The settings card's reminder and feed section: end of day, timer limit, which reminders, the push."""
    values, errors = view.values, view.errors

    def on(name: str, default: bool) -> bool:
        return values.get(name, "true" if default else "false") == "true"

    items: list[Element] = [
        text(t("form.settings.reminders", locale), weight="Bolder", separator=True),
        {
            "type": "Input.Time",
            "id": "end_of_day",
            "label": t("form.settings.end_of_day", locale),
            "value": values.get("end_of_day") or view.end_of_day,
            "isRequired": True,
            "errorMessage": t("form.settings.end_of_day_invalid", locale),
        },
    ]
    if errors.get("end_of_day"):
        items.append(text(errors["end_of_day"], color="Attention", size="Small", spacing="None"))
    limit = values.get("long_timer_hours") or str(view.long_timer_hours)
    items.append(
        {
            "type": "Input.Number",
            "id": "long_timer_hours",
            "label": t("form.settings.long_timer", locale),
            "min": 1,
            "max": 24,
            "isRequired": True,
            "errorMessage": t("form.settings.long_timer_invalid", locale),
            **({"value": int(limit)} if limit.isdigit() else {}),
        }
    )
    if errors.get("long_timer_hours"):
        items.append(text(errors["long_timer_hours"], color="Attention", size="Small", spacing="None"))
    items.append(
        _toggle(
            "remind_timer", t("form.settings.remind_timer", locale), on("remind_timer", view.remind_timer)
        )
    )
    items.append(
        _toggle(
            "remind_nudge", t("form.settings.remind_nudge", locale), on("remind_nudge", view.remind_nudge)
        )
    )
    items.append(_toggle("feed_push", t("form.settings.feed_push", locale), on("feed_push", view.feed_push)))
    return items
