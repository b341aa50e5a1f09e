"""What every verb family shares: failing and asking, scanning arguments, project/entry refs, matchers.

Rules shared by the families (tested in `tests/unit/test_parse.py`):

* **Project vs note words** (`start`, `log`, `times`, `tasks`): with an `@ref`, every free word (and every
  `"quoted"` string) is the note, in text order. Without an `@ref`, the *first contiguous run* of free words
  names the project (`/` inside it separates project/task, as in `@`); a run ends at any recognised token
  (tag, quoted string, duration, range, date, `at TIME`, `billable`…). Later free words and quoted strings
  are the note. A leading `on`/`for`/`auf`/`für` of that run is dropped (`log 2h on website`).
* **Entry refs**: `@3` (digits only) is the 3rd most recent entry in `edit`, `delete` and `continue`; in
  `start`/`log` it is refused (`parse.entry_ref_not_project`) — a project named `3` is `@"3"`.
* **Bare numbers**: `log 90`, `edit duration 90`, `task add p/t estimate 90` ask minutes-or-hours
  (`parse.ambiguous_number`); each choice re-submits the whole command with `90m` / `90h` in its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NoReturn, cast

from bot.i18n import Message
from bot.operations import (
    Ambiguity,
    Choice,
    EntryRef,
    ParseContext,
    ParseResult,
    ProjectRef,
    SummaryGroup,
)

from .timeparse import (
    ClockSpec,
    RangeSpec,
    impossible_clock,
    parse_clock_spec,
    parse_period,
    parse_range,
    resolve_clock,
    resolve_range,
)
from .tokens import Token

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

_AT_WORDS = frozenset({"at", "um", "ab", "@"})
_LAST_WORDS = frozenset({"last", "latest", "letzte", "letzten", "letzter", "letztes"})
_FILLERS = frozenset({"on", "for", "to", "auf", "für", "project", "projekt"})
_ENTRY_REF = re.compile(r"@(\d{1,9})")
_MAX_WINDOW = 7

# ---- control flow ------------------------------------------------------------------------------------------


class Fail(Exception):
    """Raised by a verb parser; the dispatcher turns it into a `ParseFailure` with this key and params."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = {k: str(v) for k, v in params.items()}


class Ask(Exception):
    """Raised by a verb parser that must not guess; the dispatcher returns the `Ambiguity`."""

    def __init__(self, ambiguity: Ambiguity) -> None:
        super().__init__(ambiguity.message_key)
        self.ambiguity = ambiguity


def fail(key: str, **params: object) -> NoReturn:
    raise Fail(key, **params)


@dataclass
class Cmd:
    """One command as a verb parser sees it."""

    text: str  # normalised command text (what choices re-submit)
    tokens: list[Token]  # the arguments, after the verb
    ctx: ParseContext

    @property
    def locale(self) -> str:
        return self.ctx.locale

    def ask_number(self, token: Token, number: str) -> NoReturn:
        """The bare-number rule: ask minutes or hours, each choice the whole command with a unit."""

        def replaced(unit: str) -> str:
            return self.text[: token.start] + number + unit + self.text[token.end :]

        as_minutes = Message("parse.choice.minutes", {"number": number})
        as_hours = Message("parse.choice.hours", {"number": number})

        raise Ask(
            Ambiguity(
                message_key="parse.ambiguous_number",
                params={"number": number},
                choices=[
                    Choice(text=as_minutes, command=replaced("m"), locale=self.locale),
                    Choice(text=as_hours, command=replaced("h"), locale=self.locale),
                ],
            )
        )


Handler = Callable[[Cmd], ParseResult]

# ---- scanning arguments ------------------------------------------------------------------------------------

Matcher = tuple[str, Callable[[str], object | None]]


@dataclass
class Hit:
    """A run of words one matcher recognised, with its value."""

    name: str
    value: object
    tokens: list[Token]

    @property
    def text(self) -> str:
        return " ".join(tok.value for tok in self.tokens)


@dataclass
class Scan:
    hits: list[Hit] = field(default_factory=list)
    runs: list[list[Token]] = field(default_factory=list)  # contiguous free words
    refs: list[Token] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    untags: list[Token] = field(default_factory=list)
    quoted: list[Token] = field(default_factory=list)
    clients: list[Token] = field(default_factory=list)

    def all(self, name: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.name == name]

    def one(self, name: str) -> Hit | None:
        found = self.all(name)
        if len(found) > 1:
            fail("parse.unexpected", text=found[1].text)
        return found[0] if found else None


def match_at(tokens: list[Token], i: int, matchers: list[Matcher]) -> Hit | None:
    """The longest run of words from `i` (at most 7) that a matcher recognises; earlier matchers win ties."""
    j = i
    while j < len(tokens) and tokens[j].kind == "word" and j - i < _MAX_WINDOW:
        j += 1
    for n in range(j - i, 0, -1):
        window = tokens[i : i + n]
        text = " ".join(tok.value for tok in window)
        for name, matcher in matchers:
            value = matcher(text)
            if value is not None:
                return Hit(name, value, window)
    return None


def scan(tokens: list[Token], matchers: list[Matcher]) -> Scan:
    """Sort the arguments into recognised values, free-word runs and marked tokens, in text order."""
    found = Scan()
    run: list[Token] = []

    def close_run() -> None:
        nonlocal run
        if run:
            found.runs.append(run)
            run = []

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "word":
            hit = match_at(tokens, i, matchers)
            if hit is None:
                run.append(tok)
                i += 1
                continue
            close_run()
            found.hits.append(hit)
            i += len(hit.tokens)
            continue
        close_run()
        if tok.kind == "ref":
            found.refs.append(tok)
        elif tok.kind == "tag":
            if tok.value not in found.tags:
                found.tags.append(tok.value)
        elif tok.kind == "untag":
            found.untags.append(tok)
        elif tok.kind == "quoted":
            found.quoted.append(tok)
        else:
            found.clients.append(tok)
        i += 1
    close_run()
    return found


def billable_word(text: str) -> bool | None:
    return _BILLABLE.get(text.lower())


def words(tokens: list[Token]) -> str:
    return " ".join(tok.value for tok in tokens)


# ---- projects and entries ----------------------------------------------------------------------------------


def project_from_parts(parts: list[str], raw: str) -> ProjectRef:
    parts = [p.strip() for p in parts]
    if not 1 <= len(parts) <= 3 or not all(parts):
        fail("parse.bad_project", text=raw)
    return ProjectRef(path=parts)


def project_from_ref(tok: Token) -> ProjectRef:
    return project_from_parts(list(tok.parts), tok.raw)


def project_from_words(run: list[Token]) -> ProjectRef:
    while len(run) > 1 and run[0].low in _FILLERS:
        run = run[1:]
    text = words(run)
    return project_from_parts(text.split("/"), text)


def is_entry_ref(tok: Token) -> bool:
    return tok.kind == "ref" and _ENTRY_REF.fullmatch(tok.raw) is not None


def entry_ref(tok: Token) -> EntryRef:
    index = int(tok.raw[1:])
    if not 1 <= index <= 10_000:
        fail("parse.bad_entry_ref", text=tok.raw)
    return EntryRef(index=index)


def no_impossible_clocks(runs: list[list[Token]]) -> None:
    """A time-shaped word that is no time of day (`at 25:00`, `9:75`, `13pm`) is an error with the reason,
    never silently a note or a project name. Quoted text is the person's own and is left alone."""
    for run in runs:
        for i, tok in enumerate(run):
            after_at = i > 0 and run[i - 1].low in _AT_WORDS
            shown = f"{run[i - 1].raw} {tok.raw}" if after_at else tok.raw
            key = impossible_clock(tok.value, after_at=after_at)
            if key is None and i + 1 < len(run) and run[i + 1].low == "uhr":
                key, shown = impossible_clock(f"{tok.value} uhr"), f"{tok.raw} {run[i + 1].raw}"
            if key is not None:
                fail(key, text=shown)


def project_and_note(found: Scan) -> tuple[ProjectRef | None, str | None]:
    """The rule in the module docstring: `@ref` → free words are the note; else first run = project."""
    no_impossible_clocks(found.runs)
    for ref in found.refs:
        if is_entry_ref(ref):
            fail("parse.entry_ref_not_project", text=ref.raw)
    if len(found.refs) > 1:
        fail("parse.two_projects", first=found.refs[0].raw, second=found.refs[1].raw)
    runs = list(found.runs)
    project: ProjectRef | None = None
    if found.refs:
        project = project_from_ref(found.refs[0])
    elif runs:
        project = project_from_words(runs.pop(0))
    pieces = [(run[0].start, words(run)) for run in runs] + [(q.start, q.value) for q in found.quoted]
    note = " ".join(text for _, text in sorted(pieces) if text).strip()
    return project, note or None


def entry_ref_arg(cmd: Cmd, *, last_written: bool = False) -> tuple[EntryRef, list[Token]]:
    """A leading `last` / `@N` (default: last), and the remaining tokens. `last_written`: `last` (and no
    ref) is the entry written last, not the one starting last (`edit`, `delete`)."""
    tokens = cmd.tokens
    if tokens and is_entry_ref(tokens[0]):
        return entry_ref(tokens[0]), tokens[1:]
    if tokens and tokens[0].kind == "word" and tokens[0].low in _LAST_WORDS:
        rest = tokens[1:]
        if rest and rest[0].kind == "word" and rest[0].low in ("entry", "one", "eintrag"):
            rest = rest[1:]
        return EntryRef(written=last_written), rest
    return EntryRef(written=last_written), tokens


# ---- refusing what is left over ----------------------------------------------------------------------------


def no_leftovers(found: Scan, *, runs: bool = True, quoted: bool = True) -> None:
    no_impossible_clocks(found.runs)
    leftovers: list[Token] = []
    if runs:
        leftovers += [tok for run in found.runs for tok in run]
    if quoted:
        leftovers += found.quoted
    leftovers += found.untags + found.clients
    if leftovers:
        first = min(leftovers, key=lambda tok: tok.start)
        fail("parse.unexpected", text=first.raw)


def no_refs_or_tags(found: Scan, tokens: list[Token]) -> None:
    """Verbs that take a time or period only: an `@ref` or `#tag` is the first thing they did not expect."""
    if found.refs or found.tags:
        fail("parse.unexpected", text=(found.refs or tokens)[0].raw)


def nothing_else(cmd: Cmd, allowed: frozenset[str] = frozenset()) -> None:
    for tok in cmd.tokens:
        if tok.low not in allowed:
            fail("parse.unexpected", text=tok.raw)


def no_args(op: ParseResult) -> Handler:
    """A verb that takes no arguments (`cancel`, `status`, `undo`, `clients`…): polite filler words aside."""

    def handler(cmd: Cmd) -> ParseResult:
        nothing_else(cmd, frozenset({"timer", "it", "please", "bitte"}))
        return op

    return handler


# ---- matchers ----------------------------------------------------------------------------------------------


def clock_matchers(ctx: ParseContext, *, bare: bool) -> list[Matcher]:
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


def resolve_at(hit: Hit | None, ctx: ParseContext) -> datetime | None:
    if hit is None:
        return None
    try:
        return resolve_clock(cast(ClockSpec, hit.value), None, ctx)
    except (OverflowError, ValueError):
        fail("parse.bad_time", text=hit.text)


def resolve_range_or_fail(
    spec: RangeSpec, day: date | None, ctx: ParseContext, text: str
) -> tuple[datetime, datetime | None]:
    try:
        resolved = resolve_range(spec, day, ctx)
    except (OverflowError, ValueError):
        fail("parse.bad_range", text=text)
    if isinstance(resolved, str):
        fail(resolved, text=text)
    return resolved


def period_matchers(ctx: ParseContext) -> list[Matcher]:
    return [("period", lambda s: parse_period(s, ctx))]


def group_words(text: str) -> SummaryGroup | None:
    """`by client`, `per task`, `nach Projekt` → the summary grouping."""
    m = re.fullmatch(r"(?:grouped by|by|per|nach|pro)\s+(\S+)", text.lower())
    return _GROUPS.get(m.group(1)) if m else None
