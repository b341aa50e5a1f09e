"""The names people know their trackers by, for messages and cards (the kinds are `adapters`' own)."""

from __future__ import annotations

from typing import Final

BACKEND_NAMES: Final = {
    "local": "timebot (built-in)",
    "toggl": "Toggl Track",
    "focus": "Toggl Focus",
    "awork": "awork",
    "timeghost": "timeghost",
}


def backend_name(kind: str) -> str:
    return BACKEND_NAMES.get(kind, kind)
