"""`report`: the Excel report of a period, filtered and grouped.

`report [PERIOD] [@project…|words] [client:NAME] [user:NAME…|me|all] [by project] [billable|nonbillable]
[round 15m up|down|nearest] [timeghost|timebot]`. Default period: this month; default users: me. Every `@ref`
and every run of free words is one project filter; `user:"Full Name"` takes a quoted name. `timeghost` asks
for the tracker's own file (timeghost's "Create Times Excel Report"), `timebot` for timebot's spreadsheet.
"""

from __future__ import annotations

import re
from typing import Literal, cast

from bot.operations import Period, Report, RoundingType

from .args import (
    Cmd,
    Matcher,
    billable_word,
    fail,
    group_words,
    is_entry_ref,
    period_matchers,
    project_from_ref,
    project_from_words,
    scan,
)
from .timeparse import parse_period
from .tokens import Token

_USERS_WORDS: dict[str, Literal["me", "all"]] = {
    "me": "me", "mine": "me", "my": "me", "myself": "me", "ich": "me", "mich": "me", "meine": "me",
    "all": "all", "everyone": "all", "everybody": "all", "team": "all", "alle": "all", "jeder": "all",
}  # fmt: skip
_SOURCES: dict[str, Literal["timebot", "backend"]] = {"timeghost": "backend", "timebot": "timebot"}
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


def _named_users(tokens: list[Token]) -> tuple[list[str], list[Token]]:
    """`user:NAME` / `user:"Full Name"` tokens taken out, and the remaining tokens."""
    named: list[str] = []
    rest: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "word" and tok.low.startswith("user:"):
            name = tok.value[5:]
            if not name and i + 1 < len(tokens) and tokens[i + 1].kind == "quoted":
                i += 1
                name = tokens[i].value
            if not name.strip():
                fail("parse.unexpected", text=tok.raw)
            named.append(name.strip())
        else:
            rest.append(tok)
        i += 1
    return named, rest


def report(cmd: Cmd) -> Report:
    named_users, rest = _named_users(cmd.tokens)
    matchers: list[Matcher] = [
        ("users", _report_users),
        ("group", group_words),
        ("billable", billable_word),
        ("round", _report_rounding),
        ("source", lambda text: _SOURCES.get(text.lower())),
        *period_matchers(cmd.ctx),
    ]
    found = scan(rest, matchers)
    if found.quoted or found.untags:
        fail("parse.unexpected", text=min(found.quoted + found.untags, key=lambda tok: tok.start).raw)
    if found.tags:
        fail("parse.unexpected", text="#" + found.tags[0])
    for ref in found.refs:
        if is_entry_ref(ref):
            fail("parse.entry_ref_not_project", text=ref.raw)
    projects = [project_from_ref(ref) for ref in found.refs] + [project_from_words(r) for r in found.runs]
    group = found.one("group")
    if group is not None and group.value != "project":
        fail("parse.unexpected", text=group.text)
    users_hit = found.one("users")
    if users_hit is not None and named_users:
        fail("parse.unexpected", text=users_hit.text)
    if len(found.clients) > 1:
        fail("parse.unexpected", text=found.clients[1].raw)
    period = found.one("period")
    billable = found.one("billable")
    rounding = found.one("round")
    source = found.one("source")
    minutes, kind = cast(tuple[int, RoundingType], rounding.value) if rounding else (None, "nearest")
    if minutes is not None and not 1 <= minutes <= 240:
        fail("parse.unexpected", text=rounding.text if rounding else "")
    return Report(
        period=cast(Period, period.value) if period else cast(Period, parse_period("month", cmd.ctx)),
        projects=projects,
        client=found.clients[0].value if found.clients else None,
        users=named_users or (cast(Literal["me", "all"], users_hit.value) if users_hit else "me"),
        by_project=group is not None,
        billable=cast(bool, billable.value) if billable else None,
        rounding_minutes=minutes,
        rounding_type=kind,
        source=cast(Literal["timebot", "backend"], source.value) if source else None,
    )
