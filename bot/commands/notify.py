"""`subscribe ENTITY… [EVENT…] [@project…]`, `unsubscribe [ENTITY…]`, `subscriptions`.

ENTITY: times, projects, tasks, clients, tags (or `all`); EVENT: created, changed, deleted (default all).
A project filter is an `@ref` (`@website`, `@acme/website`). German words work too (`zeiten`, `geändert`).
"""

from __future__ import annotations

from bot.operations import ChangeEntity, ChangeEvent, ListSubscriptions, ProjectRef, Subscribe, Unsubscribe

from .args import Cmd, fail, nothing_else, project_from_ref

_ENTITIES: dict[str, ChangeEntity] = {
    "times": "times", "time": "times", "entries": "times", "entry": "times", "zeiten": "times",
    "einträge": "times", "eintrag": "times", "zeiteinträge": "times",
    "projects": "projects", "project": "projects", "projekte": "projects", "projekt": "projects",
    "tasks": "tasks", "task": "tasks", "aufgaben": "tasks", "aufgabe": "tasks",
    "clients": "clients", "client": "clients", "kunden": "clients", "kunde": "clients",
    "tags": "tags", "tag": "tags",
    "feed": "feed",  # events posted to `POST /api/feed` with this conversation as `channel`
}  # fmt: skip
_EVENTS: dict[str, ChangeEvent] = {
    "created": "created", "create": "created", "added": "created", "new": "created", "angelegt": "created",
    "erstellt": "created", "neu": "created", "hinzugefügt": "created",
    "changed": "changed", "change": "changed", "updated": "changed", "edited": "changed",
    "geändert": "changed", "bearbeitet": "changed",
    "deleted": "deleted", "delete": "deleted", "removed": "deleted", "gelöscht": "deleted",
    "entfernt": "deleted",
}  # fmt: skip
_ALL = frozenset({"all", "everything", "alle", "alles"})
_FILLERS = frozenset({"to", "on", "for", "and", "und", "auf", "für", "zu", "in", "im", "when", "wenn"})
_ORDER: tuple[ChangeEntity, ...] = ("times", "projects", "tasks", "clients", "tags")


def _entities_and_events(cmd: Cmd) -> tuple[list[ChangeEntity], list[ChangeEvent], list[ProjectRef]]:
    entities: list[ChangeEntity] = []
    events: list[ChangeEvent] = []
    projects: list[ProjectRef] = []
    for tok in cmd.tokens:
        if tok.kind == "ref":
            projects.append(project_from_ref(tok))
        elif tok.kind != "word":
            fail("parse.unexpected", text=tok.raw)
        elif tok.low in _ALL:
            entities.extend(_ORDER)
        elif tok.low in _ENTITIES:
            entities.append(_ENTITIES[tok.low])
        elif tok.low in _EVENTS:
            events.append(_EVENTS[tok.low])
        elif tok.low not in _FILLERS:
            fail("parse.unexpected", text=tok.raw)
    return list(dict.fromkeys(entities)), list(dict.fromkeys(events)), projects


def subscribe(cmd: Cmd) -> Subscribe:
    entities, events, projects = _entities_and_events(cmd)
    if not entities:
        fail("parse.subscribe_what")
    if events:
        return Subscribe(entities=entities, events=events, projects=projects)
    return Subscribe(entities=entities, projects=projects)


def unsubscribe(cmd: Cmd) -> Unsubscribe:
    entities, events, projects = _entities_and_events(cmd)
    if events or projects:
        fail("parse.unsubscribe_whole")
    return Unsubscribe(entities=entities or None)


def subscriptions(cmd: Cmd) -> ListSubscriptions:
    nothing_else(cmd, frozenset({"list", "show", "zeigen", "liste"}))
    return ListSubscriptions()
