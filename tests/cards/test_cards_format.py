"""Durations, clocks, day labels, ranges (midnight, DST, running), project paths, escaping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards import format as fmt

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("seconds", "en", "de"),
    [
        (5400, "1 h 30 min", "1 Std. 30 Min."),
        (2700, "45 min", "45 Min."),
        (7200, "2 h", "2 Std."),
        (0, "0 min", "0 Min."),
        (30, "less than 1 min", "weniger als 1 Min."),  # seconds are never shown to people
        (59, "less than 1 min", "weniger als 1 Min."),
        (60, "1 min", "1 Min."),
        (5459, "1 h 30 min", "1 Std. 30 Min."),  # whole minutes, rounded down
        (100 * 3600 + 60, "100 h 1 min", "100 Std. 1 Min."),
        (-5, "0 min", "0 Min."),
    ],
)
def test_duration(seconds: int, en: str, de: str) -> None:
    assert fmt.duration(seconds, "en") == en
    assert fmt.duration(seconds, "de-DE") == de
    assert fmt.duration(seconds, "fr") == en  # no French: English


@pytest.mark.parametrize(("seconds", "text"), [(5400, "1:30"), (59, "0:00"), (0, "0:00"), (90061, "25:01")])
def test_clock(seconds: int, text: str) -> None:
    assert fmt.clock(seconds) == text


def test_day_label() -> None:
    assert fmt.day_label(date(2026, 11, 17), "en") == "Tue 17 Nov"
    assert fmt.day_label(date(2026, 11, 17), "de") == "Di. 17. Nov."
    assert fmt.day_label(date(2026, 3, 1), "de") == "So. 1. März"
    assert fmt.day_label(datetime(2026, 5, 4, 9, tzinfo=BERLIN), "en") == "Mon 4 May"


def test_range_same_day() -> None:
    start = datetime(2026, 11, 17, 14, 0, tzinfo=BERLIN)
    assert fmt.time_range(start, start + timedelta(minutes=90), "en") == "Tue 17 Nov 14:00–15:30"
    assert fmt.time_range(start, start + timedelta(minutes=90), "de") == "Di. 17. Nov. 14:00–15:30"


def test_range_crossing_midnight() -> None:
    start = datetime(2026, 11, 16, 22, 0, tzinfo=BERLIN)
    end = datetime(2026, 11, 17, 1, 30, tzinfo=BERLIN)
    assert fmt.time_range(start, end, "en") == "Mon 16 Nov 22:00 – Tue 17 Nov 01:30"
    assert fmt.time_range(start, end, "de") == "Mo. 16. Nov. 22:00 – Di. 17. Nov. 01:30"
    assert fmt.time_range(start, datetime(2026, 11, 17, tzinfo=BERLIN), "en") == "Mon 16 Nov 22:00–24:00"


def test_range_end_in_other_zone_is_shown_in_start_zone() -> None:
    start = datetime(2026, 11, 17, 14, 0, tzinfo=BERLIN)
    end = datetime(2026, 11, 17, 14, 30, tzinfo=UTC)  # 15:30 in Berlin
    assert fmt.time_range(start, end, "en") == "Tue 17 Nov 14:00–15:30"


def test_range_on_dst_days() -> None:
    # 29 Mar 2026: Berlin skips 02:00–03:00. Wall clock shows 01:30–03:30 (one real hour).
    start = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    end = (start.astimezone(UTC) + timedelta(hours=1)).astimezone(BERLIN)
    assert fmt.time_range(start, end, "en") == "Sun 29 Mar 01:30–03:30"
    # 25 Oct 2026: 02:00–03:00 happens twice. 01:30 + 2 real hours = 02:30 (second time, CET).
    start = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN)
    end = (start.astimezone(UTC) + timedelta(hours=2)).astimezone(BERLIN)
    assert fmt.time_range(start, end, "de") == "So. 25. Okt. 01:30–02:30"


def test_range_running() -> None:
    start = datetime(2026, 11, 16, 22, 0, tzinfo=BERLIN)
    assert fmt.time_range(start, None, "en") == "since 22:00"
    assert fmt.time_range(start, None, "de") == "seit 22:00"
    assert fmt.time_range(start, None, "en", today=date(2026, 11, 16)) == "since 22:00"
    assert fmt.time_range(start, None, "en", today=date(2026, 11, 17)) == "since Mon 16 Nov 22:00"


def test_project_path() -> None:
    assert fmt.project_path("Acme", "Website", "Design") == "Acme › Website › Design"
    assert fmt.project_path(None, "Website", None) == "Website"
    assert fmt.project_path("Acme", "Website", None) == "Acme › Website"
    assert fmt.project_path(None, "Website", "Design") == "Website › Design"
    assert fmt.project_path("Acme", None, "Design", "en") == "No project"
    assert fmt.project_path(None, None, None, "de") == "Kein Projekt"


def test_percent_and_shorten() -> None:
    assert fmt.percent(1, 3) == 33
    assert fmt.percent(5, 0) == 0
    assert fmt.percent(9, 4) == 100
    assert fmt.shorten("abcdef", 4) == "abc…"
    assert fmt.shorten("abc", 4) == "abc"


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("**hi**", r"\*\*hi\*\*"),
        ("<at>Boss</at>", r"\<at\>Boss\</at\>"),
        ("[click](https://x)", r"\[click\](https://x)"),
        ("`code` _it_ ~~s~~", r"\`code\` \_it\_ \~\~s\~\~"),
        ("&lt;b&gt;", r"\&lt;b\&gt;"),
        ("a\\b", "a\\\\b"),
        ("- item\n1. first\n  + sub", "\\- item\n1\\. first\n  \\+ sub"),
        ("plain Website 2026 ü 😀", "plain Website 2026 ü 😀"),
        ("a - b, 3. place", "a - b, 3. place"),  # only markers at a line start
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    assert fmt.escape(raw) == escaped


_SPECIAL = set("\\`*_[]<>~&")


@given(st.text(max_size=200))
def test_escape_leaves_no_unescaped_markdown(raw: str) -> None:
    out = fmt.escape(raw)
    i = 0
    while i < len(out):
        if out[i] == "\\":
            assert i + 1 < len(out), out
            i += 2
            continue
        assert out[i] not in _SPECIAL, (raw, out)
        i += 1


@given(st.integers(min_value=0, max_value=10**7))
def test_duration_never_empty_and_consistent(seconds: int) -> None:
    text = fmt.duration(seconds, "en")
    assert text
    hours, minutes = divmod(seconds // 60, 60)
    if seconds >= 60:
        assert (f"{hours} h" in text) == bool(hours)
        assert (f"{minutes} min" in text) == bool(minutes) or (not hours and minutes == 0)


@pytest.mark.parametrize(
    ("first", "last", "locale", "expected"),
    [
        (date(2026, 11, 17), date(2026, 11, 17), "en", "17 Nov"),
        (date(2026, 12, 1), date(2026, 12, 31), "en", "1–31 Dec"),
        (date(2026, 12, 1), date(2026, 12, 31), "de-DE", "1.–31. Dez."),
        (date(2026, 11, 30), date(2026, 12, 6), "en", "30 Nov – 6 Dec"),
        (date(2026, 11, 30), date(2026, 12, 6), "de", "30. Nov. – 6. Dez."),
        (date(2025, 12, 29), date(2026, 1, 4), "en", "29 Dec 2025 – 4 Jan 2026"),
    ],
)
def test_date_span(first: date, last: date, locale: str, expected: str) -> None:
    # a day is never broken across lines (no-break spaces), nor days of one month (word joiners at the dash)
    joined = expected.replace(" ", "\u00a0").replace("\u00a0–\u00a0", " – ")
    if " – " not in joined:
        joined = joined.replace("–", "\u2060–\u2060")
    assert fmt.date_span(first, last, locale) == joined
