"""The user's account and settings: `connect`, `signin`, `signout`, `workspace`, `timezone` (`settings`
takes no arguments)."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from bot.operations import (
    BackendKind,
    ChooseWorkspace,
    Connect,
    SetTimezone,
    SignInBackend,
    SignInTo,
    SignOut,
)

from .args import Cmd, fail

_BACKENDS: dict[str, BackendKind] = {
    "local": "local", "embedded": "local", "lokal": "local",
    "toggl": "toggl", "toggl track": "toggl", "track": "toggl",
    "focus": "focus", "toggl focus": "focus",
    "awork": "awork",
    "timeghost": "timeghost",
}  # fmt: skip


def connect(cmd: Cmd) -> Connect:
    """`connect toggl`. A token typed here would stay in the chat history, so none is accepted: the
    answer is a card with a password field (in personal chat only)."""
    name = " ".join(tok.low for tok in cmd.tokens)
    if not name:
        return Connect()
    backend = _BACKENDS.get(name) or _BACKENDS.get(cmd.tokens[0].low)
    if backend is None:
        fail("parse.bad_backend", text=cmd.tokens[0].raw)
    if len(cmd.tokens) > 1 and name not in _BACKENDS:
        fail("parse.connect_no_token", backend=backend)
    return Connect(backend=backend)


_SIGNIN: dict[str, SignInBackend] = {
    "timeghost": "timeghost", "microsoft": "timeghost",
    "awork": "awork",
    "calendar": "calendar", "outlook": "calendar", "kalender": "calendar", "graph": "calendar",
}  # fmt: skip


def _signin_backend(cmd: Cmd) -> SignInBackend | None:
    name = " ".join(tok.low for tok in cmd.tokens)
    if not name:
        return None
    backend = _SIGNIN.get(name)
    if backend is None:
        fail("parse.bad_signin_backend", text=" ".join(tok.raw for tok in cmd.tokens))
    return backend


def signin(cmd: Cmd) -> SignInTo:
    """`signin [timeghost|awork|calendar]`: the prompt (a card, or a private message from a shared chat)."""
    return SignInTo(backend=_signin_backend(cmd))


def signout(cmd: Cmd) -> SignOut:
    return SignOut(backend=_signin_backend(cmd))


def workspace(cmd: Cmd) -> ChooseWorkspace:
    name = " ".join(tok.raw for tok in cmd.tokens).strip().strip('"')
    return ChooseWorkspace(name=name or None)


def timezone(cmd: Cmd) -> SetTimezone:
    if not cmd.tokens:
        return SetTimezone()
    text = " ".join(tok.raw for tok in cmd.tokens)
    zone = find_zone(text)
    if zone is None:
        fail("parse.bad_timezone", zone=text)
    return SetTimezone(zone=zone)


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
