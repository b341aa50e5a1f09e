"""The repository stands on its own: no tracked file points at a folder beside or above the checkout.

A clone on a machine with nothing beside it must pass `make test`, so code, tests and docs may only name
paths inside the repository (`tests/specs/` holds the vendored API definitions).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Spelled in pieces so this file does not match itself.
OUTSIDE = re.compile("|".join([r"\.\./" + "shared", "/" + "work/", r"parents\[3\]"]))
SKIP = {"package-lock.json"}


def tracked_text_files() -> list[Path]:
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split("\0")
    return [ROOT / n for n in names if n and n not in SKIP and not n.startswith("tests/specs/")]


def test_no_tracked_file_references_a_path_outside_the_repository() -> None:
    hits = []
    for path in tracked_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not hits, "\n".join(hits)


def test_the_vendored_definitions_the_fakes_read_are_tracked() -> None:
    specs = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests" / "specs").rglob("*.json")}
    assert {
        "tests/specs/timeghost/apiDefinition.swagger.json",
        "tests/specs/toggl/toggl-track-api-v9.swagger.json",
        "tests/specs/toggl/toggl-webhooks-v1.swagger.json",
        "tests/specs/toggl/toggl-reports-v3.swagger.json",
    } <= specs
