"""The welcome on first contact: what to do first, said with what the bot already knows about the person."""

from __future__ import annotations

from adapters.errors import BackendError
from bot.service.context import UserContext
from bot.service.outcomes import WelcomeShown
from bot.views.welcome import WelcomeView


async def welcome(ctx: UserContext) -> WelcomeShown:
    """Projects to pick from (or none yet), the time zone in use, the tracker in use. The tracker is asked
    once for its projects; if it cannot answer, the welcome still goes out without the count."""
    try:
        data = await ctx.refdata()
        projects: int | None = sum(1 for p in data.projects if not p.done)
    except BackendError:
        projects = None
    first = (ctx.identity.name or "").split()[0] if (ctx.identity.name or "").split() else ""
    return WelcomeShown(
        WelcomeView(
            name=first,
            zone=str(ctx.tz),
            backend=ctx.backend.kind,
            projects=projects,
            personal=ctx.scope == "personal",
        )
    )
