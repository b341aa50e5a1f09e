"""A stored change as a conversation sees it: ids resolved to names, old → new for what changed.

Pure functions over a change, its previous state and the workspace's names; `bot.notify.fanout` calls them
once per subscribing conversation (each has its own language and zone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.notify.changes import Change
from bot.service.refdata import RefData
from bot.views.changes import ChangeView, FieldChange

# What a card shows per entity, in order; `display` maps the stored domain fields onto these.
SHOWN: dict[str, tuple[str, ...]] = {
    "times": ("name", "project", "task", "start", "end", "billable", "tags"),
    "projects": ("name", "client", "billable", "done", "color"),
    "tasks": ("name", "project", "done"),
    "clients": ("name", "archived"),
    "tags": ("name",),
}
KEY_FIELDS: dict[str, tuple[str, ...]] = {  # what a created or deleted one shows
    "times": ("start", "end", "tags"),  # the project path is shown above the facts
    "projects": ("client",),
    "tasks": ("project",),
    "clients": (),
    "tags": (),
}


@dataclass
class Names:
    """id → name for one workspace (from the subscriber's reference data)."""

    projects: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # id → (name, client id)
    clients: dict[str, str] = field(default_factory=dict)
    tasks: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: RefData) -> Names:
        return cls(
            projects={p.id: (p.name, p.client_id) for p in data.projects},
            clients={c.id: c.name for c in data.clients},
            tasks={t.id: t.name for t in data.tasks},
            tags={t.id: t.name for t in data.tags},
        )

    def project(self, project_id: Any) -> str | None:
        found = self.projects.get(str(project_id)) if project_id else None
        return found[0] if found else None

    def client_of(self, project_id: Any) -> str | None:
        found = self.projects.get(str(project_id)) if project_id else None
        return self.clients.get(found[1]) if found and found[1] else None


def display(entity: str, raw: dict[str, Any] | None, names: Names) -> dict[str, Any]:
    """The shown fields of one state (`raw` as stored on a change)."""
    if raw is None:
        return {}
    if entity == "times":
        return {
            "name": raw.get("description") or "",
            "project": names.project(raw.get("project_id")),
            "task": names.tasks.get(str(raw.get("task_id"))) if raw.get("task_id") else None,
            "start": raw.get("start"),
            "end": raw.get("end"),
            "billable": bool(raw.get("billable")),
            "tags": [names.tags.get(str(i), str(i)) for i in raw.get("tag_ids") or []],
        }
    if entity == "projects":
        client = raw.get("client_id")
        return {
            "name": raw.get("name") or "",
            "client": names.clients.get(str(client)) if client else None,
            "billable": bool(raw.get("billable")),
            "done": bool(raw.get("done")),
            "color": raw.get("color"),
        }
    if entity == "tasks":
        return {
            "name": raw.get("name") or "",
            "project": names.project(raw.get("project_id")),
            "done": bool(raw.get("done")),
        }
    if entity == "clients":
        return {"name": raw.get("name") or "", "archived": bool(raw.get("archived"))}
    return {"name": raw.get("name") or ""}


def _path(entity: str, raw: dict[str, Any], names: Names) -> list[str]:
    if entity == "projects":
        client = names.clients.get(str(raw.get("client_id"))) if raw.get("client_id") else None
        return [p for p in (client, raw.get("name")) if p]
    project_id = raw.get("project_id")
    parts = [names.client_of(project_id), names.project(project_id)]
    if entity == "times" and raw.get("task_id"):
        parts.append(names.tasks.get(str(raw["task_id"])))
    return [p for p in parts if p]


def view_of(
    change_id: int,
    change: Change,
    before: dict[str, Any] | None,
    names: Names,
    *,
    timezone: str,
    actor: str | None,
) -> ChangeView:
    """The card's view of one change. `before` is the previous state (the source's or the last seen)."""
    entity = change.entity
    new = display(entity, change.fields, names) if change.event != "deleted" else {}
    old = display(entity, before if change.event != "deleted" else (before or change.fields), names)
    shown: list[FieldChange] = []
    if change.event == "changed" and old:
        shown = [
            FieldChange(field=f, old=old.get(f), new=new.get(f))
            for f in SHOWN[entity]
            if old.get(f) != new.get(f)
        ]
    else:  # created or deleted (or changed with no earlier state): the key facts, on their side
        gone = change.event == "deleted"
        source = old if gone else new
        for f in KEY_FIELDS[entity] if change.event != "changed" else SHOWN[entity][1:]:
            value = source.get(f)
            if value not in (None, "", [], False):
                shown.append(FieldChange(field=f, old=value if gone else None, new=None if gone else value))
    state = change.fields if change.event != "deleted" else (before or change.fields)
    title = (new or old).get("name") or ""
    undo = entity == "times" and (change.event != "changed" or before is not None)
    return ChangeView(
        change_id=change_id,
        backend=change.backend,
        entity=entity,
        event=change.event,
        title=str(title),
        actor=actor,
        path_parts=_path(entity, state, names),
        fields=shown,
        url=change.url,
        undo=undo,
        occurred_at=change.occurred_at,
        timezone=timezone,
    )
