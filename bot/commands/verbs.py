"""The verb table: every command word the bot knows, once — its parser, family, English and German words.

This is the one source of truth for the command language's vocabulary: the dispatcher (`bot.commands.parser`)
reads the lookups derived below, and `docs/commands.md` is tested against `TABLE` (each verb and each of its
words must be documented). A new verb is one `Verb(…)` line here plus its parser in its family's module.

Kinds: a `command` runs its parser on the words after it; a `period` verb (`today`, `last week`…) is
`summary` of the period its name says; an `unavailable` verb is documented but not built yet and answers
`parse.unsupported_command` instead of "unknown command". Words with a space (`clock in`, `sign in`) are
matched as the first two words of the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.operations import CancelTimer, Help, ListClients, ListGroups, ListTags, ShowSettings, Status, Undo

from . import account, entries, feed, masterdata, notify, reports, timer, workinghours
from .args import Cmd, Handler, no_args, words
from .edit import edit

__all__ = ["PERIOD_VERBS", "PHRASE_VERBS", "TABLE", "UNSUPPORTED", "VERBS", "Verb", "handler"]

VerbKind = Literal["command", "period", "unavailable"]
Family = Literal[
    "help", "timer", "entries", "summaries", "hours", "masterdata", "reports", "account", "feeds"
]


@dataclass(frozen=True)
class Verb:
    name: str  # the canonical word (what `help VERB`, `ParseFailure.verb` and the docs use)
    family: Family
    parse: Handler | None  # None: not available yet
    english: tuple[str, ...] = ()  # other English words for it
    german: tuple[str, ...] = ()
    kind: VerbKind = "command"

    @property
    def words(self) -> tuple[str, ...]:
        return (self.name, *self.english, *self.german)


def _help(cmd: Cmd) -> Help:
    if not cmd.tokens:
        return Help()
    topic = words(cmd.tokens).lower().lstrip("/")
    name = VERBS.get(topic) or PHRASE_VERBS.get(topic) or PERIOD_VERBS.get(topic) or UNSUPPORTED.get(topic)
    verb = next((v for v in TABLE if v.name == name), None)
    return Help(topic=name or topic, words=list(verb.words) if verb else [])


_P: VerbKind = "period"
_U: VerbKind = "unavailable"

TABLE: tuple[Verb, ...] = (
    Verb("help", "help", _help, ("?", "commands"), ("hilfe",)),
    # the running timer
    Verb("start", "timer", timer.start, ("begin",), ("starten",)),
    Verb("stop", "timer", timer.stop, (), ("stopp", "stoppen")),
    Verb("cancel", "timer", no_args(CancelTimer()), ("discard",), ("abbrechen", "verwerfen")),
    Verb("continue", "timer", timer.continue_, ("resume", "restart"), ("weiter", "fortsetzen")),
    Verb("status", "timer", no_args(Status()), ("now",), ("jetzt",)),
    # time entries
    Verb("log", "entries", entries.log, ("add", "track"), ("buchen", "erfassen")),
    Verb("edit", "entries", edit, ("change",), ("ändern", "bearbeiten")),
    Verb("delete", "entries", entries.delete, ("remove", "del"), ("löschen", "entfernen")),
    Verb("undo", "entries", no_args(Undo()), (), ("rückgängig",)),
    Verb("times", "entries", entries.times, ("list", "entries"), ("zeiten", "einträge")),
    # summaries: `summary PERIOD`, or a period on its own
    Verb("summary", "summaries", entries.summary, ("sum",), ("zusammenfassung",)),
    Verb("today", "summaries", entries.summary, (), ("heute",), _P),
    Verb("yesterday", "summaries", entries.summary, (), ("gestern",), _P),
    Verb("week", "summaries", entries.summary, ("this week",), ("woche", "diese woche"), _P),
    Verb("last week", "summaries", entries.summary, (), ("letzte woche", "vorige woche"), _P),
    Verb("month", "summaries", entries.summary, ("this month",), ("monat", "dieser monat"), _P),
    Verb("last month", "summaries", entries.summary, (), ("letzter monat", "letzten monat"), _P),
    # working hours
    Verb("come", "hours", workinghours.come, ("in", "clock in", "check in"), ("kommen", "komme")),
    Verb("go", "hours", workinghours.go, ("out", "clock out", "check out"), ("gehen", "gehe")),
    Verb("break", "hours", workinghours.break_, (), ("pause",)),
    Verb("hours", "hours", workinghours.hours, (), ("stunden", "arbeitszeit")),
    # reference data
    Verb("projects", "masterdata", masterdata.projects, (), ("projekte",)),
    Verb("project", "masterdata", masterdata.project, (), ("projekt",)),
    Verb("clients", "masterdata", no_args(ListClients()), (), ("kunden",)),
    Verb("client", "masterdata", masterdata.client, (), ("kunde",)),
    Verb("tasks", "masterdata", masterdata.tasks, (), ("aufgaben",)),
    Verb("task", "masterdata", masterdata.task, (), ("aufgabe",)),
    Verb("tags", "masterdata", no_args(ListTags())),
    Verb("tag", "masterdata", masterdata.tag),
    Verb("groups", "masterdata", no_args(ListGroups()), ("teams",), ("gruppen",)),
    # reports
    Verb("report", "reports", reports.report, ("reports", "excel"), ("bericht",)),
    # account and settings
    Verb("connect", "account", account.connect, (), ("verbinden",)),
    Verb("workspace", "account", account.workspace, ("workspaces",), ("arbeitsbereich",)),
    Verb("settings", "account", no_args(ShowSettings()), (), ("einstellungen",)),
    Verb("timezone", "account", account.timezone, ("tz",), ("zeitzone",)),
    Verb("signin", "account", account.signin, ("sign in", "login"), ("anmelden",)),
    Verb("signout", "account", account.signout, ("sign out", "logout"), ("abmelden",)),
    # notifications and feeds
    Verb("feed", "feeds", feed.feed),
    Verb("subscribe", "feeds", notify.subscribe, ("notify",), ("abonnieren",)),
    Verb("unsubscribe", "feeds", notify.unsubscribe, (), ("abbestellen", "kündigen")),
    Verb("subscriptions", "feeds", notify.subscriptions, (), ("abos", "abonnements")),
)


def _lookup(kind: VerbKind, *, phrases: bool | None = None) -> dict[str, str]:
    """word → canonical verb name for one kind; `phrases` True/False keeps only words with/without a space."""
    found: dict[str, str] = {}
    for verb in TABLE:
        if verb.kind != kind:
            continue
        for word in verb.words:
            if phrases is None or phrases == (" " in word):
                found[word] = verb.name
    return found


_ALL_WORDS = [word for verb in TABLE for word in verb.words]
if len(_ALL_WORDS) != len(set(_ALL_WORDS)):  # one word, one verb: the dispatcher's lookups must not overlap
    raise ValueError(
        f"a verb word is in the table twice: {sorted(w for w in _ALL_WORDS if _ALL_WORDS.count(w) > 1)}"
    )


VERBS: dict[str, str] = _lookup("command", phrases=False)  # one-word commands
PHRASE_VERBS: dict[str, str] = _lookup("command", phrases=True)  # two-word commands (`clock in`)
PERIOD_VERBS: dict[str, str] = _lookup("period")
UNSUPPORTED: dict[str, str] = _lookup("unavailable")
_HANDLERS: dict[str, Handler] = {
    verb.name: verb.parse for verb in TABLE if verb.parse and verb.kind == "command"
}


def handler(name: str) -> Handler:
    """The parser of the command verb `name` (a canonical name, a value of `VERBS`)."""
    return _HANDLERS[name]
