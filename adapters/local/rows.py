"""Rows of the local tables → domain models (column names match the models' fields)."""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.models import (
    Client,
    FeedEvent,
    Project,
    Tag,
    Task,
    TimeEntry,
    User,
    WorkingHoursEntry,
    WorkingTimeRules,
    Workspace,
    WorkspaceSettings,
)

M = TypeVar("M", bound=BaseModel)


async def exists(conn: AsyncConnection, table: sa.Table, *where: sa.ColumnElement[bool]) -> bool:
    return bool((await conn.execute(sa.select(sa.exists().select_from(table).where(*where)))).scalar_one())


def load(model: type[M], row: Any, **extra: Any) -> M:
    """A domain model from a row whose column names match the model's fields (plus `extra` values)."""
    values = {name: getattr(row, name) for name in model.model_fields if name not in extra}
    return model.model_validate({**values, **extra})


def settings_from_row(row: Any) -> WorkspaceSettings:
    rules = {name: getattr(row, f"rules_{name}") for name in WorkingTimeRules.model_fields}
    return load(WorkspaceSettings, row, working_time_rules=WorkingTimeRules.model_validate(rules))


def workspace_from_row(row: Any) -> Workspace:
    return load(Workspace, row, settings=settings_from_row(row))


def user_from_row(row: Any) -> User:
    return load(User, row)


def client_from_row(row: Any) -> Client:
    return load(Client, row)


def project_from_row(row: Any) -> Project:
    return load(Project, row)


def task_from_row(row: Any) -> Task:
    return load(Task, row)


def tag_from_row(row: Any) -> Tag:
    return load(Tag, row)


def time_entry_from_row(row: Any, tag_ids: list[str]) -> TimeEntry:
    return load(TimeEntry, row, tag_ids=tag_ids)


def working_hours_from_row(row: Any) -> WorkingHoursEntry:
    return load(WorkingHoursEntry, row)


def feed_event_from_row(row: Any) -> FeedEvent:
    return load(FeedEvent, row)
