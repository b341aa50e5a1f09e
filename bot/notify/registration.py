"""Registering our webhook endpoint with each backend, once per tracker workspace, with the subscriber's
credentials; and removing it when the workspace's last subscription goes.

* Toggl Track: one Webhooks API v1 subscription per workspace whose event filters cover the subscribed
  entities (replaced when they grow), with our secret so we can check `X-Webhook-Signature-256`. Toggl
  pings the URL while creating it; the intake answers the `validation_code`.
* timeghost: one `register_webhook/{entity}` trigger per entity, named so it can be found in timeghost's
  settings, with Basic-auth credentials (`config.basicAuth`) that the intake requires. timeghost documents
  no way to delete a trigger: the last unsubscribe re-registers it inactive and forgets the endpoint, so a
  delivery that still arrives is refused (404).
* awork: no API; an awork admin adds the URL and our secret header in awork's settings once.
* Toggl Focus: no webhooks; the endpoint row holds the poller's state.
* local: nothing to register (its writes record their own changes).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from adapters.backend import Backend, Identity
from adapters.errors import BackendError
from bot.notify.sources.timeghost import basic_auth
from bot.notify.sources.toggl import EVENT_FILTER
from bot.notify.subscriptions import Endpoint, SubscriptionStore

log = logging.getLogger(__name__)

SUPPORTED: dict[str, tuple[str, ...]] = {
    "local": ("times", "projects", "tasks", "clients", "tags"),
    "toggl": ("times", "projects", "tasks", "clients", "tags"),
    "timeghost": ("times", "projects", "tasks", "clients", "tags"),
    "awork": ("times", "projects", "tasks", "clients"),
    "focus": ("times",),
}


@runtime_checkable
class TogglWebhooks(Protocol):
    async def create_subscription(
        self,
        callback_url: str,
        events: Any,
        *,
        description: str | None = None,
        secret: str | None = None,
        enabled: bool = True,
    ) -> Any: ...

    async def delete_subscription(self, subscription_id: str) -> None: ...


@runtime_checkable
class TimeghostWebhooks(Protocol):
    async def register_webhook(
        self,
        entity: str,
        url: str,
        *,
        events: Any = ...,
        name: str = ...,
        basic_auth: tuple[str, str] | None = None,
        active: bool = True,
    ) -> None: ...


def callback_url(public_url: str, endpoint: Endpoint) -> str:
    return f"{public_url.rstrip('/')}/api/webhooks/{endpoint.backend}/{endpoint.token}"


async def register(
    backend: Backend,
    store: SubscriptionStore,
    owner: Identity,
    entities: set[str],
    public_url: str,
    now: datetime,
) -> Endpoint | None:
    """Make sure the backend sends us `entities` changes of the bound workspace (raises `BackendError`)."""
    kind = backend.kind
    if kind == "local":
        return None
    endpoint = await store.create_endpoint(
        kind, backend.workspace.id, owner.tenant_id, owner.aad_object_id, now
    )
    url = callback_url(public_url, endpoint)
    known = set(endpoint.remote.get("entities") or [])
    if kind == "toggl" and isinstance(backend, TogglWebhooks):
        wanted = sorted(known | entities)
        if set(wanted) != known or not endpoint.remote.get("subscription_id"):
            old = endpoint.remote.get("subscription_id")
            if old:
                with contextlib.suppress(BackendError):
                    await backend.delete_subscription(str(old))
            # Stored first: Toggl pings the URL while the subscription is being created.
            await store.update_endpoint(endpoint.token, remote={"url": url, "entities": wanted})
            made = await backend.create_subscription(
                url,
                [f"{EVENT_FILTER[e]}.*" for e in wanted],
                description=f"timebot notifications ({endpoint.token[:8]})",
                secret=endpoint.secret,
            )
            endpoint.remote = {"url": url, "entities": wanted, "subscription_id": str(made.id)}
            await store.update_endpoint(endpoint.token, remote=endpoint.remote)
    elif kind == "timeghost" and isinstance(backend, TimeghostWebhooks):
        for entity in sorted(entities - known):
            await backend.register_webhook(
                entity,
                f"{url}?entity={entity}",
                name=f"timebot {entity} notifications ({endpoint.token[:8]})",
                basic_auth=basic_auth(endpoint.secret),
            )
            known.add(entity)
            endpoint.remote = {"url": url, "entities": sorted(known)}
            await store.update_endpoint(endpoint.token, remote=endpoint.remote)
    elif not endpoint.remote.get("url"):
        endpoint.remote = {**endpoint.remote, "url": url}
        await store.update_endpoint(endpoint.token, remote=endpoint.remote)
    return endpoint


async def unregister(backend: Backend, store: SubscriptionStore, endpoint: Endpoint) -> None:
    """The workspace's last subscription went: stop the backend sending (best effort) and forget the
    endpoint, so anything still sent to it is refused."""
    try:
        if isinstance(backend, TogglWebhooks) and endpoint.remote.get("subscription_id"):
            await backend.delete_subscription(str(endpoint.remote["subscription_id"]))
        elif isinstance(backend, TimeghostWebhooks):
            for entity in endpoint.remote.get("entities") or []:
                await backend.register_webhook(
                    entity,
                    f"{endpoint.remote.get('url')}?entity={entity}",
                    name=f"timebot {entity} notifications ({endpoint.token[:8]})",
                    basic_auth=basic_auth(endpoint.secret),
                    active=False,
                )
    except BackendError as exc:
        log.info("could not remove the %s webhook (%s); it is forgotten here anyway", backend.kind, exc)
    await store.delete_endpoint(endpoint.token)
