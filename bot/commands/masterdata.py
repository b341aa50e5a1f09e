"""Reference data: list and add projects, clients, tasks and tags (`groups` takes no arguments).

The plural verb lists (`projects client:Acme`, `tasks @website`); the singular verb takes a sub-verb
(`project add NAME …`); a bare singular lists like the plural where that reads naturally (`project`,
`task @website`). `add project X` is `project add X` (the dispatcher rewrites it). Changing one:
`client|project rename OLD to NEW`, `client|project archive NAME`, `task rename PROJECT/TASK to NEW`, `task
done PROJECT/TASK`, `tag rename OLD to NEW`, `tag delete NAME` (`to` may be `in`, `zu`, `->`; a leading
`@ref` or quoted name needs none). Sub-verbs that are planned but not built (deleting clients, projects and
tasks, `edit`) answer `parse.unsupported_command`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Literal

from bot.operations import (
    AddClient,
    AddProject,
    AddTag,
    AddTask,
    ChangeItem,
    ListClients,
    ListProjects,
    ListTags,
    ListTasks,
    ProjectRef,
)

from .args import Cmd, billable_word, fail, no_leftovers, project_and_note, scan, words
from .durations import bare_number, parse_duration
from .tokens import Token

_HEX_COLOR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_SUBVERB_ADD = frozenset({"add", "new", "create", "neu", "anlegen", "erstellen"})
_CHANGES: dict[str, Literal["rename", "archive", "delete"]] = {
    "rename": "rename", "umbenennen": "rename",
    "archive": "archive", "archivieren": "archive", "close": "archive", "done": "archive",
    "erledigt": "archive", "abschließen": "archive",
    "delete": "delete", "remove": "delete", "löschen": "delete", "entfernen": "delete",
}  # fmt: skip
_CAN_CHANGE: dict[str, frozenset[str]] = {
    "client": frozenset({"rename", "archive"}),
    "project": frozenset({"rename", "archive"}),
    "task": frozenset({"rename", "archive"}),
    "tag": frozenset({"rename", "delete"}),
}
_TO = frozenset({"to", "in", "zu", "->", "→", "=>"})
_SUBVERB_LATER = frozenset({*_CHANGES, "edit"})  # what `change` does not build for an entity says so
_ESTIMATE_WORDS = frozenset({"estimate", "est", "estimated", "schätzung", "geschätzt"})


def _name(tokens: list[Token], usage: str) -> str:
    name = " ".join(tok.value for tok in tokens).strip()
    if not name:
        fail("parse.missing_name", usage=usage)
    return name


def _color(value: str) -> str:
    """`#abc`, `AABBCC` → `#AABBCC`."""
    m = _HEX_COLOR.fullmatch(value)
    if m is None:
        fail("parse.bad_color", text=value)
    hexa = m.group(1).upper()
    return "#" + (hexa if len(hexa) == 6 else "".join(c * 2 for c in hexa))


def _text(tokens: list[Token]) -> str:
    return " ".join("/".join(tok.parts) if tok.kind == "ref" else tok.value for tok in tokens).strip()


def change(entity: str, cmd: Cmd) -> ChangeItem | None:
    """`ENTITY rename OLD to NEW` / `ENTITY archive|done|delete NAME`, or None when the sub-verb is not one
    of those (or that change is not built for the entity)."""
    sub = cmd.tokens[0]
    action = _CHANGES.get(sub.low)
    if action is None or action not in _CAN_CHANGE[entity]:
        return None
    usage = f"{entity} {sub.low} " + ("OLD to NEW" if action == "rename" else "NAME")
    tokens, new_name = cmd.tokens[1:], None
    if action == "rename":
        cut = next((k for k, tok in enumerate(tokens) if tok.kind == "word" and tok.low in _TO and k), None)
        if cut is None and len(tokens) > 1 and tokens[0].kind in ("ref", "quoted", "tag"):
            cut = 0  # `@website New name`, `"Old name" New name`, `#review #code-review`
            tokens, rest = tokens[:1], tokens[1:]
        elif cut is not None:
            tokens, rest = tokens[:cut], tokens[cut + 1 :]
        else:
            fail("parse.rename_needs_new_name", usage=usage)
        new_name = _text(rest)
        if not new_name:
            fail("parse.rename_needs_new_name", usage=usage)
    old = _text(tokens)
    if not old:
        fail("parse.missing_name", usage=usage)
    if entity in ("client", "tag"):
        return ChangeItem(entity=entity, action=action, name=old.lstrip("#"), new_name=new_name)
    parts = [p.strip() for p in old.split("/")]
    if entity == "task" and not 2 <= len(parts) <= 3:
        fail("parse.task_path", text=old, verb=sub.low)
    if entity == "project" and len(parts) != 1:
        fail("parse.bad_project", text=old)
    if not all(parts):
        fail("parse.bad_project", text=old)
    return ChangeItem(entity=entity, action=action, project=ProjectRef(path=parts), new_name=new_name)


def project(cmd: Cmd) -> ListProjects | AddProject | ChangeItem:
    """`project add NAME [client:NAME] [billable] [color #HEX] [private]`, `project rename|archive …`;
    otherwise as `projects`."""
    if not cmd.tokens:
        return ListProjects()
    if (changed := change("project", cmd)) is not None:
        return changed
    sub = cmd.tokens[0]
    if sub.low in _SUBVERB_LATER:
        fail("parse.unsupported_command", verb=f"project {sub.low}")
    if sub.low not in _SUBVERB_ADD:
        return projects(cmd)
    tokens = cmd.tokens[1:]
    name_tokens: list[Token] = []
    client: str | None = None
    billable: bool | None = None
    color: str | None = None
    private = False
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "client":
            client = tok.value
        elif tok.kind == "word" and tok.low in ("color", "colour", "farbe") and i + 1 < len(tokens):
            color = _color(tokens[i + 1].raw)
            i += 1
        elif tok.kind == "word" and billable_word(tok.value) is not None:
            billable = billable_word(tok.value)
        elif tok.kind == "word" and tok.low in ("private", "privat"):
            private = True
        elif tok.kind in ("word", "quoted"):
            name_tokens.append(tok)
        elif tok.kind == "ref":
            name_tokens.append(Token("word", tok.raw, "/".join(tok.parts), tok.start, tok.end))
        else:
            fail("parse.unexpected", text=tok.raw)
        i += 1
    return AddProject(
        name=_name(name_tokens, "project add NAME"),
        client=client,
        billable=billable,
        color=color,
        private=private,
    )


def projects(cmd: Cmd) -> ListProjects:
    """`projects [client:NAME]`, or `projects NAME` for a client's projects."""
    clients = [tok.value for tok in cmd.tokens if tok.kind == "client"]
    others = [tok for tok in cmd.tokens if tok.kind != "client"]
    if others and not clients:
        return ListProjects(client=" ".join(tok.value for tok in others))
    if others or len(clients) > 1:
        fail("parse.unexpected", text=(others or cmd.tokens)[-1].raw)
    return ListProjects(client=clients[0] if clients else None)


def client(cmd: Cmd) -> ListClients | AddClient | ChangeItem:
    if not cmd.tokens:
        return ListClients()
    if (changed := change("client", cmd)) is not None:
        return changed
    sub = cmd.tokens[0]
    if sub.low in _SUBVERB_ADD:
        return AddClient(name=_name(cmd.tokens[1:], "client add NAME"))
    if sub.low in _SUBVERB_LATER:
        fail("parse.unsupported_command", verb=f"client {sub.low}")
    fail("parse.unexpected", text=sub.raw)


def tasks(cmd: Cmd) -> ListTasks:
    """`tasks [project]`: the project by the project-vs-note rule (no note)."""
    if not cmd.tokens:
        return ListTasks()
    found = scan(cmd.tokens, [])
    no_leftovers(found, runs=False)
    if len(found.runs) > 1 or (found.refs and found.runs) or found.tags:
        fail("parse.unexpected", text=cmd.tokens[-1].raw)
    ref, _ = project_and_note(found)
    return ListTasks(project=ref)


def _estimate(cmd: Cmd, tokens: list[Token]) -> tuple[timedelta | None, list[Token]]:
    """A trailing `estimate DURATION` (a bare number asks minutes or hours), and the tokens before it."""
    for k, tok in enumerate(tokens):
        if tok.kind == "word" and tok.low in _ESTIMATE_WORDS:
            value_tokens = tokens[k + 1 :]
            if not value_tokens:
                fail("parse.edit.missing_value", field="estimate")
            text = words(value_tokens)
            number = bare_number(text)
            if number is not None and len(value_tokens) == 1:
                cmd.ask_number(value_tokens[0], number)
            estimate = parse_duration(text)
            if estimate is None or estimate <= timedelta(0):
                fail("parse.bad_duration", text=text)
            return estimate, tokens[:k]
    return None, tokens


def task(cmd: Cmd) -> ListTasks | AddTask | ChangeItem:
    """`task add PROJECT/NAME [estimate DURATION]`, `task rename|done PROJECT/TASK …`; otherwise as
    `tasks`."""
    if not cmd.tokens:
        return ListTasks()
    if (changed := change("task", cmd)) is not None:
        return changed
    sub = cmd.tokens[0]
    if sub.low in _SUBVERB_LATER:
        fail("parse.unsupported_command", verb=f"task {sub.low}")
    if sub.low not in _SUBVERB_ADD:
        return tasks(cmd)
    estimate, tokens = _estimate(cmd, cmd.tokens[1:])
    pieces: list[str] = []
    for tok in tokens:
        if tok.kind == "ref":
            pieces.append("/".join(tok.parts))
        elif tok.kind in ("word", "quoted"):
            pieces.append(tok.value)
        else:
            fail("parse.unexpected", text=tok.raw)
    text = " ".join(pieces).strip()
    if not text:
        fail("parse.missing_name", usage="task add PROJECT/NAME")
    parts = [p.strip() for p in text.split("/")]
    if len(parts) < 2:
        fail("parse.task_needs_project", text=text)
    if len(parts) > 3 or not all(parts):
        fail("parse.bad_project", text=text)
    return AddTask(project=ProjectRef(path=parts[:-1]), name=parts[-1], estimate=estimate)


def tag(cmd: Cmd) -> ListTags | AddTag | ChangeItem:
    """`tag add NAME [time|project]` (a project tag where the backend has both kinds), `tag rename|delete
    …`."""
    if not cmd.tokens:
        return ListTags()
    if (changed := change("tag", cmd)) is not None:
        return changed
    sub = cmd.tokens[0]
    if sub.low in _SUBVERB_LATER:
        fail("parse.unsupported_command", verb=f"tag {sub.low}")
    if sub.low not in _SUBVERB_ADD:
        fail("parse.unexpected", text=sub.raw)
    tokens = cmd.tokens[1:]
    kind: str = "time"
    if (
        len(tokens) > 1
        and tokens[-1].kind == "word"
        and tokens[-1].low in ("time", "project", "zeit", "projekt")
    ):
        kind = "project" if tokens[-1].low.startswith("proj") else "time"
        tokens = tokens[:-1]
    name = _name(tokens, "tag add NAME")
    return AddTag(name=name, tag_kind="project" if kind == "project" else "time")
