"""Findings as the spreadsheet an office hands on: Chinese column headers, a frozen header row,
column widths, links that open. Cells go through reports.export's cleaning (control characters
shown escaped, no formulas)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from reports import labels
from reports.export import _cell

HEADERS = ["序号", "单位", "网站/账号", "问题类型", "严重程度", "问题描述", "链接", "发现时间", "审核状态", "审核说明"]
WIDTHS = [6, 22, 26, 20, 10, 60, 50, 17, 10, 30]
_BEIJING = dt.timedelta(hours=8)


def _when(value: Any) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return (value + _BEIJING).strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else ""


def _link(row: dict[str, Any]) -> str:
    return row.get("url") or (row["target"] if str(row.get("target", "")).startswith(("http://", "https://")) else "")


def sheet_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """One list per finding, in HEADERS' order (rows as reports.findings_list or reports.queries give them)."""
    out = []
    for i, r in enumerate(rows, 1):
        site = r.get("site_name") or r["site"]
        out.append([i, r.get("unit_name") or r["unit"], f"{site}（{r['site']}）" if site != r["site"] else site,
                    labels.check_label(r["check"]), labels.severity_label(r["severity"]), r["detail"], _link(r),
                    _when(r.get("first_seen")), labels.status_label(r["status"]), r.get("status_reason") or ""])
    return out


def findings_csv(rows: list[dict[str, Any]]) -> str:
    """CSV text; write it as utf-8-sig so that Excel reads the Chinese."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(HEADERS)
    for values in sheet_rows(rows):
        w.writerow([_cell(v) for v in values])
    return buf.getvalue()


def findings_xlsx(rows: list[dict[str, Any]], title: str = "问题清单") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    link_col = HEADERS.index("链接") + 1
    for values in sheet_rows(rows):
        ws.append([_cell(v) for v in values])
        cell = ws.cell(row=ws.max_row, column=link_col)
        url = values[link_col - 1]
        # only a plain http(s) URL becomes a link; anything else stays text
        if isinstance(url, str) and url.startswith(("http://", "https://")) and cell.value == url:
            cell.hyperlink = url
            cell.style = "Hyperlink"
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows(min_row=2, min_col=HEADERS.index("问题描述") + 1, max_col=HEADERS.index("问题描述") + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
