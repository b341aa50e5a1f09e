"""Workspace settings and master data of the local backend: clients, projects, tasks, tags."""

from __future__ import annotations

import sqlalchemy as sa

from adapters.errors import Conflict, NotFound, PermissionDenied
from adapters.local import tables as t
from adapters.local.base import LocalBase, check_timezone, clean_name, new_id
from adapters.local.rows import (
    client_from_row,
    exists,
    project_from_row,
    settings_from_row,
    tag_from_row,
    task_from_row,
)
from adapters.models import (
    Client,
    ClientDraft,
    Project,
    ProjectDraft,
    Tag,
    TagDraft,
    Task,
    TaskDraft,
    Workspace,
    WorkspaceSettings,
    name_key,
)
from adapters.sql import after_unit


class MasterData(LocalBase):
    # ---- workspace settings --------------------------------------------------------------------------------

    async def get_workspace_settings(self) -> WorkspaceSettings:
        async with self._read() as conn:
            row = (
                await conn.execute(sa.select(t.workspaces).where(t.workspaces.c.id == self.workspace.id))
            ).one()
        return settings_from_row(row)

    async def set_workspace_settings(self, settings: WorkspaceSettings) -> Workspace:
        """Change the workspace's policy (admins only); returns the updated workspace."""
        check_timezone(settings.default_timezone)
        async with self._write() as conn:
            is_admin = (
                await conn.execute(sa.select(t.users.c.is_admin).where(t.users.c.id == self.user.id))
            ).scalar_one_or_none()
            if not is_admin:
                raise PermissionDenied("only workspace admins may change the workspace settings")
            await conn.execute(
                t.workspaces.update()
                .where(t.workspaces.c.id == self.workspace.id)
                .values(
                    admin_only_master_data=settings.admin_only_master_data,
                    default_timezone=settings.default_timezone,
                    weekly_target_minutes=settings.weekly_target_minutes,
                    **{f"rules_{k}": v for k, v in settings.working_time_rules.model_dump().items()},
                )
            )
        if (cache := self._cache) is not None:
            workspace_id = self.workspace.id
            cache.forget_workspace(workspace_id)
            # Again once the unit ended: a lookup before the commit could only keep the old row.
            after_unit(lambda: cache.forget_workspace(workspace_id, announce=False))
        self.workspace = self.workspace.model_copy(update={"settings": settings.model_copy()})
        return self.workspace

    # ---- clients -------------------------------------------------------------------------------------------

    async def list_clients(self) -> list[Client]:
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(t.clients)
                .where(t.clients.c.workspace_id == self.workspace.id, t.clients.c.archived.is_(False))
                .order_by(t.clients.c.name_key, t.clients.c.id)
            )
            return [client_from_row(row) for row in rows]

    async def create_client(self, draft: ClientDraft) -> Client:
        name = clean_name(draft.name)
        message = f"a client named {name!r} already exists"
        async with self._write(message) as conn:
            await self._check_may_create_master_data(conn)
            if await exists(
                conn,
                t.clients,
                t.clients.c.workspace_id == self.workspace.id,
                t.clients.c.name_key == name_key(name),
            ):
                raise Conflict(message)
            client = Client(id=new_id(), workspace_id=self.workspace.id, name=name)
            await conn.execute(
                t.clients.insert().values(
                    id=client.id,
                    workspace_id=client.workspace_id,
                    name=name,
                    name_key=name_key(name),
                    archived=False,
                    created_at=self._now(),
                )
            )
            await self._record(conn, "clients", "created", client, client.id)
        return client

    # ---- projects ------------------------------------------------------------------------------------------

    async def list_projects(self, *, include_done: bool = False) -> list[Project]:
        stmt = sa.select(t.projects).where(
            t.projects.c.workspace_id == self.workspace.id, self._project_visible()
        )
        if not include_done:
            stmt = stmt.where(t.projects.c.done.is_(False))
        async with self._read() as conn:
            rows = await conn.execute(stmt.order_by(t.projects.c.name_key, t.projects.c.id))
            return [project_from_row(row) for row in rows]

    async def create_project(self, draft: ProjectDraft) -> Project:
        name = clean_name(draft.name)
        message = f"a project named {name!r} already exists" + (" for this client" if draft.client_id else "")
        async with self._write(message) as conn:
            await self._check_may_create_master_data(conn)
            if draft.client_id is not None and not await exists(
                conn,
                t.clients,
                t.clients.c.workspace_id == self.workspace.id,
                t.clients.c.id == draft.client_id,
            ):
                raise NotFound(f"no client {draft.client_id!r}")
            client_key = draft.client_id or ""
            if await exists(
                conn,
                t.projects,
                t.projects.c.workspace_id == self.workspace.id,
                t.projects.c.client_key == client_key,
                t.projects.c.name_key == name_key(name),
            ):
                raise Conflict(message)
            project = Project(
                id=new_id(),
                workspace_id=self.workspace.id,
                name=name,
                client_id=draft.client_id,
                billable=draft.billable,
                color=draft.color,
                private=draft.private,
                description=draft.description,
            )
            await conn.execute(
                t.projects.insert().values(
                    id=project.id,
                    workspace_id=project.workspace_id,
                    client_id=project.client_id,
                    client_key=client_key,
                    name=name,
                    name_key=name_key(name),
                    billable=project.billable,
                    color=project.color,
                    private=project.private,
                    done=False,
                    description=project.description,
                    created_by=self.user.id,
                    created_at=self._now(),
                )
            )
            await self._record(conn, "projects", "created", project, project.id)
        return project

    # ---- tasks ---------------------------------------------------------------------------------------------

    async def list_tasks(self, project_id: str | None = None, *, include_done: bool = False) -> list[Task]:
        stmt = (
            sa.select(t.tasks)
            .select_from(t.tasks.join(t.projects, t.projects.c.id == t.tasks.c.project_id))
            .where(t.tasks.c.workspace_id == self.workspace.id, self._project_visible())
        )
        if project_id is not None:
            stmt = stmt.where(t.tasks.c.project_id == project_id)
        if not include_done:
            stmt = stmt.where(t.tasks.c.done.is_(False))
        async with self._read() as conn:
            if project_id is not None:
                await self._visible_project(conn, project_id)
            rows = await conn.execute(stmt.order_by(t.projects.c.name_key, t.tasks.c.name_key, t.tasks.c.id))
            return [task_from_row(row) for row in rows]

    async def create_task(self, draft: TaskDraft) -> Task:
        name = clean_name(draft.name)
        message = f"a task named {name!r} already exists in this project"
        async with self._write(message) as conn:
            await self._check_may_create_master_data(conn)
            await self._visible_project(conn, draft.project_id)
            if await exists(
                conn, t.tasks, t.tasks.c.project_id == draft.project_id, t.tasks.c.name_key == name_key(name)
            ):
                raise Conflict(message)
            task = Task(
                id=new_id(),
                workspace_id=self.workspace.id,
                project_id=draft.project_id,
                name=name,
                estimate_seconds=draft.estimate_seconds,
            )
            await conn.execute(
                t.tasks.insert().values(
                    id=task.id,
                    workspace_id=task.workspace_id,
                    project_id=task.project_id,
                    name=name,
                    name_key=name_key(name),
                    done=False,
                    estimate_seconds=task.estimate_seconds,
                    created_at=self._now(),
                )
            )
            await self._record(conn, "tasks", "created", task, task.id)
        return task

    # ---- tags ----------------------------------------------------------------------------------------------

    async def list_tags(self) -> list[Tag]:
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(t.tags)
                .where(t.tags.c.workspace_id == self.workspace.id)
                .order_by(t.tags.c.name_key)
            )
            return [tag_from_row(row) for row in rows]

    async def create_tag(self, draft: TagDraft) -> Tag:
        name = clean_name(draft.name)
        message = f"a tag named {name!r} already exists"
        async with self._write(message) as conn:
            await self._check_may_create_master_data(conn)
            if await exists(
                conn, t.tags, t.tags.c.workspace_id == self.workspace.id, t.tags.c.name_key == name_key(name)
            ):
                raise Conflict(message)
            tag = Tag(id=new_id(), workspace_id=self.workspace.id, name=name, kind=draft.kind)
            await conn.execute(
                t.tags.insert().values(
                    id=tag.id,
                    workspace_id=tag.workspace_id,
                    name=name,
                    name_key=name_key(name),
                    kind=tag.kind,
                    created_at=self._now(),
                )
            )
            await self._record(conn, "tags", "created", tag, tag.id)
        return tag
