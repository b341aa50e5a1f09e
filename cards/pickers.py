"""Questions instead of guesses: which project did you mean, minutes or hours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.i18n import t
from bot.views.entries import Choice, EntryView, ProjectView
from cards import actions as act
from cards import format as fmt
from cards.common import echo_fields
from cards.elements import (
    ROW_BUDGET_BYTES,
    action_set,
    card,
    fit_rows,
    heading,
    more_line,
    size_of,
    text,
    user_text,
)
from cards.format import shorten

MAX_CANDIDATES = 8
Span = tuple[datetime, datetime]
MAX_CHOICES = 6


def _candidate_title(project: ProjectView) -> str:
    """Button titles are plain text (no markdown), so nothing to escape; only keep them short."""
    name = shorten(project.name, 60)
    return f"{name} ({shorten(project.client, 40)})" if project.client else name


def _purpose_heading(purpose: str, current: EntryView | None, span: Span | None, locale: str) -> str | None:
    """What the pick is for: "Switch the timer from *Website* to:" or "Book Tue 17 Nov 13:00–14:30
    (1 h 30 min) to which project?"."""
    if purpose == "switch":
        if current is None:
            return t("card.pick.switch_idle", locale)
        return t("card.pick.switch", locale, path=echo_fields(current, locale)["path"])
    if purpose == "book" and span is not None:
        seconds = (span[1] - span[0]).total_seconds()
        return t(
            "card.pick.book",
            locale,
            range=fmt.time_range(span[0], span[1], locale),
            duration=fmt.duration(seconds, locale),
        )
    return None


def pick_project_card(
    query: str,
    candidates: Sequence[ProjectView],
    locale: str,
    *,
    op: Mapping[str, Any],
    can_create: bool,
    title_key: str = "card.pick.title",
    purpose: str = "pick",
    current: EntryView | None = None,
    span: Span | None = None,
) -> dict[str, Any]:
    """ "Which project did you mean by “webiste”?" with one button per candidate (at most 8; verb
    `pick_project` with `project_id` and the pending `op`, passed through untouched) and, when allowed,
    "Create project “webiste”" (verb `create_project`). No candidates: says so, offers create or `projects`.

    `title_key` is a catalogue template with a `{query}` field (escaped query is filled in). A `purpose`
    other than "pick" heads the card with what the choice does (switching from `current`, booking `span`);
    with no candidate there it offers the start form (switch) or the project list."""
    q = user_text(query, 80)
    body: list[dict[str, Any]] = []
    purpose_heading = _purpose_heading(purpose, current, span, locale)
    if purpose_heading is not None:
        body.append(heading(purpose_heading))
        if not candidates:
            body.append(text(t("card.pick.no_other", locale), spacing="Small"))
            buttons = [act.run(t("card.btn.projects", locale), "projects")]
            if purpose == "switch":
                form = act.execute(t("card.btn.start_form", locale), act.START_FORM, inputs=False)
                buttons.insert(0, form)
            body.append(action_set(buttons))
            return card(body, locale, fallback_text=purpose_heading)
    name = query.strip()
    create = (
        act.execute(
            t("card.btn.create_project", locale, name=shorten(name, 60)),
            act.CREATE_PROJECT,
            {"name": name, "op": dict(op)},
            inputs=False,
        )
        if can_create and name
        else None
    )
    if not candidates:
        body.append(heading(t("card.pick.none", locale, query=q)))
        buttons = [create] if create else []
        buttons.append(act.run(t("card.btn.projects", locale), "projects"))
        body.append(action_set(buttons))
        return card(body, locale)

    if purpose_heading is None:
        body.append(heading(t(title_key, locale, query=q) if q else t("card.pick.choose", locale)))
    # One ActionSet per candidate: a vertical list of full-width buttons on every client, and no host
    # `maxActions` cut-off.
    rows = [
        action_set(
            [
                act.execute(
                    _candidate_title(project),
                    act.PICK_PROJECT,
                    {"project_id": project.id, "op": dict(op)},
                    inputs=False,
                )
            ],
            spacing="Small",
        )
        for project in candidates[:MAX_CANDIDATES]
    ]
    # A large pending `op` is repeated in every button: keep only as many buttons as fit the size budget.
    shown = fit_rows(
        rows, max_rows=MAX_CANDIDATES, budget=ROW_BUDGET_BYTES - (size_of(create) if create else 0)
    )
    body.extend(shown)
    hidden = len(candidates) - len(shown)
    if hidden > 0:
        body.append(text(t("card.pick.more", locale, n=hidden), subtle=True, size="Small"))
    if create:
        body.append(action_set([create], spacing="Medium"))
    return card(body, locale)


def choice_card(message: str, choices: Sequence[Choice], locale: str) -> dict[str, Any]:
    """A question (catalogue markdown; escape user data in it with `cards.format.escape`) with one button per
    choice that runs its text command (verb `run`)."""
    body: list[dict[str, Any]] = [text(message, size="Medium")]
    buttons = [act.run(shorten(c.label, 60), c.command) for c in choices[:MAX_CHOICES]]
    if buttons:
        body.append(action_set(buttons))
    line = more_line(len(choices) - MAX_CHOICES, locale)
    if line:
        body.append(line)
    return card(body, locale, fallback_text=message)
