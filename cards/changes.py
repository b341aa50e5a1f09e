"""Change notification cards: one compact card per change, a digest when many arrive at once (updated in
place), and the subscriptions card with its toggles. Adaptive Cards 1.5, well under 28 KB at any size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import t
from bot.views import verbs
from bot.views.backends import backend_name
from bot.views.changes import ENTITY_ORDER, EVENT_ORDER, ChangeView, FieldChange, SubscriptionsView
from cards import actions as act
from cards import format as fmt
from cards.elements import action_set, card, container, facts, fit_rows, more_line, tags_text, text, user_text

NAME_LIMIT = 120
VALUE_LIMIT = 80
DIGEST_ROWS = 15


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _moment(value: Any, zone: ZoneInfo, locale: str) -> str:
    try:
        moment = datetime.fromisoformat(str(value)).astimezone(zone)
    except ValueError:
        return user_text(str(value), VALUE_LIMIT)
    return f"{fmt.day_label(moment, locale)} {fmt.time_of_day(moment)}"


def _value(change: FieldChange, value: Any, zone: ZoneInfo, locale: str) -> str:
    if value is None or value == "" or value == []:
        if change.field == "end" and change.new is None and value is change.new:
            return t("notify.running", locale)
        return t("notify.none", locale)
    if change.field in ("start", "end"):
        return _moment(value, zone, locale)
    if isinstance(value, bool):
        return t("card.field.yes" if value else "card.field.no", locale)
    if isinstance(value, list):
        return tags_text([str(v) for v in value])
    return user_text(str(value), VALUE_LIMIT)


def _field_line(change: FieldChange, view: ChangeView, zone: ZoneInfo, locale: str) -> tuple[str, str]:
    label = t(f"notify.field.{change.field}", locale)
    if view.event == "changed" and (change.old is not None or change.new is not None):
        return (
            label,
            f"{_value(change, change.old, zone, locale)} → {_value(change, change.new, zone, locale)}",
        )
    shown = change.old if view.event == "deleted" else change.new
    return label, _value(change, shown, zone, locale)


def _byline(view: ChangeView, zone: ZoneInfo, locale: str) -> str:
    when = _moment(view.occurred_at.isoformat(), zone, locale)
    if view.actor:
        return t("notify.by", locale, name=user_text(view.actor, 60), time=when)
    return t("notify.by_nobody", locale, time=when)


def _title(view: ChangeView, locale: str) -> str:
    return t(f"notify.title.{view.entity}.{view.event}", locale)


def change_card(view: ChangeView, locale: str) -> dict[str, Any]:
    """What changed, by whom, old → new for what changed, the project path; Open in tracker and Undo."""
    zone = _zone(view.timezone)
    body: list[dict[str, Any]] = [
        text(_title(view, locale), weight="Bolder"),
        text(_byline(view, zone, locale), subtle=True, size="Small", spacing="None"),
    ]
    if view.title:
        body.append(text(f"**{user_text(view.title, NAME_LIMIT)}**", spacing="Small"))
    if view.path_parts:
        path = fmt.PATH_SEPARATOR.join(user_text(p, 60) for p in view.path_parts)
        body.append(text(path, subtle=True, spacing="None"))
    pairs = [
        _field_line(f, view, zone, locale)
        for f in view.fields
        if f.field != "name" or view.event == "changed"
    ]
    if pairs:
        body.append(facts(pairs, spacing="Small"))
    buttons: list[dict[str, Any]] = []
    if view.url:
        buttons.append({"type": "Action.OpenUrl", "title": t("notify.open", locale), "url": view.url})
    if view.undo:
        buttons.append(
            act.execute(t("notify.undo", locale), verbs.CHANGE_UNDO, {"change_id": view.change_id})
        )
    if buttons:
        body.append(action_set(buttons))
    return card(body, locale, fallback_text=_title(view, locale))


def _digest_line(view: ChangeView, zone: ZoneInfo, locale: str) -> dict[str, Any]:
    what = _title(view, locale)
    by = t("notify.digest.by", locale, name=user_text(view.actor, 40)) if view.actor else ""
    title = user_text(view.title or "…", 60)
    line = t("notify.digest.line", locale, what=what, title=title, by=by)
    moment = fmt.time_of_day(view.occurred_at.astimezone(zone))
    return text(f"{moment} {line}", spacing="Small", max_lines=2)


def digest_card(views: Sequence[ChangeView], count: int, locale: str) -> dict[str, Any]:
    """Many changes as one card: how many of what, then the newest ones (the rest counted)."""
    newest = list(reversed(views))
    zone = _zone(newest[0].timezone)
    oldest = min(v.occurred_at for v in views).astimezone(zone)
    kinds = Counter((v.entity, v.event) for v in views)
    summary = " · ".join(
        f"{t(f'notify.title.{entity}.{event}', locale)} ×{n}" for (entity, event), n in sorted(kinds.items())
    )
    rows = fit_rows([_digest_line(v, zone, locale) for v in newest], max_rows=DIGEST_ROWS, budget=16 * 1024)
    body: list[dict[str, Any]] = [
        text(t("notify.digest.title", locale, count=count), weight="Bolder", size="Medium"),
        text(
            t(
                "notify.digest.since",
                locale,
                time=f"{fmt.day_label(oldest, locale)} {fmt.time_of_day(oldest)}",
            ),
            subtle=True,
            size="Small",
            spacing="None",
        ),
        text(summary, size="Small", wrap=True),
        container(rows, separator=True),
    ]
    more = more_line(count - len(rows), locale)
    if more is not None:
        body.append(more)
    return card(body, locale, fallback_text=t("notify.digest.title", locale, count=count))


def _list(names: Sequence[str], locale: str, prefix: str) -> str:
    return ", ".join(t(f"{prefix}.{n}", locale) for n in names)


def subscriptions_card(
    view: SubscriptionsView, locale: str, *, notice: str | None = None, hints: Sequence[str] = ()
) -> dict[str, Any]:
    """What this conversation is subscribed to, with a toggle per entity and the events to change it;
    `notice` (what just changed) and `hints` are rendered catalogue markdown."""
    workspace = t(
        "subscribe.workspace",
        locale,
        backend=backend_name(view.backend),
        workspace=user_text(view.workspace, 80),
    )
    body: list[dict[str, Any]] = [
        text(t("subscribe.title", locale), weight="Bolder", size="Medium"),
        text(workspace, subtle=True, size="Small", spacing="None"),
    ]
    if notice:
        body.append(text(notice, wrap=True))
    body.extend(text(hint, subtle=True, size="Small", wrap=True) for hint in hints)
    if not view.rows:
        body.append(text(t("subscribe.none", locale)))
    for row in view.rows:
        entity = t(f"subscribe.entity.{row.entity}", locale)
        events = _list(row.events, locale, "subscribe.event")
        if row.projects:
            projects = ", ".join(user_text(p, 40) for p in row.projects[:10])
            body.append(
                text(t("subscribe.row_projects", locale, entity=entity, events=events, projects=projects))
            )
        else:
            body.append(text(t("subscribe.row", locale, entity=entity, events=events)))
    if view.setup:
        body.append(text(t("subscribe.setup_awork", locale), wrap=True, separator=True))
        body.append(
            facts(
                [
                    (t("subscribe.setup.url", locale), fmt.escape(view.setup["url"])),
                    (t("subscribe.setup.header", locale), fmt.escape(view.setup["header"])),
                    (t("subscribe.setup.value", locale), fmt.escape(view.setup["value"])),
                ]
            )
        )
    if view.may_change:
        on = {row.entity for row in view.rows}
        entities = ENTITY_ORDER if view.scope != "personal" else ("times",)
        for entity in entities:
            body.append(
                {
                    "type": "Input.Toggle",
                    "id": f"sub_{entity}",
                    "title": t(f"subscribe.entity.{entity}", locale),
                    "value": "true" if entity in on else "false",
                    "valueOn": "true",
                    "valueOff": "false",
                }
            )
        chosen = sorted(
            {e for row in view.rows for e in row.events} or set(EVENT_ORDER), key=EVENT_ORDER.index
        )
        body.append(
            {
                "type": "Input.ChoiceSet",
                "id": "events",
                "label": t("subscribe.events", locale),
                "isMultiSelect": True,
                "style": "expanded",
                "value": ",".join(chosen),
                "choices": [{"title": t(f"subscribe.event.{e}", locale), "value": e} for e in EVENT_ORDER],
            }
        )
        body.append(action_set([act.execute(t("subscribe.save", locale), verbs.SUBSCRIPTIONS_SAVE, {})]))
    return card(body, locale, fallback_text=t("subscribe.title", locale))
