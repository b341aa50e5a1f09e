"""`feed [PERIOD]` and its buttons: the person's open feed events, booked into entries with one tap.

An event is open until it is booked or dismissed (marks per person, `bot.store.feed`); booked and dismissed
events never come back. **Book** logs an entry with the event's start, end and name (and description), to the
project picked on the card or else the suggested one (`bot.service.feedmatch`), which learns from it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime

from adapters.errors import BackendError
from adapters.models import FeedEvent
from bot.operations import (
    BookFeed,
    DismissFeed,
    FeedEventRef,
    LogEntry,
    Period,
    ProjectRef,
    ShowFeed,
    UnbookFeed,
    Undo,
)
from bot.service import entries
from bot.service.common import recent_projects
from bot.service.context import UserContext
from bot.service.feedmatch import Learner, choice, learn
from bot.service.feedsources import sources
from bot.service.outcomes import EntryChanged, FeedShown, Outcome, Problem
from bot.views.feed import FeedDay, FeedEventView, FeedView, ProjectChoice

log = logging.getLogger(__name__)

MAX_EVENTS = 30  # on one card; the card shows fewer if they do not fit 28 KB
NOTE_LIMIT = 500
PICKER_PROJECTS = 12


async def open_events(ctx: UserContext, start: datetime, end: datetime) -> list[FeedEvent]:
    """Every source's events overlapping [start, end) that the person neither booked nor dismissed."""
    found: list[FeedEvent] = []
    for source in sources(ctx):
        try:
            found.extend(e for e in await source.events(ctx, start, end) if e.source == source.name)
        except BackendError as exc:  # one source being down must not hide the others
            log.info("feed source %s failed: %s", source.name, type(exc).__name__)
    feed = ctx.services.feed
    marks = (
        await feed.events.marks(
            ctx.identity.tenant_id, ctx.identity.aad_object_id, [(e.source, e.id) for e in found]
        )
        if feed is not None
        else {}
    )
    return sorted(
        (e for e in found if (e.source, e.id) not in marks and not e.dismissed and e.booked_entry_id is None),
        key=lambda e: (e.start, e.end, e.name),
    )


def _bounds(ctx: UserContext, period: Period) -> tuple[datetime, datetime]:
    start, _ = ctx.day_bounds(period.start)
    end, _ = ctx.day_bounds(period.end)
    return start, end


async def feed_view(
    ctx: UserContext,
    period: Period,
    *,
    notice: tuple[str, dict[str, str]] | None = None,
    undo: tuple[str, FeedEventRef] | None = None,
    only: set[tuple[str, str]] | None = None,
) -> FeedView:
    """The open events of `period` (or just the `only` ones among them, e.g. a new event to push)."""
    start, end = _bounds(ctx, period)
    events = [e for e in await open_events(ctx, start, end) if only is None or (e.source, e.id) in only]
    events = events[:MAX_EVENTS]
    learner = await Learner.load(ctx, events)
    days: dict[date, list[FeedEventView]] = {}
    suggested: list[ProjectChoice] = []
    for event in events:
        suggestion = learner.suggest(event)
        if suggestion is not None:
            suggested.append(ProjectChoice(value=suggestion.value, title=suggestion.title))
        local_start = event.start.astimezone(ctx.tz)
        days.setdefault(max(local_start.date(), period.start), []).append(
            FeedEventView(
                source=event.source,
                id=event.id,
                name=event.name,
                description=event.description,
                start=local_start,
                end=event.end.astimezone(ctx.tz),
                duration_seconds=int((event.end - event.start).total_seconds()),
                icon_url=event.icon_url,
                url=event.url,
                category=event.category,
                suggestion=suggestion,
            )
        )
    recent = [ProjectChoice(value=p.id, title=p.name) for p in await recent_projects(ctx, PICKER_PROJECTS)]
    projects = list({c.value: c for c in [*suggested, *recent]}.values())
    return FeedView(
        period_start=period.start,
        period_end=period.end,
        period_name=period.name,
        days=[FeedDay(day=day, events=evs) for day, evs in sorted(days.items())],
        projects=projects,
        notice_key=notice[0] if notice else None,
        notice_params=notice[1] if notice else {},
        undo_token=undo[0] if undo else None,
        undo_event=(undo[1].source, undo[1].id) if undo else None,
    )


async def show(ctx: UserContext, op: ShowFeed) -> Outcome:
    return FeedShown(await feed_view(ctx, op.period))


def _note(event: FeedEvent) -> str:
    text = event.name if not event.description else f"{event.name} – {event.description}"
    return " ".join(text.split())[:NOTE_LIMIT]


def _target(op: BookFeed, learner: Learner, event: FeedEvent) -> tuple[str, str | None] | None:
    """(project id, task id) for the event: the card's pick ("" = no project), else the suggestion."""
    key = f"{event.source}:{event.id}"
    picked = op.projects.get(key)
    if picked is None:
        suggestion = learner.suggest(event)
        picked = suggestion.value if suggestion else ""
    if not picked:
        return None
    project_id, _, task_id = picked.partition("/")
    found = choice(learner.data, project_id, task_id or None)
    if found is None:
        return None
    project_id, _, task_id = found.value.partition("/")
    return project_id, task_id or None


async def _book_one(ctx: UserContext, op: BookFeed, learner: Learner, event: FeedEvent) -> Outcome:
    target = _target(op, learner, event)
    project = None
    if target is not None:
        found = learner.data.project(target[0])
        project = ProjectRef(path=[found.name if found else target[0]], id=target[0], task_id=target[1])
    outcome = await entries.log(
        ctx, LogEntry(start=event.start, end=event.end, project=project, note=_note(event))
    )
    if isinstance(outcome, EntryChanged):
        assert ctx.services.feed is not None
        await ctx.services.feed.events.mark(
            ctx.identity.tenant_id,
            ctx.identity.aad_object_id,
            event.source,
            event.id,
            ctx.services.clock(),
            booked_entry_id=outcome.entry.id,
        )
        if target is not None:
            await learn(ctx, event, target[0], target[1])
    return outcome


async def book(ctx: UserContext, op: BookFeed) -> Outcome:
    if ctx.services.feed is None:
        return Problem("feed.unavailable")
    day_start, day_end = ctx.day_bounds(op.day)
    open_ = await open_events(ctx, day_start, day_end)
    wanted = {(r.source, r.id) for r in op.events}
    chosen = [e for e in open_ if (e.source, e.id) in wanted] if wanted else open_
    if not chosen:
        return FeedShown(await feed_view(ctx, op.period, notice=("feed.already_done", {})))
    learner = await Learner.load(ctx, chosen)
    booked: list[tuple[FeedEvent, EntryChanged]] = []
    failed: list[tuple[FeedEvent, Problem]] = []
    for event in chosen:
        outcome = await _book_one(ctx, op, learner, event)
        if isinstance(outcome, EntryChanged):
            booked.append((event, outcome))
        elif isinstance(outcome, Problem):
            failed.append((event, outcome))
    notice, undo = _result(booked, failed)
    return FeedShown(await feed_view(ctx, op.period, notice=notice, undo=undo))


Said = tuple[str, dict[str, str]]


def _result(
    booked: Sequence[tuple[FeedEvent, EntryChanged]], failed: Sequence[tuple[FeedEvent, Problem]]
) -> tuple[Said, tuple[str, FeedEventRef] | None]:
    """What the card says after booking: the one entry (with Undo), or how many, or why not."""
    if failed and not booked:
        event, problem = failed[0]
        return ("feed.not_booked", {"name": event.name, "reason_key": problem.key, **problem.params}), None
    if len(booked) == 1 and not failed:
        event, changed = booked[0]
        params = {"name": event.name, "project": changed.entry.project or ""}
        ref = FeedEventRef(source=event.source, id=event.id)
        undo = (changed.undo_token, ref) if changed.undo_token else None
        return ("feed.booked" if changed.entry.project else "feed.booked_no_project", params), undo
    seconds = sum(c.entry.duration_seconds for _, c in booked)
    params = {"count": str(len(booked)), "seconds": str(seconds), "failed": str(len(failed))}
    return ("feed.booked_many" if not failed else "feed.booked_some", params), None


async def dismiss(ctx: UserContext, op: DismissFeed) -> Outcome:
    feed = ctx.services.feed
    if feed is None:
        return Problem("feed.unavailable")
    await feed.events.mark(
        ctx.identity.tenant_id,
        ctx.identity.aad_object_id,
        op.event.source,
        op.event.id,
        ctx.services.clock(),
        dismissed=True,
    )
    return FeedShown(await feed_view(ctx, op.period, notice=("feed.dismissed", {})))


async def unbook(ctx: UserContext, op: UnbookFeed) -> Outcome:
    """Undo a booking from the feed card: the entry is deleted and the event is open again."""
    feed = ctx.services.feed
    if feed is None:
        return Problem("feed.unavailable")
    undone = await entries.undo(ctx, Undo(token=op.token))
    if isinstance(undone, Problem):
        return undone
    await feed.events.unmark(ctx.identity.tenant_id, ctx.identity.aad_object_id, op.event.source, op.event.id)
    return FeedShown(await feed_view(ctx, op.period, notice=("feed.unbooked", {})))
