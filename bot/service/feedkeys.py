"""`feed key add NAME`, `feed keys`, `feed key revoke NAME`: a workspace admin's API keys for the feed API.

Personal chat only (the new key is shown once, in the card, and must not land in a channel), admins only (a
key posts feed events for anyone in the workspace, acting as the admin who made it).
"""

from __future__ import annotations

from bot.operations import AddFeedKey, ListFeedKeys, RevokeFeedKey
from bot.service.context import UserContext
from bot.service.outcomes import FeedKeyCreated, FeedKeysShown, Notice, Outcome, Problem
from bot.store.feedkeys import KeyExists
from bot.views.feed import FeedKeyView


def _refused(ctx: UserContext) -> Problem | None:
    if ctx.services.feed is None:
        return Problem("feed.unavailable")
    if ctx.scope != "personal":
        return Problem("feed.keys_personal_only")
    if not ctx.backend.user.is_admin:
        return Problem("feed.keys_admin_only", {"workspace": ctx.backend.workspace.name})
    return None


async def add_key(ctx: UserContext, op: AddFeedKey) -> Outcome:
    refused = _refused(ctx)
    if refused is not None:
        return refused
    assert ctx.services.feed is not None
    name = " ".join(op.name.split())
    try:
        key, secret = await ctx.services.feed.keys.create(
            ctx.identity.tenant_id, ctx.backend.kind, ctx.backend.workspace.id, name, ctx.identity, ctx.now
        )
    except KeyExists:
        return Problem("feed.key_exists", {"name": name})
    return FeedKeyCreated(name=key.name, secret=secret, workspace=ctx.backend.workspace.name)


async def list_keys(ctx: UserContext, op: ListFeedKeys) -> Outcome:
    refused = _refused(ctx)
    if refused is not None:
        return refused
    assert ctx.services.feed is not None
    keys = await ctx.services.feed.keys.list(
        ctx.identity.tenant_id, ctx.backend.kind, ctx.backend.workspace.id
    )
    views = [
        FeedKeyView(
            name=k.name,
            hint=k.hint,
            created_by=k.created_by_name,
            created_at=k.created_at.astimezone(ctx.tz),
            last_used_at=k.last_used_at.astimezone(ctx.tz) if k.last_used_at else None,
        )
        for k in keys
    ]
    return FeedKeysShown(workspace=ctx.backend.workspace.name, keys=views)


async def revoke_key(ctx: UserContext, op: RevokeFeedKey) -> Outcome:
    refused = _refused(ctx)
    if refused is not None:
        return refused
    assert ctx.services.feed is not None
    name = " ".join(op.name.split())
    gone = await ctx.services.feed.keys.revoke(
        ctx.identity.tenant_id, ctx.backend.kind, ctx.backend.workspace.id, name
    )
    if not gone:
        return Problem("feed.no_such_key", {"name": name})
    return Notice("feed.key_revoked", {"name": name})
