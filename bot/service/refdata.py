"""Reference data (clients, projects, tasks, tags) as the service resolves names against it, kept in the
bot's one reference cache (`adapters.refcache`: LRU, TTL, dropped on our own writes).

With a warm cache, resolving `@website/design #meeting` costs no backend call, so `start`, `stop` and `log`
by name cost one remote call each. Entries are short-lived (TTL) because other people and other bot
processes change master data too; our own writes invalidate immediately, for every user of the workspace
and for the adapters' own lookups in the same cache.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.backend import Backend, Capability
from adapters.models import Client, Project, Tag, Task
from adapters.refcache import ReferenceCache
from adapters.sql import after_unit


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
    def __init__(self, cache: ReferenceCache | None = None) -> None:
        self.cache = cache if cache is not None else ReferenceCache()

    @staticmethod
    def _key(backend: Backend) -> tuple[str, str, str, str]:
        # Per user too: private projects make what one person sees differ from another.
        return (backend.kind, backend.workspace.id, "refdata", backend.user.id)

    async def get(self, backend: Backend) -> RefData:
        key = self._key(backend)
        hit = self.cache.get(key)
        if isinstance(hit, RefData):
            return hit
        caps = backend.capabilities
        data = RefData(
            clients=await backend.list_clients() if Capability.CLIENTS in caps else [],
            projects=await backend.list_projects(include_done=True) if Capability.PROJECTS in caps else [],
            tasks=await backend.list_tasks(include_done=True) if Capability.TASKS in caps else [],
            tags=await backend.list_tags() if Capability.TAGS in caps else [],
        )
        self.cache.put(key, data)
        return data

    def invalidate(self, backend: Backend) -> None:
        """Drop every cached view of this workspace (all users, and the adapter's): master data is shared."""
        self.cache.invalidate(backend.kind, backend.workspace.id)
        # Again when the command's transaction ended: another turn may have read the old rows before it.
        after_unit(lambda: self.cache.invalidate(backend.kind, backend.workspace.id))
