"""The aiohttp app: `POST /api/messages` (Bot Framework activities), `GET /healthz`, `GET /files/{token}`,
`POST /api/webhooks/{backend}/{subscription}` (tracker webhooks).

Our own request handler, not `CloudAdapter.process` (which answers 500 to every invoke with a body in
botbuilder 4.17.1): check the content type, authenticate the Bot Framework JWT (outside local mode), parse
the activity into `bot.activity.Activity`, run the `TurnHandler`, send its messages through the pooled
connector, then answer — the invoke response for invokes, an empty 200 otherwise.

Replies are sent *before* the HTTP answer: the reply reaches the user just as fast either way, the order of
a conversation's messages is kept, and nothing is lost if the process stops after answering (Teams redelivers
an activity that got no answer). The sends have a bounded retry budget, well under Teams' request timeout.
"""

from __future__ import annotations

import asyncio
import codecs
import gc
import inspect
import ipaddress
import logging
import re
from collections.abc import Mapping
from typing import Any

import pydantic_core
from aiohttp import web

from bot.activity import Activity, OutgoingMessage, TurnResult
from bot.app import AuthPages, DeliveryFailed, TurnHandler, WebhookReceiver, WebPage
from bot.reports.files import FileStore, LinkRefused, file_store_from_settings
from bot.reports.xlsx import XLSX_CONTENT_TYPE
from bot.settings import ConfigError, Settings
from bot.transport.auth import AuthError, InboundAuthenticator
from bot.transport.connector import ConnectorClient, ConnectorError
from bot.transport.feed_routes import add_feed_routes
from bot.transport.redact import RedactingAccessLogger, configure_logging

log = logging.getLogger(__name__)

HANDLER_KEY = web.AppKey("timebot_handler", object)
CONNECTOR_KEY = web.AppKey("timebot_connector", ConnectorClient)

APOLOGY = "Something went wrong on my side; nothing you entered was lost. Please try again in a moment."
NO_CONTENT = {"Content-Length": "0"}


def _json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class MessagesEndpoint:
    """`POST /api/messages`."""

    def __init__(
        self,
        handler: TurnHandler,
        connector: ConnectorClient,
        authenticator: InboundAuthenticator | None,
        *,
        send_before_answer: bool = True,
    ) -> None:
        self._handler = handler
        self._connector = connector
        self._auth = authenticator
        self._send_before_answer = send_before_answer
        self._background: set[asyncio.Task[None]] = set()

    async def drain(self, within: float = 10.0) -> None:
        """Wait for replies still being sent in the background (`send_before_answer=False`)."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=within)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.content_type != "application/json":
            return _json_error(415, "Content-Type must be application/json")
        auth_header = request.headers.get("Authorization")
        if self._auth is not None and not auth_header:
            log.info("401: missing Authorization header from %s", request.remote)
            return _json_error(401, "unauthorized")
        raw = await request.read()
        if raw.startswith(codecs.BOM_UTF8):  # json.loads took one; pydantic_core does not
            raw = raw[3:]
        try:
            body = pydantic_core.from_json(raw)  # as json.loads, in half the time
        except (ValueError, RecursionError):  # includes invalid UTF-8 and absurd nesting
            return _json_error(400, "body is not valid JSON")
        if not isinstance(body, dict):
            return _json_error(400, "body must be a JSON object")
        if not isinstance(body.get("type"), str) or not body["type"]:
            return _json_error(400, "activity has no type")
        service_url = body.get("serviceUrl")
        if not isinstance(service_url, str) or not service_url:
            return _json_error(400, "activity has no serviceUrl")
        if self._auth is not None:
            channel_id = body.get("channelId")
            try:
                await self._auth.authenticate(
                    auth_header,
                    channel_id=channel_id if isinstance(channel_id, str) else None,
                    service_url=service_url,
                )
            except AuthError as exc:
                log.info("401: %s", exc)
                return _json_error(401, "unauthorized")
        try:
            activity = Activity.model_validate(body)
        except ValueError as exc:  # pydantic.ValidationError
            fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in getattr(exc, "errors", list)()[:5])
            return _json_error(400, f"malformed activity ({fields or 'invalid'})")
        return await self._turn(activity)

    async def _turn(self, activity: Activity) -> web.StreamResponse:
        is_invoke = activity.type == "invoke"
        try:
            result = await self._handler.handle(activity)
            if not isinstance(result, TurnResult):
                raise TypeError(f"handler returned {type(result).__name__}, not TurnResult")
        except Exception:
            log.exception("turn failed (activity type=%s name=%s)", activity.type, activity.name)
            return await self._failed_turn(activity)
        if self._send_before_answer:
            for message in result.messages:
                await self._send(activity, message)
        elif result.messages:
            task = asyncio.create_task(self._send_all(activity, result.messages))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
        if is_invoke and result.invoke is not None:
            if result.invoke.body is None:
                return web.Response(status=result.invoke.status, headers=NO_CONTENT)
            return web.json_response(result.invoke.body, status=result.invoke.status)
        return web.Response(status=200, headers=NO_CONTENT)

    async def _send_all(self, activity: Activity, messages: list[OutgoingMessage]) -> None:
        for message in messages:
            await self._send(activity, message)

    async def _send(self, activity: Activity, message: OutgoingMessage) -> bool:
        try:
            await self._connector.send(activity, message)
        except Exception as exc:
            log.error("could not send a reply into the conversation: %s", exc)
            return False
        return True

    async def _failed_turn(self, activity: Activity) -> web.StreamResponse:
        name = activity.name or ""
        if activity.type == "invoke" and name == "adaptiveCard/action":
            # Universal Actions error response: Teams shows the message on the card.
            return web.json_response(
                {
                    "statusCode": 500,
                    "type": "application/vnd.microsoft.error",
                    "value": {"code": "InternalError", "message": APOLOGY},
                }
            )
        if activity.type == "message" or (activity.type == "invoke" and name != "application/search"):
            await self._send(activity, OutgoingMessage(text=APOLOGY))
        if activity.type == "invoke":
            return _json_error(500, "internal error")
        # The apology was sent; a non-2xx answer would only make the channel redeliver the activity.
        return web.Response(status=200, headers=NO_CONTENT)


WEBHOOK_MAX_BYTES = 256 * 1024  # real deliveries are a few KB; a larger body is refused with 413


class WebhookEndpoint:
    """`POST /api/webhooks/{backend}/{subscription}`: the raw body (at most `WEBHOOK_MAX_BYTES`) to the
    handler's `receive_webhook`. No Bot Framework JWT here: each backend authenticates its own way."""

    def __init__(self, handler: object, max_bytes: int = WEBHOOK_MAX_BYTES) -> None:
        self._handler = handler
        self._max = max_bytes

    async def handle(self, request: web.Request) -> web.StreamResponse:
        receiver = self._handler
        if not isinstance(receiver, WebhookReceiver):
            return _json_error(404, "webhooks are not enabled")
        if request.content_length is not None and request.content_length > self._max:
            log.info("413: webhook body of %d bytes", request.content_length)
            return _json_error(413, "body too large")
        body = bytearray()
        while chunk := await request.content.read(64 * 1024):
            body.extend(chunk)
            if len(body) > self._max:
                log.info("413: webhook body over %d bytes", self._max)
                return _json_error(413, "body too large")
        status, answer = await receiver.receive_webhook(
            request.match_info["backend"],
            request.match_info["subscription"],
            {k.lower(): v for k, v in request.headers.items()},
            bytes(body),
            str(request.rel_url),
        )
        if answer is None:
            return web.Response(status=status, headers=NO_CONTENT)
        return web.json_response(answer, status=status)


class FileDownloads:
    """`GET /files/{token}?u=…&e=…&sig=…`: a report's signed single-use download (see `bot.reports.files`).

    403 for a tampered or malformed link, 410 for an expired one, 404 once the file was downloaded. The file
    is streamed from disk and deleted only after it was sent completely.
    """

    def __init__(self, settings: Settings, files: FileStore | None) -> None:
        self._settings = settings
        self._files = files

    def _store(self) -> FileStore:
        if self._files is None:  # made on first use: the data dir and key are only needed if links are used
            self._files = file_store_from_settings(self._settings)
        return self._files

    async def handle(self, request: web.Request) -> web.StreamResponse:
        store = self._store()
        query = request.query
        owner = query.get("u", "")
        try:
            store.verify(request.match_info["token"], owner, query.get("e", ""), query.get("sig", ""))
            claimed = store.claim(request.match_info["token"], owner=owner)
        except LinkRefused as refused:
            log.info("file link refused (%d): %s", refused.status, refused.reason)
            return web.Response(status=refused.status, text=refused.reason, headers=_FILE_HEADERS)
        filename = re.sub(r"[^A-Za-z0-9._-]", "_", claimed.stored.filename) or "report.xlsx"
        response = web.StreamResponse(
            headers={
                **_FILE_HEADERS,
                "Content-Type": XLSX_CONTENT_TYPE,
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Content-Length": str(claimed.stored.size),
            }
        )
        delivered = False
        try:
            await response.prepare(request)
            with claimed.path.open("rb") as handle:
                while chunk := await asyncio.to_thread(handle.read, 256 * 1024):
                    await response.write(chunk)
            await response.write_eof()
            delivered = True
        finally:
            store.release(claimed, delivered=delivered)
        return response


_FILE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
}


class SignInLinks:
    """`GET /auth/start` and `GET|POST /auth/callback` (sign-in links; Entra answers with a form POST)."""

    def __init__(self, handler: Any) -> None:
        self._handler = handler

    def _pages(self) -> AuthPages | None:
        pages: AuthPages | None = getattr(self._handler, "auth_pages", None)
        return pages

    @staticmethod
    def _answer(page: WebPage) -> web.Response:
        if page.location is not None:
            return web.Response(status=page.status, headers={**_PAGE_HEADERS, "Location": page.location})
        return web.Response(
            status=page.status, text=page.html or "", content_type="text/html", headers=_PAGE_HEADERS
        )

    async def start(self, request: web.Request) -> web.StreamResponse:
        pages = self._pages()
        if pages is None:
            return web.Response(status=404, headers=_PAGE_HEADERS)
        return self._answer(await pages.start(dict(request.query)))

    async def callback(self, request: web.Request) -> web.StreamResponse:
        pages = self._pages()
        if pages is None:
            return web.Response(status=404, headers=_PAGE_HEADERS)
        params = dict(request.query)
        if request.method == "POST":
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
        return self._answer(await pages.callback(params))


async def _healthz(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_web_app(
    settings: Settings,
    handler: TurnHandler,
    *,
    connector: ConnectorClient | None = None,
    authenticator: InboundAuthenticator | None = None,
    send_before_answer: bool = True,
    files: FileStore | None = None,
) -> web.Application:
    """The bot's aiohttp app. Outside local mode every activity must carry a valid Bot Framework JWT.

    `send_before_answer=False` answers the HTTP request first and sends the replies in the background
    (lower HTTP latency; replies still leave in order per turn and are drained on shutdown, but one that is
    in flight when the process dies is lost). The default sends first. `files` is the report store behind
    `GET /files/{token}` (default: the one in the data dir, made on first use).
    """
    if connector is None:
        connector = ConnectorClient.from_settings(settings)
    if authenticator is None and not settings.local_mode:
        authenticator = InboundAuthenticator(settings)
    app = web.Application(client_max_size=1024 * 1024)
    app[HANDLER_KEY] = handler
    app[CONNECTOR_KEY] = connector
    endpoint = MessagesEndpoint(handler, connector, authenticator, send_before_answer=send_before_answer)
    app.router.add_post("/api/messages", endpoint.handle)
    app.router.add_get("/healthz", _healthz)
    app.router.add_post("/api/webhooks/{backend}/{subscription}", WebhookEndpoint(handler).handle)
    # No HEAD: a link checker's HEAD must not use up the single download.
    app.router.add_get("/files/{token}", FileDownloads(settings, files).handle, allow_head=False)
    links = SignInLinks(handler)
    app.router.add_get("/auth/start", links.start, allow_head=False)
    app.router.add_get("/auth/callback", links.callback, allow_head=False)
    app.router.add_post("/auth/callback", links.callback)
    add_feed_routes(app, lambda: getattr(handler, "feed_api", None), settings.effective_public_url)

    async def _startup(_app: web.Application) -> None:
        use_sender = getattr(handler, "use_sender", None)
        if use_sender is not None:
            use_sender(ProactiveConnectorSender(connector))
        await handler.startup()

    async def _cleanup(_app: web.Application) -> None:
        try:
            await endpoint.drain()
            await handler.shutdown()
        finally:
            await connector.close()

    app.on_startup.append(_startup)
    app.on_cleanup.append(_cleanup)
    return app


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind_address(settings: Settings) -> None:
    if settings.local_mode and not is_loopback_host(settings.host):
        raise ConfigError(
            f"refusing to listen on {settings.host} without authentication: local mode (no MicrosoftAppId) "
            "only binds to loopback (127.0.0.1, ::1, localhost); set MicrosoftAppId/MicrosoftAppPassword "
            "to serve other hosts"
        )


class ProactiveConnectorSender:
    """`bot.app.ProactiveSender` over the pooled connector: posts into a stored conversation reference."""

    def __init__(self, connector: ConnectorClient) -> None:
        self._connector = connector

    async def __call__(self, reference: dict[str, Any], message: OutgoingMessage) -> str | None:
        try:
            return await self._connector.send(Activity.from_reference(reference), message)
        except ConnectorError as exc:
            raise DeliveryFailed(str(exc), status=exc.status, retry_after=exc.retry_after) from exc

    async def personal_reference(self, reference: dict[str, Any]) -> dict[str, Any]:
        """`bot.app.PersonalChats`: `POST /v3/conversations` with the user (Teams returns the existing 1:1
        chat if there is one), as a reference to post into."""
        service_url = reference.get("serviceUrl")
        user, bot = reference.get("user") or {}, reference.get("bot") or {}
        conversation = reference.get("conversation") or {}
        tenant = conversation.get("tenantId")
        if not isinstance(service_url, str) or not user.get("id") or not bot.get("id"):
            raise DeliveryFailed("the reference has no serviceUrl, user or bot")
        parameters: dict[str, Any] = {
            "isGroup": False,
            "bot": {"id": bot["id"], "name": bot.get("name")},
            "members": [{"id": user["id"]}],
            "tenantId": tenant,
            "channelData": {"tenant": {"id": tenant}},
        }
        try:
            conversation_id = await self._connector.create_conversation(service_url, parameters)
        except ConnectorError as exc:
            raise DeliveryFailed(str(exc), status=exc.status, retry_after=exc.retry_after) from exc
        if not conversation_id:
            raise DeliveryFailed("Teams created no conversation")
        return {
            **reference,
            "conversation": {"id": conversation_id, "conversationType": "personal", "tenantId": tenant},
        }


class _DeferredHandler:
    """Wraps a `build_handler` that returns an awaitable: the handler is built on app startup."""

    def __init__(self, pending: Any) -> None:
        self._pending = pending
        self._handler: Any = None

    def use_sender(self, sender: Any) -> None:
        self._sender = sender

    async def startup(self) -> None:
        self._handler = await self._pending
        if getattr(self, "_sender", None) is not None and hasattr(self._handler, "use_sender"):
            self._handler.use_sender(self._sender)
        await self._handler.startup()

    async def shutdown(self) -> None:
        if self._handler is not None:
            await self._handler.shutdown()

    async def handle(self, activity: Activity) -> TurnResult:
        result: TurnResult = await self._handler.handle(activity)
        return result

    @property
    def auth_pages(self) -> Any:
        return getattr(self._handler, "auth_pages", None)

    @property
    def feed_api(self) -> Any:
        return getattr(self._handler, "feed_api", None)

    async def receive_webhook(
        self, backend: str, subscription: str, headers: Mapping[str, str], body: bytes, url: str
    ) -> tuple[int, dict[str, Any] | None]:
        if not isinstance(self._handler, WebhookReceiver):
            return 404, {"error": "webhooks are not enabled"}
        return await self._handler.receive_webhook(backend, subscription, headers, body, url)


GC_THRESHOLD = (10_000, 10, 10)


async def settle_memory(_app: web.Application | None = None) -> None:
    """Once started, make the garbage collector cheap for a server: what start-up built (modules, the app,
    the catalogue) is frozen out of every later collection, and the youngest generation is collected after
    10,000 net allocations instead of 700. With Python's defaults a full collection walked every start-up
    object and paused all turns for 50-200 ms (the p99 of `status`), and young collections ran ~50 times a
    second under load, promoting the objects of turns in flight to older generations."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


def serve(settings: Settings) -> None:
    """Run the bot until interrupted (the `timebot serve` command)."""
    check_bind_address(settings)
    configure_logging(settings.log_level)
    from bot.wiring import build_handler  # built by the application layer; imported only when serving

    built: Any = build_handler(settings)
    handler: TurnHandler = _DeferredHandler(built) if inspect.isawaitable(built) else built
    app = create_web_app(settings, handler)
    app.on_startup.append(settle_memory)  # after the handler's own start-up
    host = settings.host
    shown = f"[{host}]" if ":" in host else host
    mode = "local mode: no authentication" if settings.local_mode else f"app {settings.app_id}"
    line = f"timebot listening on http://{shown}:{settings.port}/api/messages ({mode})"
    web.run_app(
        app,
        host=host,
        port=settings.port,
        reuse_port=settings.reuse_port or None,
        access_log_class=RedactingAccessLogger,
        print=lambda *_a, **_k: print(line, flush=True),
    )
