"""The reminder and feed part of the settings card: read what was sent, keep the person's choices.

`parse` checks the inputs (an end of day as HH:MM, a timer limit of 1–24 hours, three switches) and marks a
wrong one on the form; `save` stores them and says what changed. A card without these inputs changes
nothing here.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from bot.i18n import t
from bot.service import forms as service
from bot.service.context import UserContext
from bot.views.verbs import SettingsForm

_SWITCHES = ("remind_timer", "remind_nudge", "feed_push")


def parse(data: SettingsForm, errors: dict[str, str], locale: str) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if data.end_of_day is not None:
        m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::00)?\s*", data.end_of_day)
        if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            errors["end_of_day"] = t("form.settings.end_of_day_invalid", locale)
        else:
            changes["end_of_day"] = time(int(m.group(1)), int(m.group(2))).strftime("%H:%M")
    if data.long_timer_hours is not None:
        text = data.long_timer_hours.strip()
        hours = int(text) if text.isdigit() else None
        if hours is None or not 1 <= hours <= 24:
            errors["long_timer_hours"] = t("form.settings.long_timer_invalid", locale)
        else:
            changes["long_timer_hours"] = hours
    for name in _SWITCHES:
        value = getattr(data, name)
        if value in ("true", "false"):
            changes[name] = value == "true"
    return changes


async def save(ctx: UserContext, changes: dict[str, Any], locale: str) -> list[tuple[str, str]]:
    """Store the changes that differ from what the person has; the facts to confirm them with."""
    different = {k: v for k, v in changes.items() if getattr(ctx.prefs, k) != v}
    await service.save_prefs(ctx, **different)
    facts: list[tuple[str, str]] = []
    if "end_of_day" in different:
        facts.append((t("form.settings.end_of_day", locale), different["end_of_day"]))
    if "long_timer_hours" in different:
        facts.append((t("form.settings.long_timer", locale), str(different["long_timer_hours"])))
    labels = {name: f"form.settings.{name}" for name in _SWITCHES}
    for name in _SWITCHES:
        if name in different:
            facts.append(
                (t(labels[name], locale), t("card.field.yes" if different[name] else "card.field.no", locale))
            )
    return facts
