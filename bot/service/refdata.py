"""Reference data (clients, projects, tasks, tags) cached per workspace and invalidated on change.

With a warm cache, resolving `@website/design #meeting` costs no backend call, so `start`, `stop` and `log`
by name cost one remote call each. Entries are short-lived (TTL) because other people and other bot
processes change master data too; our own writes invalidate immediately.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from adapters.backend import Backend, Capability
from adapters.models import Client, Project, Tag, Task


@dataclass(frozen=True)
class RefData:
    clients: list[Client]
    projects: list[Project]
    tasks: list[Task]
    tags: list[Tag]

    def client(self, client_id: str | None) -> Client | None:
        return next((c for c in self.clients if c.id == client_id), None) if client_id else None

    def project(self, project_id: str | None) -> Project | None:
        return next((p for p in self.projects if p.id == project_id), None) if project_id else None

    def task(self, task_id: str | None) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None) if task_id else None

    def tag_names(self, tag_ids: list[str]) -> list[str]:
        by_id = {t.id: t.name for t in self.tags}
        return [by_id[i] for i in tag_ids if i in by_id]


class RefDataCache:
    def __init__(self, ttl_seconds: float = 300.0, max_workspaces: int = 1024) -> None:
        self._ttl = ttl_seconds
        self._max = max_workspaces
        self._entries: dict[tuple[str, str, str], tuple[float, RefData]] = {}

    @staticmethod
    def _key(backend: Backend) -> tuple[str, str, str]:
        # Per user too: private projects make what one person sees differ from another.
        return (backend.kind, backend.workspace.id, backend.user.id)

    async def get(self, backend: Backend) -> RefData:
        key = self._key(backend)
        hit = self._entries.get(key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        caps = backend.capabilities
        data = RefData(
            clients=await backend.list_clients() if Capability.CLIENTS in caps else [],
            projects=await backend.list_projects(include_done=True) if Capability.PROJECTS in caps else [],
            tasks=await backend.list_tasks(include_done=True) if Capability.TASKS in caps else [],
            tags=await backend.list_tags() if Capability.TAGS in caps else [],
        )
        if len(self._entries) >= self._max:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = (time.monotonic() + self._ttl, data)
        return data

    def invalidate(self, backend: Backend) -> None:
        """Drop every cached view of this workspace (all users): master data is shared."""
        for key in [k for k in self._entries if k[0] == backend.kind and k[1] == backend.workspace.id]:
            del self._entries[key]
