"""A router holds an ordered route table; routers nest (one per feature), first match wins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.activity import TurnResult
from bot.routing.filters import Filter

if TYPE_CHECKING:
    from bot.routing.turn import Turn

RouteHandler = Callable[["Turn"], Awaitable[TurnResult]]


@dataclass(frozen=True)
class Route:
    match: Filter
    handler: RouteHandler
    name: str


@dataclass
class Router:
    name: str
    routes: list[Route] = field(default_factory=list)
    children: list[Router] = field(default_factory=list)

    def add(self, match: Filter, handler: RouteHandler, name: str | None = None) -> None:
        self.routes.append(Route(match, handler, name or handler.__name__))

    def include(self, router: Router) -> None:
        self.children.append(router)

    def find(self, turn: Turn) -> Route | None:
        for route in self.routes:
            if route.match(turn.activity):
                return route
        for child in self.children:
            found = child.find(turn)
            if found is not None:
                return found
        return None

    def describe(self) -> list[str]:
        """`feature: filter -> handler` lines, for docs and debugging."""
        lines = [f"{self.name}: {r.match!r} -> {r.name}" for r in self.routes]
        for child in self.children:
            lines.extend(child.describe())
        return lines
