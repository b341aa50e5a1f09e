"""Which project a feed event probably belongs to, learned from what the person booked such events to.

In this order: the same external id (a recurring meeting, one ticket); the same category, when one project
has most of that category's bookings; the name, fuzzily (rapidfuzz), against the names of events booked
before ("Sprint review #13" finds where "Sprint review #12" went); last, a project whose name is a word of the
event's name. Every booking counts (`bot.store.feedmap`), so the suggestion follows the person's habits. A
suggestion is only made for a project that still exists and is open.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from adapters.models import FeedEvent
from bot.service.context import UserContext
from bot.service.refdata import RefData
from bot.store.feedmap import Kind, Learned, Scope
from bot.views.feed import ProjectChoice, Suggestion

NAME_SCORE = 80.0  # token-sort similarity (0-100) for "the same kind of event"
CATEGORY_SHARE = 0.5  # a category suggests its project when that project has more than half its bookings


def scope_of(ctx: UserContext) -> Scope:
    return Scope(
        ctx.identity.tenant_id, ctx.identity.aad_object_id, ctx.backend.kind, ctx.backend.workspace.id
    )


def name_key(name: str) -> str:
    return " ".join(name.casefold().split())[:256]


def keys_of(event: FeedEvent) -> list[tuple[Kind, str]]:
    keys: list[tuple[Kind, str]] = []
    if event.external_id:
        keys.append(("external", f"{event.source}:{event.external_id}"))
    if event.category:
        keys.append(("category", name_key(event.category)))
    keys.append(("name", name_key(event.name)))
    return keys


def choice(data: RefData, project_id: str, task_id: str | None) -> ProjectChoice | None:
    """The picker value and title for a project (and task) that can still be booked to, else None."""
    project = data.project(project_id)
    if project is None or project.done:
        return None
    task = data.task(task_id) if task_id else None
    if task is not None and (task.project_id != project.id or task.done):
        task = None
    if task is None:
        return ProjectChoice(value=project.id, title=project.name)
    return ProjectChoice(value=f"{project.id}/{task.id}", title=f"{project.name} › {task.name}")


@dataclass
class Learner:
    """The person's learned mapping for a batch of events, read in three queries."""

    data: RefData
    by_key: dict[tuple[Kind, str], list[Learned]] = field(default_factory=dict)
    names: list[Learned] = field(default_factory=list)

    @classmethod
    async def load(cls, ctx: UserContext, events: Sequence[FeedEvent]) -> Learner:
        learner = cls(await ctx.refdata())
        feed = ctx.services.feed
        if feed is None or not events:
            return learner
        scope = scope_of(ctx)
        wanted: dict[Kind, set[str]] = defaultdict(set)
        for event in events:
            for kind, key in keys_of(event):
                wanted[kind].add(key)
        for kind in ("external", "category"):
            for row in await feed.mappings.exact(scope, kind, sorted(wanted[kind])):
                learner.by_key.setdefault((row.kind, row.key), []).append(row)
        learner.names = await feed.mappings.names(scope)
        return learner

    def suggest(self, event: FeedEvent) -> Suggestion | None:
        for kind, key in keys_of(event):
            rows = self.by_key.get((kind, key), [])
            if kind == "external":
                found = self._first_valid(rows)
                if found:
                    return Suggestion(value=found.value, title=found.title, reason="external")
            elif kind == "category" and rows:
                found = self._category(rows)
                if found:
                    return Suggestion(value=found.value, title=found.title, reason="category")
        by_name = self._by_name(event)
        if by_name is not None:
            return by_name
        return self._by_project_name(event)

    def _category(self, rows: Sequence[Learned]) -> ProjectChoice | None:
        """The project with most of the category's bookings, if it has more than `CATEGORY_SHARE`."""
        total = sum(r.hits for r in rows)
        top = rows[0]  # one row per project, the most booked first
        if top.hits <= total * CATEGORY_SHARE:
            return None
        return choice(self.data, top.project_id, top.task_id)

    def _first_valid(self, rows: Sequence[Learned]) -> ProjectChoice | None:
        for row in rows:  # already ordered: most booked, then most recent
            found = choice(self.data, row.project_id, row.task_id)
            if found is not None:
                return found
        return None

    def _by_name(self, event: FeedEvent) -> Suggestion | None:
        if not self.names:
            return None
        keys = [row.key for row in self.names]
        scored = process.extract(
            name_key(event.name),
            keys,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            score_cutoff=NAME_SCORE,
            limit=20,
        )
        if not scored:
            return None
        best = scored[0][1]
        close = [self.names[index] for _, score, index in scored if score >= best - 2]
        close.sort(key=lambda r: (r.hits, r.last_used_at), reverse=True)
        found = self._first_valid(close)
        return Suggestion(value=found.value, title=found.title, reason="name") if found else None

    def _by_project_name(self, event: FeedEvent) -> Suggestion | None:
        text = name_key(event.name)
        hits = [
            p
            for p in self.data.projects
            if not p.done and re.search(rf"(?<!\w){re.escape(name_key(p.name))}(?!\w)", text)
        ]
        if not hits:
            return None
        best = max(hits, key=lambda p: len(p.name))
        return Suggestion(value=best.id, title=best.name, reason="project")


async def learn(ctx: UserContext, event: FeedEvent, project_id: str, task_id: str | None) -> None:
    """One more booking of this kind of event to this project."""
    feed = ctx.services.feed
    if feed is not None:
        await feed.mappings.learn(scope_of(ctx), keys_of(event), project_id, task_id, ctx.services.clock())
