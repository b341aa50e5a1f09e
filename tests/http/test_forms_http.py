"""Card forms over HTTP: open the log form, submit with a problem (same form back, values kept), submit valid
(entry + echo + Undo), typeahead invokes for projects and tasks, the settings form, and a German user."""

from __future__ import annotations

import json
from typing import Any

from tests.http.test_teams_http import Bot, action, card_text
from tests.support.harness import activity_json


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input."):
                found[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def choice(card: dict[str, Any], field: str, title: str) -> str:
    return next(c["value"] for c in inputs(card)[field]["choices"] if c["title"] == title)


async def execute(bot: Bot, verb: str, data: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """Press an Action.Execute button with the card's input values merged into its data (as Teams does)."""
    status, body = await bot.post(
        activity_json(
            kind="invoke",
            invoke_name="adaptiveCard/action",
            service_url=bot.service_url,
            value={"action": {"type": "Action.Execute", "verb": verb, "data": {"verb": verb, **data}}},
            **kw,
        )
    )
    assert status == 200 and body["statusCode"] == 200, body
    return body  # type: ignore[no-any-return]


async def search(
    bot: Bot, dataset: str, query: str, data: dict[str, Any] | None = None, *, values: bool = False
) -> list[str]:
    value: dict[str, Any] = {"queryText": query, "queryOptions": {"skip": 0, "top": 15}, "dataset": dataset}
    if data is not None:
        value["data"] = data
    status, body = await bot.post(
        activity_json(
            kind="invoke", invoke_name="application/search", service_url=bot.service_url, value=value
        )
    )
    assert status == 200 and body["type"] == "application/vnd.microsoft.search.searchResponse"
    results = body["value"]["results"]
    assert len(results) <= 15
    return [r["value" if values else "title"] for r in results]


async def setup(bot: Bot) -> None:
    for command in (
        "project add Website",
        "project add Marketing",
        "task add website/Design",
        "task add website/Backend",
        "task add marketing/Campaign",
        "tag add meeting",
        "tag add deep-work",
    ):
        await bot.say(command)


async def test_log_form_round_trip(bot: Bot) -> None:
    await setup(bot)
    form = await bot.say("log")
    assert set(inputs(form)) >= {"project", "task", "date", "start", "end", "duration", "tags", "billable"}
    website = choice(form, "project", "Website")
    marketing = choice(form, "project", "Marketing")
    campaign = choice(form, "task", "Marketing › Campaign")
    meeting = choice(form, "tags", "meeting")
    entered = {
        "project": website,
        "task": campaign,  # belongs to Marketing, not Website
        "date": "2026-11-17",
        "start": "14:00",
        "end": "13:00",
        "duration": "",
        "tags": meeting,
        "billable": "true",
        "note": "kickoff",
    }
    body = await execute(bot, "log_save", entered)
    assert body["type"] == "application/vnd.microsoft.card.adaptive"  # the same form, in place
    again = body["value"]
    kept = inputs(again)
    assert kept["project"]["value"] == website and kept["task"]["value"] == campaign
    assert kept["start"]["value"] == "14:00" and kept["end"]["value"] == "13:00"
    assert kept["note"]["value"] == "kickoff" and kept["tags"]["value"] == meeting
    assert kept["billable"]["value"] == "true"
    text = card_text(again)
    assert "Please check the highlighted fields" in text and "does not belong" in text
    assert "Logged" not in card_text(await bot.say("today")) and "Nothing" in card_text(
        await bot.say("today")
    )

    # fix the task; the end before the start is now the service's objection, marked under End
    body = await execute(bot, "log_save", {**entered, "project": marketing})
    again = body["value"]
    assert "must come after the start" in card_text(again)
    assert any(b.get("id") == "error_end" for b in _blocks(again))

    # an end still in the future is refused like a typed one, marked under End
    body = await execute(bot, "log_save", {**entered, "project": marketing, "end": "15:30"})
    again = body["value"]
    assert "still in the future" in card_text(again)
    assert any(b.get("id") == "error_end" for b in _blocks(again))

    body = await execute(bot, "log_save", {**entered, "project": marketing, "end": "15:00"})
    echo = body["value"]
    assert "Logged **1 h**" in card_text(echo) and "Marketing › Campaign" in card_text(echo)
    undo = action(echo, "undo")
    today = card_text(await bot.say("today"))
    assert "1 h" in today and "Marketing" in today
    await execute(bot, "undo", {"token": undo["data"]["token"]})
    assert "Nothing" in card_text(await bot.say("today"))


async def test_log_form_by_duration_and_errors(bot: Bot) -> None:
    await setup(bot)
    form = await bot.say("add")
    website = choice(form, "project", "Website")
    body = await execute(bot, "log_save", {"project": website, "date": "2026-11-17", "duration": "90"})
    assert "90m or 90h" in card_text(body["value"])
    body = await execute(bot, "log_save", {"project": website, "date": "2026-11-17"})
    assert "Enter a duration, or both From and To" in card_text(body["value"])
    body = await execute(bot, "log_save", {"project": website, "date": "2026-12-24", "duration": "1h"})
    assert "in the future" in card_text(body["value"])
    body = await execute(bot, "log_save", {"project": "gone", "date": "2026-11-17", "duration": "1h"})
    assert "no longer available" in card_text(body["value"])
    body = await execute(bot, "log_save", {"project": website, "date": "2026-11-16", "duration": "1,5 Std"})
    assert "Logged **1 h 30 min** to *Website*" in card_text(body["value"])


async def test_log_form_via_submit_replaces_the_form(bot: Bot) -> None:
    await setup(bot)
    form = await bot.say("log")
    website = choice(form, "project", "Website")
    before = len(bot.connector.messages)
    data = {"verb": "log_save", "project": website, "date": "2026-11-17", "duration": "45m"}
    status, _ = await bot.post(activity_json(value=data, service_url=bot.service_url, reply_to_id="form-1"))
    assert status in (200, 201)
    update = bot.connector.messages[before]
    assert update.method == "PUT" and update.path.endswith("/activities/form-1")
    assert "45 min" in card_text(update.json["attachments"][0]["content"])


async def test_start_form_and_buttons(bot: Bot) -> None:
    await setup(bot)
    status = await bot.say("status")
    action(status, "log_form")
    help_card = await bot.say("help")
    action(help_card, "log_form")
    before = len(bot.connector.messages)
    body = await execute(bot, "start_form", {})
    assert body["type"] == "application/vnd.microsoft.activity.message"
    form = bot.connector.messages[before].json["attachments"][0]["content"]
    assert "duration" not in inputs(form)
    design = choice(form, "task", "Website › Design")  # a task alone names its project
    body = await execute(bot, "start_save", {"task": design, "note": "header", "billable": "default"})
    text = card_text(body["value"])
    assert "Website › Design" in text and "header" in text


async def test_typeahead_projects_and_tasks(bot: Bot) -> None:
    for i in range(20):
        await bot.say(f"project add Client-{chr(65 + i)}")
    await setup(bot)
    await bot.say("task add website/Deploy")
    await bot.say("log 1h @client-r")
    bot.harness.advance(hours=2)
    await bot.say("log 1h @marketing")
    form = await bot.say("log")
    project = inputs(form)["project"]
    assert project["choices.data"]["dataset"] == "projects"  # 22 projects: typeahead
    assert [c["title"] for c in project["choices"]][:2] == ["Marketing", "Client-R"]  # recent first

    assert (await search(bot, "projects", ""))[:2] == ["Marketing", "Client-R"]
    titles = await search(bot, "projects", "client")
    assert titles[0] == "Client-R" and len(titles) == 15  # recent use wins among equals
    assert (await search(bot, "projects", "webs"))[0] == "Website"
    assert await search(bot, "projects", "zzqx") == []

    website = (await search(bot, "projects", "website", values=True))[0]
    tasks = await search(bot, "tasks", "", {"project": website, "note": ""})
    assert sorted(tasks) == ["Backend", "Deploy", "Design"]
    assert (await search(bot, "tasks", "depl", {"project": website}))[0] == "Deploy"
    assert "Campaign" not in await search(bot, "tasks", "camp", {"project": website})
    assert await search(bot, "tasks", "camp") == ["Marketing › Campaign"]  # no project chosen: all, named
    assert await search(bot, "tags", "deep") == ["deep-work"]


async def test_settings_form(bot: Bot) -> None:
    await bot.say("project add Website")  # the first user of a workspace is its admin
    card = await bot.say("settings")
    fields = inputs(card)
    assert {"timezone", "timezone_other", "admin_only_master_data", "weekly_target_hours"} <= set(fields)
    body = await execute(
        bot,
        "settings_save",
        {"timezone": "Europe/Berlin", "timezone_other": "Mars/Base", "weekly_target_hours": "38,5"},
    )
    kept = inputs(body["value"])
    assert kept["timezone_other"]["value"] == "Mars/Base" and "Mars/Base" in card_text(body["value"])
    body = await execute(
        bot,
        "settings_save",
        {
            "timezone": "Europe/Berlin",
            "timezone_other": "america/chicago",
            "weekly_target_hours": "38,5",
            "admin_only_master_data": "true",
        },
    )
    saved = json.dumps(body["value"])
    assert "Settings saved" in saved and "America/Chicago" in saved and "38\\\\.5" in saved
    reopened = inputs(await bot.say("settings"))
    assert reopened["weekly_target_hours"]["value"] == 38.5
    assert reopened["admin_only_master_data"]["value"] == "true"
    prefs = await bot.harness.services.store.get_prefs("tenant-1", "user-1")
    assert prefs.timezone == "America/Chicago"

    other = await bot.say("settings", user="user-2", name="Grace")
    assert "weekly_target_hours" not in inputs(other)  # not an admin
    body = await execute(bot, "settings_save", {"weekly_target_hours": "1"}, user="user-2", name="Grace")
    assert "Only workspace admins" in card_text(body["value"])


async def test_status_in_a_channel_refreshes_for_the_sender_only(bot: Bot) -> None:
    channel = {"conversation_type": "channel", "conversation_id": "19:abc@thread.tacv2"}
    card = await bot.say("status", **channel)
    assert card["refresh"]["userIds"] == ["29:user-1"]
    assert card["refresh"]["action"]["verb"] == "refresh_status"
    personal = await bot.say("status")
    assert personal["refresh"]["userIds"] == []


async def test_a_german_user_tracks_time(bot: Bot) -> None:
    de = {"locale": "de-DE"}
    assert "Projekt" in card_text(await bot.say("project add Website", **de))
    started = card_text(await bot.say("start @website um 9", **de))
    assert "Timer läuft" in started and "Website" in started
    stopped = card_text(await bot.say("stopp", **de))
    assert "gestoppt" in stopped and "6 Std." in stopped
    logged = card_text(await bot.say("log 1,5 Std @web gestern", **de))
    assert "**1 Std. 30 Min.** auf *Website* erfasst" in logged and "Mo. 16. Nov." in logged
    assert "Gesamt" in card_text(await bot.say("letzte Woche", **de)) or "Letzte Woche" in card_text(
        await bot.say("letzte Woche", **de)
    )
    form = await bot.say("log", **de)
    assert "Zeit erfassen" in card_text(form) and inputs(form)["project"]["label"] == "Projekt"
    body = await execute(bot, "log_save", {"date": "2026-11-17"}, **de)
    assert "Bitte eine Dauer oder Von und Bis angeben" in card_text(body["value"])
    assert "Was ich kann" in card_text(await bot.say("hilfe", **de))


def _blocks(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if node.get("type") == "TextBlock" else []
        return own + [b for v in node.values() for b in _blocks(v)]
    if isinstance(node, list):
        return [b for v in node for b in _blocks(v)]
    return []
