"""Durations as people type them, and one canonical compact form.

Accepted (case-insensitive): `1h30m`, `1h30`, `1h 30min`, `1 h 30 min`, `1.5h`, `1,5h`, `90m`, `90min`,
`90 mins`, `2 hours`, `1 hour and 30 minutes`, `1,5 Std`, `30 Min.`, `45s`, `1:30` (h:mm), `1:30:15`
(h:mm:ss), ISO 8601 `PT1H30M` / `P1DT2H`. A bare number (`90`, `1.5`) is *not* a duration: the unit is
unknown, so the parser asks (see `bare_number`). `m` always means minutes.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache

__all__ = ["bare_number", "format_duration", "parse_duration"]

_HOURS = frozenset({"h", "hr", "hrs", "hour", "hours", "std", "stdn", "stunde", "stunden"})
_MINUTES = frozenset({"m", "min", "mins", "minute", "minutes", "minuten", "mn"})
_SECONDS = frozenset({"s", "sec", "secs", "second", "seconds", "sek", "sekunde", "sekunden"})
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}

_NUMBER = r"(?:\d+(?:[.,]\d+)?|[.,]\d+)"
_PART = re.compile(rf"\s*({_NUMBER})\s*([a-zäöü]*)\.?\s*", re.IGNORECASE)
_CLOCK = re.compile(r"(\d{1,4}):([0-5]\d)(?::([0-5]\d))?")
_ISO = re.compile(
    rf"P(?:({_NUMBER})D)?(?:T(?:({_NUMBER})H)?(?:({_NUMBER})M)?(?:({_NUMBER})S)?)?", re.IGNORECASE
)
_AND = re.compile(r"\s+(?:and|und|&)\s+", re.IGNORECASE)
_BARE = re.compile(rf"{_NUMBER}")
_MAX_LEN = 60


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def _unit(word: str) -> str | None:
    word = word.lower()
    if word == "":
        return ""
    if word in _HOURS:
        return "h"
    if word in _MINUTES:
        return "m"
    if word in _SECONDS:
        return "s"
    return None


def _seconds(total: float) -> timedelta | None:
    try:
        return timedelta(seconds=round(total))
    except (OverflowError, ValueError):
        return None


def _compound(s: str) -> timedelta | None:
    """`1h30m`, `1 h 30 min`, `1h30`, `1,5 Std`: number+unit parts, units strictly decreasing."""
    s = _AND.sub(" ", s)
    parts: list[tuple[str, str]] = []
    pos = 0
    while pos < len(s):
        m = _PART.match(s, pos)
        if m is None or m.end() == pos:
            return None
        unit = _unit(m.group(2))
        if unit is None:
            return None
        parts.append((m.group(1), unit))
        pos = m.end()
    if not parts:
        return None
    total = 0.0
    previous = None
    for index, (number, unit) in enumerate(parts):
        if unit == "":
            # only `1h30`: a trailing integer right after hours means minutes
            if index == 0 or index != len(parts) - 1 or previous != "h" or not number.isdigit():
                return None
            unit = "m"
        if previous is not None and _UNIT_SECONDS[unit] >= _UNIT_SECONDS[previous]:
            return None
        previous = unit
        total += _num(number) * _UNIT_SECONDS[unit]
    return _seconds(total)


@lru_cache(maxsize=4096)
def parse_duration(s: str | None) -> timedelta | None:
    """The duration `s` spells, or None. Never raises. Rounds to whole seconds. Kept per text: the
    argument scanner tries every run of words of every command as a duration."""
    if not s:
        return None
    s = s.strip()
    if not s or len(s) > _MAX_LEN:
        return None
    try:
        m = _CLOCK.fullmatch(s)
        if m:
            return _seconds(int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3) or 0))
        m = _ISO.fullmatch(s)
        if m:
            if not any(m.groups()) or s.upper().endswith("T"):
                return None
            d, h, mi, sec = (_num(g) if g else 0.0 for g in m.groups())
            return _seconds(d * 86400 + h * 3600 + mi * 60 + sec)
        return _compound(s)
    except (ValueError, OverflowError):
        return None


@lru_cache(maxsize=4096)
def bare_number(s: str) -> str | None:
    """`90`, `1.5`, `1,5`: a positive number with no unit (minutes or hours? ask). Returns it as typed."""
    s = s.strip()
    if len(s) > 12 or not _BARE.fullmatch(s):
        return None
    try:
        return s if _num(s) > 0 else None
    except ValueError:
        return None


def format_duration(td: timedelta) -> str:
    """Canonical compact form: `1h30m`, `45m`, `2h`, `30s`, `1h5s`, `0m`. Hours are not folded into days.

    Rounds to whole seconds; `parse_duration(format_duration(d)) == d` for every whole-second `d >= 0`.
    """
    total = round(td.total_seconds())
    if total < 0:
        return "-" + format_duration(timedelta(seconds=-total))
    if total == 0:
        return "0m"
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return "".join(
        f"{value}{unit}" for value, unit in ((hours, "h"), (minutes, "m"), (seconds, "s")) if value
    )
