"""Properties: parse never raises; durations round-trip; clean_text is idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import clean_text, parse
from bot.commands.durations import format_duration, parse_duration
from bot.commands.parser import PERIOD_VERBS, VERBS, parse_strict
from bot.operations import Ambiguity, ParseContext, ParseFailure

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC", "Pacific/Apia"]
FRAGMENTS = [
    *VERBS, *PERIOD_VERBS, "add", "by", "client", "at", "for", "from", "to", "-", "–", "..", "ago", "in",
    "@web", "@3", "@", '@"Web Site"/design', "@a/b/c", "@a/b/c/d", "#tag", "-#tag", "#", "client:acme",
    'client:"A B"', '"note', '"note"', "“smart”", "$", "billable", "nonbillable", "last", "now", "today",
    "yesterday", "friday", "last friday", "3 days ago", "2026-11-20", "20.11.", "20.11.2026", "11/20",
    "2026-W47", "2026-W99", "2026-11", "2026-11-01..2026-11-15", "1h30m", "1h30", "1.5h", "1,5", "90",
    "90 mins", "1:30", "PT1H30M", "45s", "9", "9:15", "9am", "2:30pm", "14.30", "14 Uhr", "9-11",
    "22:00-01:30", "14:00-", "9:00 for 2h", "30min ago", "in 10 min", "0m", "99999999999999h", "@99999",
    "9999-12-31", "0001-01-01", "estimate", "color", "#fff", "private", "start", "end", "duration", "date",
    "note", "<at>Bot</at>", "&nbsp;", "\u200b", "!", "?", ".", "Europe/Berlin", "Mars/Base", "1/2", "/",
]  # fmt: skip

contexts = st.builds(
    ParseContext,
    now=st.datetimes(
        min_value=datetime(1971, 1, 1),
        max_value=datetime(9998, 1, 1),
        timezones=st.sampled_from([ZoneInfo(z) for z in ZONES]),
    ),
    tz=st.sampled_from([ZoneInfo(z) for z in ZONES]),
    locale=st.sampled_from(["en-US", "de-DE", "en-GB", "fr", ""]),
)
grammar_text = st.lists(st.sampled_from(FRAGMENTS), max_size=8).map(" ".join)
fast = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(text=st.text(max_size=80), ctx=contexts)
def test_parse_never_raises_on_any_text(text: str, ctx: ParseContext) -> None:
    result = parse_strict(text, ctx)  # no safety net: a bug would raise here
    assert result == parse(text, ctx)


@fast
@given(text=grammar_text, ctx=contexts)
def test_parse_never_raises_on_grammar_soup(text: str, ctx: ParseContext) -> None:
    result = parse_strict(text, ctx)
    if isinstance(result, Ambiguity):
        for choice in result.choices:
            assert not isinstance(parse_strict(choice.command, ctx), Ambiguity)
    elif isinstance(result, ParseFailure):
        assert result.message_key.startswith("parse.")


@fast
@given(text=grammar_text, ctx=contexts)
def test_resolved_times_are_aware_and_in_the_users_zone(text: str, ctx: ParseContext) -> None:
    result = parse_strict(text, ctx)
    for name in ("at", "start", "end"):
        value = getattr(result, name, None)
        if isinstance(value, datetime):
            assert value.tzinfo is ctx.tz


@fast
@given(seconds=st.integers(min_value=1, max_value=1000 * 3600))
def test_duration_round_trip(seconds: int) -> None:
    duration = timedelta(seconds=seconds)
    assert parse_duration(format_duration(duration)) == duration


@fast
@given(text=st.text(max_size=60))
def test_parse_duration_never_raises(text: str) -> None:
    parse_duration(text)


html_soup = st.lists(
    st.sampled_from(["<at>Bot</at>", "<at>", "</at>", "<p>", "</p>", "&nbsp;", "&amp;", "&lt;", "&gt;", "lt;",
                     "<b>", "\u200b", " ", "\t", "x", "start", "@web", "&", "<", ">", "at>", "&amp;lt;"]),
    max_size=12,
).map("".join)  # fmt: skip


@fast
@given(text=st.one_of(st.text(max_size=80), html_soup))
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert once == once.strip() and "  " not in once
