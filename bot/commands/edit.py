"""`edit [last|@N] FIELD VALUE…`: change one entry.

Arguments are read left to right. A marked token changes what it marks (`@project`, `#tag` adds, `-#tag`
removes, `"quoted"` is the note). A field word (`start`, `end`, `duration`, `date`, `note`, `project`, and
their German and English synonyms) takes the value after it; `note` takes the rest of the line. Anything
else must be a value that names its own field: a range (`9-10:30`, `9:00+2h`), a duration, a date or
`billable`/`nonbillable`.

* **`edit`** `start`/`end` wall times are placed on the typed `date` if any, otherwise on today in ctx.tz;
  the service re-anchors them to the entry's own date when `day` is None (only the wall time counts then).
* `edit` with nothing to change answers with the edit form (`EditEntry(ref=…)` alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

from bot.operations import EditEntry, ProjectRef

from .args import (
    Cmd,
    Hit,
    Matcher,
    billable_word,
    entry_ref_arg,
    fail,
    is_entry_ref,
    match_at,
    project_from_ref,
    project_from_words,
    resolve_range_or_fail,
)
from .durations import bare_number, parse_duration
from .timeparse import (
    ClockSpec,
    RangeSpec,
    impossible_clock,
    parse_clock_spec,
    parse_date,
    parse_range,
    resolve_clock,
)
from .tokens import Token

_FIELDS: dict[str, str] = {
    "start": "start", "from": "start", "begin": "start", "beginn": "start", "von": "start",
    "end": "end", "to": "end", "until": "end", "ende": "end", "bis": "end", "stop": "end",
    "duration": "duration", "dauer": "duration", "length": "duration", "time": "duration",
    "date": "date", "day": "date", "datum": "date", "tag": "date", "on": "date", "am": "date",
    "note": "note", "notiz": "note", "description": "note", "desc": "note", "beschreibung": "note",
    "text": "note",
    "project": "project", "projekt": "project",
}  # fmt: skip

_BAD_VALUE = {"start": "parse.bad_time", "end": "parse.bad_time", "date": "parse.bad_date"}


@dataclass
class _Changes:
    """What the arguments asked to change, with times still unresolved (they need `day` first)."""

    start: ClockSpec | None = None
    end: ClockSpec | None = None
    start_text: str = ""
    end_text: str = ""
    duration: timedelta | None = None
    day: date | None = None
    project: ProjectRef | None = None
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    note: str | None = None
    billable: bool | None = None

    def nothing_else(self) -> bool:
        """Nothing but (possibly) times to change."""
        return (
            self.duration is None
            and self.day is None
            and self.project is None
            and not self.add_tags
            and not self.remove_tags
            and self.note is None
            and self.billable is None
        )


class _Reader:
    """Reads the arguments after the entry ref; each `read_*` consumes from `i` and returns the next index."""

    def __init__(self, cmd: Cmd, tokens: list[Token]) -> None:
        ctx = cmd.ctx
        self.cmd = cmd
        self.tokens = tokens
        self.changes = _Changes()
        self.clock_m: list[Matcher] = [("clock", lambda s: parse_clock_spec(s, ctx))]
        self.date_m: list[Matcher] = [("date", lambda s: parse_date(s, ctx))]
        self.duration_m: list[Matcher] = [("duration", parse_duration), ("number", bare_number)]
        self.free_m: list[Matcher] = [
            ("range", lambda s: parse_range(s, ctx)),
            ("duration", parse_duration),
            ("date", lambda s: parse_date(s, ctx)),
            ("billable", billable_word),
        ]

    def read_all(self) -> _Changes:
        i = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            i = self.read_word(i) if tok.kind == "word" else self.read_marked(tok, i)
        return self.changes

    def read_marked(self, tok: Token, i: int) -> int:
        """`@project`, `#tag`, `-#tag`, `"note"`; `client:` has no place in an edit."""
        changes = self.changes
        if tok.kind == "ref":
            if is_entry_ref(tok):
                fail("parse.unexpected", text=tok.raw)
            changes.project = project_from_ref(tok)
        elif tok.kind == "tag":
            changes.add_tags.append(tok.value)
        elif tok.kind == "untag":
            changes.remove_tags.append(tok.value)
        elif tok.kind == "quoted":
            changes.note = tok.value
        else:
            fail("parse.unexpected", text=tok.raw)
        return i + 1

    def read_word(self, i: int) -> int:
        tokens = self.tokens
        name = _FIELDS.get(tokens[i].low)
        if name in ("start", "end"):
            return self.read_clock(i, name)
        if name == "duration":
            return self.read_duration(i)
        if name == "date":
            hit = self.value_after(i + 1, self.date_m, name)
            self.changes.day = cast(date, hit.value)
            return i + 1 + len(hit.tokens)
        if name == "note":
            return self.read_note(i)
        if name == "project" and i + 1 < len(tokens) and tokens[i + 1].kind in ("word", "quoted"):
            return self.read_project(i)
        return self.read_free(i)

    def value_after(self, i: int, matchers: list[Matcher], name: str) -> Hit:
        """The value a field word at `i - 1` names; missing or unreadable is a failure naming the field."""
        if i >= len(self.tokens) or self.tokens[i].kind != "word":
            fail("parse.edit.missing_value", field=name)
        hit = match_at(self.tokens, i, matchers)
        if hit is None:
            raw = self.tokens[i].raw
            why = impossible_clock(raw, after_at=True) if name in ("start", "end") else None
            fail(why or _BAD_VALUE.get(name, "parse.bad_duration"), text=raw)
        return hit

    def read_clock(self, i: int, name: str) -> int:
        hit = self.value_after(i + 1, self.clock_m, name)
        if name == "start":
            self.changes.start, self.changes.start_text = cast(ClockSpec, hit.value), hit.text
        else:
            self.changes.end, self.changes.end_text = cast(ClockSpec, hit.value), hit.text
        return i + 1 + len(hit.tokens)

    def read_duration(self, i: int) -> int:
        hit = self.value_after(i + 1, self.duration_m, "duration")
        if hit.name == "number":
            self.cmd.ask_number(hit.tokens[0], cast(str, hit.value))
        self.changes.duration = cast(timedelta, hit.value)
        return i + 1 + len(hit.tokens)

    def read_note(self, i: int) -> int:
        """`note …` takes the rest of the line as typed (or one quoted string)."""
        rest = self.tokens[i + 1 :]
        if len(rest) == 1 and rest[0].kind == "quoted":
            self.changes.note = rest[0].value
        else:
            self.changes.note = self.cmd.text[rest[0].start :].strip() if rest else ""
        return len(self.tokens)

    def read_project(self, i: int) -> int:
        """`project NAME…` (the words up to the next marked token) or `project "NAME"`."""
        tokens = self.tokens
        j = i + 1
        while j < len(tokens) and tokens[j].kind == "word":
            j += 1
        run = tokens[i + 1 : j] or [tokens[i + 1]]
        self.changes.project = project_from_words(run)
        return i + 1 + len(run)

    def read_free(self, i: int) -> int:
        """A value without a field word: range, duration, date or billable."""
        hit = match_at(self.tokens, i, self.free_m)
        if hit is None:
            fail("parse.edit.unknown_field", text=self.tokens[i].raw)
        changes = self.changes
        if hit.name == "range":
            spec = cast(RangeSpec, hit.value)
            if spec.duration is not None:
                changes.start, changes.duration = spec.start, spec.duration
            else:
                changes.start, changes.end = spec.start, spec.end
            changes.start_text = changes.end_text = hit.text
        elif hit.name == "duration":
            changes.duration = cast(timedelta, hit.value)
        elif hit.name == "date":
            changes.day = cast(date, hit.value)
        else:
            changes.billable = cast(bool, hit.value)
        return i + len(hit.tokens)


def _resolve_times(changes: _Changes, cmd: Cmd) -> tuple[datetime | None, datetime | None]:
    """Wall times → instants on the typed date (or today); a start and end together must form a range."""
    start, end, day, ctx = changes.start, changes.end, changes.day, cmd.ctx
    try:
        if start is not None and end is not None:
            return resolve_range_or_fail(RangeSpec(start=start, end=end), day, ctx, changes.start_text)
        return (
            resolve_clock(start, day, ctx) if start else None,
            resolve_clock(end, day, ctx) if end else None,
        )
    except (OverflowError, ValueError):
        fail("parse.bad_time", text=changes.start_text or changes.end_text)


def edit(cmd: Cmd) -> EditEntry:
    ref, tokens = entry_ref_arg(cmd, last_written=True)
    changes = _Reader(cmd, tokens).read_all()
    if changes.duration is not None and changes.duration <= timedelta(0):
        fail("parse.zero_duration", text=cmd.text)
    start_at, end_at = _resolve_times(changes, cmd)
    if start_at is None and end_at is None and changes.nothing_else():
        return EditEntry(ref=ref)  # nothing to change: the service answers with the edit form
    return EditEntry(
        ref=ref,
        start=start_at,
        end=end_at,
        duration=changes.duration,
        day=changes.day,
        project=changes.project,
        add_tags=changes.add_tags,
        remove_tags=changes.remove_tags,
        note=changes.note,
        billable=changes.billable,
    )
