"""The command language → typed operations (bot.commands.parse), table-driven on a fixed context."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.commands import clean_text, parse
from bot.commands.parser import parse_strict
from bot.i18n import t
from bot.operations import (
    AddClient,
    AddProject,
    AddTag,
    AddTask,
    Ambiguity,
    CancelTimer,
    ContinueEntry,
    DeleteEntry,
    EditEntry,
    EntryRef,
    Help,
    ListClients,
    ListProjects,
    ListTags,
    ListTasks,
    ListTimes,
    LogEntry,
    ParseContext,
    ParseFailure,
    ProjectRef,
    SetTimezone,
    StartTimer,
    Status,
    StopTimer,
    Summary,
    Undo,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 17, 15, 0, tzinfo=BERLIN)  # a Tuesday
CTX = ParseContext(now=NOW, tz=BERLIN, locale="en-US")
CTX_DE = ParseContext(now=NOW, tz=BERLIN, locale="de-DE")
LAST = EntryRef(written=True)  # `last` in edit/delete: the entry written last
LOG_WORDS = ["log", "add", "track", "buchen", "erfassen"]  # what `help log` lists as its other words
H, M = timedelta(hours=1), timedelta(minutes=1)
TODAY = date(2026, 11, 17)


def at(hour: int, minute: int = 0, day: int = 17, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def p(*path: str) -> ProjectRef:
    return ProjectRef(path=list(path))


def run(text: str, ctx: ParseContext = CTX) -> Any:
    result = parse_strict(text, ctx)
    assert parse(text, ctx) == result
    return result


def fields(op: Any, **expected: Any) -> None:
    for name, value in expected.items():
        assert getattr(op, name) == value, (name, getattr(op, name), value)


# ---- clean_text -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<at>Timebot</at> start @web", "start @web"),
        ('<at id="0">Time (bot) [v2]*+?</at>&nbsp;log 2h', "log 2h"),
        ("<p>log 2h</p><p>@web</p>", "log 2h @web"),
        ("  stop\u200b  now \u00a0", "stop now"),
        ("a &amp; b &lt; c", "a & b < c"),
        ("<b>sta</b>rt", "start"),
        (None, ""),
        ("", ""),
    ],
)
def test_clean_text(raw: str | None, clean: str) -> None:
    assert clean_text(raw) == clean


# ---- simple verbs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Help()),
        ("   ", Help()),
        ("<at>Timebot</at>", Help()),
        ("help", Help()),
        ("HELP", Help()),
        ("help log", Help(topic="log", words=LOG_WORDS)),
        ("help add", Help(topic="log", words=LOG_WORDS)),
        ("hilfe", Help()),
        ("cancel", CancelTimer()),
        ("cancel timer", CancelTimer()),
        ("status", Status()),
        ("now", Status()),
        ("Status!", Status()),
        ("<at>Timebot</at> status.", Status()),
        ("/status", Status()),
        ("undo", Undo()),
        ("clients", ListClients()),
        ("tags", ListTags()),
        ("tasks", ListTasks()),
        ("tasks @web", ListTasks(project=p("web"))),
        ("tasks website relaunch", ListTasks(project=p("website relaunch"))),
        ("projects", ListProjects()),
        ("projects client:acme", ListProjects(client="acme")),
        ('projects client:"Acme Corp"', ListProjects(client="Acme Corp")),
        ("project", ListProjects()),
        ("timezone", SetTimezone()),
        ("timezone Europe/Berlin", SetTimezone(zone="Europe/Berlin")),
        ("timezone europe/berlin", SetTimezone(zone="Europe/Berlin")),
        ("tz America/New_York", SetTimezone(zone="America/New_York")),
        ("timezone new york", SetTimezone(zone="America/New_York")),
        ("timezone UTC", SetTimezone(zone="UTC")),
        ("client add Acme Corp", AddClient(name="Acme Corp")),
        ('client add "Acme Corp"', AddClient(name="Acme Corp")),
        ("add client Acme", AddClient(name="Acme")),
        ("tag add meeting", AddTag(name="meeting")),
        ("tag add meeting time", AddTag(name="meeting", tag_kind="time")),
        ("tag add internal project", AddTag(name="internal", tag_kind="project")),
        ("task add web/design", AddTask(project=p("web"), name="design")),
        ("task add @web/design", AddTask(project=p("web"), name="design")),
        ("task add @acme/web/design", AddTask(project=p("acme", "web"), name="design")),
        ("task add @web/fix the header", AddTask(project=p("web"), name="fix the header")),
        ("task add web/design estimate 2h", AddTask(project=p("web"), name="design", estimate=2 * H)),
        ("task add web/design estimate 1h 30min", AddTask(project=p("web"), name="design", estimate=90 * M)),
        ("project add Website", AddProject(name="Website")),
        (
            'project add "Web Relaunch" client:"Acme Corp" billable color #1a73e8 private',
            AddProject(name="Web Relaunch", client="Acme Corp", billable=True, color="#1A73E8", private=True),
        ),
        ("project add Intern nonbillable", AddProject(name="Intern", billable=False)),
        ("project add X color #abc", AddProject(name="X", color="#AABBCC")),
        ("add project Website", AddProject(name="Website")),
        ("delete", DeleteEntry(ref=LAST)),
        ("delete last", DeleteEntry(ref=LAST)),
        ("remove @3", DeleteEntry(ref=EntryRef(index=3))),
        ("löschen @2", DeleteEntry(ref=EntryRef(index=2))),
        ("continue", ContinueEntry()),
        ("resume last", ContinueEntry()),
        ("restart @2", ContinueEntry(ref=EntryRef(index=2))),
        ("continue @2 at 9", ContinueEntry(ref=EntryRef(index=2), at=at(9))),
        ("stop", StopTimer()),
        ("stop at 17:00", StopTimer(at=at(17))),
        ("stop 17", StopTimer(at=at(17))),
        ("stop 5pm", StopTimer(at=at(17))),
        ("stop 10 min ago", StopTimer(at=NOW - 10 * M)),
        ("stop now", StopTimer(at=NOW)),
    ],
)
def test_simple(text: str, expected: Any) -> None:
    assert run(text) == expected


# ---- start ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("start", StartTimer()),
        ("start @web", StartTimer(project=p("web"))),
        ("START @Web", StartTimer(project=p("Web"))),
        ('start @"Website Relaunch"', StartTimer(project=p("Website Relaunch"))),
        ("start @web/design", StartTimer(project=p("web", "design"))),
        ("start @acme/web/design", StartTimer(project=p("acme", "web", "design"))),
        ('start @"Acme Corp"/web', StartTimer(project=p("Acme Corp", "web"))),
        # no @ref: the first run of free words is the project, a quoted string the note
        ("start website design", StartTimer(project=p("website design"))),
        ("start website/design", StartTimer(project=p("website", "design"))),
        ('start website "fix header"', StartTimer(project=p("website"), note="fix header")),
        ("start website #dev fix header", StartTimer(project=p("website"), tags=["dev"], note="fix header")),
        ("start “fix header”", StartTimer(note="fix header")),
        # with an @ref: every free word is the note
        ("start @web fix header", StartTimer(project=p("web"), note="fix header")),
        ("start fix header @web", StartTimer(project=p("web"), note="fix header")),
        ('start @web fixing "the header"', StartTimer(project=p("web"), note="fixing the header")),
        ("start @web #dev #meeting #dev", StartTimer(project=p("web"), tags=["dev", "meeting"])),
        ("start @web billable", StartTimer(project=p("web"), billable=True)),
        ("start @web $", StartTimer(project=p("web"), billable=True)),
        ("start @web nonbillable", StartTimer(project=p("web"), billable=False)),
        ("start @web at 9:15", StartTimer(project=p("web"), at=at(9, 15))),
        ("start @web at 9", StartTimer(project=p("web"), at=at(9))),
        ("start @web 9:15", StartTimer(project=p("web"), at=at(9, 15))),
        ("start @web at 2:30pm", StartTimer(project=p("web"), at=at(14, 30))),
        ("start @web 14 Uhr", StartTimer(project=p("web"), at=at(14))),
        ("start @web 30min ago", StartTimer(project=p("web"), at=NOW - 30 * M)),
        ("start @web 30 min ago", StartTimer(project=p("web"), at=NOW - 30 * M)),
        ("start @web in 10 min", StartTimer(project=p("web"), at=NOW + 10 * M)),
        ("start @web at now", StartTimer(project=p("web"), at=NOW)),
        ("start website at 9", StartTimer(project=p("website"), at=at(9))),
        ("start @web 9:00-", StartTimer(project=p("web"), at=at(9))),
        ("<at>Timebot</at>&nbsp;start @web!", StartTimer(project=p("web"))),
    ],
)
def test_start(text: str, expected: StartTimer) -> None:
    assert run(text) == expected


# ---- log --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("log 2h", LogEntry(duration=2 * H)),
        ("log 1h30m @web", LogEntry(duration=90 * M, project=p("web"))),
        ("add 1h30 @web", LogEntry(duration=90 * M, project=p("web"))),
        ("log 1h 30min @web", LogEntry(duration=90 * M, project=p("web"))),
        ("log 1 h 30 min @web", LogEntry(duration=90 * M, project=p("web"))),
        ("log 1.5h @web", LogEntry(duration=90 * M, project=p("web"))),
        ("log 1,5h @web", LogEntry(duration=90 * M, project=p("web"))),
        ("log 90m @web", LogEntry(duration=90 * M, project=p("web"))),
        ("log 90 mins @web", LogEntry(duration=90 * M, project=p("web"))),
        ("log 1:30 @web", LogEntry(duration=90 * M, project=p("web"))),
        ("log 45s @web", LogEntry(duration=timedelta(seconds=45), project=p("web"))),
        ("log PT1H30M @web", LogEntry(duration=90 * M, project=p("web"))),
        ("log 2 hours @web", LogEntry(duration=2 * H, project=p("web"))),
        ("log 1,5 Std @web", LogEntry(duration=90 * M, project=p("web"))),
        ("log 30 Min @web", LogEntry(duration=30 * M, project=p("web"))),
        ("log 2h @web yesterday", LogEntry(duration=2 * H, project=p("web"), day=date(2026, 11, 16))),
        ("log 2h @web gestern", LogEntry(duration=2 * H, project=p("web"), day=date(2026, 11, 16))),
        ("log 2h @web last friday", LogEntry(duration=2 * H, project=p("web"), day=date(2026, 11, 13))),
        ("log 2h @web 3 days ago", LogEntry(duration=2 * H, project=p("web"), day=date(2026, 11, 14))),
        ("log 2h @web 2026-11-12", LogEntry(duration=2 * H, project=p("web"), day=date(2026, 11, 12))),
        ("log 2h @web 12.11.", LogEntry(duration=2 * H, project=p("web"), day=date(2026, 11, 12))),
        ("log 2h @web 11/12", LogEntry(duration=2 * H, project=p("web"), day=date(2026, 11, 12))),
        ("log 2h on website monday", LogEntry(duration=2 * H, project=p("website"), day=date(2026, 11, 16))),
        ("log 2h website design", LogEntry(duration=2 * H, project=p("website design"))),
        (
            "log 2h website yesterday standup",
            LogEntry(duration=2 * H, project=p("website"), day=date(2026, 11, 16), note="standup"),
        ),
        (
            'log 2h @web #meeting #client "weekly sync" billable',
            LogEntry(
                duration=2 * H,
                project=p("web"),
                tags=["meeting", "client"],
                note="weekly sync",
                billable=True,
            ),
        ),
        ("log 2h @web weekly sync", LogEntry(duration=2 * H, project=p("web"), note="weekly sync")),
        # ranges
        ("log 9-11 @web", LogEntry(start=at(9), end=at(11), project=p("web"))),
        (
            'log 9-10:30 @acme/website/design "standup"',
            LogEntry(start=at(9), end=at(10, 30), project=p("acme", "website", "design"), note="standup"),
        ),
        ("log 9:00-10:30", LogEntry(start=at(9), end=at(10, 30))),
        ("log 9am - 11:30am @web", LogEntry(start=at(9), end=at(11, 30), project=p("web"))),
        ("log from 9 to 11 @web", LogEntry(start=at(9), end=at(11), project=p("web"))),
        ("log 9:00 for 2h @web", LogEntry(start=at(9), end=at(11), project=p("web"))),
        ("log 14:00–15:30 @web", LogEntry(start=at(14), end=at(15, 30), project=p("web"))),
        ("log 14.30-15.30", LogEntry(start=at(14, 30), end=at(15, 30))),
        ("log 22:00-01:30 @web", LogEntry(start=at(22), end=at(1, 30, day=18), project=p("web"))),
        (
            "log 9-11 @web yesterday",
            LogEntry(start=at(9, day=16), end=at(11, day=16), day=date(2026, 11, 16), project=p("web")),
        ),
        (
            "log 14:00–15:30 20.11.",
            LogEntry(start=at(14, day=20), end=at(15, 30, day=20), day=date(2026, 11, 20)),
        ),
        ("log 2h @web at 9", LogEntry(start=at(9), end=at(11), project=p("web"))),
        (
            "log 2h @web yesterday at 9",
            LogEntry(start=at(9, day=16), end=at(11, day=16), day=date(2026, 11, 16), project=p("web")),
        ),
        # an open range is a running timer
        ("log 14:00- @web", StartTimer(project=p("web"), at=at(14))),
        ("log 14:00 - @web #dev", StartTimer(project=p("web"), at=at(14), tags=["dev"])),
    ],
)
def test_log(text: str, expected: Any) -> None:
    assert run(text) == expected


@pytest.mark.parametrize(
    ("day", "elapsed"),
    [("2026-03-29", H), ("2026-10-25", 3 * H), ("2026-11-17", 2 * H)],
)
def test_log_range_across_dst_gives_real_elapsed_time(day: str, elapsed: timedelta) -> None:
    op = run(f"log 1:30-3:30 @web {day}")
    assert isinstance(op, LogEntry) and op.start is not None and op.end is not None
    assert op.day == date.fromisoformat(day)
    assert op.end.astimezone(UTC) - op.start.astimezone(UTC) == elapsed
    assert (op.start.hour, op.start.minute, op.end.hour, op.end.minute) == (1, 30, 3, 30)


def test_log_range_in_a_gap_moves_forward() -> None:
    op = run("log 2:30-4:00 2026-03-29")
    assert isinstance(op, LogEntry) and op.start is not None and op.end is not None
    assert (op.start.hour, op.start.minute) == (3, 30)
    assert op.end.astimezone(UTC) - op.start.astimezone(UTC) == 30 * M


# ---- ambiguity --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "minutes", "hours"),
    [
        ("log 90 @web", "90", "log 90m @web", "log 90h @web"),
        ("log 1.5 @web yesterday", "1.5", "log 1.5m @web yesterday", "log 1.5h @web yesterday"),
        ("<at>Bot</at> log 1,5 @web", "1,5", "log 1,5m @web", "log 1,5h @web"),
        ("edit last duration 90", "90", "edit last duration 90m", "edit last duration 90h"),
        (
            "task add web/design estimate 8",
            "8",
            "task add web/design estimate 8m",
            "task add web/design estimate 8h",
        ),
    ],
)
def test_bare_number_asks(text: str, number: str, minutes: str, hours: str) -> None:
    result = run(text)
    assert isinstance(result, Ambiguity)
    assert result.message_key == "parse.ambiguous_number"
    assert result.params == {"number": number}
    assert [c.command for c in result.choices] == [minutes, hours]
    assert [c.label for c in result.choices] == [f"{number} minutes", f"{number} hours"]
    for choice in result.choices:  # every choice is a complete command that parses without asking again
        assert not isinstance(run(choice.command), Ambiguity | ParseFailure)


def test_ambiguity_labels_are_localised() -> None:
    result = run("log 90 @web", CTX_DE)
    assert isinstance(result, Ambiguity)
    assert [c.label for c in result.choices] == ["90 Minuten", "90 Stunden"]
    assert t(result.message_key, "de", **result.params) == "Meinst du 90 Minuten oder 90 Stunden?"


# ---- edit -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("edit end 17:00", EditEntry(ref=LAST, end=at(17))),
        ("edit last end 17:00", EditEntry(ref=LAST, end=at(17))),
        ("edit @2 end 17:00", EditEntry(ref=EntryRef(index=2), end=at(17))),
        ("edit @2 start 9:15", EditEntry(ref=EntryRef(index=2), start=at(9, 15))),
        ("edit start 9 end 10:30", EditEntry(ref=LAST, start=at(9), end=at(10, 30))),
        ("edit start 22:00 end 1:00", EditEntry(ref=LAST, start=at(22), end=at(1, day=18))),
        ("edit 9-11", EditEntry(ref=LAST, start=at(9), end=at(11))),
        ("edit duration 1h30m", EditEntry(ref=LAST, duration=90 * M)),
        ("edit 45m", EditEntry(ref=LAST, duration=45 * M)),
        ("edit date yesterday", EditEntry(ref=LAST, day=date(2026, 11, 16))),
        ("edit yesterday", EditEntry(ref=LAST, day=date(2026, 11, 16))),
        ("edit start 9 date friday", EditEntry(ref=LAST, start=at(9, day=13), day=date(2026, 11, 13))),
        ("edit @web/design", EditEntry(ref=LAST, project=p("web", "design"))),
        ("edit project website relaunch", EditEntry(ref=LAST, project=p("website relaunch"))),
        ("edit #meeting -#dev", EditEntry(ref=LAST, add_tags=["meeting"], remove_tags=["dev"])),
        ('edit note "fix header"', EditEntry(ref=LAST, note="fix header")),
        ("edit note fix the header", EditEntry(ref=LAST, note="fix the header")),
        ('edit "fix header"', EditEntry(ref=LAST, note="fix header")),
        ("edit billable", EditEntry(ref=LAST, billable=True)),
        ("edit @3 nonbillable", EditEntry(ref=EntryRef(index=3), billable=False)),
        ("edit end now", EditEntry(ref=LAST, end=NOW)),
        (
            "edit @2 start 9 end 10 @web #x -#y billable",
            EditEntry(
                ref=EntryRef(index=2),
                start=at(9),
                end=at(10),
                project=p("web"),
                add_tags=["x"],
                remove_tags=["y"],
                billable=True,
            ),
        ),
    ],
)
def test_edit(text: str, expected: EditEntry) -> None:
    assert run(text) == expected


# ---- lists and summaries ----------------------------------------------------------------------------------


def _period(op: Any) -> tuple[date, date, str]:
    return op.period.start, op.period.end, op.period.label


@pytest.mark.parametrize(
    ("text", "start", "end", "label", "by"),
    [
        ("today", TODAY, date(2026, 11, 18), "Today", "project"),
        ("heute", TODAY, date(2026, 11, 18), "Today", "project"),
        ("yesterday", date(2026, 11, 16), TODAY, "Yesterday", "project"),
        ("gestern", date(2026, 11, 16), TODAY, "Yesterday", "project"),
        ("week", date(2026, 11, 16), date(2026, 11, 23), "This week", "project"),
        ("this week", date(2026, 11, 16), date(2026, 11, 23), "This week", "project"),
        ("woche", date(2026, 11, 16), date(2026, 11, 23), "This week", "project"),
        ("last week", date(2026, 11, 9), date(2026, 11, 16), "Last week", "project"),
        ("letzte woche", date(2026, 11, 9), date(2026, 11, 16), "Last week", "project"),
        ("month", date(2026, 11, 1), date(2026, 12, 1), "This month", "project"),
        ("this month", date(2026, 11, 1), date(2026, 12, 1), "This month", "project"),
        ("monat", date(2026, 11, 1), date(2026, 12, 1), "This month", "project"),
        ("last month", date(2026, 10, 1), date(2026, 11, 1), "Last month", "project"),
        ("week by client", date(2026, 11, 16), date(2026, 11, 23), "This week", "client"),
        ("today by tag", TODAY, date(2026, 11, 18), "Today", "tag"),
        ("summary", date(2026, 11, 16), date(2026, 11, 23), "This week", "project"),
        ("summary last month by day", date(2026, 10, 1), date(2026, 11, 1), "Last month", "day"),
        ("summary this year by tasks", date(2026, 1, 1), date(2027, 1, 1), "This year", "task"),
        ("summary last year", date(2025, 1, 1), date(2026, 1, 1), "Last year", "project"),
        ("summary all time", date(1970, 1, 1), date(2026, 11, 18), "All time", "project"),
        ("summary 2026-W47 by client", date(2026, 11, 16), date(2026, 11, 23), "Week 47", "client"),
        ("summary 2026-11", date(2026, 11, 1), date(2026, 12, 1), "November 2026", "project"),
        (
            "summary 2026-11-01..2026-11-15 by project",
            date(2026, 11, 1), date(2026, 11, 16), "2026-11-01 – 2026-11-15", "project",
        ),
    ],
)  # fmt: skip
def test_summaries(text: str, start: date, end: date, label: str, by: str) -> None:
    op = run(text)
    assert isinstance(op, Summary)
    assert (*_period(op), op.by) == (start, end, label, by)


def test_summary_labels_follow_locale() -> None:
    op = run("week", CTX_DE)
    assert isinstance(op, Summary) and op.period.label == "Diese Woche"


@pytest.mark.parametrize(
    ("text", "start", "end", "project", "tags"),
    [
        ("times", TODAY, date(2026, 11, 18), None, []),
        ("list", TODAY, date(2026, 11, 18), None, []),
        ("times yesterday", date(2026, 11, 16), TODAY, None, []),
        ("times last week @web #meeting", date(2026, 11, 9), date(2026, 11, 16), p("web"), ["meeting"]),
        ("times week website", date(2026, 11, 16), date(2026, 11, 23), p("website"), []),
        ("times 2026-11 #dev", date(2026, 11, 1), date(2026, 12, 1), None, ["dev"]),
        ("times friday", date(2026, 11, 13), date(2026, 11, 14), None, []),
    ],
)
def test_times(text: str, start: date, end: date, project: ProjectRef | None, tags: list[str]) -> None:
    op = run(text)
    assert isinstance(op, ListTimes)
    assert (op.period.start, op.period.end, op.project, op.tags) == (start, end, project, tags)


# ---- failures ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key", "params", "verb"),
    [
        ("strat @web", "parse.unknown_command", {"text": "strat @web", "suggestion": "start"}, None),
        ("florp", "parse.unknown_command", {"text": "florp"}, None),
        ("@web 2h", "parse.unknown_command", {"text": "@web 2h"}, None),
        ("log @web", "parse.log.missing_duration", {"text": "log @web"}, "log"),
        ("log 0m @web", "parse.zero_duration", {"text": "0m"}, "log"),
        ("log 9-9 @web", "parse.empty_range", {"text": "9-9"}, "log"),
        ("log 2h @3", "parse.entry_ref_not_project", {"text": "@3"}, "log"),
        ("log 2h @web @app", "parse.two_projects", {"first": "@web", "second": "@app"}, "log"),
        ("log 2h @a/b/c/d", "parse.bad_project", {"text": "@a/b/c/d"}, "log"),
        ("log 2h 3h @web", "parse.unexpected", {"text": "3h"}, "log"),
        ("timezone Mars/Base", "parse.bad_timezone", {"zone": "Mars/Base"}, "timezone"),
        ("stop at banana", "parse.unexpected", {"text": "at"}, "stop"),
        ("stop @web", "parse.unexpected", {"text": "@web"}, "stop"),
        ("edit start banana", "parse.bad_time", {"text": "banana"}, "edit"),
        ("edit start", "parse.edit.missing_value", {"field": "start"}, "edit"),
        ("edit date blursday", "parse.bad_date", {"text": "blursday"}, "edit"),
        ("edit colour red", "parse.edit.unknown_field", {"text": "colour"}, "edit"),
        ("edit @0 end 17:00", "parse.bad_entry_ref", {"text": "@0"}, "edit"),
        ("delete @99999", "parse.bad_entry_ref", {"text": "@99999"}, "delete"),
        ("delete everything", "parse.unexpected", {"text": "everything"}, "delete"),
        ("summary by colour", "parse.bad_group", {"text": "colour"}, "summary"),
        ("summary someday", "parse.bad_period", {"text": "someday"}, "summary"),
        ("status please now", "parse.unexpected", {"text": "now"}, "status"),
        ("project add", "parse.missing_name", {"usage": "project add NAME"}, "project"),
        ("project add X color red", "parse.bad_color", {"text": "red"}, "project"),
        ("task add design", "parse.task_needs_project", {"text": "design"}, "task"),
        ("task add web/design estimate soon", "parse.bad_duration", {"text": "soon"}, "task"),
        ("client add", "parse.missing_name", {"usage": "client add NAME"}, "client"),
        ("subscribe", "parse.subscribe_what", {}, "subscribe"),
        ("project delete web", "parse.unsupported_command", {"verb": "project delete"}, "project"),
    ],
)
def test_failures(text: str, key: str, params: dict[str, str], verb: str | None) -> None:
    result = run(text)
    assert isinstance(result, ParseFailure), result
    assert (result.message_key, result.params, result.verb) == (key, params, verb)


def test_every_key_the_parser_uses_is_in_the_catalogue() -> None:
    import re
    from pathlib import Path

    import bot.commands as package

    source = "\n".join(path.read_text() for path in Path(package.__file__).parent.glob("*.py"))
    keys = set(re.findall(r'"(parse\.[a-z_.]+[a-z])"', source))
    keys |= {f"parse.period.{name}" for name in ("today", "week", "last_week", "month", "all")}
    assert keys
    for key in keys:
        for lang in ("en", "de"):
            assert t(key, lang) != key, key


def test_failure_messages_render_with_their_params() -> None:
    failing = ("strat", "log @web", "timezone Mars/Base", "edit start banana", "log 2h @web @app", "log 0m")
    for text in failing:
        result = run(text)
        assert isinstance(result, ParseFailure)
        for lang in ("en", "de"):
            message = t(result.message_key, lang, **result.params)
            assert "{" not in message and message != result.message_key


def test_parse_survives_a_broken_context() -> None:
    naive = ParseContext(now=datetime(2026, 11, 17, 15, 0), tz=BERLIN)
    op = parse("stop now", naive)
    assert isinstance(op, StopTimer) and op.at == NOW


def test_bare_edit_asks_for_the_form() -> None:
    """`edit` / `edit @2` with no field is not an error: the service answers with the edit form."""
    from bot.operations import EditEntry, EntryRef

    assert parse("edit", CTX) == EditEntry(ref=EntryRef(written=True))
    assert parse("edit @2", CTX) == EditEntry(ref=EntryRef(index=2))
