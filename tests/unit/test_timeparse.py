"""Durations, times of day, relative times, ranges, dates and periods (bot.commands.durations/timeparse)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.commands.durations import bare_number, format_duration, parse_duration
from bot.commands.timeparse import (
    at_local,
    parse_clock,
    parse_date,
    parse_period,
    parse_range,
    parse_time_of_day,
    resolve_range,
)
from bot.operations import ParseContext

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 17, 15, 0, tzinfo=BERLIN)  # a Tuesday
CTX = ParseContext(now=NOW, tz=BERLIN, locale="en-US")
CTX_DE = ParseContext(now=NOW, tz=BERLIN, locale="de-DE")
H, M, S = timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1h30m", H + 30 * M),
        ("1h30", H + 30 * M),
        ("1h 30min", H + 30 * M),
        ("1 h 30 min", H + 30 * M),
        ("1.5h", H + 30 * M),
        ("1,5h", H + 30 * M),
        ("90m", 90 * M),
        ("90min", 90 * M),
        ("90 mins", 90 * M),
        ("1:30", H + 30 * M),
        ("1:30:15", H + 30 * M + 15 * S),
        ("45s", 45 * S),
        ("PT1H30M", H + 30 * M),
        ("pt45m", 45 * M),
        ("P1DT2H", 26 * H),
        ("2 hours", 2 * H),
        ("1 hour and 30 minutes", H + 30 * M),
        ("1,5 Std", H + 30 * M),
        ("2 Stunden", 2 * H),
        ("30 Min", 30 * M),
        ("30 Min.", 30 * M),
        ("1h5s", H + 5 * S),
        ("0.25h", 15 * M),
        ("2H", 2 * H),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text", ["", "90", "1.5", "h", "abc", "1m30h", "1h30m15", "PT", "P", "1:75", "1h1h", "9am", "-5m", None]
)
def test_parse_duration_rejects(text: str | None) -> None:
    assert parse_duration(text) is None


DURATION_TEXTS = [
    (H + 30 * M, "1h30m"),
    (45 * M, "45m"),
    (2 * H, "2h"),
    (30 * S, "30s"),
    (H + 5 * S, "1h5s"),
    (timedelta(0), "0m"),
    (30 * H, "30h"),
    (-(90 * M), "-1h30m"),
]


@pytest.mark.parametrize(("td", "text"), DURATION_TEXTS)
def test_format_duration(td: timedelta, text: str) -> None:
    assert format_duration(td) == text


def test_bare_number() -> None:
    assert bare_number("90") == "90"
    assert bare_number("1,5") == "1,5"
    assert bare_number("0") is None
    assert bare_number("90m") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9", time(9)),
        ("9:15", time(9, 15)),
        ("09:15", time(9, 15)),
        ("9am", time(9)),
        ("9 AM", time(9)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("2:30pm", time(14, 30)),
        ("2:30 p.m.", time(14, 30)),
        ("14.30", time(14, 30)),
        ("14 Uhr", time(14)),
        ("14:30 uhr", time(14, 30)),
        ("noon", time(12)),
        ("23:59", time(23, 59)),
    ],
)
def test_time_of_day(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9:60", "13pm", "0am", "9:5", "noonish", "", "1h"])
def test_time_of_day_rejects(text: str) -> None:
    assert parse_time_of_day(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("jetzt", NOW),
        ("30min ago", NOW - 30 * M),
        ("30 min ago", NOW - 30 * M),
        ("1h ago", NOW - H),
        ("vor 10 Minuten", NOW - 10 * M),
        ("in 10 min", NOW + 10 * M),
        ("9:15", datetime(2026, 11, 17, 9, 15, tzinfo=BERLIN)),
    ],
)
def test_clock(text: str, expected: datetime) -> None:
    got = parse_clock(text, CTX)
    assert got == expected
    assert got is not None and got.tzinfo is BERLIN


def test_relative_clock_across_dst_is_elapsed_time() -> None:
    now = datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)  # CEST, one hour after the jump
    got = parse_clock("2h ago", ParseContext(now=now, tz=BERLIN))
    assert got is not None
    assert now.astimezone(UTC) - got.astimezone(UTC) == 2 * H
    assert (got.hour, got.minute) == (0, 30)


def test_clock_in_other_zone_than_now() -> None:
    ctx = ParseContext(now=datetime(2026, 11, 17, 14, 0, tzinfo=UTC), tz=ZoneInfo("America/New_York"))
    got = parse_clock("now", ctx)
    assert got is not None and got.hour == 9 and str(got.tzinfo) == "America/New_York"


def test_at_local_gap_and_fold() -> None:
    gap = at_local(date(2026, 3, 29), time(2, 30), BERLIN)
    assert (gap.hour, gap.minute, gap.utcoffset()) == (3, 30, 2 * H)
    fold = at_local(date(2026, 10, 25), time(2, 30), BERLIN)
    assert fold.utcoffset() == 2 * H  # first occurrence (summer time)


def _range(
    text: str, day: date | None = None, ctx: ParseContext = CTX
) -> tuple[datetime, datetime | None] | str:
    spec = parse_range(text, ctx)
    assert spec is not None, text
    return resolve_range(spec, day, ctx)


def _on(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("9-11", _on(17, 9), _on(17, 11)),
        ("9:00-10:30", _on(17, 9), _on(17, 10, 30)),
        ("9am - 11:30am", _on(17, 9), _on(17, 11, 30)),
        ("from 9 to 11", _on(17, 9), _on(17, 11)),
        ("von 9 bis 11", _on(17, 9), _on(17, 11)),
        ("9:00 for 2h", _on(17, 9), _on(17, 11)),
        ("14:00–15:30", _on(17, 14), _on(17, 15, 30)),
        ("14:00—15:30", _on(17, 14), _on(17, 15, 30)),
        ("22:00-01:30", _on(17, 22), _on(18, 1, 30)),
        ("14:00-", _on(17, 14), None),
        ("14:00 -", _on(17, 14), None),
        ("13:00-now", _on(17, 13), NOW),
        ("30min ago - now", NOW - 30 * M, NOW),
        ("2pm-3pm", _on(17, 14), _on(17, 15)),
    ],
)
def test_ranges(text: str, start: datetime, end: datetime | None) -> None:
    assert _range(text) == (start, end)


def test_range_on_a_given_day() -> None:
    assert _range("9-11", date(2026, 11, 13)) == (_on(13, 9), _on(13, 11))


def test_range_equal_ends_is_an_error() -> None:
    assert _range("9-9") == "parse.empty_range"


def test_range_to_now_just_after_midnight_starts_yesterday() -> None:
    ctx = ParseContext(now=_on(18, 0, 30), tz=BERLIN)
    assert _range("22:00-now", ctx=ctx) == (_on(17, 22), _on(18, 0, 30))


@pytest.mark.parametrize(
    ("day", "text", "elapsed"),
    [
        (date(2026, 3, 29), "1:30-3:30", H),  # spring forward: 02:00-03:00 does not exist
        (date(2026, 10, 25), "1:30-3:30", 3 * H),  # fall back: 02:00-03:00 happens twice
        (date(2026, 3, 28), "22:00-04:00", 5 * H),  # overnight across the jump
        (date(2026, 10, 24), "22:00-04:00", 7 * H),
        (date(2026, 3, 29), "1:00 for 2h", 2 * H),
    ],
)
def test_ranges_across_dst_give_real_elapsed_time(day: date, text: str, elapsed: timedelta) -> None:
    got = _range(text, day)
    assert isinstance(got, tuple) and got[1] is not None
    start, end = got
    assert end.astimezone(UTC) - start.astimezone(UTC) == elapsed
    assert start.tzinfo is BERLIN and end.tzinfo is BERLIN


@pytest.mark.parametrize("text", ["9", "abc-def", "2026-11-20", "-9", "9 for 2", "25-26"])
def test_not_ranges(text: str) -> None:
    assert parse_range(text, CTX) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 11, 17)),
        ("heute", date(2026, 11, 17)),
        ("yesterday", date(2026, 11, 16)),
        ("gestern", date(2026, 11, 16)),
        ("vorgestern", date(2026, 11, 15)),
        ("tuesday", date(2026, 11, 17)),  # today is Tuesday
        ("monday", date(2026, 11, 16)),
        ("wednesday", date(2026, 11, 11)),
        ("friday", date(2026, 11, 13)),
        ("fri", date(2026, 11, 13)),
        ("freitag", date(2026, 11, 13)),
        ("on friday", date(2026, 11, 13)),
        ("last friday", date(2026, 11, 13)),
        ("last tuesday", date(2026, 11, 10)),  # strictly before today
        ("letzten Montag", date(2026, 11, 16)),
        ("3 days ago", date(2026, 11, 14)),
        ("a week ago", date(2026, 11, 10)),
        ("vor 2 Tagen", date(2026, 11, 15)),
        ("2026-11-20", date(2026, 11, 20)),
        ("20.11.", date(2026, 11, 20)),
        ("20.11.2026", date(2026, 11, 20)),
        ("1.2.25", date(2025, 2, 1)),
        ("11/20", date(2026, 11, 20)),  # en-US: month/day
        ("11/20/2025", date(2025, 11, 20)),
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_date(text, CTX) == expected


def test_slash_dates_are_day_month_outside_en_us() -> None:
    assert parse_date("11/10", CTX_DE) == date(2026, 10, 11)
    assert parse_date("11/10", ParseContext(now=NOW, tz=BERLIN, locale="en-GB")) == date(2026, 10, 11)
    assert parse_date("20/11", CTX) is None  # month 20 in en-US


def test_the_same_words_on_another_day_or_in_another_locale_name_another_date() -> None:
    """Dates are kept per (text, day, month-first): none of the three may be left out of the key."""
    monday = ParseContext(now=datetime(2026, 11, 16, 12, tzinfo=BERLIN), tz=BERLIN)
    tuesday = ParseContext(now=datetime(2026, 11, 17, 12, tzinfo=BERLIN), tz=BERLIN)
    assert parse_date("yesterday", monday) == date(2026, 11, 15)
    assert parse_date("yesterday", tuesday) == date(2026, 11, 16)
    assert parse_date("  Yesterday ", tuesday) == date(2026, 11, 16)
    assert parse_date("11/10", CTX) == date(2026, 11, 10)
    assert parse_date("11/10", CTX_DE) == date(2026, 10, 11)


def test_yearless_date_takes_the_closest_year() -> None:
    january = ParseContext(now=datetime(2027, 1, 5, 12, tzinfo=BERLIN), tz=BERLIN)
    assert parse_date("20.12.", january) == date(2026, 12, 20)
    assert parse_date("10.1.", january) == date(2027, 1, 10)


@pytest.mark.parametrize("text", ["31.2.", "2026-13-01", "blursday", "20.11", "last blursday", "9:15", ""])
def test_not_dates(text: str) -> None:
    assert parse_date(text, CTX) is None


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("today", date(2026, 11, 17), date(2026, 11, 18), "Today"),
        ("yesterday", date(2026, 11, 16), date(2026, 11, 17), "Yesterday"),
        ("week", date(2026, 11, 16), date(2026, 11, 23), "This week"),
        ("this week", date(2026, 11, 16), date(2026, 11, 23), "This week"),
        ("last week", date(2026, 11, 9), date(2026, 11, 16), "Last week"),
        ("month", date(2026, 11, 1), date(2026, 12, 1), "This month"),
        ("this month", date(2026, 11, 1), date(2026, 12, 1), "This month"),
        ("last month", date(2026, 10, 1), date(2026, 11, 1), "Last month"),
        ("this year", date(2026, 1, 1), date(2027, 1, 1), "This year"),
        ("last year", date(2025, 1, 1), date(2026, 1, 1), "Last year"),
        ("all time", date(1970, 1, 1), date(2026, 11, 18), "All time"),
        ("2026-W47", date(2026, 11, 16), date(2026, 11, 23), "Week 47"),
        ("2025-w01", date(2024, 12, 30), date(2025, 1, 6), "Week 1, 2025"),
        ("KW 47", date(2026, 11, 16), date(2026, 11, 23), "Week 47"),
        ("2026-11", date(2026, 11, 1), date(2026, 12, 1), "November 2026"),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1), "December 2026"),
        ("november", date(2026, 11, 1), date(2026, 12, 1), "November 2026"),
        ("december", date(2025, 12, 1), date(2026, 1, 1), "December 2025"),
        ("2026-11-01..2026-11-15", date(2026, 11, 1), date(2026, 11, 16), "2026-11-01 – 2026-11-15"),
        ("2026-11-01 - 2026-11-15", date(2026, 11, 1), date(2026, 11, 16), "2026-11-01 – 2026-11-15"),
        ("friday", date(2026, 11, 13), date(2026, 11, 14), "2026-11-13"),
    ],
)
def test_periods(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text, CTX)
    assert period is not None
    assert (period.start, period.end, period.label) == (start, end, label)


def test_last_month_in_january_and_german_labels() -> None:
    january = ParseContext(now=datetime(2027, 1, 5, 12, tzinfo=BERLIN), tz=BERLIN, locale="de-DE")
    period = parse_period("letzter monat", january)
    assert period is not None
    assert (period.start, period.end, period.label) == (date(2026, 12, 1), date(2027, 1, 1), "Letzter Monat")
    week = parse_period("2027-W01", january)
    assert week is not None and week.label == "KW 1"
    month = parse_period("2026-03", january)
    assert month is not None and month.label == "März 2026"


@pytest.mark.parametrize("text", ["2026-W60", "2026-13", "2026-11-15..2026-11-01", "someday", "0000-01"])
def test_not_periods(text: str) -> None:
    assert parse_period(text, CTX) is None
