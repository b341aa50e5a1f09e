"""The shared HTTP client against a scripted server on loopback: retries, budgets, error mapping, escaping."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from adapters.errors import NotFound, RateLimited, Unauthorized, Unavailable, ValidationFailed
from adapters.http import ApiClient, CallBudget, RetryPolicy, odata_string, segment

FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.02, max_retry_after=1.0, deadline=5.0)


class Script:
    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str], Any]] = []
        self.seen: list[tuple[str, str, str]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.seen.append((request.method, request.raw_path, request.headers.get("Authorization", "")))
        status, headers, body = self.answers.pop(0) if self.answers else (200, {}, {"ok": True})
        if isinstance(body, bytes):  # not JSON: what a captive proxy or a maintenance page sends
            return web.Response(body=body, status=status, headers=headers)
        return web.json_response(body, status=status, headers=headers)


@pytest.fixture
async def server() -> AsyncIterator[tuple[Script, str]]:
    script = Script()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", script.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield script, f"http://127.0.0.1:{port}/api"
    await runner.cleanup()


async def test_retries_429_honouring_retry_after_then_succeeds(server: tuple[Script, str]) -> None:
    script, url = server
    script.answers = [
        (429, {"Retry-After": "0"}, {"message": "slow down"}),
        (503, {}, {}),
        (200, {}, {"id": 1}),
    ]
    client = ApiClient(url, name="fake", retry=FAST)
    assert await client.json("GET", "items") == {"id": 1}
    assert client.calls == 3 and [s[1] for s in script.seen] == ["/api/items"] * 3
    await client.aclose()


async def test_post_is_not_repeated_after_a_5xx_but_is_after_429(server: tuple[Script, str]) -> None:
    script, url = server
    client = ApiClient(url, name="fake", retry=FAST)
    script.answers = [(503, {}, {"message": "down"})]
    with pytest.raises(Unavailable):
        await client.json("POST", "items", json={"name": "x"})
    assert len(script.seen) == 1  # the server may have created it: no blind repeat
    script.answers = [(429, {"Retry-After": "0"}, {}), (201, {}, {"id": 2})]
    assert await client.json("POST", "items", json={"name": "x"}) == {"id": 2}
    await client.aclose()


async def test_toggl_quota_402_waits_for_resets_in(server: tuple[Script, str]) -> None:
    script, url = server
    script.answers = [
        (402, {"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": "0"}, "quota"),
        (200, {}, []),
    ]
    client = ApiClient(url, name="fake", retry=FAST)
    assert await client.json("GET", "me/time_entries") == []
    script.answers = [(402, {"X-Toggl-Quota-Resets-In": "3600"}, "quota")]
    with pytest.raises(RateLimited) as caught:
        await client.json("GET", "me/time_entries")
    assert caught.value.retry_after == 3600  # too long to wait inline: the caller is told when
    await client.aclose()


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, Unauthorized), (404, NotFound), (400, ValidationFailed), (422, ValidationFailed)],
)
async def test_errors_map_to_domain_errors_with_the_apis_message(
    server: tuple[Script, str], status: int, error: type[Exception]
) -> None:
    script, url = server
    script.answers = [(status, {}, {"message": f"nope {status}"})]
    client = ApiClient(url, name="fake", retry=FAST)
    with pytest.raises(error, match=f"nope {status}"):
        await client.json("GET", "x")
    assert len(script.seen) == 1
    await client.aclose()


async def test_unreachable_server_is_unavailable_after_retries() -> None:
    client = ApiClient("http://127.0.0.1:9/api", name="nowhere", retry=FAST)
    with pytest.raises(Unavailable, match="unreachable"):
        await client.json("POST", "items", json={})
    assert client.calls == FAST.attempts  # never connected, so even a POST is safe to repeat
    await client.aclose()


async def test_budget_spaces_calls() -> None:
    budget = CallBudget(3, 0.2)
    loop = asyncio.get_running_loop()
    start = loop.time()
    for _ in range(7):
        await budget.acquire()
    assert loop.time() - start >= 0.4  # 7 calls at 3 per 0.2 s need two waits


async def test_path_segments_and_odata_literals_are_escaped(server: tuple[Script, str]) -> None:
    script, url = server
    client = ApiClient(url, name="fake", retry=FAST)
    await client.json("GET", f"projects/{segment('a/b?c=d')}")
    assert script.seen[-1][1] == "/api/projects/a%2Fb%3Fc%3Dd"
    assert odata_string("O'Brien") == "'O''Brien'"
    await client.aclose()


async def test_an_answer_that_is_not_json_is_unavailable_and_an_empty_one_is_none(
    server: tuple[Script, str],
) -> None:
    script, url = server
    script.answers = [(200, {"Content-Type": "text/html"}, b"<html>maintenance</html>"), (200, {}, b"")]
    client = ApiClient(url, name="fake", retry=FAST)
    with pytest.raises(Unavailable, match="fake sent a response that is not JSON"):
        await client.json("GET", "items")
    assert await client.json("GET", "items") is None
    await client.aclose()
