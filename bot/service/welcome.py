"""The welcome on first contact: what to do first, said with what the bot already knows about the person."""

from __future__ import annotations

from adapters.errors import BackendError
from bot.service.context import UserContext
from bot.service.outcomes import WelcomeShown
from bot.views.welcome import WelcomeView


async def welcome(ctx: UserContext, name: str | None) -> WelcomeShown:
    """Projects to pick from (or none yet), the time zone in use, the tracker in use. The tracker is asked
    once for its projects; if it cannot answer, the welcome still goes out without the count. `name` is the
    added member's display name (None: greet without one); not `ctx.identity.name`, which on a
    conversationUpdate is the sender's placeholder ("Teams user"), not the person."""
    try:
        data = await ctx.refdata()
        projects: int | None = sum(1 for p in data.projects if not p.done)
    except BackendError:
        projects = None
    words = (name or "").split()
    first = words[0] if words else ""
    return WelcomeShown(
        WelcomeView(
            name=first,
            zone=str(ctx.tz),
            backend=ctx.backend.kind,
            projects=projects,
            personal=ctx.scope == "personal",
        )
    )
