"""Whose time a report covers: the person (default), everyone (`all`), or named people — the last two for
workspace admins only, on every kind of report."""

from __future__ import annotations

from adapters.backend import ReportSource
from adapters.errors import PermissionDenied, Unsupported
from adapters.models import User
from bot import operations as ops
from bot.service.context import UserContext
from bot.service.outcomes import Problem
from bot.service.resolve import match_name

People = tuple[list[str] | None, dict[str, str]]


async def report_people(ctx: UserContext, op: ops.Report) -> People | Problem:
    """Whose time the report covers (`None`: everyone) and every author's name by id."""
    backend = ctx.backend
    me = backend.user
    if op.users == "me":
        return [me.id], {me.id: me.name}
    if not me.is_admin:
        if op.users == "all":
            raise PermissionDenied("only workspace admins may report on everyone's time")
        if any(_person(name, [me]) is None for name in op.users):
            raise PermissionDenied("only workspace admins may report on other people's time")
        return [me.id], {me.id: me.name}
    if not isinstance(backend, ReportSource):
        raise Unsupported("reports")
    people = await backend.list_workspace_users()
    authors = {p.id: p.name for p in people}
    if op.users == "all":
        return None, authors
    user_ids = []
    for name in op.users:
        person = _person(name, people)
        if person is None:
            return Problem("report.unknown_user", {"name": name})
        user_ids.append(person.id)
    return user_ids, authors


def _person(name: str, people: list[User]) -> User | None:
    key = name.strip().casefold()
    for person in people:
        if key in (person.name.casefold(), (person.email or "").casefold(), person.id):
            return person
    found, _ = match_name(name, people)
    return found
