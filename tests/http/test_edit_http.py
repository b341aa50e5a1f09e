"""The edit form over HTTP: project, task and tags editable (typeahead with many projects), Cancel brings back
the card the form came from (the echo with its Undo, or the `times` list), and a `times` row opens the form
inside the list instead of replacing it."""

from __future__ import annotations

from typing import Any

from tests.cards.test_forms import without_typeahead
from tests.http.test_forms_http import choice, execute, inputs, setup
from tests.http.test_teams_http import Bot, action, actions, card_text
from tests.support.cards import assert_valid_card


async def press(bot: Bot, button: dict[str, Any], values: dict[str, Any] | None = None) -> dict[str, Any]:
    """Press an Action.Execute button (with the card's inputs, as Teams sends them); the card in its place."""
    body = await execute(bot, button["verb"], {**button["data"], **(values or {})})
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    card: dict[str, Any] = body["value"]
    assert_valid_card(
        without_typeahead(card)
    )  # Teams' typeahead is beyond the 1.5 schema: checked on its own
    return card


def verbs(card: dict[str, Any]) -> list[str]:
    return [a["data"]["verb"] for a in actions(card)]


async def test_cancel_brings_the_echo_back_with_its_undo(bot: Bot) -> None:
    await setup(bot)
    echo = await bot.say("log 9:00-10:00 @website/design #meeting kickoff")
    before = card_text(echo)
    form = await press(bot, action(echo, "edit"))
    fields = inputs(form)
    assert fields["project"]["value"] == choice(form, "project", "Website")
    assert fields["task"]["value"] == choice(form, "task", "Website › Design")
    assert fields["tags"]["value"] == choice(form, "tags", "meeting")
    restored = await press(bot, action(form, "edit_cancel"))
    assert card_text(restored) == before  # the same echo, not a status or "cancelled" card
    assert action(restored, "undo")["data"] == action(echo, "undo")["data"]
    await press(bot, action(restored, "undo"))
    assert "Nothing" in card_text(await bot.say("today"))


async def test_project_task_and_tags_are_editable(bot: Bot) -> None:
    await setup(bot)
    echo = await bot.say("log 9:00-10:00 @website/design #meeting kickoff")
    form = await press(bot, action(echo, "edit"))
    values = {
        "project": choice(form, "project", "Marketing"),
        "task": choice(form, "task", "Marketing › Campaign"),
        "tags": choice(form, "tags", "deep-work"),
        "date": "2026-11-17",
        "start": "09:00",
        "end": "10:30",
        "note": "kickoff",
    }
    saved = await press(bot, action(form, "edit_save"), values)
    text = card_text(saved)
    assert "Updated: **1 h 30 min** on *Marketing › Campaign*" in text
    form = await press(bot, action(saved, "edit"))
    assert inputs(form)["tags"]["value"] == values["tags"]  # deep-work instead of meeting
    assert inputs(form)["project"]["value"] == values["project"]
    # a task of another project is refused under the task picker, nothing written
    again = await press(
        bot, action(form, "edit_save"), {**values, "task": choice(form, "task", "Website › Design")}
    )
    assert "does not belong" in card_text(again) and "edit_save" in verbs(again)
    # no tag picked: the tags go
    cleared = await press(bot, action(form, "edit_save"), {**values, "tags": ""})
    assert "value" not in inputs(await press(bot, action(cleared, "edit")))["tags"]


async def test_many_projects_are_picked_by_typeahead(bot: Bot) -> None:
    for n in range(20):
        await bot.say(f"project add Proj{n:02d}")
    echo = await bot.say("log 1h @proj07")
    form = await press(bot, action(echo, "edit"))
    project = inputs(form)["project"]
    assert project["choices.data"]["dataset"] == "projects" and project["style"] == "filtered"
    assert project["value"] == choice(form, "project", "Proj07")  # the current one stays selectable


async def test_a_times_row_opens_the_form_inside_the_list(bot: Bot) -> None:
    await setup(bot)
    await bot.say("log 9:00-10:00 @website first")
    await bot.say("log 10:00-11:00 @marketing second")
    listed = await bot.say("times")
    rows = [a for a in actions(listed) if a["data"]["verb"] == "edit"]
    assert len(rows) == 2 and all(r["data"]["back"]["kind"] == "times" for r in rows)
    plain = card_text(listed)
    opened = await press(bot, rows[1])  # the older entry: Website, "first"
    text = card_text(opened)
    assert text.startswith("Times: Today") and "second" in text and "first" in text  # the list stays
    assert inputs(opened)["note"]["value"] == "first"
    assert len([v for v in verbs(opened) if v == "edit"]) == 1  # the other row; the open one is not a button
    cancelled = await press(bot, action(opened, "edit_cancel"))
    assert card_text(cancelled) == plain and not inputs(cancelled)
    # saving from the list: the list again, the change said on top with its Undo
    opened = await press(bot, rows[1])
    saved = await press(
        bot,
        action(opened, "edit_save"),
        {
            "project": choice(opened, "project", "Website"),
            "date": "2026-11-17",
            "start": "08:30",
            "end": "10:00",
            "note": "first, longer",
        },
    )
    text = card_text(saved)
    assert text.startswith("Times: Today") and "Updated: **1 h 30 min**" in text and "first, longer" in text
    assert "undo" in verbs(saved) and not inputs(saved)


async def test_delete_from_the_list_keeps_the_list(bot: Bot) -> None:
    await setup(bot)
    await bot.say("log 9:00-10:00 @website first")
    await bot.say("log 10:00-11:00 @marketing second")
    listed = await bot.say("times")
    plain = card_text(listed)
    row = [a for a in actions(listed) if a["data"]["verb"] == "edit"][1]
    opened = await press(bot, row)
    asked = await press(bot, action(opened, "delete"))
    assert "Delete this entry?" in card_text(asked)
    kept = await press(bot, action(asked, "edit_cancel"))  # Keep: the list, as it was
    assert card_text(kept) == plain
    opened = await press(bot, row)
    asked = await press(bot, action(opened, "delete"))
    gone = await press(bot, action(asked, "delete_confirm"))
    text = card_text(gone)
    assert text.startswith("Times: Today") and "Deleted **1 h** on *Website*" in text
    assert "second" in text and "first" not in text and "**1** entry" in text
    restored = await press(bot, action(gone, "undo"))
    assert "Restored **1 h** on *Website*" in card_text(restored)


async def test_cancel_brings_a_day_summary_back(bot: Bot) -> None:
    """An entry's Edit on `today` (a summary) names that summary: Cancel shows it again."""
    await setup(bot)
    await bot.say("log 9:00-10:00 @website first")
    today = await bot.say("today")
    entry_id = action(today, "edit")["data"]["entry_id"]
    form = await press(bot, action(today, "edit"))
    assert "edit_save" in verbs(form) and not card_text(form).startswith("Times")  # a form of its own
    assert card_text(await press(bot, action(form, "edit_cancel"))) == card_text(today)
    # something else than a list operation is not run: the status, as for a card that says nothing
    odd = {"kind": "log", "duration": 3600}
    form = await press(bot, {"verb": "edit", "data": {"verb": "edit", "entry_id": entry_id, "back": odd}})
    assert "Logged" not in card_text(await press(bot, action(form, "edit_cancel")))
    assert "**1** entry" in card_text(await bot.say("times"))


async def test_no_project_removes_the_entrys_project_and_task(bot: Bot) -> None:
    """The project picker could only swap projects: a chosen project cannot be unpicked in a dropdown. Its
    "No project" choice (and an emptied typeahead) removes the project and the task picked with it."""
    await setup(bot)
    echo = await bot.say("log 9:00-10:00 @website/design kickoff")
    form = await press(bot, action(echo, "edit"))
    none = choice(form, "project", "No project")
    values = {"project": none, "task": choice(form, "task", "Website › Design"), "date": "2026-11-17"}
    values |= {"start": "09:00", "end": "10:00", "note": "kickoff"}
    saved = await press(bot, action(form, "edit_save"), values)
    text = card_text(saved)
    assert "Updated: **1 h**" in text and "Website" not in text and "Design" not in text, text
    again = await press(bot, action(saved, "edit"))
    assert inputs(again)["project"]["value"] == none  # the form says so when it opens again
    assert "Website" not in card_text(await bot.say("today"))
    assert "Website › Design" in card_text(await press(bot, action(saved, "undo")))
    # a typeahead emptied by the person sends "": the same
    form = await press(bot, action(echo, "edit"))
    saved = await press(bot, action(form, "edit_save"), {**values, "project": "", "task": ""})
    assert "Website" not in card_text(saved)
    reopened = await press(bot, action(saved, "edit"))
    assert inputs(reopened)["project"]["value"] == none


async def test_a_refused_save_keeps_what_was_entered(bot: Bot) -> None:
    """The form came back with the stored values when a save was refused, so what the person had typed was
    gone. Now every input holds what was entered, the problem marked under its field."""
    await setup(bot)
    echo = await bot.say("log 9:00-10:00 @website/design #meeting kickoff")
    form = await press(bot, action(echo, "edit"))
    entered = {
        "project": choice(form, "project", "Marketing"),
        "task": choice(form, "task", "Marketing › Campaign"),
        "tags": choice(form, "tags", "deep-work"),
        "date": "2026-11-16",
        "start": "11:15",
        "end": "12:45",
        "note": "campaign review, not the kickoff",
    }
    for refused, problem in (
        ({"tags": "no-such-tag"}, "no longer available"),  # a field the server refuses itself
        ({"date": "2026-11-20"}, "future"),  # one the service refuses
    ):
        typed = entered | refused
        again = await press(bot, action(form, "edit_save"), typed)
        assert problem in card_text(again) and "edit_save" in verbs(again), card_text(again)
        shown = inputs(again)
        for name in ("project", "task", "date", "start", "end", "note"):
            assert shown[name].get("value") == typed[name], (name, shown[name])
        if "tags" not in refused:
            assert shown["tags"]["value"] == typed["tags"]
    assert "kickoff" in card_text(await bot.say("today"))  # nothing was written
