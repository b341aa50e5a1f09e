"""What the first-contact welcome shows (`cards.help.welcome_card`): the person's first steps."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WelcomeView:
    name: str  # the first name, to greet
    zone: str  # the time zone their times will be read in
    backend: str  # the tracker kind their entries go to
    projects: int | None  # open projects there (None: the tracker could not be asked)
    personal: bool  # in the personal chat (in a group chat or channel only the commands are shown)
