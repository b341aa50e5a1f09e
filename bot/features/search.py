"""Typeahead (`application/search` invoke) for the card forms' pickers: datasets `projects`, `tasks`, `tags`.

At most 15 results, ranked by fuzzy match and recent use (what the user tracked lately comes first; with an
empty query, recent ones, then by name). `tasks` follow the chosen project: the card's inputs come along
(`associatedInputs: auto`, in `value.data`), and the task query is limited to the project picked there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz, utils

from bot.activity import InvokeResponse, TurnResult
from bot.routing.filters import invoke_named
from bot.routing.router import Router
from bot.routing.turn import Turn
from bot.service.context import UserContext
from bot.service.forms import recent_ids

router = Router("search")
SEARCH_TYPE = "application/vnd.microsoft.search.searchResponse"
MAX_RESULTS = 15
MIN_SCORE = 60.0
RECENT_BONUS = 15.0  # the most recently used option gets this much on top of its match score, fading out


def rank(
    query: str, options: Sequence[tuple[str, str]], recent: Sequence[str], top: int
) -> list[tuple[str, str]]:
    """(value, title) options best first: fuzzy score plus a bonus for recent use; prefix matches lead."""
    bonus = {value: RECENT_BONUS * (1 - i / max(len(recent), 1)) for i, value in enumerate(recent)}
    q = utils.default_process(query)
    if not q:
        by_recent = sorted(options, key=lambda o: (-bonus.get(o[0], -1.0), o[1].casefold()))
        return list(by_recent[:top])
    scored: list[tuple[float, str, str, str]] = []
    for value, title in options:
        name = utils.default_process(title)
        score = fuzz.WRatio(q, name)
        if name.startswith(q) or any(word.startswith(q) for word in name.split()):
            score = max(score, 90.0)
        if score < MIN_SCORE:
            continue
        scored.append((score + bonus.get(value, 0.0), title.casefold(), value, title))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [(value, title) for _, _, value, title in scored[:top]]


def _chosen_project(value: dict[str, Any]) -> str | None:
    """The project picked on the card: Teams sends the card's inputs along as `data` (`associatedInputs`)."""
    for source in (value.get("data"), value.get("associatedInputs"), value):
        if isinstance(source, dict) and isinstance(source.get("project"), str) and source["project"]:
            return str(source["project"])
    return None


async def _options(
    ctx: UserContext, dataset: str, value: dict[str, Any]
) -> tuple[list[tuple[str, str]], list[str]]:
    data = await ctx.refdata()
    recent_projects, recent_tasks, recent_tags = await recent_ids(ctx)
    if dataset == "tasks":
        open_projects = {p.id: p for p in data.projects if not p.done}
        project = _chosen_project(value)
        tasks = [
            t
            for t in data.tasks
            if not t.done and t.project_id in open_projects and (project is None or t.project_id == project)
        ]
        if project is not None:
            return [(t.id, t.name) for t in tasks], recent_tasks
        return [(t.id, f"{open_projects[t.project_id].name} › {t.name}") for t in tasks], recent_tasks
    if dataset == "tags":
        return [(t.id, t.name) for t in data.tags], recent_tags
    return [(p.id, p.name) for p in data.projects if not p.done], recent_projects


async def search(turn: Turn) -> TurnResult:
    value = turn.activity.value if isinstance(turn.activity.value, dict) else {}
    query = str(value.get("queryText") or "")[:200]
    raw_options = value.get("queryOptions")
    options: dict[str, Any] = raw_options if isinstance(raw_options, dict) else {}
    try:
        top = max(1, min(int(options.get("top", MAX_RESULTS)), MAX_RESULTS))
    except (TypeError, ValueError):
        top = MAX_RESULTS
    dataset = value.get("dataset") or "projects"
    ctx = await turn.user()
    results: list[dict[str, Any]] = []
    if ctx is not None and dataset in ("projects", "tasks", "tags"):
        choices, recent = await _options(ctx, dataset, value)
        results = [{"title": title, "value": val} for val, title in rank(query, choices, recent, top)]
    body = {"statusCode": 200, "type": SEARCH_TYPE, "value": {"results": results}}
    return TurnResult(invoke=InvokeResponse(body=body))


router.add(invoke_named("application/search"), search)
