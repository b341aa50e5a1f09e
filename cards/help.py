"""`help` and `help VERB`: the command overview with tappable examples, and details per command."""

from __future__ import annotations

from typing import Any

from bot.i18n import t
from cards import actions as act
from cards.elements import action_set, card, heading, text, user_text

# (group, catalogue line key, examples): examples are real commands; tapping one runs it.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("timer", ("start @website", "stop")),
    ("entries", ("log 1h30m @website", "times")),
    ("summaries", ("today", "week")),
    ("projects", ("projects",)),
    ("settings", ("timezone Europe/Berlin",)),
)

# topic → (usage lines, examples). Descriptions are `card.help.<topic>` in the catalogue.
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "start": (
        ("start [project[/task]] [#tags] [note] [at TIME]",),
        ("start @website", 'start @website/design #meeting "kickoff"', "start @website at 9:00"),
    ),
    "stop": (("stop [at TIME]", "cancel"), ("stop", "stop at 17:30")),
    "continue": (("continue [last|@N]",), ("continue", "continue @2")),
    "status": (("status",), ("status",)),
    "log": (
        ("log DURATION|RANGE [project[/task]] [#tags] [note] [DATE]",),
        ("log 1h30m @website", 'log 9-10:30 @website "standup" yesterday'),
    ),
    "edit": (("edit [last|@N] FIELD VALUE…",), ("edit last end 17:00", "edit @2 @website #meeting")),
    "delete": (("delete [last|@N]",), ("delete last",)),
    "undo": (("undo",), ("undo",)),
    "times": (("times [PERIOD] [project] [#tag]",), ("times", "times last week")),
    "summary": (
        ("today | yesterday | week | last week | month", "summary PERIOD [by project|client|task|tag|day]"),
        ("today", "week", "summary month by client"),
    ),
    "projects": (
        (
            "projects [client:NAME]",
            "project add NAME [client:NAME] [billable]",
            "project rename NAME to NEW",
            "project archive NAME",
        ),
        ("projects", "clients", "tags"),
    ),
    "timezone": (("timezone [ZONE]",), ("timezone", "timezone Europe/Berlin")),
    "feed": (
        ("feed [PERIOD]", "feed keys", "feed key add NAME", "feed key revoke NAME"),
        ("feed", "feed yesterday"),
    ),
}
ALIASES = {
    "resume": "continue",
    "restart": "continue",
    "now": "status",
    "cancel": "stop",
    "add": "log",
    "remove": "delete",
    "list": "times",
    "today": "summary",
    "yesterday": "summary",
    "week": "summary",
    "month": "summary",
    "project": "projects",
    "clients": "projects",
    "client": "projects",
    "tasks": "projects",
    "task": "projects",
    "tags": "projects",
    "tag": "projects",
    "tz": "timezone",
    "zone": "timezone",
    "zeitzone": "timezone",
}


def resolve_topic(topic: str | None) -> str | None:
    if not topic:
        return None
    key = topic.strip().lower().lstrip("/")
    key = ALIASES.get(key, key)
    return key if key in TOPICS else None


def _overview(locale: str) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = [
        heading(t("card.help.title", locale), size="Large"),
        text(t("card.help.intro", locale), subtle=True, spacing="Small"),
    ]
    for group, examples in GROUPS:
        body.append(text(t(f"card.help.group.{group}", locale), weight="Bolder", separator=True))
        body.append(text(t(f"card.help.line.{group}", locale), spacing="None"))
        body.append(action_set([act.run(example, example) for example in examples], spacing="Small"))
    forms = [
        act.execute(t("form.btn.open_log", locale), act.LOG_FORM, inputs=False),
        act.execute(t("form.btn.open_start", locale), act.START_FORM, inputs=False),
    ]
    body.append(action_set(forms, spacing="Medium"))
    return body


def help_card(locale: str, topic: str | None = None) -> dict[str, Any]:
    """Without a topic: the commands grouped (Timer, Entries, Summaries, Projects & co., Settings) with
    example buttons. With a topic (`start`, `stop`, `log`, `edit`, `delete`, `undo`, `times`, `summary`,
    `projects`, `timezone`, `continue`, `status` and their aliases): usage, explanation and examples."""
    key = resolve_topic(topic)
    if topic and key is None:
        body = [text(t("card.help.unknown", locale, topic=user_text(topic, 40)), color="Warning")]
        body.extend(_overview(locale))
        return card(body, locale)
    if key is None:
        return card(_overview(locale), locale)
    usage, examples = TOPICS[key]
    body = [
        heading(f"`{key}`", size="Large"),
        text(t(f"card.help.{key}", locale), spacing="Small"),
        text(t("card.help.usage", locale), weight="Bolder", separator=True),
        *(text(line, monospace=True, spacing="None") for line in usage),
        text(t("card.help.examples", locale), weight="Bolder"),
        action_set([act.run(example, example) for example in examples], spacing="Small"),
        action_set([act.run(t("card.btn.help", locale), "help")], spacing="Medium"),
    ]
    return card(body, locale)
