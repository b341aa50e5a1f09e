"""The running timer and the status card."""

from __future__ import annotations

from typing import Any

from bot.i18n import t
from bot.views.entries import EntryView
from cards import actions as act
from cards import format as fmt
from cards.common import NOTE_LIMIT, echo_fields, entry_details, entry_range
from cards.elements import action_set, card, column, columns, heading, text, user_text
from cards.messages import info_card


def refresh_action(locale: str, viewer: str | None = None) -> dict[str, Any]:
    """Manual refresh (`userIds: []`): Teams offers "Refresh card" and the bot answers with a fresh card.

    With a `viewer` (the sender's id, in a group chat or channel) the card refreshes automatically for that
    person only: everybody else keeps the card as sent and gets their own status when they refresh it."""
    return {
        "action": act.execute(t("card.btn.refresh", locale), act.REFRESH_STATUS, inputs=False),
        "userIds": [viewer] if viewer else [],
    }


def _timer_body(
    entry: EntryView,
    locale: str,
    *,
    today_seconds: int | None,
    switched_from: EntryView | None,
    undo_token: str | None,
    typed: str | None = None,
) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = []
    if switched_from is not None:
        body.append(text(t("card.timer.switched", locale, **echo_fields(switched_from, locale)), subtle=True))
    body.append(heading("⏱ " + t("card.timer.title", locale)))
    body.append(text(f"*{echo_fields(entry, locale, typed=typed)['path']}*", size="Medium", spacing="Small"))
    if entry.note.strip():
        body.append(text(user_text(entry.note, NOTE_LIMIT), spacing="None"))
    body.append(text(entry_range(entry, locale), subtle=True, spacing="None"))
    stats = [
        column(
            [
                text(t("card.timer.elapsed", locale), subtle=True, size="Small"),
                text(fmt.clock(entry.duration_seconds), size="ExtraLarge", weight="Bolder", spacing="None"),
            ],
            "auto",
        ),
    ]
    if today_seconds is not None:
        stats.append(
            column(
                [
                    text(t("card.timer.today", locale), subtle=True, size="Small"),
                    text(fmt.clock(today_seconds), size="ExtraLarge", spacing="None"),
                ],
                "auto",
            )
        )
    body.append(columns(stats))
    details = entry_details(entry, locale, note=False)
    if details:
        body.append(details)
    buttons = [  # Stop is the primary action of a running timer
        act.execute(t("card.btn.stop", locale), act.STOP, inputs=False, style="positive"),
        act.execute(t("card.btn.switch", locale), act.SWITCH, inputs=False),
    ]
    if undo_token:
        buttons.append(act.execute(t("card.btn.undo", locale), act.UNDO, {"token": undo_token}, inputs=False))
    buttons.append(act.execute(t("card.btn.refresh", locale), act.REFRESH_STATUS, inputs=False))
    body.append(action_set(buttons))
    return body


def timer_card(
    entry: EntryView,
    locale: str,
    *,
    today_seconds: int | None = None,
    switched_from: EntryView | None = None,
    undo_token: str | None = None,
    viewer: str | None = None,
    typed: str | None = None,
) -> dict[str, Any]:
    """A running timer: path, note, since when, elapsed and today's total (both h:mm, side by side), details;
    Stop (primary)/Switch/Undo/Refresh.

    The card carries a manual `refresh` (verb `refresh_status`) so Teams can bring the elapsed time up to
    date.
    """
    body = _timer_body(
        entry,
        locale,
        today_seconds=today_seconds,
        switched_from=switched_from,
        undo_token=undo_token,
        typed=typed,
    )
    return card(
        body,
        locale,
        refresh=refresh_action(locale, viewer),
        fallback_text=f"{t('card.timer.title', locale)}: {fmt.clock(entry.duration_seconds)}",
    )


def status_card(
    running: EntryView | None,
    locale: str,
    *,
    today_seconds: int,
    today_entries: int,
    viewer: str | None = None,
) -> dict[str, Any]:
    """`status`: the running timer, or "No timer running" with today's total and quick actions."""
    if running is not None:
        return timer_card(running, locale, today_seconds=today_seconds, viewer=viewer)
    duration = fmt.duration(today_seconds, locale)
    if today_entries <= 0 and today_seconds <= 0:
        today_line = t("card.status.today_none", locale)
    elif today_entries == 1:
        today_line = t("card.status.today_one", locale, duration=duration)
    else:
        today_line = t("card.status.today", locale, duration=duration, count=today_entries)
    body = [
        heading(t("card.status.idle", locale)),
        text(today_line, spacing="Small"),
        action_set(
            [
                act.run(t("card.btn.start", locale), "start"),
                act.execute(t("form.btn.open_log", locale), act.LOG_FORM, inputs=False),
                act.run(t("card.btn.today", locale), "today"),
            ]
        ),
    ]
    return card(
        body, locale, refresh=refresh_action(locale, viewer), fallback_text=t("card.status.idle", locale)
    )


def nothing_running_card(locale: str) -> dict[str, Any]:
    """`stop`/`cancel` with no timer: information, not an error, with Start… (the start form) and today."""
    return info_card(
        t("service.no_timer", locale),
        locale,
        hint=t("service.no_timer_hint", locale),
        actions=[
            act.execute(t("card.btn.start_form", locale), act.START_FORM, inputs=False, style="positive"),
            act.run(t("card.btn.today", locale), "today"),
        ],
    )
