"""docs/commands.md stays in step with the verb table (`bot.commands.verbs.TABLE`).

Every verb has a section whose heading names it, and that section names each of the verb's English and
German words; no section documents a verb the table lacks; the not-yet-available verbs (and only they) are
marked so; and every example in a section is a command the parser accepts as that verb.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands.parser import parse_strict
from bot.commands.verbs import TABLE, Verb
from bot.operations import Ambiguity, ParseContext, ParseFailure

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "commands.md"
BERLIN = ZoneInfo("Europe/Berlin")
CTX = ParseContext(now=datetime(2026, 11, 25, 15, 0, tzinfo=BERLIN), tz=BERLIN, locale="en-US")
NOT_YET = "**Not available yet.**"
NOUNS = frozenset({"project", "client", "task", "tag"})


@dataclass
class Section:
    heading: str
    body: str

    @property
    def verbs(self) -> list[str]:
        return re.findall(r"`([^`]+)`", self.heading)

    @property
    def examples(self) -> list[str]:
        blocks = re.findall(r"^```\n(.*?)^```$", self.body, flags=re.MULTILINE | re.DOTALL)
        return [line for block in blocks for line in block.splitlines() if line.strip()]

    def names(self, word: str) -> bool:
        return f"`{word.lower()}`" in (self.heading + self.body).lower()


def verb_sections(text: str) -> list[Section]:
    """The `### \\`verb\\`` sections (other headings are about the grammar, not one verb)."""
    sections: list[Section] = []
    current: Section | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith("#"):
            current = None
            if line.startswith("### `"):
                current = Section(line.strip(), "")
                sections.append(current)
        elif current is not None:
            current.body += line
    return sections


SECTIONS = verb_sections(DOCS.read_text(encoding="utf-8"))
BY_VERB = {name: section for section in SECTIONS for name in section.verbs}


def section_of(verb: Verb) -> Section:
    section = BY_VERB.get(verb.name)
    assert section is not None, f"docs/commands.md has no '### `{verb.name}`' section"
    return section


@pytest.mark.parametrize("verb", TABLE, ids=lambda v: v.name)
def test_every_verb_and_each_of_its_words_is_documented(verb: Verb) -> None:
    section = section_of(verb)
    missing = [word for word in verb.words if not section.names(word)]
    assert not missing, f"the `{verb.name}` section does not name {missing}"


def test_no_section_documents_a_verb_the_table_lacks() -> None:
    known = {verb.name for verb in TABLE}
    assert SECTIONS, "no verb sections found in docs/commands.md"
    assert set(BY_VERB) <= known, f"documented but not in the verb table: {sorted(set(BY_VERB) - known)}"


@pytest.mark.parametrize("verb", TABLE, ids=lambda v: v.name)
def test_only_unavailable_verbs_are_marked_not_available(verb: Verb) -> None:
    marked = NOT_YET in section_of(verb).body
    assert marked == (verb.kind == "unavailable"), f"`{verb.name}`: {verb.kind}, marked {marked}"


def _starts_with_a_word_of(example: str, section: Section) -> bool:
    low = example.lower()
    words = [word for verb in TABLE if verb.name in section.verbs for word in verb.words]
    words += [f"add {noun}" for noun in NOUNS & set(section.verbs)]  # `add project X` = `project add X`
    return any(low == word or low.startswith(word + " ") for word in words)


EXAMPLES = [(section, example) for section in SECTIONS for example in section.examples]


@pytest.mark.parametrize("section, example", EXAMPLES, ids=[example for _, example in EXAMPLES])
def test_every_example_is_a_command_of_its_section(section: Section, example: str) -> None:
    assert _starts_with_a_word_of(example, section), f"{example!r} is not a {section.verbs} command"
    result = parse_strict(example, CTX)
    if NOT_YET in section.body:
        assert isinstance(result, ParseFailure)
        assert result.message_key == "parse.unsupported_command"
    else:
        assert not isinstance(result, ParseFailure | Ambiguity), f"{example!r} → {result!r}"


def test_every_section_has_an_example() -> None:
    assert [s.heading for s in SECTIONS if not s.examples] == []


def test_the_readme_links_the_reference() -> None:
    assert "](docs/commands.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
