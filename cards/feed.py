"""The feed: open events per day with a project picker, **Book** / **Dismiss** each and **Book all** per day;
the card a channel gets for a posted event; and the feed API key cards.

A Book button books the event as shown: its times, its name, the project in its picker (pre-selected with
the suggestion). The card is the person's own (personal chat), so the buttons act for whoever presses them.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import Message, render, t
from bot.views import verbs
from bot.views.feed import FeedDay, FeedEventView, FeedKeyView, FeedView, ProjectChoice
from cards import actions as act
from cards import format as fmt
from cards.elements import (
    Element,
    action_set,
    card,
    column,
    columns,
    container,
    fit_rows,
    heading,
    more_line,
    text,
    user_text,
)

NAME_LIMIT = 120
DESCRIPTION_LIMIT = 200
MAX_ROWS = 12


def _period(view: FeedView, locale: str) -> dict[str, Any]:
    """What a button needs to show the same period again (a nested message goes as the text it reads)."""
    name = view.period_name
    params = {
        k: v if isinstance(v, str | int) else render(v, locale) if isinstance(v, Message) else str(v)
        for k, v in name.params.items()
    }
    return {
        "start": view.period_start.isoformat(),
        "end": view.period_end.isoformat(),
        "key": name.key,
        "params": params,
    }


def _when(event: FeedEventView, locale: str) -> str:
    when = fmt.time_range(event.start, event.end, locale)
    parts = [when, fmt.duration(event.duration_seconds, locale)]
    if event.category:
        parts.append(user_text(event.category, 40))
    return " · ".join(parts)


def _picker(input_id: str, event: FeedEventView, projects: list[ProjectChoice], locale: str) -> Element:
    chosen = event.suggestion.value if event.suggestion else ""
    choices = [{"title": t("feed.no_project", locale), "value": ""}]
    choices += [{"title": fmt.shorten(p.title, 60), "value": p.value} for p in projects]
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "style": "compact",
        "value": chosen,
        "choices": choices,
        "label": t("feed.project", locale),
    }
    return element


def _suggestion_line(event: FeedEventView, locale: str) -> Element | None:
    if event.suggestion is None:
        return None
    return text(
        t(f"feed.suggested.{event.suggestion.reason}", locale, project=user_text(event.suggestion.title, 60)),
        subtle=True,
        size="Small",
        spacing="None",
    )


def event_block(
    event: FeedEventView, view: FeedView, day: FeedDay, input_id: str, locale: str, *, can_book: bool = True
) -> Element:
    """One event: name, when, description; with `can_book`, its project picker and Book / Dismiss."""
    head: list[Element] = [
        text(f"**{user_text(event.name, NAME_LIMIT)}**", spacing="None"),
        text(_when(event, locale), subtle=True, size="Small", spacing="None"),
    ]
    if event.description.strip():
        head.append(
            text(user_text(event.description, DESCRIPTION_LIMIT), size="Small", spacing="None", max_lines=2)
        )
    cols = [column(head)]
    if event.icon_url and event.icon_url.startswith("https://"):
        cols.insert(
            0, column([{"type": "Image", "url": event.icon_url, "size": "Small", "altText": ""}], "auto")
        )
    items: list[Element] = [columns(cols)]
    buttons: list[Element] = []
    if can_book:
        items.append(_picker(input_id, event, view.projects, locale))
        line = _suggestion_line(event, locale)
        if line is not None:
            items.append(line)
        data = {
            "day": day.day.isoformat(),
            "period": _period(view, locale),
            "source": event.source,
            "id": event.id,
        }
        buttons.append(
            act.execute(
                t("feed.btn.book", locale), verbs.FEED_BOOK, {**data, "input": input_id}, style="positive"
            )
        )
        buttons.append(
            act.execute(
                t("feed.btn.dismiss", locale),
                verbs.FEED_DISMISS,
                {"period": _period(view, locale), "source": event.source, "id": event.id},
                inputs=False,
            )
        )
    if event.url:
        buttons.append({"type": "Action.OpenUrl", "title": t("feed.btn.open", locale), "url": event.url})
    if buttons:
        items.append(action_set(buttons, spacing="Small"))
    return container(items, separator=True, spacing="Medium")


def _day_header(day: FeedDay, view: FeedView, inputs: dict[str, str], locale: str) -> Element:
    label = text(f"**{fmt.day_label(day.day, locale)}**", spacing="None")
    if len(day.events) < 2:
        return label
    book_all = act.execute(
        t("feed.btn.book_all", locale, count=len(day.events)),
        verbs.FEED_BOOK,
        {"day": day.day.isoformat(), "period": _period(view, locale), "inputs": inputs},
    )
    return columns([column([label]), column([action_set([book_all])], "auto")], spacing="Large")


def _notice(view: FeedView, locale: str) -> list[Element]:
    if not view.notice_key:
        return []
    params = {k: user_text(v, NAME_LIMIT) for k, v in view.notice_params.items()}
    if "seconds" in params:
        params["duration"] = fmt.duration(int(view.notice_params["seconds"]), locale)
    if "reason_key" in params:
        reason = {k: v for k, v in params.items() if k not in ("reason_key", "name")}
        params["reason"] = t(view.notice_params["reason_key"], locale, **reason)
    message = t(view.notice_key, locale, **params)
    items: list[Element] = [text(message, spacing="None")]
    if view.undo_token and view.undo_event:
        source, event_id = view.undo_event
        undo = act.execute(
            t("card.btn.undo", locale),
            verbs.FEED_UNBOOK,
            {"token": view.undo_token, "source": source, "id": event_id, "period": _period(view, locale)},
            inputs=False,
        )
        items.append(action_set([undo], spacing="Small"))
    return [container(items, style="emphasis")]


def feed_card(view: FeedView, locale: str) -> dict[str, Any]:
    """`feed [PERIOD]`: the open events, grouped by day (newest day last), or "nothing to book"."""
    period = render(view.period_name, locale)
    body: list[Element] = [heading(t("feed.title", locale, period=user_text(period, 60)))]
    body.extend(_notice(view, locale))
    if not view.days:
        body.append(text(t("feed.empty", locale), subtle=True))
        return card(body, locale, fallback_text=t("feed.empty", locale))
    rows: list[Element] = []
    index = 0
    for day in view.days:
        inputs: dict[str, str] = {}
        blocks = []
        for event in day.events:
            input_id = f"p_{index}"
            inputs[input_id] = event.key
            blocks.append(event_block(event, view, day, input_id, locale))
            index += 1
        rows.append(_day_header(day, view, inputs, locale))
        rows.extend(blocks)
    kept = fit_rows(rows, max_rows=MAX_ROWS + len(view.days))
    body.extend(kept)
    shown = sum(1 for row in kept if row.get("type") == "Container")
    hidden = more_line(view.count - shown, locale)
    if hidden is not None:
        body.append(hidden)
    return card(body, locale, fallback_text=t("feed.title", locale, period=period))


def pushed_card(view: FeedView, locale: str) -> dict[str, Any]:
    """A new event in the person's chat, ready to book: the same blocks (and buttons) as in `feed`."""
    body: list[Element] = [heading("📥 " + t("feed.new", locale))]
    index = 0
    for day in view.days:
        for event in day.events:
            body.append(event_block(event, view, day, f"p_{index}", locale))
            index += 1
    return card(body, locale, fallback_text=t("feed.new", locale))


def posted_card(view: FeedView, locale: str) -> dict[str, Any]:
    """A posted event as a channel sees it: what and when, and its link; nothing to book (it is someone's)."""
    body: list[Element] = [text(t("feed.posted", locale), subtle=True, size="Small")]
    for day in view.days:
        for event in day.events:
            body.append(event_block(event, view, day, "p_0", locale, can_book=False))
    return card(body, locale, fallback_text=t("feed.posted", locale))


def key_created_card(name: str, secret: str, workspace: str, locale: str) -> dict[str, Any]:
    """The new key, once: copy it now, it is not shown again (only its hash is kept)."""
    body: list[Element] = [
        heading("🔑 " + t("feed.key.created", locale, name=user_text(name, 100))),
        text(
            t("feed.key.workspace", locale, workspace=user_text(workspace, 100)), subtle=True, spacing="None"
        ),
        container([text(secret, monospace=True, weight="Bolder")], style="emphasis"),
        text(t("feed.key.once", locale), color="Warning", size="Small"),
        text(t("feed.key.usage", locale), size="Small"),
    ]
    return card(body, locale, fallback_text=t("feed.key.created", locale, name=name))


def _key_row(key: FeedKeyView, locale: str) -> Element:
    used = (
        t(
            "feed.key.used",
            locale,
            when=f"{fmt.day_label(key.last_used_at, locale)} {fmt.time_of_day(key.last_used_at)}",
        )
        if key.last_used_at
        else t("feed.key.never_used", locale)
    )
    made = t(
        "feed.key.made", locale, who=user_text(key.created_by, 80), when=fmt.day_label(key.created_at, locale)
    )
    return container(
        [
            text(f"**{user_text(key.name, 100)}** · {user_text(key.hint, 40)}", spacing="None"),
            text(f"{made} · {used}", subtle=True, size="Small", spacing="None"),
        ],
        separator=True,
    )


def keys_card(workspace: str, keys: list[FeedKeyView], locale: str) -> dict[str, Any]:
    body: list[Element] = [heading(t("feed.keys.title", locale, workspace=user_text(workspace, 100)))]
    if not keys:
        body.append(text(t("feed.keys.none", locale), subtle=True))
    else:
        rows = fit_rows([_key_row(k, locale) for k in keys], max_rows=40)
        body.extend(rows)
        hidden = more_line(len(keys) - len(rows), locale)
        if hidden is not None:
            body.append(hidden)
    body.append(text(t("feed.keys.hint", locale), subtle=True, size="Small"))
    return card(body, locale, fallback_text=t("feed.keys.title", locale, workspace=workspace))
