"""Times of day, relative times, ranges, dates and periods, resolved against `ctx.now` in `ctx.tz`.

Every datetime returned is aware and expressed in `ctx.tz`. Local wall times are built with zoneinfo
(`datetime.combine(day, t, tzinfo=tz)`) and then normalised through UTC, so:

* a nonexistent wall time (the spring-forward gap, e.g. 02:30 on 2026-03-29 in Europe/Berlin) moves forward
  by the gap (→ 03:30 CEST), and
* an ambiguous wall time (the fall-back hour) is its first occurrence (`fold=0`, summer time).

Arithmetic that means elapsed time (`30min ago`, `9:00 for 2h`) is done in UTC. Note that subtracting two
aware datetimes that share a `ZoneInfo` object gives the *wall-clock* difference in Python; consumers that
want the real elapsed time convert to UTC first.

Rules chosen here (deterministic, documented for the parser's users):

* A weekday name (`friday`) is the most recent such day, today if today is one. `last friday` is the most
  recent Friday strictly before today.
* A day-and-month without a year (`20.11.`, `11/20`) takes the year that puts it closest to today
  (`20.12.` typed in January is last December).
* `a/b` is month/day for the `en-US` locale and day/month for every other locale.
* A range whose end wall time is before its start crosses midnight (`22:00-01:30`); an equal start and end
  is an error. `14:00-` is an open range (still running).
* Weeks start on Monday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.i18n import Message
from bot.operations import ParseContext, Period

from .durations import parse_duration

__all__ = [
    "ClockSpec",
    "RangeSpec",
    "at_local",
    "impossible_clock",
    "local_now",
    "parse_clock",
    "parse_clock_spec",
    "parse_date",
    "parse_period",
    "parse_range",
    "parse_time_of_day",
    "resolve_clock",
    "resolve_range",
]

_EPOCH = date(1970, 1, 1)

# ---- basics ------------------------------------------------------------------------------------------------


def local_now(ctx: ParseContext) -> datetime:
    """`ctx.now` in `ctx.tz` (a naive `now` is taken to be wall time in `ctx.tz`)."""
    now = ctx.now if ctx.now.tzinfo is not None else ctx.now.replace(tzinfo=ctx.tz)
    return now.astimezone(ctx.tz)


def today(ctx: ParseContext) -> date:
    return local_now(ctx).date()


def at_local(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The wall time `clock` on `day` in `tz`: gap times move forward, fold times are the first occurrence."""
    wall = datetime.combine(day, clock.replace(tzinfo=None, fold=0), tzinfo=tz)
    return wall.astimezone(UTC).astimezone(tz)


def _shift(moment: datetime, delta: timedelta, tz: ZoneInfo) -> datetime:
    """`moment + delta` in elapsed (UTC) time, expressed in `tz`."""
    return (moment.astimezone(UTC) + delta).astimezone(tz)


# ---- times of day ------------------------------------------------------------------------------------------

_TOD = re.compile(
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*"
    r"(?:(?P<ampm>a\.?m\.?|p\.?m\.?|a|p)|(?P<uhr>uhr|o'?clock|h(?=\d)))?",
    re.IGNORECASE,
)
_NOON = {
    "noon": time(12),
    "mittag": time(12),
    "midday": time(12),
    "midnight": time(0),
    "mitternacht": time(0),
}


def _time_of_day(s: str) -> tuple[time, bool] | None:
    """(time, explicit): explicit when it had minutes, am/pm or `Uhr` (not just a bare hour)."""
    s = s.strip().lower()
    if s in _NOON:
        return _NOON[s], True
    m = _TOD.fullmatch(s)
    if m is None:
        return None
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    ampm = (m.group("ampm") or "").replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    explicit = bool(m.group("m") or ampm or m.group("uhr"))
    return time(hour, minute), explicit


_CLOCKISH = re.compile(
    r"(?<![\w.:])(?P<h>\d{1,3})(?::(?P<m>\d{1,3}))?\s*(?P<ampm>[ap]\.?m\.?)?(?P<uhr>\s*uhr)?(?![\w:])",
    re.IGNORECASE,
)


def impossible_clock(text: str, *, after_at: bool = False) -> str | None:
    """Why a time-shaped word is not a time of day, as a catalogue key (`parse.clock.hour`, `.minute`,
    `.ampm`), or None when it is a time or not time-shaped at all. Time-shaped: `25:00`, `9:75`, `13pm`,
    `25 Uhr`; a bare number only `after_at` (`at 25`), since elsewhere it is a number."""
    for m in _CLOCKISH.finditer(text):
        hour, minute, ampm = int(m.group("h")), m.group("m"), m.group("ampm")
        if minute is None and not ampm and not m.group("uhr") and not after_at:
            continue
        if minute is not None and (len(minute) != 2 or int(minute) > 59):
            return "parse.clock.minute"
        if ampm and not 1 <= hour <= 12:
            return "parse.clock.ampm"
        if hour > 23 and not ampm:
            return "parse.clock.hour"
    return None


def parse_time_of_day(s: str) -> time | None:
    """`9`, `9:15`, `09:15`, `9am`, `2:30pm`, `14.30`, `14 Uhr`, `noon` → a wall time; else None."""
    found = _time_of_day(s)
    return found[0] if found else None


# ---- clocks: a time of day or an instant relative to now ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClockSpec:
    """A point in time as typed: a wall time to place on a day later, or an instant already resolved."""

    tod: time | None = None
    instant: datetime | None = None
    explicit: bool = True  # False for a bare hour (`9`), which reads like a number elsewhere


_NOW_WORDS = frozenset({"now", "jetzt", "right now", "gerade"})
_AGO = re.compile(r"(?:(?P<d1>.+?)\s*(?:ago|earlier|before)|vor\s+(?P<d2>.+?))", re.IGNORECASE)
_IN = re.compile(r"(?:in|after)\s+(?P<d>.+?)(?:\s+from\s+now)?|(?P<d2>.+?)\s+from\s+now", re.IGNORECASE)


def parse_clock_spec(s: str, ctx: ParseContext) -> ClockSpec | None:
    """`now`, `30min ago`, `vor 30 min`, `in 10 min`, or a time of day."""
    text = s.strip().lower()
    if text in _NOW_WORDS:
        return ClockSpec(instant=local_now(ctx))
    try:
        m = _AGO.fullmatch(text)
        if m:
            d = parse_duration(m.group("d1") or m.group("d2"))
            return ClockSpec(instant=_shift(local_now(ctx), -d, ctx.tz)) if d is not None else None
        m = _IN.fullmatch(text)
        if m:
            d = parse_duration(m.group("d") or m.group("d2"))
            return ClockSpec(instant=_shift(local_now(ctx), d, ctx.tz)) if d is not None else None
    except (OverflowError, ValueError):
        return None
    found = _time_of_day(text)
    if found is None:
        return None
    return ClockSpec(tod=found[0], explicit=found[1])


def resolve_clock(spec: ClockSpec, day: date | None, ctx: ParseContext) -> datetime:
    """The instant of `spec`; a wall time goes on `day` (default: today in ctx.tz)."""
    if spec.instant is not None:
        return spec.instant
    assert spec.tod is not None
    return at_local(day or today(ctx), spec.tod, ctx.tz)


def parse_clock(s: str, ctx: ParseContext, day: date | None = None) -> datetime | None:
    """A time of day (on `day`, default today) or a relative time, as an aware datetime in ctx.tz."""
    spec = parse_clock_spec(s, ctx)
    if spec is None:
        return None
    try:
        return resolve_clock(spec, day, ctx)
    except (OverflowError, ValueError):
        return None


# ---- ranges ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RangeSpec:
    """`9-11`, `from 9 to 11`, `9:00 for 2h`, `14:00-` (open: end and duration both None)."""

    start: ClockSpec
    end: ClockSpec | None = None
    duration: timedelta | None = None

    @property
    def open(self) -> bool:
        return self.end is None and self.duration is None


_RANGE_PREFIX = re.compile(r"(?:from|von|between|zwischen)\s+", re.IGNORECASE)
_RANGE_SEP = re.compile(r"\s*[-–—]\s*|\s+(?:to|until|till|til|bis|and|und)\s+", re.IGNORECASE)
_FOR = re.compile(r"(?P<a>.+?)\s+(?:for|für)\s+(?P<d>.+)", re.IGNORECASE)


def parse_range(s: str, ctx: ParseContext) -> RangeSpec | None:
    text = s.strip()
    if len(text) > 80:
        return None
    text = _RANGE_PREFIX.sub("", text, count=1) if _RANGE_PREFIX.match(text) else text
    m = _FOR.fullmatch(text)
    if m:
        start = parse_clock_spec(m.group("a"), ctx)
        duration = parse_duration(m.group("d"))
        if start is not None and duration is not None:
            return RangeSpec(start=start, duration=duration)
        return None
    for sep in _RANGE_SEP.finditer(text):
        left, right = text[: sep.start()], text[sep.end() :]
        if not left:
            continue
        start = parse_clock_spec(left, ctx)
        if start is None:
            continue
        if right == "":
            if sep.group().strip() in ("-", "–", "—"):
                return RangeSpec(start=start)
            continue
        end = parse_clock_spec(right, ctx)
        if end is not None:
            return RangeSpec(start=start, end=end)
    return None


def resolve_range(
    spec: RangeSpec, day: date | None, ctx: ParseContext
) -> tuple[datetime, datetime | None] | str:
    """(start, end) in ctx.tz, or the catalogue key of what is wrong (`parse.empty_range`, `parse.bad_range`).

    Wall times go on `day` (default today); a wall end at or before a wall start is the next day (equal:
    error). `X for D` ends D of elapsed time after X. An open range gives `end=None`.
    """
    tz = ctx.tz
    base = day or today(ctx)
    start = resolve_clock(spec.start, base, ctx)
    if spec.duration is not None:
        if spec.duration <= timedelta(0):
            return "parse.zero_duration"
        return start, _shift(start, spec.duration, tz)
    if spec.end is None:
        return start, None
    if spec.end.instant is not None:
        end = spec.end.instant
        if spec.start.tod is not None and start >= end and day is None:
            start = at_local(base - timedelta(days=1), spec.start.tod, tz)  # `22:00-now` just after midnight
    else:
        assert spec.end.tod is not None
        if spec.start.tod is not None:
            if spec.end.tod == spec.start.tod:
                return "parse.empty_range"
            end_day = base + timedelta(days=1) if spec.end.tod < spec.start.tod else base
            end = at_local(end_day, spec.end.tod, tz)
        else:
            end = at_local(start.date(), spec.end.tod, tz)
            if end <= start:
                end = at_local(start.date() + timedelta(days=1), spec.end.tod, tz)
    if end <= start:
        return "parse.bad_range"
    return start, end


# ---- dates -------------------------------------------------------------------------------------------------

WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "montag": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "dienstag": 1,
    "wednesday": 2, "wed": 2, "mittwoch": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "donnerstag": 3,
    "friday": 4, "fri": 4, "freitag": 4,
    "saturday": 5, "sat": 5, "samstag": 5, "sonnabend": 5,
    "sunday": 6, "sun": 6, "sonntag": 6,
}  # fmt: skip
_TODAY_WORDS = frozenset({"today", "heute", "tdy"})
_YESTERDAY_WORDS = frozenset({"yesterday", "gestern", "yday", "yda"})
_DAY_BEFORE = frozenset({"day before yesterday", "the day before yesterday", "vorgestern"})
_DATE_FILLER = re.compile(r"(?:on|am|an|the|last|letzten|letzter|letztes|vorigen|voriger|previous)\s+")
_LAST = re.compile(r"(?:last|letzten|letzter|vorigen|voriger|previous)\s+(\w+)")
_DAYS_AGO = re.compile(
    r"(?:(\d{1,4}|a|one)\s+(day|days|week|weeks)\s+ago|vor\s+(\d{1,4}|einem|einer)\s+(tag|tagen|woche|wochen))"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})?")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?")
_YMD_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if len(text) == 2 else value


def _closest_year(month: int, day: int, ref: date) -> date | None:
    candidates = [d for d in (_safe_date(ref.year + k, month, day) for k in (-1, 0, 1)) if d is not None]
    if not candidates:
        return None
    return min(candidates, key=lambda d: (abs((d - ref).days), d))


def parse_date(s: str, ctx: ParseContext) -> date | None:
    """`today`, `yesterday`, `friday`, `last friday`, `3 days ago`, `2026-11-20`, `20.11.`, `20.11.2026`,
    `11/20` (en-US: month/day; other locales: day/month), optionally after `on`/`am`. Else None."""
    text = _SPACES.sub(" ", s.strip().lower())
    if len(text) > 40:
        return None
    return _date_on(text, today(ctx), ctx.locale.replace("_", "-").lower() == "en-us")


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _date_on(text: str, ref: date, month_first: bool) -> date | None:
    """`parse_date` once the text is normalised: the same words on the same day name the same date, so
    the answer is kept (the argument scanner tries every run of words as a date, on every command)."""
    try:
        m = _LAST.fullmatch(text)
        if m and m.group(1) in WEEKDAYS:
            back = (ref.weekday() - WEEKDAYS[m.group(1)]) % 7 or 7
            return ref - timedelta(days=back)
        if _DATE_FILLER.match(text) and not text.startswith(("last ", "letzt", "vorig", "previous ")):
            text = _DATE_FILLER.sub("", text, count=1)
        if text in _TODAY_WORDS:
            return ref
        if text in _YESTERDAY_WORDS:
            return ref - timedelta(days=1)
        if text in _DAY_BEFORE:
            return ref - timedelta(days=2)
        if text in ("tomorrow", "tmrw"):
            return ref + timedelta(days=1)
        if text in WEEKDAYS:
            return ref - timedelta(days=(ref.weekday() - WEEKDAYS[text]) % 7)
        m = _DAYS_AGO.fullmatch(text)
        if m:
            count_text = m.group(1) or m.group(3)
            count = 1 if count_text in ("a", "one", "einem", "einer") else int(count_text)
            unit = m.group(2) or m.group(4)
            return ref - timedelta(days=count * (7 if unit.startswith("w") else 1))
        m = _ISO_DATE.fullmatch(text) or _YMD_SLASH.fullmatch(text)
        if m:
            return _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _DOTTED.fullmatch(text)
        if m:
            day_, month = int(m.group(1)), int(m.group(2))
            if m.group(3):
                return _safe_date(_year(m.group(3)), month, day_)
            return _closest_year(month, day_, ref)
        m = _SLASHED.fullmatch(text)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            month, day_ = (a, b) if month_first else (b, a)
            if m.group(3):
                return _safe_date(_year(m.group(3)), month, day_)
            return _closest_year(month, day_, ref)
    except (OverflowError, ValueError):
        return None
    return None


# ---- periods -----------------------------------------------------------------------------------------------

_MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "januar": 1, "jänner": 1,
    "february": 2, "feb": 2, "februar": 2,
    "march": 3, "mar": 3, "märz": 3, "maerz": 3,
    "april": 4, "apr": 4,
    "may": 5, "mai": 5,
    "june": 6, "jun": 6, "juni": 6,
    "july": 7, "jul": 7, "juli": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12, "dezember": 12, "dez": 12,
}  # fmt: skip
_PERIOD_NAMES: dict[str, str] = {
    "today": "today", "heute": "today",
    "yesterday": "yesterday", "gestern": "yesterday",
    "week": "week", "this week": "week", "current week": "week", "woche": "week", "diese woche": "week",
    "last week": "last_week", "previous week": "last_week", "letzte woche": "last_week",
    "vorige woche": "last_week", "vergangene woche": "last_week",
    "month": "month", "this month": "month", "current month": "month", "monat": "month",
    "dieser monat": "month", "diesen monat": "month",
    "last month": "last_month", "previous month": "last_month", "letzter monat": "last_month",
    "letzten monat": "last_month", "voriger monat": "last_month", "vorigen monat": "last_month",
    "year": "year", "this year": "year", "jahr": "year", "dieses jahr": "year",
    "last year": "last_year", "previous year": "last_year", "letztes jahr": "last_year",
    "voriges jahr": "last_year",
    "all time": "all", "all": "all", "alltime": "all", "ever": "all", "gesamt": "all", "alles": "all",
}  # fmt: skip
_ISO_WEEK = re.compile(r"(\d{4})-?w(\d{1,2})")
_WEEK_NO = re.compile(r"(?:w|kw|week|woche)\s*(\d{1,2})")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_MONTH_NAME = re.compile(r"([a-zä]+)(?:\s+(\d{4}))?")
_PERIOD_SEP = re.compile(r"\s*(?:\.\.\.?|–|—)\s*|\s+(?:-|to|until|bis)\s+")


def _month_start(year: int, month: int) -> date:
    return date(year, month, 1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _named_period(name: str, ref: date, locale: str) -> Period:
    one = timedelta(days=1)

    def period(start: date, end: date) -> Period:
        return Period(start=start, end=end, name=Message(f"parse.period.{name}"), locale=locale)

    if name == "today":
        return period(ref, ref + one)
    if name == "yesterday":
        return period(ref - one, ref)
    monday = ref - timedelta(days=ref.weekday())
    if name == "week":
        return period(monday, monday + timedelta(days=7))
    if name == "last_week":
        return period(monday - timedelta(days=7), monday)
    first = _month_start(ref.year, ref.month)
    if name == "month":
        return period(first, _next_month(first))
    if name == "last_month":
        previous = date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)
        return period(previous, first)
    if name == "year":
        return period(date(ref.year, 1, 1), date(ref.year + 1, 1, 1))
    if name == "last_year":
        return period(date(ref.year - 1, 1, 1), date(ref.year, 1, 1))
    return period(_EPOCH, ref + one)  # all time


def _month_period(year: int, month: int, locale: str) -> Period | None:
    if not 1 <= month <= 12 or not 1 <= year <= 9998:
        return None
    start = _month_start(year, month)
    name = Message("parse.period.month_of", {"month": Message(f"parse.month.{month}"), "year": year})
    return Period(start=start, end=_next_month(start), name=name, locale=locale)


def parse_period(s: str, ctx: ParseContext) -> Period | None:
    """`today` … `all time`, `2026-W47`, `KW 47`, `2026-11`, `november [2026]`, `2026-11-01..2026-11-15`
    (inclusive in text, exclusive `end`), or a single date (one day). Else None."""
    text = re.sub(r"\s+", " ", s.strip().lower())
    if len(text) > 60:
        return None
    ref = today(ctx)
    locale = ctx.locale
    try:
        if text in _PERIOD_NAMES:
            return _named_period(_PERIOD_NAMES[text], ref, locale)
        m = _ISO_WEEK.fullmatch(text) or _WEEK_NO.fullmatch(text)
        if m:
            year, week = (
                (int(m.group(1)), int(m.group(2)))
                if m.re is _ISO_WEEK
                else (ref.isocalendar().year, int(m.group(1)))
            )
            start = date.fromisocalendar(year, week, 1)
            key = "parse.period.iso_week" if year == ref.isocalendar().year else "parse.period.iso_week_year"
            name = Message(key, {"week": week, "year": year})
            return Period(start=start, end=start + timedelta(days=7), name=name, locale=locale)
        m = _YEAR_MONTH.fullmatch(text)
        if m:
            return _month_period(int(m.group(1)), int(m.group(2)), locale)
        m = _MONTH_NAME.fullmatch(text)
        if m and m.group(1) in _MONTHS:
            month = _MONTHS[m.group(1)]
            year = int(m.group(2)) if m.group(2) else (ref.year if month <= ref.month else ref.year - 1)
            return _month_period(year, month, locale)
        for sep in _PERIOD_SEP.finditer(text):
            first = parse_date(text[: sep.start()], ctx)
            last = parse_date(text[sep.end() :], ctx)
            if first is not None and last is not None:
                if last < first:
                    return None
                name = Message("parse.period.range", {"start": first, "end": last})
                return Period(start=first, end=last + timedelta(days=1), name=name, locale=locale)
        day = parse_date(text, ctx)
        if day is not None:
            name = Message("parse.period.date", {"date": day})
            return Period(start=day, end=day + timedelta(days=1), name=name, locale=locale)
    except (OverflowError, ValueError):
        return None
    return None
