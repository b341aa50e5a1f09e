"""The OpenAPI 3.1 description of the feed API, served at `GET /api/openapi.json`.

The request schemas are generated from the models that validate the bodies, so the description cannot drift
from what the bot accepts.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from bot.service.feedposts import MAX_BODY_BYTES, FeedEventIn, FeedEventPatchIn

_TIME = {"type": "string", "format": "date-time"}
_TEXT_OR_NULL = {"type": ["string", "null"]}

STORED_EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "start", "end", "status", "created", "modified", "expires"],
    "properties": {
        "id": {"type": "string", "description": "The bot's id of the event."},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "user": {"type": ["string", "null"], "description": "The person, by Entra object id where known."},
        "start": _TIME,
        "end": _TIME,
        "iconUrl": _TEXT_OR_NULL,
        "url": _TEXT_OR_NULL,
        "category": _TEXT_OR_NULL,
        "externalId": _TEXT_OR_NULL,
        "channel": _TEXT_OR_NULL,
        "created": _TIME,
        "modified": _TIME,
        "expires": {**_TIME, "description": "Kept until then: 180 days after it was posted."},
        "status": {"enum": ["created", "updated", "unchanged"]},
        "tracker": {
            "type": "object",
            "description": "Where the tracker has a feed (local, timeghost), the id it gave the event.",
            "properties": {"backend": {"type": "string"}, "id": _TEXT_OR_NULL},
        },
    },
}
ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["error", "field"],
    "properties": {
        "error": {"type": "string"},
        "field": {"type": ["string", "null"], "description": "The request field at fault, if one is."},
    },
}


def _schema(model: type[Any]) -> dict[str, Any]:
    return dict(model.model_json_schema(mode="validation", ref_template="#/components/schemas/{model}"))


def _answer(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


_ERRORS = {
    "400": _answer("A field is missing or wrong (`field` names it), or the body is not JSON.", "Error"),
    "401": _answer(
        "No key, an unknown or revoked key, or its owner is no longer a workspace admin.", "Error"
    ),
    "413": _answer(f"The body is larger than {MAX_BODY_BYTES} bytes.", "Error"),
    "415": _answer("The body is not application/json.", "Error"),
}


@cache
def _document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "timebot feed API",
            "version": "1",
            "description": (
                "Add feed events (meetings, tickets, anything that may be booked as time) to a person's "
                "timebot feed, in timeghost's custom feed event field names. Authenticate with a workspace "
                "key: a workspace admin creates one in a personal chat with the bot (`feed key add NAME`)."
            ),
        },
        "components": {
            "securitySchemes": {"feedKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "FeedEvent": _schema(FeedEventIn),
                "FeedEventPatch": _schema(FeedEventPatchIn),
                "StoredFeedEvent": STORED_EVENT,
                "Error": ERROR,
            },
        },
        "security": [{"feedKey": []}],
        "paths": {
            "/api/feed": {
                "post": {
                    "operationId": "addFeedEvent",
                    "summary": "Add a feed event for a person (and post it into a subscribed channel)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/FeedEvent"}}
                        },
                    },
                    "responses": {
                        "201": _answer("Stored.", "StoredFeedEvent"),
                        "200": _answer(
                            "The same event was posted before (a retry): nothing changed.", "StoredFeedEvent"
                        ),
                        "409": _answer("Another event has this externalId: PATCH changes it.", "Error"),
                        **_ERRORS,
                    },
                }
            },
            "/api/feed/{externalId}": {
                "patch": {
                    "operationId": "updateFeedEvent",
                    "summary": "Change the fields sent of the event with this externalId",
                    "parameters": [
                        {"name": "externalId", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/FeedEventPatch"}}
                        },
                    },
                    "responses": {
                        "200": _answer("Updated.", "StoredFeedEvent"),
                        "404": _answer("No event with this externalId in the key's workspace.", "Error"),
                        "409": _answer("Another event already has the new externalId.", "Error"),
                        **_ERRORS,
                    },
                }
            },
        },
    }


def openapi_document(server_url: str) -> dict[str, Any]:
    return {**_document(), "servers": [{"url": server_url}]}
