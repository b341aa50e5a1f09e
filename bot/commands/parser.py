"""Text → typed operation. The grammar is `docs/commands.md`; this module is its implementation.

`parse` never raises: anything it cannot read becomes a `ParseFailure` with a catalogue key (`parse.…`) and
params naming the bad part, and anything it must not guess becomes an `Ambiguity` with complete commands as
choices.

Deterministic rules (documented here, tested in `tests/unit/test_parse.py`):

* **Project vs note words** (`start`, `log`, `times`, `tasks`): with an `@ref`, every free word (and every
  `"quoted"` string) is the note, in text order. Without an `@ref`, the *first contiguous run* of free words
  names the project (`/` inside it separates project/task, as in `@`); a run ends at any recognised token
  (tag, quoted string, duration, range, date, `at TIME`, `billable`…). Later free words and quoted strings
  are the note. A leading `on`/`for`/`auf`/`für` of that run is dropped (`log 2h on website`).
* **Entry refs**: `@3` (digits only) is the 3rd most recent entry in `edit`, `delete` and `continue`; in
  `start`/`log` it is refused (`parse.entry_ref_not_project`) — a project named `3` is `@"3"`.
* **Bare numbers**: `log 90`, `edit duration 90`, `task add p/t estimate 90` ask minutes-or-hours
  (`parse.ambiguous_number`); each choice re-submits the whole command with `90m` / `90h` in its place.
* **`log 14:00-`** (an open range) is a timer that started at 14:00: it returns `StartTimer(at=14:00, …)`.
* **`log`** sets `day` only when a date was typed; a range goes on that date (default today), a duration is
  placed on `day` by the service (None = today). `log 2h at 9` is the range 9:00-11:00. `log` (or `add`)
  alone opens the log-time form (`ShowForm`).
* **`start`/`stop`/`continue` times**: `at TIME`, or any time that cannot be mistaken for a word (`9:15`,
  `9am`, `14 Uhr`, `30 min ago`, `in 10 min`; `stop` also takes a bare `17`). Wall times are placed on
  today in ctx.tz.
* **`edit`**: `start`/`end` wall times are placed on the typed `date` if any, otherwise on today in ctx.tz;
  the service re-anchors them to the entry's own date when `day` is None (only the wall time counts then).
* **Period verbs**: `today`, `yesterday`, `week`, `this week`, `last week`, `month`, `this month`,
  `last month` (and `heute`, `gestern`, `woche`, `letzte woche`, `monat`…) are `Summary(period=…)`;
  `summary` without a period is this week; `times` without a period is today.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Literal, NoReturn, cast
from zoneinfo import available_timezones

from rapidfuzz import fuzz, process

from bot.operations import (
    AddClient,
    AddProject,
    AddTag,
    AddTask,
    Ambiguity,
    BackendKind,
    CancelTimer,
    Choice,
    ChooseWorkspace,
    ClockIn,
    ClockOut,
    Connect,
    ContinueEntry,
    DeleteEntry,
    EditEntry,
    EntryRef,
    Help,
    Hours,
    ListClients,
    ListGroups,
    ListProjects,
    ListTags,
    ListTasks,
    ListTimes,
    LogEntry,
    ParseContext,
    ParseFailure,
    ParseResult,
    Period,
    ProjectRef,
    Report,
    RoundingType,
    SetTimezone,
    ShowForm,
    ShowSettings,
    StartTimer,
    Status,
    StopTimer,
    Summary,
    SummaryGroup,
    TakeBreak,
    Undo,
)
from cards.text import t

from .clean import clean_text
from .durations import bare_number, parse_duration
from .timeparse import (
    ClockSpec,
    RangeSpec,
    parse_clock_spec,
    parse_date,
    parse_period,
    parse_range,
    resolve_clock,
    resolve_range,
)
from .tokens import Token, normalise, tokenize

__all__ = ["VERBS", "parse"]

log = logging.getLogger(__name__)

# ---- the verb table ----------------------------------------------------------------------------------------

VERBS: dict[str, str] = {
    "help": "help", "?": "help", "hilfe": "help", "commands": "help",
    "start": "start", "begin": "start", "starten": "start",
    "stop": "stop", "stopp": "stop", "stoppen": "stop",
    "cancel": "cancel", "discard": "cancel", "abbrechen": "cancel", "verwerfen": "cancel",
    "continue": "continue", "resume": "continue", "restart": "continue", "weiter": "continue",
    "fortsetzen": "continue",
    "status": "status", "now": "status", "jetzt": "status",
    "log": "log", "add": "log", "track": "log", "buchen": "log", "erfassen": "log",
    "edit": "edit", "change": "edit", "ändern": "edit", "bearbeiten": "edit",
    "delete": "delete", "remove": "delete", "del": "delete", "löschen": "delete", "entfernen": "delete",
    "undo": "undo", "rückgängig": "undo",
    "come": "come", "in": "come", "kommen": "come", "komme": "come",
    "go": "go", "out": "go", "gehen": "go", "gehe": "go",
    "break": "break", "pause": "break",
    "hours": "hours", "stunden": "hours", "arbeitszeit": "hours",
    "times": "times", "list": "times", "entries": "times", "zeiten": "times", "einträge": "times",
    "summary": "summary", "sum": "summary", "zusammenfassung": "summary",
    "projects": "projects", "projekte": "projects", "project": "project", "projekt": "project",
    "clients": "clients", "kunden": "clients", "client": "client", "kunde": "client",
    "tasks": "tasks", "aufgaben": "tasks", "task": "task", "aufgabe": "task",
    "tags": "tags", "tag": "tag",
    "groups": "groups", "gruppen": "groups", "teams": "groups",
    "timezone": "timezone", "tz": "timezone", "zeitzone": "timezone",
    "connect": "connect", "verbinden": "connect",
    "workspace": "workspace", "workspaces": "workspace", "arbeitsbereich": "workspace",
    "report": "report", "reports": "report", "bericht": "report", "excel": "report",
    "settings": "settings", "einstellungen": "settings",
}  # fmt: skip

PERIOD_VERBS: dict[str, str] = {
    "today": "today", "heute": "today",
    "yesterday": "yesterday", "gestern": "yesterday",
    "week": "week", "this week": "week", "woche": "week", "diese woche": "week",
    "last week": "last week", "letzte woche": "last week", "vorige woche": "last week",
    "month": "month", "this month": "month", "monat": "month", "dieser monat": "month",
    "last month": "last month", "letzter monat": "last month", "letzten monat": "last month",
}  # fmt: skip

# In commands.md, but with no operation yet: a clear "not available" instead of "unknown".
UNSUPPORTED: dict[str, str] = {
    "report": "report", "feed": "feed",
    "subscribe": "subscribe", "unsubscribe": "unsubscribe", "subscriptions": "subscriptions",
    "signin": "signin", "sign in": "signin", "login": "signin", "signout": "signout", "sign out": "signout",
    "logout": "signout",
}  # fmt: skip

PHRASE_VERBS: dict[str, str] = {
    "clock in": "come", "clock out": "go", "check in": "come", "check out": "go",
}  # fmt: skip

_GROUPS: dict[str, SummaryGroup] = {
    "project": "project", "projects": "project", "projekt": "project", "projekten": "project",
    "client": "client", "clients": "client", "kunde": "client", "kunden": "client",
    "task": "task", "tasks": "task", "aufgabe": "task", "aufgaben": "task",
    "tag": "tag", "tags": "tag",
    "day": "day", "days": "day", "daily": "day", "tage": "day", "tagen": "day",
}  # fmt: skip

_BILLABLE: dict[str, bool] = {
    "$": True, "billable": True, "bill": True, "abrechenbar": True, "verrechenbar": True,
    "nonbillable": False, "non-billable": False, "not billable": False, "unbillable": False,
    "no-bill": False, "nicht abrechenbar": False, "nicht verrechenbar": False,
}  # fmt: skip

_LAST_WORDS = frozenset({"last", "latest", "letzte", "letzten", "letzter", "letztes"})
_FILLERS = frozenset({"on", "for", "to", "auf", "für", "project", "projekt"})
_ENTRY_REF = re.compile(r"@(\d{1,9})")
_HEX_COLOR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_MAX_WINDOW = 7
_MAX_TEXT = 2000

# ---- control flow ------------------------------------------------------------------------------------------


class _Fail(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = {k: str(v) for k, v in params.items()}


class _Ask(Exception):
    def __init__(self, ambiguity: Ambiguity) -> None:
        super().__init__(ambiguity.message_key)
        self.ambiguity = ambiguity


def _fail(key: str, **params: object) -> NoReturn:
    raise _Fail(key, **params)


@dataclass
class _Cmd:
    text: str  # normalised command text (what choices re-submit)
    tokens: list[Token]  # the arguments, after the verb
    ctx: ParseContext

    @property
    def locale(self) -> str:
        return self.ctx.locale

    def ask_number(self, token: Token, number: str) -> NoReturn:
        def replaced(unit: str) -> str:
            return self.text[: token.start] + number + unit + self.text[token.end :]

        raise _Ask(
            Ambiguity(
                message_key="parse.ambiguous_number",
                params={"number": number},
                choices=[
                    Choice(
                        label=t("parse.choice.minutes", self.locale, number=number), command=replaced("m")
                    ),
                    Choice(label=t("parse.choice.hours", self.locale, number=number), command=replaced("h")),
                ],
            )
        )


# ---- scanning arguments ------------------------------------------------------------------------------------

Matcher = tuple[str, Callable[[str], object | None]]


@dataclass
class _Hit:
    name: str
    value: object
    tokens: list[Token]

    @property
    def text(self) -> str:
        return " ".join(tok.value for tok in self.tokens)


@dataclass
class _Scan:
    hits: list[_Hit] = field(default_factory=list)
    runs: list[list[Token]] = field(default_factory=list)  # contiguous free words
    refs: list[Token] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    untags: list[Token] = field(default_factory=list)
    quoted: list[Token] = field(default_factory=list)
    clients: list[Token] = field(default_factory=list)

    def all(self, name: str) -> list[_Hit]:
        return [hit for hit in self.hits if hit.name == name]

    def one(self, name: str) -> _Hit | None:
        found = self.all(name)
        if len(found) > 1:
            _fail("parse.unexpected", text=found[1].text)
        return found[0] if found else None


def _match_at(tokens: list[Token], i: int, matchers: list[Matcher]) -> _Hit | None:
    j = i
    while j < len(tokens) and tokens[j].kind == "word" and j - i < _MAX_WINDOW:
        j += 1
    for n in range(j - i, 0, -1):
        window = tokens[i : i + n]
        text = " ".join(tok.value for tok in window)
        for name, matcher in matchers:
            value = matcher(text)
            if value is not None:
                return _Hit(name, value, window)
    return None


def _scan(tokens: list[Token], matchers: list[Matcher]) -> _Scan:
    scan = _Scan()
    run: list[Token] = []

    def close_run() -> None:
        nonlocal run
        if run:
            scan.runs.append(run)
            run = []

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "word":
            hit = _match_at(tokens, i, matchers)
            if hit is None:
                run.append(tok)
                i += 1
                continue
            close_run()
            scan.hits.append(hit)
            i += len(hit.tokens)
            continue
        close_run()
        if tok.kind == "ref":
            scan.refs.append(tok)
        elif tok.kind == "tag":
            if tok.value not in scan.tags:
                scan.tags.append(tok.value)
        elif tok.kind == "untag":
            scan.untags.append(tok)
        elif tok.kind == "quoted":
            scan.quoted.append(tok)
        else:
            scan.clients.append(tok)
        i += 1
    close_run()
    return scan


def _billable(text: str) -> bool | None:
    return _BILLABLE.get(text.lower())


def _words(tokens: list[Token]) -> str:
    return " ".join(tok.value for tok in tokens)


def _project_from_parts(parts: list[str], raw: str) -> ProjectRef:
    parts = [p.strip() for p in parts]
    if not 1 <= len(parts) <= 3 or not all(parts):
        _fail("parse.bad_project", text=raw)
    return ProjectRef(path=parts)


def _project_from_ref(tok: Token) -> ProjectRef:
    return _project_from_parts(list(tok.parts), tok.raw)


def _project_from_words(words: list[Token]) -> ProjectRef:
    while len(words) > 1 and words[0].low in _FILLERS:
        words = words[1:]
    text = _words(words)
    return _project_from_parts(text.split("/"), text)


def _is_entry_ref(tok: Token) -> bool:
    return tok.kind == "ref" and _ENTRY_REF.fullmatch(tok.raw) is not None


def _entry_ref(tok: Token) -> EntryRef:
    index = int(tok.raw[1:])
    if not 1 <= index <= 10_000:
        _fail("parse.bad_entry_ref", text=tok.raw)
    return EntryRef(index=index)


def _project_and_note(scan: _Scan) -> tuple[ProjectRef | None, str | None]:
    """The rule in the module docstring: `@ref` → free words are the note; else first run = project."""
    for ref in scan.refs:
        if _is_entry_ref(ref):
            _fail("parse.entry_ref_not_project", text=ref.raw)
    if len(scan.refs) > 1:
        _fail("parse.two_projects", first=scan.refs[0].raw, second=scan.refs[1].raw)
    runs = list(scan.runs)
    project: ProjectRef | None = None
    if scan.refs:
        project = _project_from_ref(scan.refs[0])
    elif runs:
        project = _project_from_words(runs.pop(0))
    pieces = [(run[0].start, _words(run)) for run in runs] + [(q.start, q.value) for q in scan.quoted]
    note = " ".join(text for _, text in sorted(pieces) if text).strip()
    return project, note or None


def _no_leftovers(scan: _Scan, *, runs: bool = True, quoted: bool = True) -> None:
    leftovers: list[Token] = []
    if runs:
        leftovers += [tok for run in scan.runs for tok in run]
    if quoted:
        leftovers += scan.quoted
    leftovers += scan.untags + scan.clients
    if leftovers:
        first = min(leftovers, key=lambda tok: tok.start)
        _fail("parse.unexpected", text=first.raw)


def _nothing_else(cmd: _Cmd, allowed: frozenset[str] = frozenset()) -> None:
    for tok in cmd.tokens:
        if tok.low not in allowed:
            _fail("parse.unexpected", text=tok.raw)


# ---- matchers ----------------------------------------------------------------------------------------------


def _clock_matchers(ctx: ParseContext, *, bare: bool) -> list[Matcher]:
    """`at TIME` always; a time without `at` only when it cannot be a word/number (unless `bare`)."""

    def at(text: str) -> ClockSpec | None:
        low = text.lower()
        for prefix in ("at ", "um ", "ab ", "@ "):
            if low.startswith(prefix):
                return parse_clock_spec(text[len(prefix) :], ctx)
        return None

    def plain(text: str) -> ClockSpec | None:
        spec = parse_clock_spec(text, ctx)
        return spec if spec is not None and (bare or spec.explicit or spec.instant is not None) else None

    def open_range(text: str) -> ClockSpec | None:
        spec = parse_range(text, ctx)
        return spec.start if spec is not None and spec.open else None

    return [("at", at), ("at", plain), ("at", open_range)]


def _resolve_at(hit: _Hit | None, ctx: ParseContext) -> datetime | None:
    if hit is None:
        return None
    try:
        return resolve_clock(cast(ClockSpec, hit.value), None, ctx)
    except (OverflowError, ValueError):
        _fail("parse.bad_time", text=hit.text)


def _entry_ref_arg(cmd: _Cmd) -> tuple[EntryRef, list[Token]]:
    """A leading `last` / `@N` (default: last), and the remaining tokens."""
    tokens = cmd.tokens
    if tokens and _is_entry_ref(tokens[0]):
        return _entry_ref(tokens[0]), tokens[1:]
    if tokens and tokens[0].kind == "word" and tokens[0].low in _LAST_WORDS:
        rest = tokens[1:]
        if rest and rest[0].kind == "word" and rest[0].low in ("entry", "one", "eintrag"):
            rest = rest[1:]
        return EntryRef(), rest
    return EntryRef(), tokens


# ---- verbs -------------------------------------------------------------------------------------------------


def _help(cmd: _Cmd) -> Help:
    if not cmd.tokens:
        return Help()
    topic = _words(cmd.tokens).lower()
    return Help(topic=VERBS.get(topic) or PERIOD_VERBS.get(topic) or UNSUPPORTED.get(topic) or topic)


def _start(cmd: _Cmd) -> StartTimer:
    matchers = [*_clock_matchers(cmd.ctx, bare=False), ("billable", _billable)]
    scan = _scan(cmd.tokens, matchers)
    _no_leftovers(scan, runs=False, quoted=False)
    project, note = _project_and_note(scan)
    billable = scan.one("billable")
    return StartTimer(
        project=project,
        tags=scan.tags,
        note=note,
        at=_resolve_at(scan.one("at"), cmd.ctx),
        billable=cast(bool, billable.value) if billable else None,
    )


def _stop(cmd: _Cmd) -> StopTimer:
    scan = _scan(cmd.tokens, _clock_matchers(cmd.ctx, bare=True))
    _no_leftovers(scan)
    if scan.refs or scan.tags:
        _fail("parse.unexpected", text=(scan.refs or cmd.tokens)[0].raw)
    return StopTimer(at=_resolve_at(scan.one("at"), cmd.ctx))


def _continue(cmd: _Cmd) -> ContinueEntry:
    ref, rest = _entry_ref_arg(cmd)
    scan = _scan(rest, _clock_matchers(cmd.ctx, bare=False))
    _no_leftovers(scan)
    if scan.refs or scan.tags:
        _fail("parse.unexpected", text=(scan.refs or rest)[0].raw)
    return ContinueEntry(ref=ref, at=_resolve_at(scan.one("at"), cmd.ctx))


def _log(cmd: _Cmd) -> LogEntry | StartTimer | ShowForm:
    ctx = cmd.ctx
    if not cmd.tokens:
        return ShowForm(form="log")  # `log` alone: the log-time form
    matchers: list[Matcher] = [
        ("range", lambda s: parse_range(s, ctx)),
        ("duration", parse_duration),
        ("number", bare_number),
        ("date", lambda s: parse_date(s, ctx)),
        ("billable", _billable),
        _clock_matchers(ctx, bare=False)[0],  # `at TIME`: `log 2h at 9` is 9:00-11:00
    ]
    scan = _scan(cmd.tokens, matchers)
    _no_leftovers(scan, runs=False, quoted=False)
    range_hit, duration_hit, number_hit = scan.one("range"), scan.one("duration"), scan.one("number")
    at_hit = scan.one("at")
    if at_hit is not None and range_hit is not None:
        _fail("parse.unexpected", text=at_hit.text)
    date_hit, billable_hit = scan.one("date"), scan.one("billable")
    if range_hit and duration_hit:
        _fail("parse.unexpected", text=duration_hit.text)
    project, note = _project_and_note(scan)
    day = cast(date, date_hit.value) if date_hit else None
    billable = cast(bool, billable_hit.value) if billable_hit else None
    if range_hit is None and duration_hit is None:
        if number_hit is not None:
            cmd.ask_number(number_hit.tokens[0], cast(str, number_hit.value))
        _fail("parse.log.missing_duration", text=cmd.text)
    if number_hit is not None:
        _fail("parse.unexpected", text=number_hit.text)
    if duration_hit is not None:
        duration = cast(timedelta, duration_hit.value)
        if duration <= timedelta(0):
            _fail("parse.zero_duration", text=duration_hit.text)
        if at_hit is not None:
            spec = RangeSpec(start=cast(ClockSpec, at_hit.value), duration=duration)
            start, end = _resolve_range(spec, day, ctx, at_hit.text)
            return LogEntry(
                start=start, end=end, day=day, project=project, tags=scan.tags, note=note, billable=billable
            )
        return LogEntry(
            duration=duration, day=day, project=project, tags=scan.tags, note=note, billable=billable
        )
    assert range_hit is not None
    resolved = _resolve_range(cast(RangeSpec, range_hit.value), day, ctx, range_hit.text)
    start, end = resolved
    if end is None:
        return StartTimer(project=project, tags=scan.tags, note=note, at=start, billable=billable)
    return LogEntry(
        start=start, end=end, day=day, project=project, tags=scan.tags, note=note, billable=billable
    )


def _resolve_range(
    spec: RangeSpec, day: date | None, ctx: ParseContext, text: str
) -> tuple[datetime, datetime | None]:
    try:
        resolved = resolve_range(spec, day, ctx)
    except (OverflowError, ValueError):
        _fail("parse.bad_range", text=text)
    if isinstance(resolved, str):
        _fail(resolved, text=text)
    return resolved


_EDIT_FIELDS: dict[str, str] = {
    "start": "start", "from": "start", "begin": "start", "beginn": "start", "von": "start",
    "end": "end", "to": "end", "until": "end", "ende": "end", "bis": "end", "stop": "end",
    "duration": "duration", "dauer": "duration", "length": "duration", "time": "duration",
    "date": "date", "day": "date", "datum": "date", "tag": "date", "on": "date", "am": "date",
    "note": "note", "notiz": "note", "description": "note", "desc": "note", "beschreibung": "note",
    "text": "note",
    "project": "project", "projekt": "project",
}  # fmt: skip


def _edit(cmd: _Cmd) -> EditEntry:
    ctx = cmd.ctx
    ref, tokens = _entry_ref_arg(cmd)
    start: ClockSpec | None = None
    end: ClockSpec | None = None
    start_text = end_text = ""
    duration: timedelta | None = None
    day: date | None = None
    project: ProjectRef | None = None
    add_tags: list[str] = []
    remove_tags: list[str] = []
    note: str | None = None
    billable: bool | None = None
    clock_m: list[Matcher] = [("clock", lambda s: parse_clock_spec(s, ctx))]
    date_m: list[Matcher] = [("date", lambda s: parse_date(s, ctx))]
    duration_m: list[Matcher] = [("duration", parse_duration), ("number", bare_number)]
    free_m: list[Matcher] = [
        ("range", lambda s: parse_range(s, ctx)),
        ("duration", parse_duration),
        ("date", lambda s: parse_date(s, ctx)),
        ("billable", _billable),
    ]

    def value_after(i: int, matchers: list[Matcher], field_name: str) -> _Hit:
        if i >= len(tokens) or tokens[i].kind != "word":
            _fail("parse.edit.missing_value", field=field_name)
        hit = _match_at(tokens, i, matchers)
        if hit is None:
            key = {"start": "parse.bad_time", "end": "parse.bad_time", "date": "parse.bad_date"}.get(
                field_name, "parse.bad_duration"
            )
            _fail(key, text=tokens[i].raw)
        return hit

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "ref":
            if _is_entry_ref(tok):
                _fail("parse.unexpected", text=tok.raw)
            project = _project_from_ref(tok)
            i += 1
        elif tok.kind == "tag":
            add_tags.append(tok.value)
            i += 1
        elif tok.kind == "untag":
            remove_tags.append(tok.value)
            i += 1
        elif tok.kind == "quoted":
            note = tok.value
            i += 1
        elif tok.kind == "client":
            _fail("parse.unexpected", text=tok.raw)
        else:
            field_name = _EDIT_FIELDS.get(tok.low)
            if field_name in ("start", "end"):
                hit = value_after(i + 1, clock_m, field_name)
                if field_name == "start":
                    start, start_text = cast(ClockSpec, hit.value), hit.text
                else:
                    end, end_text = cast(ClockSpec, hit.value), hit.text
                i += 1 + len(hit.tokens)
            elif field_name == "duration":
                hit = value_after(i + 1, duration_m, field_name)
                if hit.name == "number":
                    cmd.ask_number(hit.tokens[0], cast(str, hit.value))
                duration = cast(timedelta, hit.value)
                i += 1 + len(hit.tokens)
            elif field_name == "date":
                hit = value_after(i + 1, date_m, field_name)
                day = cast(date, hit.value)
                i += 1 + len(hit.tokens)
            elif field_name == "note":
                rest = tokens[i + 1 :]
                if len(rest) == 1 and rest[0].kind == "quoted":
                    note = rest[0].value
                else:
                    note = cmd.text[rest[0].start :].strip() if rest else ""
                i = len(tokens)
            elif field_name == "project" and i + 1 < len(tokens) and tokens[i + 1].kind in ("word", "quoted"):
                j = i + 1
                while j < len(tokens) and tokens[j].kind == "word":
                    j += 1
                words = tokens[i + 1 : j] or [tokens[i + 1]]
                project = _project_from_words(words)
                i += 1 + len(words)
            else:
                free_hit = _match_at(tokens, i, free_m)
                if free_hit is None:
                    _fail("parse.edit.unknown_field", text=tok.raw)
                if free_hit.name == "range":
                    spec = cast(RangeSpec, free_hit.value)
                    if spec.duration is not None:
                        start, duration = spec.start, spec.duration
                    else:
                        start, end = spec.start, spec.end
                    start_text = end_text = free_hit.text
                elif free_hit.name == "duration":
                    duration = cast(timedelta, free_hit.value)
                elif free_hit.name == "date":
                    day = cast(date, free_hit.value)
                else:
                    billable = cast(bool, free_hit.value)
                i += len(free_hit.tokens)
    if duration is not None and duration <= timedelta(0):
        _fail("parse.zero_duration", text=cmd.text)
    start_at = end_at = None
    try:
        if start is not None and end is not None:
            start_at, end_at = _resolve_range(RangeSpec(start=start, end=end), day, ctx, start_text)
        else:
            start_at = resolve_clock(start, day, ctx) if start else None
            end_at = resolve_clock(end, day, ctx) if end else None
    except (OverflowError, ValueError):
        _fail("parse.bad_time", text=start_text or end_text)
    if (
        start_at is None
        and end_at is None
        and duration is None
        and day is None
        and project is None
        and not add_tags
        and not remove_tags
        and note is None
        and billable is None
    ):
        return EditEntry(ref=ref)  # nothing to change: the service answers with the edit form
    return EditEntry(
        ref=ref,
        start=start_at,
        end=end_at,
        duration=duration,
        day=day,
        project=project,
        add_tags=add_tags,
        remove_tags=remove_tags,
        note=note,
        billable=billable,
    )


def _delete(cmd: _Cmd) -> DeleteEntry:
    ref, rest = _entry_ref_arg(cmd)
    cmd.tokens = rest
    _nothing_else(cmd, frozenset({"entry", "eintrag", "it", "this"}))
    return DeleteEntry(ref=ref)


def _period_matchers(ctx: ParseContext) -> list[Matcher]:
    return [("period", lambda s: parse_period(s, ctx))]


def _times(cmd: _Cmd) -> ListTimes:
    scan = _scan(cmd.tokens, _period_matchers(cmd.ctx))
    _no_leftovers(scan, runs=False)
    if scan.refs and scan.runs:
        _fail("parse.unexpected", text=scan.runs[0][0].raw)
    project, _ = _project_and_note(scan)
    if len(scan.runs) > 1:
        _fail("parse.unexpected", text=scan.runs[1][0].raw)
    period = scan.one("period")
    return ListTimes(
        period=cast(Period, period.value) if period else cast(Period, parse_period("today", cmd.ctx)),
        project=project,
        tags=scan.tags,
    )


def _group(text: str) -> SummaryGroup | None:
    m = re.fullmatch(r"(?:grouped by|by|per|nach|pro)\s+(\S+)", text.lower())
    return _GROUPS.get(m.group(1)) if m else None


def _summary(cmd: _Cmd, period: Period | None = None) -> Summary:
    matchers: list[Matcher] = [("group", _group)]
    if period is None:
        matchers += _period_matchers(cmd.ctx)
    scan = _scan(cmd.tokens, matchers)
    if scan.runs:
        first = scan.runs[0]
        if first[0].low in ("by", "per", "nach", "pro"):
            _fail("parse.bad_group", text=_words(first[1:2]) or first[0].raw)
        _fail("parse.bad_period" if period is None else "parse.unexpected", text=_words(first))
    _no_leftovers(scan)
    if scan.refs or scan.tags:
        _fail("parse.unexpected", text=(scan.refs or cmd.tokens)[0].raw)
    hit = scan.one("period")
    group = scan.one("group")
    chosen = period or (cast(Period, hit.value) if hit else cast(Period, parse_period("week", cmd.ctx)))
    return Summary(period=chosen, by=cast(SummaryGroup, group.value) if group else "project")


def _name(tokens: list[Token], usage: str) -> str:
    name = " ".join(tok.value for tok in tokens).strip()
    if not name:
        _fail("parse.missing_name", usage=usage)
    return name


_SUBVERB_ADD = frozenset({"add", "new", "create", "neu", "anlegen", "erstellen"})
_SUBVERB_LATER = frozenset({"done", "rename", "archive", "delete", "remove", "edit", "close", "erledigt"})


def _project(cmd: _Cmd) -> ListProjects | AddProject:
    if not cmd.tokens:
        return ListProjects()
    sub = cmd.tokens[0]
    if sub.low in _SUBVERB_LATER:
        _fail("parse.unsupported_command", verb=f"project {sub.low}")
    if sub.low not in _SUBVERB_ADD:
        return _projects(cmd)
    tokens = cmd.tokens[1:]
    name_tokens: list[Token] = []
    client: str | None = None
    billable: bool | None = None
    color: str | None = None
    private = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "client":
            client = tok.value
        elif tok.kind == "word" and tok.low in ("color", "colour", "farbe") and i + 1 < len(tokens):
            value = tokens[i + 1].raw
            m = _HEX_COLOR.fullmatch(value)
            if m is None:
                _fail("parse.bad_color", text=value)
            hexa = m.group(1).upper()
            color = "#" + (hexa if len(hexa) == 6 else "".join(c * 2 for c in hexa))
            i += 1
        elif tok.kind == "word" and _billable(tok.value) is not None:
            billable = _billable(tok.value)
        elif tok.kind == "word" and tok.low in ("private", "privat"):
            private = True
        elif tok.kind in ("word", "quoted"):
            name_tokens.append(tok)
        elif tok.kind == "ref":
            name_tokens.append(Token("word", tok.raw, "/".join(tok.parts), tok.start, tok.end))
        else:
            _fail("parse.unexpected", text=tok.raw)
        i += 1
    return AddProject(
        name=_name(name_tokens, "project add NAME"),
        client=client,
        billable=billable,
        color=color,
        private=private,
    )


def _projects(cmd: _Cmd) -> ListProjects:
    clients = [tok.value for tok in cmd.tokens if tok.kind == "client"]
    others = [tok for tok in cmd.tokens if tok.kind != "client"]
    if others and not clients:
        return ListProjects(client=" ".join(tok.value for tok in others))
    if others or len(clients) > 1:
        _fail("parse.unexpected", text=(others or cmd.tokens)[-1].raw)
    return ListProjects(client=clients[0] if clients else None)


def _client(cmd: _Cmd) -> ListClients | AddClient:
    if not cmd.tokens:
        return ListClients()
    sub = cmd.tokens[0]
    if sub.low in _SUBVERB_ADD:
        return AddClient(name=_name(cmd.tokens[1:], "client add NAME"))
    if sub.low in _SUBVERB_LATER:
        _fail("parse.unsupported_command", verb=f"client {sub.low}")
    _fail("parse.unexpected", text=sub.raw)


def _tasks(cmd: _Cmd) -> ListTasks:
    if not cmd.tokens:
        return ListTasks()
    scan = _scan(cmd.tokens, [])
    _no_leftovers(scan, runs=False)
    if len(scan.runs) > 1 or (scan.refs and scan.runs) or scan.tags:
        _fail("parse.unexpected", text=cmd.tokens[-1].raw)
    project, _ = _project_and_note(scan)
    return ListTasks(project=project)


def _task(cmd: _Cmd) -> ListTasks | AddTask:
    if not cmd.tokens:
        return ListTasks()
    sub = cmd.tokens[0]
    if sub.low in _SUBVERB_LATER:
        _fail("parse.unsupported_command", verb=f"task {sub.low}")
    if sub.low not in _SUBVERB_ADD:
        return _tasks(cmd)
    tokens = cmd.tokens[1:]
    estimate: timedelta | None = None
    for k, tok in enumerate(tokens):
        if tok.kind == "word" and tok.low in ("estimate", "est", "estimated", "schätzung", "geschätzt"):
            value_tokens = tokens[k + 1 :]
            if not value_tokens:
                _fail("parse.edit.missing_value", field="estimate")
            text = _words(value_tokens)
            number = bare_number(text)
            if number is not None and len(value_tokens) == 1:
                cmd.ask_number(value_tokens[0], number)
            estimate = parse_duration(text)
            if estimate is None or estimate <= timedelta(0):
                _fail("parse.bad_duration", text=text)
            tokens = tokens[:k]
            break
    pieces: list[str] = []
    for tok in tokens:
        if tok.kind == "ref":
            pieces.append("/".join(tok.parts))
        elif tok.kind in ("word", "quoted"):
            pieces.append(tok.value)
        else:
            _fail("parse.unexpected", text=tok.raw)
    text = " ".join(pieces).strip()
    if not text:
        _fail("parse.missing_name", usage="task add PROJECT/NAME")
    parts = [p.strip() for p in text.split("/")]
    if len(parts) < 2:
        _fail("parse.task_needs_project", text=text)
    if len(parts) > 3 or not all(parts):
        _fail("parse.bad_project", text=text)
    return AddTask(project=ProjectRef(path=parts[:-1]), name=parts[-1], estimate=estimate)


def _tag(cmd: _Cmd) -> ListTags | AddTag:
    if not cmd.tokens:
        return ListTags()
    sub = cmd.tokens[0]
    if sub.low in _SUBVERB_LATER:
        _fail("parse.unsupported_command", verb=f"tag {sub.low}")
    if sub.low not in _SUBVERB_ADD:
        _fail("parse.unexpected", text=sub.raw)
    tokens = cmd.tokens[1:]
    kind: str = "time"
    if (
        len(tokens) > 1
        and tokens[-1].kind == "word"
        and tokens[-1].low in ("time", "project", "zeit", "projekt")
    ):
        kind = "project" if tokens[-1].low.startswith("proj") else "time"
        tokens = tokens[:-1]
    name = _name(tokens, "tag add NAME")
    return AddTag(name=name, tag_kind="project" if kind == "project" else "time")


@cache
def _zones() -> tuple[dict[str, str], dict[str, str]]:
    zones = available_timezones() | {"UTC"}
    exact = {zone.lower(): zone for zone in zones}
    by_city: dict[str, list[str]] = {}
    for zone in zones:
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/")):
            by_city.setdefault(zone.rsplit("/", 1)[1].lower(), []).append(zone)
    unique = {city: names[0] for city, names in by_city.items() if len(names) == 1}
    return exact, unique


def find_zone(text: str) -> str | None:
    """`europe/berlin` → `Europe/Berlin`; `new york` → `America/New_York` (a unique city); else None."""
    key = re.sub(r"\s+", "_", text.strip()).lower()
    exact, by_city = _zones()
    return exact.get(key) or by_city.get(key)


_BACKENDS: dict[str, BackendKind] = {
    "local": "local", "embedded": "local", "lokal": "local",
    "toggl": "toggl", "toggl track": "toggl", "track": "toggl",
    "focus": "focus", "toggl focus": "focus",
    "awork": "awork",
    "timeghost": "timeghost",
}  # fmt: skip


def _connect(cmd: _Cmd) -> Connect:
    """`connect toggl`. A token typed here would stay in the chat history, so none is accepted: the
    answer is a card with a password field (in personal chat only)."""
    name = " ".join(tok.low for tok in cmd.tokens)
    if not name:
        return Connect()
    backend = _BACKENDS.get(name) or _BACKENDS.get(cmd.tokens[0].low)
    if backend is None:
        _fail("parse.bad_backend", text=cmd.tokens[0].raw)
    if len(cmd.tokens) > 1 and name not in _BACKENDS:
        _fail("parse.connect_no_token", backend=backend)
    return Connect(backend=backend)


def _workspace(cmd: _Cmd) -> ChooseWorkspace:
    name = " ".join(tok.raw for tok in cmd.tokens).strip().strip('"')
    return ChooseWorkspace(name=name or None)


def _timezone(cmd: _Cmd) -> SetTimezone:
    if not cmd.tokens:
        return SetTimezone()
    text = " ".join(tok.raw for tok in cmd.tokens)
    zone = find_zone(text)
    if zone is None:
        _fail("parse.bad_timezone", zone=text)
    return SetTimezone(zone=zone)


# ---- working hours -----------------------------------------------------------------------------------------

_BREAK_START = frozenset({"start", "begin", "beginn", "anfang", "starten", "beginnen", "now", "jetzt"})
_BREAK_END = frozenset({"end", "stop", "stopp", "ende", "beenden", "over", "done", "fertig", "vorbei"})


def _clock_at(cmd: _Cmd) -> datetime | None:
    """`come`/`go`/`break start|end` take `at TIME` or any plain time (`come 8`, `go 17:30`)."""
    scan = _scan(cmd.tokens, _clock_matchers(cmd.ctx, bare=True))
    _no_leftovers(scan)
    if scan.refs or scan.tags:
        _fail("parse.unexpected", text=(scan.refs or cmd.tokens)[0].raw)
    return _resolve_at(scan.one("at"), cmd.ctx)


def _break(cmd: _Cmd) -> TakeBreak:
    """`break` (open now), `break start|end [at T]`, `break 30m` (ending now), `break 30m at 12:00`,
    `break 12:00-12:30` (inserted), `break 12:00-` / `break at 12:00` (open since then)."""
    tokens, ctx = cmd.tokens, cmd.ctx
    if not tokens:
        return TakeBreak()
    if tokens[0].kind == "word" and tokens[0].low in _BREAK_START | _BREAK_END:
        at = _clock_at(_Cmd(cmd.text, tokens[1:], ctx))
        if tokens[0].low in _BREAK_END:
            return TakeBreak(action="end", end=at)
        return TakeBreak(action="start", start=at)
    clock = _clock_matchers(ctx, bare=False)
    matchers: list[Matcher] = [
        ("range", lambda s: parse_range(s, ctx)),
        ("duration", parse_duration),
        ("number", bare_number),
        ("date", lambda s: parse_date(s, ctx)),
        clock[0],
        clock[1],
    ]
    scan = _scan(tokens, matchers)
    _no_leftovers(scan)
    if scan.refs or scan.tags:
        _fail("parse.unexpected", text=(scan.refs or tokens)[0].raw)
    range_hit, duration_hit, number_hit = scan.one("range"), scan.one("duration"), scan.one("number")
    at_hit, date_hit = scan.one("at"), scan.one("date")
    day = cast(date, date_hit.value) if date_hit else None
    if number_hit is not None:
        if range_hit is None and duration_hit is None:
            cmd.ask_number(number_hit.tokens[0], cast(str, number_hit.value))
        _fail("parse.unexpected", text=number_hit.text)
    if range_hit is not None:
        if duration_hit is not None or at_hit is not None:
            _fail("parse.unexpected", text=(duration_hit or at_hit).text)  # type: ignore[union-attr]
        start, end = _resolve_range(cast(RangeSpec, range_hit.value), day, ctx, range_hit.text)
        if end is None:
            return TakeBreak(action="start", start=start)
        return TakeBreak(action="insert", start=start, end=end)
    if duration_hit is not None:
        length = cast(timedelta, duration_hit.value)
        if length <= timedelta(0):
            _fail("parse.zero_duration", text=duration_hit.text)
        if at_hit is not None:
            spec = RangeSpec(start=cast(ClockSpec, at_hit.value), duration=length)
            start, end = _resolve_range(spec, day, ctx, at_hit.text)
            return TakeBreak(action="insert", start=start, end=end)
        return TakeBreak(action="insert", duration=length, day=day)
    if at_hit is not None and day is None:
        return TakeBreak(action="start", start=_resolve_at(at_hit, ctx))
    _fail("parse.unexpected", text=(at_hit or date_hit).text)  # type: ignore[union-attr]


def _hours(cmd: _Cmd) -> Hours:
    scan = _scan(cmd.tokens, _period_matchers(cmd.ctx))
    if scan.runs:
        _fail("parse.bad_period", text=_words(scan.runs[0]))
    _no_leftovers(scan)
    if scan.refs or scan.tags:
        _fail("parse.unexpected", text=(scan.refs or cmd.tokens)[0].raw)
    hit = scan.one("period")
    return Hours(period=cast(Period, hit.value) if hit else cast(Period, parse_period("today", cmd.ctx)))


_USERS_WORDS: dict[str, Literal["me", "all"]] = {
    "me": "me", "mine": "me", "my": "me", "myself": "me", "ich": "me", "mich": "me", "meine": "me",
    "all": "all", "everyone": "all", "everybody": "all", "team": "all", "alle": "all", "jeder": "all",
}  # fmt: skip
_ROUNDING = re.compile(
    r"(?:round|rounded|rounding|runden|gerundet)(?:\s+(?:to|auf))?\s+(\d{1,3})\s*"
    r"(?:m|min|mins|minute|minutes|minuten)?(?:\s+(up|down|nearest|auf|ab|kaufmännisch))?"
)
_ROUNDING_TYPES: dict[str, RoundingType] = {
    "up": "up", "auf": "up", "down": "down", "ab": "down", "nearest": "nearest", "kaufmännisch": "nearest",
}  # fmt: skip


def _report_users(text: str) -> Literal["me", "all"] | None:
    return _USERS_WORDS.get(text.lower())


def _report_rounding(text: str) -> tuple[int, RoundingType] | None:
    m = _ROUNDING.fullmatch(text.lower())
    if m is None:
        return None
    return int(m.group(1)), _ROUNDING_TYPES[m.group(2) or "nearest"]


def _report(cmd: _Cmd) -> Report:
    """`report [PERIOD] [@project…|words] [client:NAME] [user:NAME…|me|all] [by project]
    [billable|nonbillable] [round 15m up|down|nearest]`. Default period: this month; default users: me."""
    named_users: list[str] = []
    rest: list[Token] = []
    tokens = cmd.tokens
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "word" and tok.low.startswith("user:"):
            name = tok.value[5:]
            if not name and i + 1 < len(tokens) and tokens[i + 1].kind == "quoted":
                i += 1
                name = tokens[i].value
            if not name.strip():
                _fail("parse.unexpected", text=tok.raw)
            named_users.append(name.strip())
        else:
            rest.append(tok)
        i += 1
    matchers: list[Matcher] = [
        ("users", _report_users),
        ("group", _group),
        ("billable", _billable),
        ("round", _report_rounding),
        *_period_matchers(cmd.ctx),
    ]
    scan = _scan(rest, matchers)
    if scan.quoted or scan.untags:
        _fail("parse.unexpected", text=min(scan.quoted + scan.untags, key=lambda tok: tok.start).raw)
    if scan.tags:
        _fail("parse.unexpected", text="#" + scan.tags[0])
    for ref in scan.refs:
        if _is_entry_ref(ref):
            _fail("parse.entry_ref_not_project", text=ref.raw)
    projects = [_project_from_ref(ref) for ref in scan.refs] + [_project_from_words(run) for run in scan.runs]
    group = scan.one("group")
    if group is not None and group.value != "project":
        _fail("parse.unexpected", text=group.text)
    users_hit = scan.one("users")
    if users_hit is not None and named_users:
        _fail("parse.unexpected", text=users_hit.text)
    if len(scan.clients) > 1:
        _fail("parse.unexpected", text=scan.clients[1].raw)
    period = scan.one("period")
    billable = scan.one("billable")
    rounding = scan.one("round")
    minutes, kind = cast(tuple[int, RoundingType], rounding.value) if rounding else (None, "nearest")
    if minutes is not None and not 1 <= minutes <= 240:
        _fail("parse.unexpected", text=rounding.text if rounding else "")
    return Report(
        period=cast(Period, period.value) if period else cast(Period, parse_period("month", cmd.ctx)),
        projects=projects,
        client=scan.clients[0].value if scan.clients else None,
        users=named_users or (cast(Literal["me", "all"], users_hit.value) if users_hit else "me"),
        by_project=group is not None,
        billable=cast(bool, billable.value) if billable else None,
        rounding_minutes=minutes,
        rounding_type=kind,
    )


def _no_args(op: ParseResult) -> Callable[[_Cmd], ParseResult]:
    def handler(cmd: _Cmd) -> ParseResult:
        _nothing_else(cmd, frozenset({"timer", "it", "please", "bitte"}))
        return op

    return handler


_HANDLERS: dict[str, Callable[[_Cmd], ParseResult]] = {
    "help": _help,
    "start": _start,
    "stop": _stop,
    "cancel": _no_args(CancelTimer()),
    "continue": _continue,
    "status": _no_args(Status()),
    "log": _log,
    "edit": _edit,
    "delete": _delete,
    "undo": _no_args(Undo()),
    "come": lambda cmd: ClockIn(at=_clock_at(cmd)),
    "go": lambda cmd: ClockOut(at=_clock_at(cmd)),
    "break": _break,
    "hours": _hours,
    "times": _times,
    "summary": _summary,
    "projects": _projects,
    "project": _project,
    "clients": _no_args(ListClients()),
    "client": _client,
    "tasks": _tasks,
    "task": _task,
    "tags": _no_args(ListTags()),
    "tag": _tag,
    "groups": _no_args(ListGroups()),
    "timezone": _timezone,
    "report": _report,
    "settings": _no_args(ShowSettings()),
    "connect": _connect,
    "workspace": _workspace,
}

# ---- entry point -------------------------------------------------------------------------------------------


def _suggest(word: str) -> str | None:
    candidates = [*VERBS, *PERIOD_VERBS]
    found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=75)
    return found[0] if found else None


def _dispatch(text: str, ctx: ParseContext) -> ParseResult:
    tokens = tokenize(text)
    if not tokens:
        return Help()
    first = tokens[0]
    word1 = first.low.lstrip("/") if first.kind == "word" else ""
    word2 = f"{word1} {tokens[1].low}" if len(tokens) > 1 and tokens[1].kind == "word" else ""
    verb: str | None = None
    try:
        if word2 in PERIOD_VERBS or (word1 in PERIOD_VERBS and word2 not in UNSUPPORTED):
            name = word2 if word2 in PERIOD_VERBS else word1
            verb = "summary"
            period = parse_period(PERIOD_VERBS[name], ctx)
            assert period is not None
            rest = tokens[2:] if name == word2 else tokens[1:]
            return _summary(_Cmd(text, rest, ctx), period)
        if word2 in PHRASE_VERBS:
            verb = PHRASE_VERBS[word2]
            return _HANDLERS[verb](_Cmd(text, tokens[2:], ctx))
        if word2 in UNSUPPORTED or (word1 in UNSUPPORTED and word1 not in VERBS):
            verb = UNSUPPORTED[word2] if word2 in UNSUPPORTED else UNSUPPORTED[word1]
            _fail("parse.unsupported_command", verb=verb)
        if word1 in VERBS:
            verb = VERBS[word1]
            rest = tokens[1:]
            if word1 in ("add", "new", "create") and rest and rest[0].kind == "word":
                # `add project X` = `project add X`
                noun = VERBS.get(rest[0].low)
                if noun in ("project", "projects", "client", "clients", "task", "tasks", "tag", "tags"):
                    verb = noun.rstrip("s") if noun != "tags" else "tag"
                    sub = Token("word", "add", "add", rest[0].start, rest[0].end)
                    return _HANDLERS[verb](_Cmd(text, [sub, *rest[1:]], ctx))
            return _HANDLERS[verb](_Cmd(text, rest, ctx))
        params = {"text": text}
        suggestion = _suggest(word1) if word1 else None
        if suggestion:
            params["suggestion"] = suggestion
        return ParseFailure(message_key="parse.unknown_command", params=params)
    except _Fail as failure:
        return ParseFailure(message_key=failure.key, params=failure.params, verb=verb)
    except _Ask as ask:
        return ask.ambiguity


def parse_strict(text: str, ctx: ParseContext) -> ParseResult:
    """`parse` without the safety net (tests use it so a bug is an exception, not a generic failure)."""
    cleaned = normalise(clean_text(text))
    if len(cleaned) > _MAX_TEXT:
        return ParseFailure(message_key="parse.too_long", params={"max": str(_MAX_TEXT)})
    return _dispatch(cleaned, ctx)


def parse(text: str, ctx: ParseContext) -> ParseResult:
    """The operation `text` asks for, an `Ambiguity` to ask about, or a `ParseFailure`. Never raises."""
    try:
        return parse_strict(text, ctx)
    except Exception:  # the bot must answer something; the test suite runs parse_strict to catch these
        log.exception("parser failed on a %d-character command", len(text or ""))
        return ParseFailure(message_key="parse.internal_error")
