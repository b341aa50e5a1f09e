"""The names people know their trackers by, for messages and cards (the kinds are `adapters`' own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

BACKEND_NAMES: Final = {
    "local": "timebot (built-in)",
    "toggl": "Toggl Track",
    "focus": "Toggl Focus",
    "awork": "awork",
    "timeghost": "timeghost",
}
SIGNIN_NAMES: Final = {"calendar": "Outlook"}  # what people sign in to that is not a tracker


def backend_name(kind: str) -> str:
    return BACKEND_NAMES.get(kind) or SIGNIN_NAMES.get(kind, kind)


@dataclass(frozen=True)
class ConnectionView:
    """How a person is connected to one backend, for `connect`: signed in (as whom), by API key, or not."""

    kind: str
    how: Literal["builtin", "signin", "api_key", "none"]
    account: str | None = None  # the signed-in account's name (UPN), when known
    can_sign_in: bool = False  # signing in is offered for it here
