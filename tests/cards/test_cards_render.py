"""Every card, with realistic and extreme data, in English and German: schema-valid, < 28 KB, routable."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.views.entries import Choice, EditOrigin, EntryView, NamedItem
from bot.views.forms import FormView, Option
from cards import actions as act
from cards.entry import (
    ENTRY_ACTIONS,
    delete_confirm_card,
    echo,
    echo_notice,
    edit_form_body,
    edit_form_card,
    entry_card,
)
from cards.help import GROUPS, TOPICS, help_card
from cards.lists import entries_card, list_card
from cards.messages import error_card, notice_card
from cards.pickers import choice_card, pick_project_card
from cards.summary import bar, summary_card
from cards.timer import status_card, timer_card
from tests.cards.conftest import (
    LONG_NAME,
    LONG_NOTE,
    NASTY,
    at,
    extreme_entry,
    make_entry,
    make_items,
    make_projects,
    make_summary,
    many_entries,
)
from tests.support.cards import iter_actions

Check = Callable[[dict[str, Any]], dict[str, Any]]
LOCALES = ["en", "de-DE"]


def texts_of(node: Any) -> list[dict[str, Any]]:
    """Every TextBlock of a card, however deep."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if node.get("type") == "TextBlock":
            found.append(node)
        for value in node.values():
            found += texts_of(value)
    elif isinstance(node, list):
        for value in node:
            found += texts_of(value)
    return found


def texts(card: Any) -> list[str]:
    """All TextBlock texts and fact values of a card."""
    out: list[str] = []
    if isinstance(card, dict):
        if card.get("type") == "TextBlock":
            out.append(card["text"])
        if card.get("type") == "FactSet":
            out.extend(f["value"] for f in card["facts"])
        for value in card.values():
            out.extend(texts(value))
    elif isinstance(card, list):
        for item in card:
            out.extend(texts(item))
    return out


def verbs(card: dict[str, Any]) -> list[str]:
    return [a["data"]["verb"] for a in iter_actions(card) if a["type"] == "Action.Execute"]


def finished() -> EntryView:
    return make_entry()


def running() -> EntryView:
    return make_entry(end=None, id="r1")


# --- timer / status ---------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_timer_card(check: Check, locale: str) -> None:
    card = check(
        timer_card(running(), locale, today_seconds=3 * 3600, switched_from=finished(), undo_token="u1")
    )
    assert card["refresh"]["userIds"] == []
    assert card["refresh"]["action"]["verb"] == act.REFRESH_STATUS
    assert card["msteams"] == {"width": "Full"}
    assert verbs(card).count(act.UNDO) == 1
    for verb in (act.STOP, act.SWITCH, act.REFRESH_STATUS):
        assert verb in verbs(card)
    joined = "\n".join(texts(card))
    assert "1:30" in joined and "14:00" in joined
    assert ("since 14:00" if locale == "en" else "seit 14:00") in joined


def test_timer_card_minimal_and_extreme(check: Check) -> None:
    card = check(timer_card(running(), "en"))
    assert act.UNDO not in verbs(card)
    check(
        timer_card(
            extreme_entry(end=None),
            "de",
            today_seconds=10**6,
            switched_from=extreme_entry(),
            undo_token="u" * 500,
        )
    )


def test_timer_started_yesterday_shows_the_day(check: Check) -> None:
    entry = make_entry(end=None, start=at(16, 22), duration_seconds=4 * 3600)
    card = check(timer_card(entry, "en"))
    assert "since Mon 16 Nov 22:00" in texts(card)


@pytest.mark.parametrize("locale", LOCALES)
def test_status_card(check: Check, locale: str) -> None:
    idle = check(status_card(None, locale, today_seconds=0, today_entries=0))
    commands = [a["data"]["command"] for a in iter_actions(idle) if a["data"]["verb"] == act.RUN]
    assert "start" in commands and "today" in commands
    check(status_card(None, locale, today_seconds=3600, today_entries=1))
    busy = check(status_card(None, locale, today_seconds=7 * 3600, today_entries=9))
    assert any("9" in line for line in texts(busy))
    live = check(status_card(running(), locale, today_seconds=3600, today_entries=2))
    assert act.STOP in verbs(live)


# --- entry echo, edit, delete ----------------------------------------------------------------------


def test_echo_matches_the_principle() -> None:
    assert echo("logged", finished(), "en") == (
        "Logged **1 h 30 min** to *Acme › Website › Design*, **Tue 17 Nov 14:00–15:30**."
    )
    assert echo("logged", finished(), "de") == (
        "**1 Std. 30 Min.** auf *Acme › Website › Design* erfasst, **Di. 17. Nov. 14:00–15:30**."
    )
    with pytest.raises(ValueError):
        echo("exploded", finished(), "en")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("action", ENTRY_ACTIONS)
def test_entry_card_every_action(check: Check, locale: str, action: str) -> None:
    entry = running() if action in ("started", "continued") else finished()
    card = check(entry_card(action, entry, locale, undo_token="tok"))
    v = verbs(card)
    assert act.UNDO in v
    if action in ("deleted", "cancelled"):
        assert act.EDIT not in v and act.CONTINUE not in v
    else:
        assert act.EDIT in v
        assert (act.CONTINUE in v) == (not entry.running)
        assert (act.STOP in v) == entry.running
    no_undo = check(entry_card(action, entry, locale))
    assert act.UNDO not in verbs(no_undo)


def test_entry_card_extreme_and_switch(check: Check) -> None:
    card = check(
        entry_card("started", extreme_entry(end=None), "de", undo_token="t", switched_from=extreme_entry())
    )
    joined = "\n".join(texts(card))
    assert "+80" in joined  # 100 tags: 20 shown
    check(entry_card("logged", make_entry(project=None, client=None, task=None, tags=[], note=""), "en"))
    midnight = check(entry_card("logged", extreme_entry(project="P", client=None, task=None), "en"))
    assert any("Mon 16 Nov 22:00 – Tue 17 Nov 01:30" in line for line in texts(midnight))


@pytest.mark.parametrize("locale", LOCALES)
def form_inputs(node: Any) -> dict[str, dict[str, Any]]:
    """Every input of a card by id, however deep (From/To sit side by side in columns)."""
    found: dict[str, dict[str, Any]] = {}
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Input."):
            found[node["id"]] = node
        for value in node.values():
            found |= form_inputs(value)
    elif isinstance(node, list):
        for value in node:
            found |= form_inputs(value)
    return found


def edit_options() -> FormView:
    return FormView(
        kind="log",
        today=finished().start.date(),
        projects=[Option(value="p1", title="Website"), Option(value="p2", title="Marketing")],
        tasks=[Option(value="t1", title="Design", parent="p1"), Option(value="t2", title="Ads", parent="p2")],
        tags=[Option(value="g1", title="meeting")],
        values={"project": "p1", "task": "t1", "tags": "g1"},
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_edit_form(check: Check, locale: str) -> None:
    card = check(edit_form_card(finished(), locale))
    inputs = form_inputs(card)
    assert set(inputs) == {"date", "start", "end", "note"}  # no pickers without options
    full = form_inputs(check(edit_form_card(finished(), locale, options=edit_options())))
    assert set(full) == set(act.EDIT_INPUTS)
    assert (full["project"]["value"], full["task"]["value"], full["tags"]["value"]) == ("p1", "t1", "g1")
    # every task is offered, named by its project: a static list cannot follow a changed project
    assert [c["value"] for c in full["task"]["choices"]] == ["t1", "t2"]
    assert inputs["date"]["value"] == "2026-11-17"
    assert inputs["start"]["value"] == "14:00"
    assert inputs["end"]["value"] == "15:30"
    assert inputs["end"]["isRequired"] is True
    assert inputs["note"]["value"] == "header fixes"
    assert all("label" in i for i in inputs.values())
    save = next(a for a in iter_actions(card) if a["type"] == "Action.Execute" and a["verb"] == act.EDIT_SAVE)
    assert save["data"] == {"verb": "edit_save", "entry_id": "e1"}
    assert "associatedInputs" not in save  # Save collects the inputs
    others = [a for a in iter_actions(card) if a.get("verb") not in (act.EDIT_SAVE, None)]
    assert others and all(a["associatedInputs"] == "none" for a in others)  # Cancel works on a broken form


def test_edit_form_running_and_errors(check: Check) -> None:
    card = check(
        edit_form_card(running(), "en", errors={"end": "End must be after start.", "form": "Conflict"})
    )
    end = form_inputs(card)["end"]
    assert end["isRequired"] is False and "value" not in end
    errors = [el for el in texts_of(card) if el.get("color") == "Attention"]
    assert any(el["text"] == "End must be after start." and el.get("id") == "error_end" for el in errors)
    assert any(el["text"] == "Conflict" for el in errors)
    check(
        edit_form_card(
            extreme_entry(), "de", errors={k: NASTY for k in ("date", "start", "end", "note", "x")}
        )
    )
    # the note is given back verbatim to the input (inputs are plain text, not markdown)
    note = next(el for el in edit_form_card(extreme_entry(), "en")["body"] if el.get("id") == "note")
    assert note["value"] == LONG_NOTE


@pytest.mark.parametrize("locale", LOCALES)
def test_delete_confirm(check: Check, locale: str) -> None:
    card = check(delete_confirm_card(finished(), locale))
    confirm = next(a for a in iter_actions(card) if a.get("verb") == act.DELETE_CONFIRM)
    assert confirm["data"] == {"verb": "delete_confirm", "entry_id": "e1"}
    assert len(verbs(card)) == 2
    check(delete_confirm_card(extreme_entry(), locale))


# --- summaries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_summary_day(check: Check, locale: str) -> None:
    card = check(summary_card(make_summary(days=1), locale))
    joined = "\n".join(texts(card))
    assert "6 h" in joined or "6 Std." in joined
    assert "50" in joined  # billable share
    assert ("45 min" in joined) or ("45 Min." in joined)  # gaps on a single day
    assert "█" in joined


@pytest.mark.parametrize("locale", LOCALES)
def test_summary_week_month_year_extreme(check: Check, locale: str) -> None:
    week = check(summary_card(make_summary(days=7, groups=5, by="client"), locale))
    assert len([f for f in json.dumps(week).split('"title"')]) > 7  # per-day facts
    check(
        summary_card(make_summary(days=31, groups=60, extreme=True, running=extreme_entry(end=None)), locale)
    )
    check(summary_card(make_summary(days=366, groups=500, extreme=True, by="weird*by"), locale))


@pytest.mark.parametrize("locale", LOCALES)
def test_summary_day_with_many_extreme_entries_stays_under_the_limit(check: Check, locale: str) -> None:
    entries = [extreme_entry(id=f"{i:064d}", handle=i) for i in range(1, 31)]
    view = make_summary(days=1, groups=60, extreme=True, entries=entries, more_entries=70)
    card = check(summary_card(view, locale))
    edits = [a for a in iter_actions(card) if a["data"]["verb"] == "edit"]
    assert 0 < len(edits) < 30  # as many as fit, then "…and N more" with a button to all of them
    assert any(a["data"].get("command") == "times" for a in iter_actions(card))


def test_list_card_buttons_per_project_stay_under_the_limit(check: Check) -> None:
    card = check(list_card(NASTY, make_projects(500, extreme=True), "en", actions=("start", "log", "tasks")))
    assert 0 < len(list(iter_actions(card))) <= 2 * 3 * 15  # each with its Action.Submit fallback


@pytest.mark.parametrize("locale", LOCALES)
def test_summary_empty(check: Check, locale: str) -> None:
    view = make_summary(
        days=1, groups=0, total_seconds=0, billable_seconds=0, entry_count=0, gaps_seconds=None
    )
    card = check(summary_card(view, locale))
    assert any(("Nothing tracked" in line) or ("nichts erfasst" in line) for line in texts(card))


def test_bar() -> None:
    assert bar(40) == "████░░░░░░"
    assert bar(0) == "░" * 10
    assert bar(100) == "█" * 10
    assert bar(1) == "█" + "░" * 9  # a share above zero is visible


# --- lists ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_entries_card(check: Check, locale: str) -> None:
    card = check(entries_card("Today", many_entries(5), locale, total_seconds=5 * 4500))
    joined = "\n".join(texts(card))
    assert "@1" in joined and "@5" in joined
    assert act.EDIT in verbs(card)
    empty = check(entries_card("Today", [], locale, total_seconds=0))
    assert act.EDIT not in verbs(empty)


def test_entries_of_one_day_name_the_day_once(check: Check) -> None:
    """One day's rows give only clock times (the day said once, on top): a range fits a line at 320 px."""
    entries = [e.model_copy(update={"end": e.end or e.start + timedelta(hours=1)}) for e in many_entries(4)]
    lines = texts(check(entries_card("Today", entries[:2], "en", total_seconds=9000)))
    assert "Tue 17 Nov" in lines and "08:00–09:00" in lines and "05:00–06:15" in lines
    mixed = texts(check(entries_card("This week", entries, "en", total_seconds=18000)))
    assert any(line.startswith("Mon 16 Nov") for line in mixed)  # rows of several days keep their day


@pytest.mark.parametrize("extreme", [False, True])
def test_entries_card_500(check: Check, extreme: bool) -> None:
    card = check(
        entries_card(
            LONG_NAME, many_entries(500, extreme=extreme), "en", total_seconds=500 * 4500, truncated=7
        )
    )
    joined = "\n".join(texts(card))
    shown = sum(1 for line in texts(card) if line.startswith("@"))
    assert 0 < shown <= 40
    assert f"and {507 - shown} more" in joined


@pytest.mark.parametrize("extreme", [False, True])
def test_entries_card_500_with_the_form_open_and_a_change_on_top(check: Check, extreme: bool) -> None:
    """The longest list with a row's edit form open (15 long project names, many tasks and tags) and the
    echo of a change on top still fits: rows give way to the form."""
    entries = many_entries(500, extreme=extreme)
    source = {"kind": "times", "period": {"start": "2026-11-01", "end": "2026-12-01", "name": {"key": "x"}}}
    name = LONG_NAME if extreme else "Website"
    options = FormView(
        kind="log",
        today=entries[0].start.date(),
        projects=[Option(value=f"p{i}" * 8, title=f"{name} {i}") for i in range(15)],
        tasks=[Option(value=f"t{i}" * 8, title=f"{name} {i}", parent="p0" * 8) for i in range(15)],
        tags=[Option(value=f"g{i}" * 8, title=f"{name} {i}") for i in range(30)],
        values={"project": "p0" * 8},
    )
    target = entries[3]
    form = edit_form_body(target, "en", options=options, origin=EditOrigin(back=source))
    notice = [echo_notice("edited", target, "en", undo_token="u" * 12)]
    card = check(
        entries_card(
            LONG_NAME, entries, "en", total_seconds=1, source=source, editing=(target.id, form), notice=notice
        )
    )
    assert set(form_inputs(card)) == set(act.EDIT_INPUTS)
    cancel = next(a for a in iter_actions(card) if a.get("verb") == act.EDIT_CANCEL)
    assert cancel["data"]["back"] == source and cancel["data"]["entry_id"] == target.id


@pytest.mark.parametrize("locale", LOCALES)
def test_list_card(check: Check, locale: str) -> None:
    card = check(list_card("Projects", make_projects(5), locale))
    joined = "\n".join(texts(card))
    assert "Acme" in joined and ("billable" in joined or "abrechenbar" in joined)
    check(list_card("Tags", [NamedItem(id="t", name="meeting", detail="time tag")], locale))
    empty = check(list_card("Clients", [], locale, empty_hint="Add one with **client add Acme**."))
    assert "Add one with **client add Acme**." in texts(empty)


def test_list_card_extreme(check: Check) -> None:
    card = check(list_card(NASTY, make_projects(500, extreme=True), "de"))
    assert any("weitere" in line for line in texts(card))
    check(list_card("Tasks", make_items(500, extreme=True), "en"))


# --- pickers ------------------------------------------------------------------------------------------


OP = {"kind": "start", "note": "fix header", "tags": ["a"], "at": None}


@pytest.mark.parametrize("locale", LOCALES)
def test_pick_project(check: Check, locale: str) -> None:
    card = check(pick_project_card("webiste", make_projects(3), locale, op=OP, can_create=True))
    picks = [a for a in iter_actions(card) if a["type"] == "Action.Execute" and a["verb"] == act.PICK_PROJECT]
    assert [a["data"]["project_id"] for a in picks] == ["p0", "p1", "p2"]
    assert all(a["data"]["op"] == OP for a in picks)
    create = [
        a for a in iter_actions(card) if a["type"] == "Action.Execute" and a["verb"] == act.CREATE_PROJECT
    ]
    assert create and create[0]["data"] == {"verb": "create_project", "name": "webiste", "op": OP}
    assert any("webiste" in line for line in texts(card))
    no_create = check(pick_project_card("webiste", make_projects(3), locale, op=OP, can_create=False))
    assert act.CREATE_PROJECT not in verbs(no_create)


def test_pick_project_many_and_extreme(check: Check) -> None:
    card = check(pick_project_card("web", make_projects(60), "en", op=OP, can_create=True))
    assert verbs(card).count(act.PICK_PROJECT) == 8
    assert any("52 more" in line for line in texts(card))
    big_op = {"kind": "log", "note": LONG_NOTE * 4, "tags": [f"t{i}" for i in range(100)]}
    huge = check(
        pick_project_card(
            NASTY + LONG_NAME, make_projects(60, extreme=True), "de", op=big_op, can_create=True
        )
    )
    assert 1 <= verbs(huge).count(act.PICK_PROJECT) <= 8
    assert act.CREATE_PROJECT in verbs(huge)


@pytest.mark.parametrize("locale", LOCALES)
def test_pick_project_no_candidates(check: Check, locale: str) -> None:
    card = check(pick_project_card("xyz", [], locale, op=OP, can_create=True))
    assert act.CREATE_PROJECT in verbs(card)
    only_list = check(pick_project_card("xyz", [], locale, op=OP, can_create=False))
    assert [a["data"]["command"] for a in iter_actions(only_list) if a["type"] == "Action.Execute"] == [
        "projects"
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_choice_card(check: Check, locale: str) -> None:
    choices = [
        Choice(label="90 minutes", command="log 90m @web"),
        Choice(label="90 hours", command="log 90h @web"),
    ]
    card = check(choice_card("**90**: minutes or hours?", choices, locale))
    runs = [a["data"] for a in iter_actions(card) if a["type"] == "Action.Execute"]
    assert runs == [{"verb": "run", "command": "log 90m @web"}, {"verb": "run", "command": "log 90h @web"}]
    check(choice_card("?", [Choice(label=LONG_NAME, command=LONG_NOTE) for _ in range(20)], locale))
    check(choice_card("?", [], locale))


# --- messages and help --------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_error_and_notice(check: Check, locale: str) -> None:
    card = check(
        error_card(
            "The backend did not answer.", locale, hint="Try again in a minute.", retry_command="today"
        )
    )
    assert [a["data"] for a in iter_actions(card) if a["type"] == "Action.Execute"] == [
        {"verb": "run", "command": "today"}
    ]
    assert "Traceback" not in json.dumps(card)
    check(error_card("x", locale))
    notice = check(
        notice_card("Time zone set to **Europe/Berlin**.", locale, facts=[("Zone", "Europe/Berlin")])
    )
    assert notice["body"][0]["text"] == "Time zone set to **Europe/Berlin**."
    check(notice_card(LONG_NOTE, locale, facts=[(NASTY, LONG_NOTE)] * 10))


@pytest.mark.parametrize("locale", LOCALES)
def test_help_overview(check: Check, locale: str) -> None:
    card = check(help_card(locale))
    commands = [a["data"]["command"] for a in iter_actions(card) if a["data"]["verb"] == act.RUN]
    today = "today" if locale == "en" else "heute"  # the examples are in the reader's language
    assert "start @website" in commands and today in commands
    groups = [b["text"] for b in card["body"] if b.get("weight") == "Bolder" and b.get("separator")]
    assert len(groups) == len(GROUPS)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    "topic",
    [*TOPICS, "resume", "tz", "add", "remove", "week", "HELP-NOPE", "**x**"],
)
def test_help_topics(check: Check, locale: str, topic: str) -> None:
    card = check(help_card(locale, topic))
    joined = "\n".join(texts(card))
    assert "card.help" not in joined  # every key resolved
    if topic == "**x**":
        assert "\\*\\*x\\*\\*" in joined


def test_required_help_topics_exist() -> None:
    for topic in (
        "start",
        "stop",
        "log",
        "edit",
        "delete",
        "undo",
        "times",
        "summary",
        "projects",
        "timezone",
    ):
        assert topic in TOPICS


# --- property: any entry renders into valid cards --------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.support.cards import assert_routable, assert_valid_card  # noqa: E402

_names = st.one_of(st.none(), st.text(min_size=1, max_size=250))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    project=_names,
    client=_names,
    task=_names,
    note=st.text(max_size=600),
    tags=st.lists(st.text(min_size=1, max_size=60), max_size=120),
    minutes=st.integers(min_value=0, max_value=60 * 30),
    is_running=st.booleans(),
    locale=st.sampled_from(["en", "de", "fr-FR", ""]),
)
def test_any_entry_renders(
    project: str | None,
    client: str | None,
    task: str | None,
    note: str,
    tags: list[str],
    minutes: int,
    is_running: bool,
    locale: str,
) -> None:
    start = at(17, 23, 10)
    end = None if is_running else start + timedelta(minutes=minutes)
    entry = make_entry(
        project=project,
        client=client,
        task=task,
        note=note,
        tags=tags,
        end=end,
        duration_seconds=minutes * 60,
    )
    for card in (
        entry_card("logged", entry, locale, undo_token="u"),
        timer_card(entry, locale, today_seconds=minutes * 60),
        edit_form_card(entry, locale),
        delete_confirm_card(entry, locale),
        entries_card("p", [entry] * 2, locale, total_seconds=minutes * 120),
    ):
        assert_valid_card(card)
        assert_routable(card)


def test_edit_form_keeps_a_long_note_whole(check: Check) -> None:
    note = "x" * 8000
    card = check(edit_form_card(make_entry(note=note), "en"))
    assert next(el for el in card["body"] if el.get("id") == "note")["value"] == note
