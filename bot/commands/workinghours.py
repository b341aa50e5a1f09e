"""Working hours (attendance, apart from project time): `come`, `go`, `break`, `hours`.

`come`/`go`/`break start|end` take `at TIME` or any plain time (`come 8`, `go 17:30`), placed on today in
ctx.tz or on the date given (`come at 8:00 yesterday`, the dates of `log`); `hours` alone is today.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import cast

from bot.operations import ClockIn, ClockOut, Hours, Period, TakeBreak

from .args import (
    Cmd,
    Matcher,
    clock_matchers,
    fail,
    no_leftovers,
    no_refs_or_tags,
    period_matchers,
    resolve_at,
    resolve_range_or_fail,
    scan,
    words,
)
from .durations import bare_number, parse_duration
from .timeparse import ClockSpec, RangeSpec, parse_date, parse_period, parse_range, resolve_clock

_BREAK_START = frozenset({"start", "begin", "beginn", "anfang", "starten", "beginnen", "now", "jetzt"})
_BREAK_END = frozenset({"end", "stop", "stopp", "ende", "beenden", "over", "done", "fertig", "vorbei"})


def _clock_at(cmd: Cmd) -> datetime | None:
    """`come`/`go`/`break start|end` take `at TIME` or any plain time (`come 8`, `go 17:30`), and a date
    like `log` does (`come at 8:00 yesterday`, `go 17:00 friday`): forgotten clock-ins are fixed later."""
    ctx = cmd.ctx
    found = scan(cmd.tokens, [("date", lambda s: parse_date(s, ctx)), *clock_matchers(ctx, bare=True)])
    no_leftovers(found)
    no_refs_or_tags(found, cmd.tokens)
    at_hit, date_hit = found.one("at"), found.one("date")
    if date_hit is None:
        return resolve_at(at_hit, ctx)
    if at_hit is None:
        fail("parse.hours.needs_time", text=date_hit.text)
    spec = cast(ClockSpec, at_hit.value)
    if spec.tod is None:  # `30 min ago friday`: a relative time has its own day
        fail("parse.unexpected", text=date_hit.text)
    try:
        return resolve_clock(spec, cast(date, date_hit.value), ctx)
    except (OverflowError, ValueError):
        fail("parse.bad_time", text=at_hit.text)


def come(cmd: Cmd) -> ClockIn:
    return ClockIn(at=_clock_at(cmd))


def go(cmd: Cmd) -> ClockOut:
    return ClockOut(at=_clock_at(cmd))


def break_(cmd: Cmd) -> TakeBreak:
    """`break` (open now), `break start|end [at T]`, `break 30m` (ending now), `break 30m at 12:00`,
    `break 12:00-12:30` (inserted), `break 12:00-` / `break at 12:00` (open since then)."""
    tokens, ctx = cmd.tokens, cmd.ctx
    if not tokens:
        return TakeBreak()
    if tokens[0].kind == "word" and tokens[0].low in _BREAK_START | _BREAK_END:
        at = _clock_at(Cmd(cmd.text, tokens[1:], ctx))
        if tokens[0].low in _BREAK_END:
            return TakeBreak(action="end", end=at)
        return TakeBreak(action="start", start=at)
    clock = clock_matchers(ctx, bare=False)
    matchers: list[Matcher] = [
        ("range", lambda s: parse_range(s, ctx)),
        ("duration", parse_duration),
        ("number", bare_number),
        ("date", lambda s: parse_date(s, ctx)),
        clock[0],
        clock[1],
    ]
    found = scan(tokens, matchers)
    no_leftovers(found)
    no_refs_or_tags(found, tokens)
    range_hit, duration_hit, number_hit = found.one("range"), found.one("duration"), found.one("number")
    at_hit, date_hit = found.one("at"), found.one("date")
    day = cast(date, date_hit.value) if date_hit else None
    if number_hit is not None:
        if range_hit is None and duration_hit is None:
            cmd.ask_number(number_hit.tokens[0], cast(str, number_hit.value))
        fail("parse.unexpected", text=number_hit.text)
    if range_hit is not None:
        if duration_hit is not None or at_hit is not None:
            fail("parse.unexpected", text=(duration_hit or at_hit).text)  # type: ignore[union-attr]
        start, end = resolve_range_or_fail(cast(RangeSpec, range_hit.value), day, ctx, range_hit.text)
        if end is None:
            return TakeBreak(action="start", start=start)
        return TakeBreak(action="insert", start=start, end=end)
    if duration_hit is not None:
        length = cast(timedelta, duration_hit.value)
        if length <= timedelta(0):
            fail("parse.zero_duration", text=duration_hit.text)
        if at_hit is not None:
            spec = RangeSpec(start=cast(ClockSpec, at_hit.value), duration=length)
            start, end = resolve_range_or_fail(spec, day, ctx, at_hit.text)
            return TakeBreak(action="insert", start=start, end=end)
        return TakeBreak(action="insert", duration=length, day=day)
    if at_hit is not None and day is None:
        return TakeBreak(action="start", start=resolve_at(at_hit, ctx))
    fail("parse.unexpected", text=(at_hit or date_hit).text)  # type: ignore[union-attr]


def hours(cmd: Cmd) -> Hours:
    found = scan(cmd.tokens, period_matchers(cmd.ctx))
    if found.runs:
        fail("parse.bad_period", text=words(found.runs[0]))
    no_leftovers(found)
    no_refs_or_tags(found, cmd.tokens)
    hit = found.one("period")
    return Hours(period=cast(Period, hit.value) if hit else cast(Period, parse_period("today", cmd.ctx)))
