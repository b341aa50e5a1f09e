"""`help` and `help VERB`: the command overview with tappable examples, and details per command.

Every verb of the parser's table (`bot.commands.verbs.TABLE`) has a topic here, with its description in
English and German (`card.help.<topic>`) and examples that are real commands (tests/unit/test_help.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.i18n import language, t
from bot.views.backends import backend_name
from bot.views.welcome import WelcomeView
from cards import actions as act
from cards.elements import action_set, card, heading, text, user_text

# The overview: group → (English examples, German examples); each example is a command that runs on tap.
GROUPS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("timer", ("start @website", "stop", "status"), ("start @website", "stopp", "jetzt")),
    ("entries", ("log 1h30m @website", "times", "undo"), ("log 1,5 Std @website", "zeiten", "rückgängig")),
    ("summaries", ("today", "week", "last month"), ("heute", "woche", "letzten monat")),
    ("hours", ("come", "hours", "hours week"), ("kommen", "stunden", "stunden woche")),
    ("reports", ("report", "report last month by project"), ("bericht", "bericht letzten monat")),
    ("projects", ("projects", "clients", "tags"), ("projekte", "kunden", "tags")),
    ("account", ("settings", "timezone", "connect"), ("einstellungen", "zeitzone", "verbinden")),
    ("feed", ("feed", "subscriptions"), ("feed", "abos")),
)

# topic → (usage lines, examples). Descriptions are `card.help.<topic>` in the catalogue.
TOPICS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "help": (("help [COMMAND]",), ("help", "help log", "hilfe kommen")),
    "start": (
        ("start [project[/task]] [#tags] [note] [at TIME]",),
        ("start @website", 'start @website/design #meeting "kickoff"', "start @website at 9:00"),
    ),
    "stop": (("stop [at TIME]", "cancel"), ("stop", "stop at 17:30", "cancel")),
    "continue": (("continue [last|@N] [at TIME]",), ("continue", "continue @2")),
    "status": (("status",), ("status",)),
    "log": (
        ("log DURATION|RANGE [project[/task]] [#tags] [note] [DATE]",),
        ("log 1h30m @website", 'log 9-10:30 @website "standup" yesterday', "log 2h @website friday"),
    ),
    "edit": (
        ("edit [last|@N] FIELD VALUE…",),
        ("edit last end 17:00", "edit @2 @website #meeting", "edit last date yesterday"),
    ),
    "delete": (("delete [last|@N]",), ("delete last", "delete @2")),
    "undo": (("undo",), ("undo",)),
    "times": (("times [PERIOD] [project] [#tag]",), ("times", "times last week", "times week @website")),
    "summary": (
        (
            "today | yesterday | week | last week | month | last month",
            "summary PERIOD [by project|client|task|tag|day]",
        ),
        ("today", "week", "last week", "summary month by client"),
    ),
    "come": (("come [at TIME] [DATE]",), ("come", "come at 8:15", "come at 8:00 yesterday")),
    "go": (("go [at TIME] [DATE]",), ("go", "go at 17:30", "go 17:00 friday")),
    "break": (
        ("break [start|end] [at TIME]", "break DURATION [at TIME] [DATE]", "break RANGE [DATE]"),
        ("break", "break end", "break 30m", "break 12:00-12:30 yesterday"),
    ),
    "hours": (("hours [PERIOD]",), ("hours", "hours week", "hours last week", "hours month")),
    "projects": (
        (
            "projects [client:NAME] · project add NAME [client:NAME] [billable]",
            "project rename NAME to NEW · project archive NAME",
            "clients · client add NAME",
            "tasks [PROJECT] · task add PROJECT/NAME",
            "tags · tag add NAME",
        ),
        ("projects", "clients", "tasks website", "tags"),
    ),
    "groups": (("groups",), ("groups",)),
    "report": (
        (
            "report [PERIOD] [@project…] [client:NAME] [me|all|user:NAME]",
            "       [by project] [billable|nonbillable] [round 15m up|down|nearest]",
        ),
        ("report", "report last month by project", "report week @website round 15m up"),
    ),
    "connect": (("connect [toggl|focus|awork|timeghost|local]",), ("connect", "connect toggl")),
    "workspace": (("workspace [NAME]",), ("workspace",)),
    "settings": (("settings",), ("settings",)),
    "timezone": (("timezone [ZONE]",), ("timezone", "timezone Europe/Berlin")),
    "signin": (("signin", "signout"), ("signin",)),
    "feed": (
        ("feed [PERIOD]", "feed keys · feed key add NAME · feed key revoke NAME", "feed calendar [on|off]"),
        ("feed", "feed yesterday"),
    ),
    "subscriptions": (
        ("subscribe ENTITY… [EVENT…] [@project…]", "unsubscribe [ENTITY…]", "subscriptions"),
        ("subscriptions", "subscribe times"),
    ),
}

# Verbs explained under another verb's topic (the parser hands help its canonical verb names; a few
# English words are kept for older buttons and typed topics the parser does not know).
ALIASES = {
    "cancel": "stop",
    "today": "summary",
    "yesterday": "summary",
    "week": "summary",
    "last week": "summary",
    "month": "summary",
    "last month": "summary",
    "project": "projects",
    "clients": "projects",
    "client": "projects",
    "tasks": "projects",
    "task": "projects",
    "tags": "projects",
    "tag": "projects",
    "signout": "signin",
    "subscribe": "subscriptions",
    "unsubscribe": "subscriptions",
    "resume": "continue",
    "restart": "continue",
    "now": "status",
    "add": "log",
    "remove": "delete",
    "list": "times",
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


def _examples(examples: Sequence[str]) -> dict[str, Any]:
    return action_set([act.run(example, example) for example in examples], spacing="Small")


def _overview(locale: str) -> list[dict[str, Any]]:
    german = language(locale) == "de"
    body: list[dict[str, Any]] = [
        heading(t("card.help.title", locale), size="Large"),
        text(t("card.help.intro", locale), subtle=True, spacing="Small"),
    ]
    for group, english, deutsch in GROUPS:
        body.append(text(t(f"card.help.group.{group}", locale), weight="Bolder", separator=True))
        body.append(text(t(f"card.help.line.{group}", locale), spacing="None"))
        body.append(_examples(deutsch if german else english))
    forms = [
        act.execute(t("form.btn.open_log", locale), act.LOG_FORM, inputs=False),
        act.execute(t("form.btn.open_start", locale), act.START_FORM, inputs=False),
    ]
    body.append(action_set(forms, spacing="Medium"))
    return body


def help_card(locale: str, topic: str | None = None, words: Sequence[str] = ()) -> dict[str, Any]:
    """Without a topic: every command, grouped, with example buttons. With a topic (any verb of the
    parser's table): usage, explanation, the verb's other words (`words`, German ones too) and examples."""
    key = resolve_topic(topic)
    if topic and key is None:
        body = [text(t("card.help.unknown", locale, topic=user_text(topic, 40)), color="Warning")]
        body.extend(_overview(locale))
        return card(body, locale)
    if key is None:
        return card(_overview(locale), locale)
    usage, examples = TOPICS[key]
    body = [
        heading(key, size="Large"),
        text(t(f"card.help.{key}", locale), spacing="Small"),
        text(t("card.help.usage", locale), weight="Bolder", separator=True),
        *(text(line, monospace=True, spacing="None") for line in usage),
    ]
    others = [w for w in words if w != key]
    if others:
        shown = " · ".join(f"**{user_text(w, 30)}**" for w in others[:12])
        body.append(text(t("card.help.also", locale, words=shown), subtle=True, spacing="Small"))
    body += [
        text(t("card.help.examples", locale), weight="Bolder"),
        _examples(examples),
        action_set([act.run(t("card.btn.help", locale), "help")], spacing="Medium"),
    ]
    return card(body, locale)


def welcome_card(view: WelcomeView, locale: str) -> dict[str, Any]:
    """First contact: a greeting and the three first steps (a project, the time zone, the tracker), each
    with its button; then how a day goes, and help."""
    title = (
        t("card.welcome.title", locale, name=user_text(view.name, 40))
        if view.name
        else t("card.welcome.title_anon", locale)
    )
    body: list[dict[str, Any]] = [
        heading(title),
        text(t("card.welcome.intro", locale), spacing="Small"),
    ]
    if view.projects:
        body.append(text(t("card.welcome.projects_some", locale, count=view.projects)))
    else:
        body.append(text(t("card.welcome.projects", locale)))
    if view.personal:
        body.append(text(t("card.welcome.zone", locale, zone=user_text(view.zone, 64))))
        tracker = t("card.welcome.tracker", locale, backend=backend_name(view.backend))
        body.append(text(tracker))
    body.append(text(t("card.welcome.then", locale), subtle=True))
    buttons = [act.run(t("card.welcome.btn.projects", locale), "projects")]
    if view.personal:
        buttons.append(act.run(t("card.welcome.btn.settings", locale), "settings"))
        buttons.append(act.run(t("card.welcome.btn.connect", locale), "connect"))
    buttons.append(act.run(t("card.btn.help", locale), "help"))
    body.append(action_set(buttons))
    return card(body, locale, fallback_text=t("card.welcome.intro", locale))
