"""Undo a change from its notification card: only the person who made it, only a time entry, and only
while the stored change is kept (`bot.notify.changes.RETENTION`)."""

from __future__ import annotations

from typing import Any

from adapters.errors import NotFound
from adapters.models import TimeEntryDraft, TimeEntryPatch
from bot.service.common import wrote
from bot.service.context import UserContext
from bot.service.outcomes import Notice, Outcome, Problem

_PATCHED = ("start", "end", "timezone", "project_id", "task_id", "tag_ids", "description", "billable")


async def undo_change(ctx: UserContext, change_id: int) -> Outcome:
    store = ctx.services.changes
    change = await store.get(change_id) if store is not None else None
    if change is None or change.entity != "times":
        return Problem("notify.undo_gone")
    backend = ctx.backend
    if (backend.kind, backend.workspace.id, backend.user.id) != (
        change.backend,
        change.workspace_id,
        change.actor_id,
    ):
        return Problem("notify.undo_not_yours")
    state: dict[str, Any] | None = change.before if change.event == "changed" else change.fields
    title = str((state or change.fields).get("description") or "…")
    try:
        if change.event == "created":
            await backend.delete_time_entry(change.entity_id)
            wrote(ctx, change.entity_id, None)
        elif state is None:
            return Problem("notify.undo_gone")
        elif change.event == "changed":
            patch = TimeEntryPatch.model_validate({k: state.get(k) for k in _PATCHED if k in state})
            wrote(ctx, change.entity_id, await backend.update_time_entry(change.entity_id, patch))
        else:
            draft = TimeEntryDraft.model_validate({k: state.get(k) for k in _PATCHED if k in state})
            made = await backend.create_time_entry(draft)
            wrote(ctx, made.id, made)
    except NotFound:
        return Problem("notify.undo_gone")
    return Notice("notify.undone", {"title": title})
