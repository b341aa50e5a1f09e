"""Changing master data in the local backend (`MasterDataEditor`): rename and archive clients, projects and
tasks, rename and delete tags. The same policy as creating applies (admins only where the workspace says so),
and names stay unique the way creation keeps them (per workspace, per client, per project)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.errors import Conflict, NotFound
from adapters.local import tables as t
from adapters.local.base import LocalBase, clean_name
from adapters.local.rows import client_from_row, exists, project_from_row, tag_from_row, task_from_row
from adapters.models import (
    Client,
    ClientPatch,
    Project,
    ProjectPatch,
    Tag,
    TagPatch,
    Task,
    TaskPatch,
    name_key,
)


class MasterDataEdits(LocalBase):
    async def _row(self, conn: AsyncConnection, table: sa.Table, item_id: str, what: str) -> sa.Row[Any]:
        row = (
            await conn.execute(
                sa.select(table).where(table.c.workspace_id == self.workspace.id, table.c.id == item_id)
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"no {what} {item_id!r}")
        return row

    async def _renamed(
        self, conn: AsyncConnection, table: sa.Table, item_id: str, name: str, *scope: sa.ColumnElement[bool]
    ) -> dict[str, str]:
        """The columns of a new name, after checking no other row in `scope` has it."""
        name = clean_name(name)
        if await exists(conn, table, *scope, table.c.name_key == name_key(name), table.c.id != item_id):
            raise Conflict(f"{name!r} exists already")
        return {"name": name, "name_key": name_key(name)}

    async def update_client(self, client: Client, patch: ClientPatch) -> Client:
        c, client_id = t.clients, client.id
        async with self._write("a client of that name exists already") as conn:
            await self._check_may_create_master_data(conn)
            await self._row(conn, c, client_id, "client")
            values: dict[str, Any] = {}
            if patch.name is not None:
                values |= await self._renamed(
                    conn, c, client_id, patch.name, c.c.workspace_id == self.workspace.id
                )
            if patch.archived is not None:
                values["archived"] = patch.archived
            if values:
                await conn.execute(c.update().where(c.c.id == client_id).values(**values))
            return client_from_row(await self._row(conn, c, client_id, "client"))

    async def update_project(self, project: Project, patch: ProjectPatch) -> Project:
        p, project_id = t.projects, project.id
        async with self._write("a project of that name exists already") as conn:
            await self._check_may_create_master_data(conn)
            row = await self._visible_project(conn, project_id)
            values: dict[str, Any] = {}
            if patch.name is not None:
                scope = (p.c.workspace_id == self.workspace.id, p.c.client_key == row.client_key)
                values |= await self._renamed(conn, p, project_id, patch.name, *scope)
            if patch.done is not None:
                values["done"] = patch.done
            if values:
                await conn.execute(p.update().where(p.c.id == project_id).values(**values))
            return project_from_row(await self._visible_project(conn, project_id))

    async def update_task(self, task: Task, patch: TaskPatch) -> Task:
        k, task_id = t.tasks, task.id
        async with self._write("a task of that name exists already in this project") as conn:
            await self._check_may_create_master_data(conn)
            row = await self._row(conn, k, task_id, "task")
            await self._visible_project(conn, row.project_id)
            values: dict[str, Any] = {}
            if patch.name is not None:
                values |= await self._renamed(conn, k, task_id, patch.name, k.c.project_id == row.project_id)
            if patch.done is not None:
                values["done"] = patch.done
            if values:
                await conn.execute(k.update().where(k.c.id == task_id).values(**values))
            return task_from_row(await self._row(conn, k, task_id, "task"))

    async def update_tag(self, tag: Tag, patch: TagPatch) -> Tag:
        g, tag_id = t.tags, tag.id
        async with self._write("a tag of that name exists already") as conn:
            await self._check_may_create_master_data(conn)
            await self._row(conn, g, tag_id, "tag")
            values = await self._renamed(conn, g, tag_id, patch.name, g.c.workspace_id == self.workspace.id)
            await conn.execute(g.update().where(g.c.id == tag_id).values(**values))
            return tag_from_row(await self._row(conn, g, tag_id, "tag"))

    async def delete_tag(self, tag: Tag) -> None:
        """The tag goes, and with it from every entry that had it (the entries stay)."""
        g, tag_id = t.tags, tag.id
        async with self._write() as conn:
            await self._check_may_create_master_data(conn)
            await self._row(conn, g, tag_id, "tag")
            await conn.execute(t.time_entry_tags.delete().where(t.time_entry_tags.c.tag_id == tag_id))
            await conn.execute(g.delete().where(g.c.id == tag_id))
