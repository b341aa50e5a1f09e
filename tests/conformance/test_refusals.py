"""A capability the adapter believes in but the live API refuses is turned off for that connection, said
once in the person's language, and never takes other commands down (issue 12: timeghost's working-hours
paths are not in its definition; an account whose API lacks them answered every `status` with an error).

The real bot runs against the timeghost fake with its comego routes gone (404 "Route not resolved")."""

from __future__ import annotations

from pathlib import Path

from adapters.backend import Capability
from bot.service.outcomes import ClockShown, EntryChanged, Problem, Refusal, StatusShown, SummaryShown
from tests.conformance.harnesses import HARNESSES
from tests.support.bot_driver import bot_driver


def _comego_calls(fake: object) -> int:
    return sum(1 for _, path, _ in fake.requests if "comego" in path)  # type: ignore[attr-defined]


async def test_status_keeps_working_and_says_once_that_working_hours_are_off(tmp_path: Path) -> None:
    async with HARNESSES["timeghost"](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        harness.fake.comego = False
        assert Capability.WORKING_HOURS in bot.backend.capabilities  # believed at first

        status = await bot.say("status")
        assert isinstance(status, StatusShown) and status.clock is None
        assert status.degraded == Refusal("timeghost", "working hours")
        english = str(bot.render(status))
        assert "timeghost refused working hours for your connection" in english
        assert "Everything else keeps working" in english
        german = str(bot.render(status, locale="de-DE"))
        assert "timeghost hat Arbeitszeiten für deine Verbindung abgelehnt" in german
        asked = _comego_calls(harness.fake)
        assert asked == 1

        again = await bot.say("status")  # said once: now simply without working hours, and not asked
        assert isinstance(again, StatusShown) and again.degraded is None and again.clock is None
        assert "refused" not in str(bot.render(again))
        hours = await bot.say("hours")
        assert isinstance(hours, Problem) and hours.key == "error.unsupported"
        assert "timeghost doesn't support working hours" in str(bot.render(hours))
        assert isinstance(await bot.say("week"), SummaryShown)
        assert isinstance(await bot.say("start"), EntryChanged)
        assert isinstance(await bot.say("stop"), EntryChanged)
        assert _comego_calls(harness.fake) == asked
        assert Capability.WORKING_HOURS not in (await harness.bind(bot.who)).capabilities


async def test_a_working_hours_command_hears_the_refusal_itself(tmp_path: Path) -> None:
    async with HARNESSES["timeghost"](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        harness.fake.comego = False
        came = await bot.say("come at 9")
        assert isinstance(came, Problem) and came.key == "error.refused"
        assert "timeghost refused working hours" in str(bot.render(came))
        status = await bot.say("status")
        assert isinstance(status, StatusShown) and status.degraded is None


async def test_with_its_routes_working_hours_stay_on(tmp_path: Path) -> None:
    async with HARNESSES["timeghost"](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        assert isinstance(await bot.say("come at 9"), ClockShown)
        status = await bot.say("status")
        assert isinstance(status, StatusShown) and status.clock is not None and status.degraded is None


async def test_a_spent_api_quota_says_when_to_try_again(tmp_path: Path) -> None:
    """Toggl's hourly quota (402 with `X-Toggl-Quota-Resets-In`) beyond what a turn can wait: the person
    hears which tracker and when, in their language, not "isn't answering"."""
    async with HARNESSES["toggl"](tmp_path) as harness, bot_driver(harness, tmp_path) as bot:
        harness.fake.fail_next(
            402,
            "You have hit your hourly limit for API calls.",
            headers={"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": "1500"},
            path_contains="/search/time_entries",
        )
        refused = await bot.say("report last month")
        assert isinstance(refused, Problem) and refused.key == "error.rate_limited"
        assert refused.params["minutes"] == "25" and refused.retry_command == "report last month"
        assert "Toggl Track allows no more requests for now" in str(bot.render(refused))
        assert "in 25 Min." in str(bot.render(refused, locale="de-DE"))
