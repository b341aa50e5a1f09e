"""`python -m bench.report [--entries 100000]`: the times Excel report, streaming vs naive, same run.

Both variants write the same spreadsheet (same rows, columns, number formats, totals, frozen header) from the
same deterministic entries:

* **streaming** — what the bot does: entries arrive in batches of 1,000 (as from the backend's keyset
  pagination) and go through `bot.reports.xlsx.ReportWriter` (XlsxWriter `constant_memory`: each row is
  flushed to a temporary file, strings inline).
* **naive** — the obvious way: load every entry into a list, build the whole workbook in memory with openpyxl
  (normal mode), then save.

Each variant runs in its own fresh Python process, so peak memory is that process's peak RSS
(`ru_maxrss`) minus its RSS after imports and set-up (the memory the report itself needed). Time is wall-clock
for producing the file. Prints a Markdown table with the ratios naive / streaming.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
TZ = ZoneInfo("Europe/Berlin")
COLUMNS = ("client", "project", "project_description", "task", "description", "author")
BATCH = 1000


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rows(n: int) -> Iterator[object]:
    """`n` deterministic entries over ~a year, 40 projects of 8 clients, 25 people, unique descriptions."""
    from bot.reports.xlsx import ReportRow

    base = datetime(2026, 1, 1, 7, tzinfo=UTC)
    for i in range(n):
        start = base + timedelta(minutes=7 * i)
        project = i % 40
        yield ReportRow(
            start=start,
            end=start + timedelta(minutes=5 + i % 180),
            group_key=f"p{project}",
            group_label=f"Client {project % 8} / Project {project}",
            client=f"Client {project % 8}",
            project=f"Project {project}",
            project_description=f"Description of project {project}",
            task=f"Task {i % 13}",
            description=f"Entry {i}: worked on feature {i % 997} and reviewed change #{i * 7 % 100003}",
            author=f"Person {i % 25}",
        )


def streaming(n: int, path: Path) -> int:
    from bot.reports.xlsx import ReportWriter

    writer = ReportWriter(path, tz=TZ, columns=COLUMNS)
    batch: list[object] = []
    for row in rows(n):
        batch.append(row)
        if len(batch) == BATCH:
            writer.add_rows(batch)  # type: ignore[arg-type]
            batch = []
    writer.add_rows(batch)  # type: ignore[arg-type]
    return writer.close().entries


def naive(n: int, path: Path) -> int:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from bot.reports.xlsx import DATE_FORMAT, DATETIME_FORMAT, DURATION_FORMAT

    entries = list(rows(n))  # everything in memory, as a list-returning backend call would give it
    wb = Workbook()
    ws = wb.active
    ws.title = "Times"
    header = ["Date", "Start", "End", "Duration", "Client", "Project", "Project description", "Task"]
    ws.append([*header, "Description", "Author"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    total = 0.0
    for r, entry in enumerate(entries, start=2):
        start = entry.start.astimezone(TZ).replace(tzinfo=None)  # type: ignore[attr-defined]
        end = entry.end.astimezone(TZ).replace(tzinfo=None)  # type: ignore[attr-defined]
        days = (entry.end - entry.start).total_seconds() / 86_400  # type: ignore[attr-defined]
        total += days
        values = [start.replace(hour=0, minute=0), start, end, days] + [getattr(entry, c) for c in COLUMNS]
        ws.append(values)
        ws.cell(r, 1).number_format = DATE_FORMAT
        ws.cell(r, 2).number_format = DATETIME_FORMAT
        ws.cell(r, 3).number_format = DATETIME_FORMAT
        ws.cell(r, 4).number_format = DURATION_FORMAT
    ws.append(["Total", None, None, total])
    ws.cell(ws.max_row, 4).number_format = DURATION_FORMAT
    for col, width in zip("ABCDEFGHIJ", (11, 17, 17, 10, 12, 12, 30, 10, 60, 12), strict=True):
        ws.column_dimensions[col].width = width
    wb.save(path)
    return len(entries)


def child(variant: str, n: int) -> None:
    import openpyxl  # noqa: F401 - imports count as set-up, not as the report's memory
    import xlsxwriter  # noqa: F401

    import bot.reports.xlsx  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="timebot-bench-") as folder:
        path = Path(folder) / f"{variant}.xlsx"
        baseline = _rss_kb()
        began = time.perf_counter()
        written = (streaming if variant == "streaming" else naive)(n, path)
        seconds = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = path.stat().st_size
    print(json.dumps({"entries": written, "seconds": seconds, "peak_kb": peak - baseline, "size": size}))


def run(variant: str, n: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.report", "--child", variant, "--entries", str(n)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--child", choices=("streaming", "naive"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.entries)
        return
    results = {variant: run(variant, args.entries) for variant in ("streaming", "naive")}
    s, n = results["streaming"], results["naive"]
    print(f"Times report, {args.entries:,} entries, 10 columns (Python {sys.version.split()[0]})\n")
    print("| variant | time (s) | peak memory (MiB) | file (MiB) |")
    print("|---|---:|---:|---:|")
    for name, r in (("streaming (XlsxWriter constant_memory)", s), ("naive (openpyxl, all in memory)", n)):
        print(f"| {name} | {r['seconds']:.2f} | {r['peak_kb'] / 1024:.1f} | {r['size'] / 2**20:.1f} |")
    time_ratio = n["seconds"] / s["seconds"]
    memory_ratio = n["peak_kb"] / max(s["peak_kb"], 1)
    print(f"| **naive / streaming** | **{time_ratio:.1f}×** | **{memory_ratio:.0f}×** | |")


if __name__ == "__main__":
    main()
