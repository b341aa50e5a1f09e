"""Write the times report as a real .xlsx, row by row, in bounded memory (XlsxWriter `constant_memory`).

Each row is flushed to a temporary file as soon as the next one starts, strings are written inline (no shared
string table growing with the data), and totals are running sums — so memory stays flat whatever the number of
entries. The rows must arrive in report order: by start, or (grouped) by project and then start.

Cells are typed: the date is a date, start and end are datetimes in the report's time zone (Excel has no
zones, so they are written as that zone's wall-clock time), durations are fractions of a day formatted
`[h]:mm` (Excel sums them correctly past 24 h). Text is never interpreted: a description that starts with
`=` stays text (no formula injection), a URL stays plain text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import xlsxwriter

from bot.i18n import Message, render, t

Column = Literal["client", "project", "project_description", "task", "description", "author"]
RoundingType = Literal["up", "down", "nearest"]

OPTIONAL_COLUMNS: tuple[Column, ...] = (
    "client",
    "project",
    "project_description",
    "task",
    "description",
    "author",
)
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SECONDS_PER_DAY = 86_400
DURATION_FORMAT = "[h]:mm"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

_FIXED_WIDTHS = {"date": 11.0, "start": 17.0, "end": 17.0, "duration": 10.0}
_TEXT_WIDTH = {  # (minimum, maximum) characters
    "client": (10, 30),
    "project": (10, 30),
    "project_description": (12, 50),
    "task": (8, 30),
    "description": (14, 60),
    "author": (10, 30),
}


def round_seconds(seconds: int, minutes: int | None, kind: RoundingType = "nearest") -> int:
    """`seconds` rounded to a multiple of `minutes` (None or 0: unchanged). Nearest rounds halves up."""
    if not minutes or seconds <= 0:
        return max(seconds, 0)
    step = minutes * 60
    whole, rest = divmod(seconds, step)
    if rest == 0:
        return seconds
    if kind == "up" or (kind == "nearest" and rest * 2 >= step):
        whole += 1
    return whole * step


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One finished time entry, already resolved to names."""

    start: datetime  # aware
    end: datetime  # aware
    group_key: str | None = None  # the project id; rows of one group arrive together when grouping
    group_label: str = ""  # "Client / Project", shown on the group's heading and total
    client: str = ""
    project: str = ""
    project_description: str = ""
    task: str = ""
    description: str = ""
    author: str = ""


@dataclass(frozen=True, slots=True)
class ReportStats:
    entries: int
    total_seconds: int  # after rounding
    groups: int
    size: int  # bytes of the written file


class ReportWriter:
    """Streams `ReportRow`s into an .xlsx at `path`: `add_rows` any number of times, then `close` once."""

    def __init__(
        self,
        path: Path,
        *,
        tz: ZoneInfo,
        locale: str = "en-US",
        columns: Sequence[Column] = ("client", "project", "task", "description"),
        by_project: bool = False,
        rounding_minutes: int | None = None,
        rounding_type: RoundingType = "nearest",
        title: str | Message | None = None,
    ) -> None:
        self.path = path
        self._tz = tz
        self._locale = locale
        self._columns = [c for c in OPTIONAL_COLUMNS if c in columns]  # canonical order, no duplicates
        self._by_project = by_project
        self._rounding = (rounding_minutes, rounding_type)
        self._wb = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": str(path.parent),
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_date_format": DATE_FORMAT,
            },
        )
        self._wb.set_properties(
            {"title": render(title or Message("report.sheet"), locale), "comments": "timebot"}
        )
        self._ws = self._wb.add_worksheet(t("report.sheet", locale)[:31])
        bold = {"bold": True}
        self._fmt = {
            "header": self._wb.add_format({**bold, "bottom": 1, "bg_color": "#D9E1F2"}),
            "date": self._wb.add_format({"num_format": DATE_FORMAT, "align": "left"}),
            "datetime": self._wb.add_format({"num_format": DATETIME_FORMAT, "align": "left"}),
            "duration": self._wb.add_format({"num_format": DURATION_FORMAT}),
            "group": self._wb.add_format({**bold, "bg_color": "#F2F2F2"}),
            "subtotal": self._wb.add_format(bold),
            "subtotal_duration": self._wb.add_format({**bold, "num_format": DURATION_FORMAT, "top": 1}),
            "total": self._wb.add_format({**bold, "top": 2}),
            "total_duration": self._wb.add_format({**bold, "num_format": DURATION_FORMAT, "top": 2}),
        }
        self._keys = ["date", "start", "end", "duration", *self._columns]
        self._widths = [  # at least the header; text columns then grow with their content (capped)
            max(_FIXED_WIDTHS.get(key) or _TEXT_WIDTH[key][0], len(self._header(key)) + 2.0)
            for key in self._keys
        ]
        self._row = 0
        self._entries = 0
        self._total = 0
        self._groups = 0
        self._group: tuple[str | None, str] | None = None
        self._group_total = 0
        self._closed = False
        self._write_header()

    # ---- public --------------------------------------------------------------------------------------------

    def add_rows(self, rows: Iterable[ReportRow]) -> None:
        for row in rows:
            self.add(row)

    def add(self, row: ReportRow) -> None:
        if self._by_project and (self._group is None or self._group[0] != row.group_key):
            self._end_group()
            self._start_group(row.group_key, row.group_label)
        raw = max(int((row.end - row.start).total_seconds()), 0)
        seconds = round_seconds(raw, *self._rounding)
        start = row.start.astimezone(self._tz).replace(tzinfo=None)
        end = row.end.astimezone(self._tz).replace(tzinfo=None)
        ws, r, f = self._ws, self._row, self._fmt
        ws.write_datetime(r, 0, start.replace(hour=0, minute=0, second=0, microsecond=0), f["date"])
        ws.write_datetime(r, 1, start, f["datetime"])
        ws.write_datetime(r, 2, end, f["datetime"])
        ws.write_number(r, 3, seconds / SECONDS_PER_DAY, f["duration"])
        for i, key in enumerate(self._columns, start=4):
            value: str = getattr(row, key)
            if value:
                ws.write_string(r, i, value)
                self._fit(i, value)
        self._row += 1
        self._entries += 1
        self._total += seconds
        self._group_total += seconds

    def close(self) -> ReportStats:
        if self._closed:
            raise RuntimeError("the report is already closed")
        self._closed = True
        self._end_group()
        last_col = len(self._keys) - 1
        ws, f = self._ws, self._fmt
        if not self._by_project and self._entries:
            ws.autofilter(0, 0, self._row - 1, last_col)
        ws.write_string(self._row, 0, t("report.total", self._locale), f["total"])
        for col in (1, 2):
            ws.write_blank(self._row, col, None, f["total"])
        ws.write_number(self._row, 3, self._total / SECONDS_PER_DAY, f["total_duration"])
        for col in range(4, last_col + 1):
            ws.write_blank(self._row, col, None, f["total"])
        for col, width in enumerate(self._widths):
            ws.set_column(col, col, width)
        self._wb.close()
        return ReportStats(
            entries=self._entries,
            total_seconds=self._total,
            groups=self._groups,
            size=self.path.stat().st_size,
        )

    def abort(self) -> None:
        """Give up (the data source failed): release the workbook's temporary files, drop the output."""
        if not self._closed:
            self._closed = True
            with contextlib.suppress(Exception):  # best effort: we are already failing
                self._wb.close()
        self.path.unlink(missing_ok=True)

    # ---- layout --------------------------------------------------------------------------------------------

    def _header(self, key: str) -> str:
        return t(f"report.col.{key}", self._locale)

    def _write_header(self) -> None:
        for col, key in enumerate(self._keys):
            self._ws.write_string(0, col, self._header(key), self._fmt["header"])
        self._ws.freeze_panes(1, 0)
        self._row = 1

    def _start_group(self, key: str | None, label: str) -> None:
        label = label or t("report.no_project", self._locale)
        self._group = (key, label)
        self._group_total = 0
        self._groups += 1
        self._ws.write_string(self._row, 0, label, self._fmt["group"])
        for col in range(1, len(self._keys)):
            self._ws.write_blank(self._row, col, None, self._fmt["group"])
        self._row += 1

    def _end_group(self) -> None:
        if self._group is None:
            return
        label = t("report.total_group", self._locale, group=self._group[1])
        self._ws.write_string(self._row, 0, label, self._fmt["subtotal"])
        self._ws.write_number(
            self._row, 3, self._group_total / SECONDS_PER_DAY, self._fmt["subtotal_duration"]
        )
        self._row += 2  # a blank line between groups
        self._group = None

    def _fit(self, col: int, value: str) -> None:
        low, high = _TEXT_WIDTH[self._keys[col]]
        width = min(max(len(value) + 2, low), high)
        if width > self._widths[col]:
            self._widths[col] = float(width)
