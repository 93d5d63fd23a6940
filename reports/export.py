"""Rows to files: CSV, JSON and XLSX bytes for every writer (CLI and web alike)."""

from __future__ import annotations

import csv
import io
from typing import Any

from core.sanitize import json_text, shown

# a spreadsheet cell starting with one of these is a formula (OWASP "CSV injection"); findings
# quote crawled text (column names, URLs, anchors), so such a cell is written as plain text
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A spreadsheet cell: crawled text with its control characters shown escaped (openpyxl
    refuses most of them, a terminal obeys them), never a formula."""
    if isinstance(value, (dict, list)):
        value = json_text(value)
    if not isinstance(value, str):
        return value
    value = shown(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_json(rows: list[dict[str, Any]]) -> str:
    """Lossless: every character of the crawled text comes back when the JSON is read."""
    return json_text(rows, indent=2) + "\n"


def to_csv(rows: list[dict[str, Any]], fields: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(fields)
    for row in rows:
        w.writerow([_cell(row.get(f)) for f in fields])
    return buf.getvalue()


def to_xlsx(rows: list[dict[str, Any]], fields: list[str]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(fields)
    for row in rows:
        ws.append([_cell(row.get(f)) for f in fields])
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
