"""Per-user settings: the time zone (used when Teams does not report the client's zone)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import process

from bot.operations import SetTimezone
from bot.service.context import UserContext
from bot.service.outcomes import Notice, Outcome, Problem


async def set_timezone(ctx: UserContext, op: SetTimezone) -> Outcome:
    if op.zone is None:
        return Notice("service.timezone_is", {"zone": str(ctx.tz)}, facts=[])
    zone = _canonical(op.zone)
    if zone is None:
        suggestion = process.extractOne(op.zone, sorted(available_timezones()))
        return Problem(
            "service.unknown_timezone",
            {"zone": op.zone, "suggestion": suggestion[0] if suggestion else "Europe/Berlin"},
        )
    await ctx.services.store.save_prefs(ctx.prefs.model_copy(update={"timezone": zone}))
    return Notice("service.timezone_set", {"zone": zone})


def _canonical(name: str) -> str | None:
    by_fold = {z.casefold(): z for z in available_timezones()}
    zone = by_fold.get(name.strip().replace(" ", "_").casefold())
    if zone is None:
        return None
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return zone


canonical_zone = _canonical  # the settings form stores zones the same way `timezone ZONE` does
