"""Time entries and what lists them: `log`, `delete`, `times`, `summary` and the period verbs.

`edit` has its own module (`bot.commands.edit`); `undo` takes no arguments.

* **`log 14:00-`** (an open range) is a timer that started at 14:00: it returns `StartTimer(at=14:00, …)`.
* **`log`** sets `day` only when a date was typed; a range goes on that date (default today), a duration is
  placed on `day` by the service (None = today). `log 2h at 9` is the range 9:00-11:00. `log` (or `add`)
  alone opens the log-time form (`ShowForm`).
* **Period verbs**: `today`, `yesterday`, `week`, `this week`, `last week`, `month`, `this month`,
  `last month` (and `heute`, `gestern`, `woche`, `letzte woche`, `monat`…) are `Summary(period=…)`;
  `summary` without a period is this week; `times` without a period is today.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from bot.operations import (
    DeleteEntry,
    ListTimes,
    LogEntry,
    Period,
    ShowForm,
    StartTimer,
    Summary,
    SummaryGroup,
)

from .args import (
    Cmd,
    Matcher,
    billable_word,
    clock_matchers,
    entry_ref_arg,
    fail,
    group_words,
    no_leftovers,
    no_refs_or_tags,
    nothing_else,
    period_matchers,
    project_and_note,
    resolve_range_or_fail,
    scan,
    words,
)
from .durations import bare_number, parse_duration
from .timeparse import ClockSpec, RangeSpec, parse_date, parse_period, parse_range


def log(cmd: Cmd) -> LogEntry | StartTimer | ShowForm:
    ctx = cmd.ctx
    if not cmd.tokens:
        return ShowForm(form="log")  # `log` alone: the log-time form
    matchers: list[Matcher] = [
        ("range", lambda s: parse_range(s, ctx)),
        ("duration", parse_duration),
        ("number", bare_number),
        ("date", lambda s: parse_date(s, ctx)),
        ("billable", billable_word),
        clock_matchers(ctx, bare=False)[0],  # `at TIME`: `log 2h at 9` is 9:00-11:00
    ]
    found = scan(cmd.tokens, matchers)
    no_leftovers(found, runs=False, quoted=False)
    range_hit, duration_hit, number_hit = found.one("range"), found.one("duration"), found.one("number")
    at_hit = found.one("at")
    if at_hit is not None and range_hit is not None:
        fail("parse.unexpected", text=at_hit.text)
    date_hit, billable_hit = found.one("date"), found.one("billable")
    if range_hit and duration_hit:
        fail("parse.unexpected", text=duration_hit.text)
    project, note = project_and_note(found)
    day = cast(date, date_hit.value) if date_hit else None
    billable = cast(bool, billable_hit.value) if billable_hit else None
    if range_hit is None and duration_hit is None:
        if number_hit is not None:
            cmd.ask_number(number_hit.tokens[0], cast(str, number_hit.value))
        fail("parse.log.missing_duration", text=cmd.text)
    if number_hit is not None:
        fail("parse.unexpected", text=number_hit.text)
    if duration_hit is not None:
        duration = cast(timedelta, duration_hit.value)
        if duration <= timedelta(0):
            fail("parse.zero_duration", text=duration_hit.text)
        if at_hit is not None:
            spec = RangeSpec(start=cast(ClockSpec, at_hit.value), duration=duration)
            start, end = resolve_range_or_fail(spec, day, ctx, at_hit.text)
            return LogEntry(
                start=start, end=end, day=day, project=project, tags=found.tags, note=note, billable=billable
            )
        return LogEntry(
            duration=duration, day=day, project=project, tags=found.tags, note=note, billable=billable
        )
    assert range_hit is not None
    start, end = resolve_range_or_fail(cast(RangeSpec, range_hit.value), day, ctx, range_hit.text)
    if end is None:
        return StartTimer(project=project, tags=found.tags, note=note, at=start, billable=billable)
    return LogEntry(
        start=start, end=end, day=day, project=project, tags=found.tags, note=note, billable=billable
    )


def delete(cmd: Cmd) -> DeleteEntry:
    ref, rest = entry_ref_arg(cmd, last_written=True)
    cmd.tokens = rest
    nothing_else(cmd, frozenset({"entry", "eintrag", "it", "this"}))
    return DeleteEntry(ref=ref)


def times(cmd: Cmd) -> ListTimes:
    found = scan(cmd.tokens, period_matchers(cmd.ctx))
    no_leftovers(found, runs=False)
    if found.refs and found.runs:
        fail("parse.unexpected", text=found.runs[0][0].raw)
    project, _ = project_and_note(found)
    if len(found.runs) > 1:
        fail("parse.unexpected", text=found.runs[1][0].raw)
    period = found.one("period")
    return ListTimes(
        period=cast(Period, period.value) if period else cast(Period, parse_period("today", cmd.ctx)),
        project=project,
        tags=found.tags,
    )


def summary(cmd: Cmd, period: Period | None = None) -> Summary:
    """`summary [PERIOD] [by GROUP]`; a period verb (`today`, `last week`…) passes its period in."""
    matchers: list[Matcher] = [("group", group_words)]
    if period is None:
        matchers += period_matchers(cmd.ctx)
    found = scan(cmd.tokens, matchers)
    if found.runs:
        first = found.runs[0]
        if first[0].low in ("by", "per", "nach", "pro"):
            fail("parse.bad_group", text=words(first[1:2]) or first[0].raw)
        fail("parse.bad_period" if period is None else "parse.unexpected", text=words(first))
    no_leftovers(found)
    no_refs_or_tags(found, cmd.tokens)
    hit = found.one("period")
    group = found.one("group")
    chosen = period or (cast(Period, hit.value) if hit else cast(Period, parse_period("week", cmd.ctx)))
    return Summary(period=chosen, by=cast(SummaryGroup, group.value) if group else "project")
