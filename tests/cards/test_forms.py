"""The card forms (log time, start, settings) with realistic and extreme data; the catalogue in en and de."""

from __future__ import annotations

import copy
import json
import re
import string
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from jsonschema import Draft7Validator

from bot.i18n import _messages, t
from bot.views.forms import FormView, Option, SettingsView
from cards import actions as act
from cards.forms import STATIC_LIMIT, form_card, settings_card
from cards.help import help_card
from cards.timer import status_card, timer_card
from tests.cards.conftest import LONG_NAME, NASTY, make_entry
from tests.support.cards import assert_routable, assert_valid_card, card_errors, iter_actions

Check = Callable[[dict[str, Any]], dict[str, Any]]
TODAY = date(2026, 11, 17)

# Teams' typeahead addition to Input.ChoiceSet (msteams-docs dynamic-search.md). It is not part of the
# Adaptive Cards 1.5 schema: checked here on its own, strictly, and removed before the 1.5 validation.
DATA_QUERY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "dataset"],
    "properties": {
        "type": {"enum": ["Data.Query"]},
        "dataset": {"enum": ["projects", "tasks", "tags"]},
        "associatedInputs": {"enum": ["auto", "none"]},
        "count": {"type": "integer", "minimum": 1, "maximum": 15},
        "skip": {"type": "integer", "minimum": 0},
    },
}


def without_typeahead(node: Any) -> Any:
    """A copy with every `choices.data` checked against DATA_QUERY and removed."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "choices.data":
                assert node.get("type") == "Input.ChoiceSet" and node.get("style") == "filtered", node
                Draft7Validator(DATA_QUERY).validate(value)
                continue
            out[key] = without_typeahead(value)
        return out
    if isinstance(node, list):
        return [without_typeahead(v) for v in node]
    return node


def assert_valid_form(card: dict[str, Any]) -> dict[str, Any]:
    """The 1.5 schema + 28 KB on the card without Teams' typeahead queries (checked strictly apart)."""
    assert_valid_card(without_typeahead(card))
    assert len(json.dumps(card).encode()) < 28 * 1024
    assert_routable(card)
    return card


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input."):
                found[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def iter_blocks(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        own = [node] if node.get("type") == "TextBlock" else []
        return own + [b for v in node.values() for b in iter_blocks(v)]
    if isinstance(node, list):
        return [b for v in node for b in iter_blocks(v)]
    return []


def view(
    n_projects: int = 3,
    *,
    tasks_per_project: int = 2,
    n_tags: int = 4,
    long: bool = False,
    kind: str = "log",
    **extra: Any,
) -> FormView:
    name = (lambda i: f"{LONG_NAME[:190]} {i}") if long else (lambda i: f"Project {i}")
    projects = [Option(value=f"p{i}", title=name(i)) for i in range(n_projects)]
    tasks = [
        Option(value=f"t{i}-{j}", title=(LONG_NAME if long else f"Task {j}"), parent=f"p{i}")
        for i in range(n_projects)
        for j in range(tasks_per_project)
    ]
    tags = [
        Option(value=f"g{i}", title=(f"{LONG_NAME[:180]}{i}" if long else f"tag{i}")) for i in range(n_tags)
    ]
    values: dict[str, Any] = {
        "kind": kind,
        "today": TODAY,
        "projects": projects,
        "tasks": tasks,
        "tags": tags,
        "recent_projects": min(3, n_projects),
        "recent_tags": min(2, n_tags),
    }
    values.update(extra)
    return FormView(**values)


LOCALES = ("en-US", "de-DE")


@pytest.mark.parametrize("locale", LOCALES)
def test_log_form_with_few_projects_is_plain_1_5(locale: str) -> None:
    card = form_card(view(), locale)
    assert_valid_card(card)  # no typeahead: the unmodified 1.5 schema
    assert_routable(card)
    fields = inputs(card)
    assert set(fields) == {"project", "task", "date", "start", "end", "duration", "tags", "billable", "note"}
    assert fields["project"]["style"] == "compact" and len(fields["project"]["choices"]) == 3
    assert (
        fields["date"]["isRequired"]
        and fields["date"]["errorMessage"]
        and fields["date"]["max"] == "2026-11-17"
    )
    assert fields["duration"]["regex"] and fields["duration"]["errorMessage"]
    assert fields["tags"]["isMultiSelect"] is True
    assert all(f.get("label") or f["type"] == "Input.Toggle" for f in fields.values())
    save = [a for a in iter_actions(card) if a["type"] == "Action.Execute" and a["verb"] == act.LOG_SAVE]
    assert save and "associatedInputs" not in save[0]  # Save sends (and checks) the inputs


def test_duration_regex_accepts_what_the_server_reads() -> None:
    pattern = re.compile(inputs(form_card(view(), "en"))["duration"]["regex"])
    for ok in ("", "1h30m", "1,5 Std", "90 min", "1:30", "1 Std 30 Min", "2h", "45 Min.", "1.5h"):
        assert pattern.fullmatch(ok), ok
    for bad in ("abc def ghi jkl", "1h; drop", "1h @web"):
        assert not pattern.fullmatch(bad), bad


@pytest.mark.parametrize("locale", LOCALES)
def test_many_projects_switch_to_typeahead(locale: str) -> None:
    card = assert_valid_form(form_card(view(60, tasks_per_project=5, n_tags=100, long=True), locale))
    assert card_errors(card)  # `choices.data` is beyond the 1.5 schema: the check above strips it knowingly
    fields = inputs(card)
    project, task, tags = fields["project"], fields["task"], fields["tags"]
    assert project["style"] == "filtered" and project["choices.data"]["dataset"] == "projects"
    assert len(project["choices"]) <= 5  # recent ones only, the rest comes from the search invoke
    assert task["choices.data"] == {"type": "Data.Query", "dataset": "tasks", "associatedInputs": "auto"}
    assert tags["choices.data"]["dataset"] == "tags" and tags["isMultiSelect"] is True
    assert all(len(c["title"]) <= 80 for c in project["choices"] + tags["choices"])


def test_the_static_limit_is_the_switch() -> None:
    static = inputs(form_card(view(STATIC_LIMIT), "en"))["project"]
    dynamic = inputs(form_card(view(STATIC_LIMIT + 1), "en"))["project"]
    assert "choices.data" not in static and len(static["choices"]) == STATIC_LIMIT
    assert "choices.data" in dynamic


def test_static_tasks_name_their_project_until_one_is_chosen() -> None:
    titles = [c["title"] for c in inputs(form_card(view(2), "en"))["task"]["choices"]]
    assert titles[0] == "Project 0 › Task 0"
    chosen = form_card(view(2, values={"project": "p1"}), "en")
    assert [c["value"] for c in inputs(chosen)["task"]["choices"]] == ["t1-0", "t1-1"]


@pytest.mark.parametrize("locale", LOCALES)
def test_errors_are_marked_and_values_kept(locale: str) -> None:
    values = {
        "project": "p42",
        "task": "t42-1",
        "date": "2026-11-16",
        "start": "14:00",
        "end": "13:00",
        "tags": "g1,g99",
        "billable": "true",
        "note": NASTY,
        "duration": "",
    }
    errors = {"end": "The end (13:00) must come after the start (14:00).", "_": NASTY}
    card = assert_valid_form(form_card(view(60, long=True, values=values, errors=errors), locale))
    fields = inputs(card)
    assert fields["project"]["value"] == "p42"  # kept, and offered as a static choice so it shows its name
    assert "p42" in {c["value"] for c in fields["project"]["choices"]}
    assert fields["task"]["value"] == "t42-1"
    assert fields["date"]["value"] == "2026-11-16" and fields["start"]["value"] == "14:00"
    assert fields["end"]["value"] == "13:00" and fields["note"]["value"] == NASTY
    assert fields["billable"]["value"] == "true"
    assert fields["tags"]["value"] == "g1"  # an unknown id is dropped, the known one kept
    text = json.dumps(card, ensure_ascii=False)
    assert '"id": "error_end"' in text and t("form.errors", locale) in text
    red = [b["text"] for b in iter_blocks(card) if b.get("color") == "Attention"]
    assert any("\\<at\\>" in line for line in red) and not any("<at>" in line for line in red)  # escaped


@pytest.mark.parametrize("locale", LOCALES)
def test_start_form(locale: str) -> None:
    card = assert_valid_form(form_card(view(kind="start"), locale))
    assert set(inputs(card)) == {"project", "task", "tags", "billable", "note"}
    assert any(a.get("verb") == act.START_SAVE for a in iter_actions(card))
    assert_valid_form(form_card(view(60, n_tags=100, long=True, kind="start"), locale))


def test_form_without_projects_tasks_or_tags() -> None:
    card = form_card(view(0, n_tags=0), "en")
    assert_valid_card(card)
    assert "task" not in inputs(card) and "tags" not in inputs(card)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("admin", [False, True])
def test_settings_card(locale: str, admin: bool) -> None:
    zones = ["Europe/Berlin", "America/New_York", "UTC"]
    card = settings_card(SettingsView(timezone="Asia/Tokyo", zones=zones, is_admin=admin), locale)
    assert_valid_card(card)
    assert_routable(card)
    fields = inputs(card)
    assert (
        fields["timezone"]["value"] == "Asia/Tokyo"
        and fields["timezone"]["choices"][0]["value"] == "Asia/Tokyo"
    )
    assert ("weekly_target_hours" in fields) is admin and ("admin_only_master_data" in fields) is admin
    if admin:
        assert fields["weekly_target_hours"]["value"] == 40
    errors = {"timezone_other": "unknown", "_": LONG_NAME}
    kept = settings_card(
        SettingsView(
            timezone="UTC",
            zones=zones,
            is_admin=admin,
            values={"timezone_other": "Mars/Base", "weekly_target_hours": "38,5"},
            errors=errors,
        ),
        locale,
    )
    assert_valid_card(kept)
    assert inputs(kept)["timezone_other"]["value"] == "Mars/Base"


# ---- the catalogue and German -------------------------------------------------------------------------


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_catalogue_key_has_en_and_de_with_the_same_placeholders() -> None:
    messages = _messages()
    assert len(messages) > 100
    for key, entry in messages.items():
        assert set(entry) >= {"en", "de"}, key
        assert entry["en"].strip() and entry["de"].strip(), key
        assert _fields(entry["en"]) == _fields(entry["de"]), key


def _english_only_fragments() -> set[str]:
    """Fixed English phrases (split at placeholders) that the German catalogue does not also use."""
    german = " ".join(e["de"] for e in _messages().values())
    fragments: set[str] = set()
    for entry in _messages().values():
        if entry["en"] == entry["de"]:
            continue
        for part in re.split(r"\{[^}]*\}", entry["en"]):
            part = part.strip(" .,:;!?*()“”\"'`…–-")
            if len(part) >= 5 and " " in part and part not in german:
                fragments.add(part)
    return fragments


def _readable(card: dict[str, Any]) -> str:
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "label", "placeholder", "errorMessage", "fallbackText"):
                if isinstance(node.get(key), str):
                    out.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return "\n".join(out)


def test_german_cards_have_no_english_leftovers() -> None:
    fragments = _english_only_fragments()
    assert "Please check the highlighted fields" in fragments  # the check has teeth
    entry = make_entry()
    cards = [
        help_card("de-DE"),
        status_card(None, "de-DE", today_seconds=3600, today_entries=1),
        status_card(entry.model_copy(update={"end": None}), "de-DE", today_seconds=3600, today_entries=2),
        timer_card(entry.model_copy(update={"end": None}), "de-DE", undo_token="tok"),
        form_card(view(values={"project": "p1"}, errors={"end": "x"}), "de-DE"),
        form_card(view(60, kind="start"), "de-DE"),
        settings_card(SettingsView(timezone="UTC", zones=["UTC"], is_admin=True), "de-DE"),
    ]
    for card in cards:
        text = _readable(copy.deepcopy(card))
        leftovers = sorted(f for f in fragments if f in text)
        assert not leftovers, leftovers
        assert card["lang"] == "de"
