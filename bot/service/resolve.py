"""Turn names people type into backend ids: exact, then unique prefix, then fuzzy — or ask.

"Refuse before guessing": a fuzzy match is only taken when it is clearly the one meant; otherwise the caller
gets the candidates to show on a pick-a-project card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from rapidfuzz import fuzz, process, utils

from adapters.models import Client, Project, Task
from bot.operations import ProjectRef
from bot.service.refdata import RefData


class Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Named)

CONFIDENT = (
    85.0  # a fuzzy score this high, with a clear lead, is taken without asking (one typo in 7 letters)
)
CANDIDATE = 55.0  # scores above this are offered as choices
LEAD = 8.0


def match_name(query: str, items: Sequence[T]) -> tuple[T | None, list[T]]:
    """Return (the match, []) when certain, else (None, candidates best first)."""

    def name(item: T) -> str:
        return item.name

    q = query.strip().casefold()
    if not q:
        return None, list(items)[:8]
    exact = [i for i in items if name(i).casefold() == q]
    if len(exact) == 1:
        return exact[0], []
    if len(exact) > 1:
        return None, exact
    prefix = [i for i in items if name(i).casefold().startswith(q)]
    if len(prefix) == 1:
        return prefix[0], []
    words = [i for i in items if any(w.startswith(q) for w in name(i).casefold().split())]
    if len(words) == 1 and not prefix:
        return words[0], []
    scored = process.extract(
        q, [name(i) for i in items], scorer=fuzz.WRatio, processor=utils.default_process, limit=8
    )
    ranked = [(items[idx], score) for _, score, idx in scored if score >= CANDIDATE]
    if prefix or words:
        leading = list({id(i): i for i in prefix + words}.values())
        seen = {id(i) for i in leading}
        ranked = [(i, 100.0) for i in leading] + [(i, s) for i, s in ranked if id(i) not in seen]
    if not (prefix or words) and ranked and ranked[0][1] >= CONFIDENT:
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if ranked[0][1] - runner_up >= LEAD:
            return ranked[0][0], []
    return None, [i for i, _ in ranked][:8]


@dataclass(frozen=True)
class ResolvedProject:
    project: Project
    task: Task | None = None


@dataclass(frozen=True)
class Unresolved:
    """What to ask: the text that failed and the projects that might be meant."""

    query: str
    candidates: list[Project]
    missing_task: str | None = None  # the project was found but this task was not


def resolve_project(ref: ProjectRef, data: RefData) -> ResolvedProject | Unresolved:
    projects = [p for p in data.projects if not p.done] or data.projects
    if ref.id:
        found = data.project(ref.id)
        if found is None:
            return Unresolved(ref.text, projects[:8])
        task = data.task(ref.task_id) if ref.task_id else None
        return ResolvedProject(found, task)

    parts = ref.path
    if len(parts) == 3:
        client, _ = match_name(parts[0], data.clients)
        scoped = [p for p in projects if client and p.client_id == client.id] if client else []
        return _with_task(parts[1], parts[2], scoped or projects, data)
    if len(parts) == 2:
        # project/task is the common case; client/project when the first part names a client only.
        project, _ = match_name(parts[0], projects)
        if project is None:
            client, _ = match_name(parts[0], data.clients)
            if client is not None:
                return _project_only(parts[1], [p for p in projects if p.client_id == client.id] or projects)
        return _with_task(parts[0], parts[1], projects, data)
    return _project_only(parts[0], projects)


def _project_only(query: str, projects: list[Project]) -> ResolvedProject | Unresolved:
    project, candidates = match_name(query, projects)
    return ResolvedProject(project) if project else Unresolved(query, candidates)


def _with_task(
    project_q: str, task_q: str, projects: list[Project], data: RefData
) -> ResolvedProject | Unresolved:
    project, candidates = match_name(project_q, projects)
    if project is None:
        # Ask about the project only: "create" must make `website`, not a project called "website/design".
        return Unresolved(project_q, candidates)
    tasks = [t for t in data.tasks if t.project_id == project.id and not t.done]
    task, _ = match_name(task_q, tasks)
    if task is None:
        return Unresolved(f"{project.name}/{task_q}", [project], missing_task=task_q)
    return ResolvedProject(project, task)


def find_client(name: str, clients: Sequence[Client]) -> tuple[Client | None, list[Client]]:
    return match_name(name, clients)
