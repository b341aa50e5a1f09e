"""Typeahead (`application/search` invoke): projects ranked by fuzzy match, at most 15 results."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process, utils

from bot.activity import InvokeResponse, TurnResult
from bot.routing.filters import invoke_named
from bot.routing.router import Router
from bot.routing.turn import Turn

router = Router("search")
SEARCH_TYPE = "application/vnd.microsoft.search.searchResponse"
MAX_RESULTS = 15


async def search(turn: Turn) -> TurnResult:
    value = turn.activity.value if isinstance(turn.activity.value, dict) else {}
    query = str(value.get("queryText") or "")[:200]
    raw_options = value.get("queryOptions")
    options: dict[str, Any] = raw_options if isinstance(raw_options, dict) else {}
    try:
        top = max(1, min(int(options.get("top", MAX_RESULTS)), MAX_RESULTS))
    except (TypeError, ValueError):
        top = MAX_RESULTS
    ctx = await turn.user()
    results: list[dict[str, Any]] = []
    if ctx is not None and value.get("dataset") in (None, "projects"):
        data = await ctx.refdata()
        projects = [p for p in data.projects if not p.done]
        if query.strip():
            ranked = process.extract(
                query,
                [p.name for p in projects],
                scorer=fuzz.WRatio,
                processor=utils.default_process,
                limit=top,
            )
            chosen = [projects[i] for _, score, i in ranked if score >= 50]
        else:
            chosen = sorted(projects, key=lambda p: p.name.casefold())[:top]
        results = [{"title": p.name, "value": p.id} for p in chosen]
    body = {"statusCode": 200, "type": SEARCH_TYPE, "value": {"results": results}}
    return TurnResult(invoke=InvokeResponse(body=body))


router.add(invoke_named("application/search"), search)
