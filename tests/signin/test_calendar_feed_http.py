"""The calendar as a feed over HTTP: `feed calendar` signs in to Graph (SSO), the person's meetings of their
day show in `feed` (declined, free, cancelled and all-day ones left out), book with one tap into timeghost,
and later looks read only Graph's changes. Nothing is read before the person opts in."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakes.entra import EntraUser
from tests.http.test_teams_http import card_text
from tests.signin.test_sso_http import _exchange, _oauth_card, _texts
from tests.signin.world import SSO_RESOURCE, World, teams  # noqa: F401  (fixture)

BERLIN = ZoneInfo("Europe/Berlin")
GRAPH_SCOPE = "https://graph.microsoft.com/Calendars.Read"


def _at(world: World, hour: int, minute: int = 0, days: int = 0) -> datetime:
    today = world.clock().astimezone(BERLIN).date() + timedelta(days=days)
    return datetime.combine(today, time(hour, minute), tzinfo=BERLIN)


def _evening(world: World) -> None:
    """Sets the bot's clock to the latest 20:00 in Berlin that has passed, so the day's meetings below have
    all ended (booking one that is still running is asked, not done) whenever the suite runs: at 00:35
    the morning's meetings were still ahead and the booking was (rightly) refused."""
    local = world.clock().astimezone(BERLIN)
    day = local.date() if local.time() >= time(20) else local.date() - timedelta(days=1)
    world.now[0] = datetime.combine(day, time(20), tzinfo=BERLIN).astimezone(world.now[0].tzinfo)


def _action(card: dict[str, Any], verb: str) -> dict[str, Any]:
    """The data of the first button with `verb` for one event (not "Book all")."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if (
                node.get("type") == "Action.Execute"
                and isinstance(data, dict)
                and data.get("verb") == verb
                and "id" in data
            ):
                found.append(data)
            for key, child in node.items():
                if key != "fallback":
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card)
    assert found, f"no {verb} on the card"
    return found[0]


async def _signed_in_to_timeghost(world: World, user: EntraUser) -> None:
    card = await _oauth_card(world, user)
    assert (await _exchange(world, user, card, world.entra.sso_token(user, SSO_RESOURCE)))[0] == 200


async def test_meetings_of_the_day_in_the_feed_booked_in_one_tap(teams: World) -> None:  # noqa: F811
    world = teams
    _evening(world)
    ada = world.person("Ada")
    world.entra.consent(ada, GRAPH_SCOPE)
    graph = world.graph
    planning = graph.add_event(ada, "Sprint planning", _at(world, 9), _at(world, 10), body="Board  review")
    early = graph.add_event(
        ada, "Early call", _at(world, 0, 15), _at(world, 0, 45)
    )  # 23:15 UTC the day before
    graph.add_event(ada, "Lunch", _at(world, 12), _at(world, 13), show_as="free")
    graph.add_event(ada, "Offsite", _at(world, 0), _at(world, 0, days=1), all_day=True)
    graph.add_event(ada, "Vendor pitch", _at(world, 14), _at(world, 15), response="declined")
    graph.add_event(ada, "Cancelled 1:1", _at(world, 16), _at(world, 16, 30), cancelled=True)
    graph.add_event(ada, "Tomorrow", _at(world, 0, 30, days=1), _at(world, 1, days=1))  # 23:30 UTC today
    await _signed_in_to_timeghost(world, ada)

    assert "Sprint planning" not in card_text((await world.say(ada, "feed"))["content"])
    assert graph.requests == []  # nothing is read before the person opts in

    card = await _oauth_card(world, ada, "feed calendar")  # sign in to Outlook first (SSO)
    status, _, sent = await _exchange(world, ada, card, world.entra.sso_token(ada, SSO_RESOURCE))
    shown = _texts(sent)
    assert status == 200 and "Signed in to **Outlook** as ada@contoso.example" in shown
    assert "now show in your feed" in shown and "Sprint planning" in shown and "Early call" in shown
    for hidden in ("Lunch", "Offsite", "Vendor pitch", "Cancelled", "Tomorrow"):
        assert hidden not in shown, hidden
    assert graph.delta_calls() == ["initial"]
    assert graph.requests[0][2]["Prefer"].startswith('outlook.timezone="UTC"')

    feed = (await world.say(ada, "feed"))["content"]
    assert "Sprint planning" in card_text(feed) and graph.delta_calls() == [
        "initial"
    ]  # within a minute: kept

    book = _action(feed, "feed_book")
    assert book["id"] in (planning, early)
    times = world.timeghost.table(world.workspace, "times")
    assert times == {}
    answer = card_text((await world.say(ada, "", value=book))["content"])
    assert "Booked" in answer, answer
    (entry,) = times.values()
    meeting = (
        (_at(world, 9), _at(world, 10)) if book["id"] == planning else (_at(world, 0, 15), _at(world, 0, 45))
    )
    booked = tuple(datetime.fromisoformat(entry[k].replace("Z", "+00:00")) for k in ("start", "end"))
    assert booked == meeting and entry["name"].startswith(("Sprint planning", "Early call"))

    world.advance(minutes=2)
    graph.update_event(ada, early, subject="Early call (moved)")
    graph.delete_event(ada, planning)
    later = card_text((await world.say(ada, "feed"))["content"])
    assert graph.delta_calls() == ["initial", "delta"]
    assert "Sprint planning" not in later
    assert ("Early call (moved)" in later) != (book["id"] == early)  # booked events never come back

    assert "no longer read" in card_text((await world.say(ada, "feed calendar off"))["content"])
    world.advance(minutes=2)
    await world.say(ada, "feed")
    assert graph.delta_calls() == ["initial", "delta"]


async def test_signing_out_stops_the_calendar_and_forgets_it(teams: World) -> None:  # noqa: F811
    world = teams
    ada = world.person("Ada")
    world.entra.consent(ada, GRAPH_SCOPE)
    world.graph.add_event(ada, "Sprint planning", _at(world, 9), _at(world, 10))
    await _signed_in_to_timeghost(world, ada)
    card = await _oauth_card(world, ada, "feed calendar")
    await _exchange(world, ada, card, world.entra.sso_token(ada, SSO_RESOURCE))
    windows = world.bot.services.feed_sources[0].windows  # type: ignore[attr-defined]
    assert await windows.get(world.identity(ada), *_day(world)) is not None
    await world.say(ada, "signout")
    assert await windows.get(world.identity(ada), *_day(world)) is None
    world.advance(minutes=2)
    before = len(world.graph.requests)
    await world.say(ada, "feed")  # prompts for timeghost again; the calendar is not read
    assert len(world.graph.requests) == before


def _day(world: World) -> tuple[datetime, datetime]:
    start = _at(world, 0)
    return start.astimezone(ZoneInfo("UTC")), _at(world, 0, days=1).astimezone(ZoneInfo("UTC"))
