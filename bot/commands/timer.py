"""The running timer: `start`, `stop`, `continue` (and `cancel`, `status`, which take no arguments).

* **`start`/`stop`/`continue` times**: `at TIME`, or any time that cannot be mistaken for a word (`9:15`,
  `9am`, `14 Uhr`, `30 min ago`, `in 10 min`; `stop` also takes a bare `17`). Wall times are placed on
  today in ctx.tz.
* `start` reads project, tags and note by the project-vs-note rule in `bot.commands.args`.
"""

from __future__ import annotations

from typing import cast

from bot.operations import ContinueEntry, StartTimer, StopTimer

from .args import (
    Cmd,
    billable_word,
    clock_matchers,
    entry_ref_arg,
    no_leftovers,
    no_refs_or_tags,
    project_and_note,
    resolve_at,
    scan,
)


def start(cmd: Cmd) -> StartTimer:
    found = scan(cmd.tokens, [*clock_matchers(cmd.ctx, bare=False), ("billable", billable_word)])
    no_leftovers(found, runs=False, quoted=False)
    project, note = project_and_note(found)
    billable = found.one("billable")
    return StartTimer(
        project=project,
        tags=found.tags,
        note=note,
        at=resolve_at(found.one("at"), cmd.ctx),
        billable=cast(bool, billable.value) if billable else None,
    )


def stop(cmd: Cmd) -> StopTimer:
    found = scan(cmd.tokens, clock_matchers(cmd.ctx, bare=True))
    no_leftovers(found)
    no_refs_or_tags(found, cmd.tokens)
    return StopTimer(at=resolve_at(found.one("at"), cmd.ctx))


def continue_(cmd: Cmd) -> ContinueEntry:
    """`continue [last|@N] [at TIME]`: a new timer like that entry."""
    ref, rest = entry_ref_arg(cmd)
    found = scan(rest, clock_matchers(cmd.ctx, bare=False))
    no_leftovers(found)
    no_refs_or_tags(found, rest)
    return ContinueEntry(ref=ref, at=resolve_at(found.one("at"), cmd.ctx))
