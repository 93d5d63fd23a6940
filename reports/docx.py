"""The quarterly 通报 (city-wide: counts, the ranking of units with 等次 and vetoes, charts, each
unit's problems with their URLs) and a unit's 自查报告, as .docx (python-docx). Crawled text is
cleaned of control characters (core.sanitize.shown): Word refuses a document holding them."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy.orm import Session

from core.sanitize import shown
from reports import labels
from reports.charts import bar_chart
from reports.dashboard import UnitRow, ranking
from reports.findings_list import FindingFilter, all_findings
from reports.queries import SEVERITY_ORDER

SHOWN = ("open", "confirmed")  # a dismissed finding is not a problem; a fixed one is gone
_BEIJING = dt.timedelta(hours=8)


class ReportError(ValueError):
    """Nothing to report (no scores for the quarter, unknown unit); str() says why."""


def _doc() -> Any:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return doc


def _title(doc: Any, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_heading(text, level=0)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(doc: Any, headers: list[str], rows: list[list[Any]]) -> Any:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = shown(value)
    return table


def _problems(session: Session, unit_ids: set[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Current open or confirmed findings per unit, weightiest first."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    units = sorted(unit_ids) if unit_ids is not None else [None]
    rows = [r for status in SHOWN for unit in units for r in all_findings(session, FindingFilter(status=status, unit=unit))]
    rows.sort(key=lambda r: (SEVERITY_ORDER.get(r["severity"], 3), r["site"], r["check"], r["target"]))
    for r in rows:
        out[r["unit"]].append(r)
    return out


def _problem_list(doc: Any, problems: list[dict[str, Any]]) -> None:
    if not problems:
        doc.add_paragraph("未发现问题。")
        return
    for i, r in enumerate(problems, 1):
        p = doc.add_paragraph()
        p.add_run(f"{i}. {shown(r['site_name'])}　").bold = True
        p.add_run(f"【{labels.check_label(r['check'])}·{labels.severity_label(r['severity'])}】")
        p.add_run(shown(r["detail"]))
        link = r["url"] or (r["target"] if str(r["target"]).startswith(("http://", "https://")) else "")
        if link:
            p.add_run(f"　链接：{shown(link)}")


def _vetoes(unit: UnitRow) -> str:
    return "；".join(unit.vetoes) or "无"


def _save(doc: Any) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _now_label() -> str:
    return (dt.datetime.now(dt.UTC) + _BEIJING).strftime("%Y年%m月%d日")


def tongbao(session: Session, quarter: str | None = None, issuer: str = "") -> tuple[str, bytes]:
    """The city-wide 通报 of a quarter (default: the newest scored): (quarter, .docx bytes)."""
    from docx.shared import Cm

    quarter, units = ranking(session, quarter)
    if quarter is None or not units:
        raise ReportError("没有该季度的评分：请先完成一次全面检查")
    problems = _problems(session)
    members = [m for u in units for m in u.members]
    n_sites = sum(1 for m in members if m["subject"] == "site")
    n_accounts = sum(1 for m in members if m["subject"] == "account")
    passed = sum(1 for u in units if u.passed)
    all_problems = [p for u in units for p in problems.get(u.unit_id, [])]
    sev = Counter(p["severity"] for p in all_problems)
    qlabel = labels.quarter_label(quarter)

    doc = _doc()
    _title(doc, f"关于{qlabel}全市政府网站与政务新媒体检查情况的通报")
    doc.add_paragraph(
        f"{qlabel}，对全市{len(units)}个单位的{n_sites}个政府网站、{n_accounts}个政务新媒体账号进行了检查。"
        f"合格单位{passed}个，不合格单位{len(units) - passed}个；共发现问题{len(all_problems)}个，其中单项否决问题"
        f"{sev['veto']}个、扣分问题{sev['deduct']}个、提示问题{sev['notice']}个。现将有关情况通报如下。")

    doc.add_heading("一、检查结果排名", level=1)
    _table(doc, ["排名", "单位", "得分", "等次", "单项否决"],
           [[i, u.name, f"{u.score:.2f}" if u.score is not None else "未评分", u.grade or "", _vetoes(u)]
            for i, u in enumerate(units, 1)])

    doc.add_heading("二、得分与问题分布", level=1)
    scored = [u for u in units if u.score is not None]
    doc.add_picture(io.BytesIO(bar_chart([u.name for u in scored], [round(u.score or 0, 2) for u in scored],
                                         title=f"{qlabel}各单位得分", xlabel="得分", xmax=100,
                                         fallback_labels=[u.unit_id for u in scored])), width=Cm(15))
    by_check = Counter(p["check"] for p in all_problems).most_common()
    if by_check:
        doc.add_picture(io.BytesIO(bar_chart([labels.check_label(c) for c, _ in by_check], [n for _, n in by_check],
                                             title="问题数量（按问题类型）", xlabel="问题数", color="#c0504d",
                                             fallback_labels=[c for c, _ in by_check])), width=Cm(15))
    _table(doc, ["问题类型", "问题数"], [[labels.check_label(c), n] for c, n in by_check] or [["无", 0]])

    doc.add_heading("三、各单位存在的问题", level=1)
    for i, u in enumerate(units, 1):
        score = f"{u.score:.2f}分" if u.score is not None else "未评分"
        doc.add_heading(f"{_cn_number(i)}{shown(u.name)}（{score}，{u.grade or '—'}）", level=2)
        _problem_list(doc, problems.get(u.unit_id, []))
    doc.add_paragraph()
    doc.add_paragraph(f"{issuer}　{_now_label()}".strip())
    return quarter, _save(doc)


def self_check(session: Session, unit_id: str, quarter: str | None = None) -> tuple[str, bytes]:
    """A unit's 自查报告 for a quarter: (quarter, .docx bytes)."""
    quarter, units = ranking(session, quarter, unit_id)
    unit = next((u for u in units if u.unit_id == unit_id), None)
    if quarter is None or unit is None:
        raise ReportError(f"单位 {unit_id} 在该季度没有评分")
    problems = _problems(session, {unit_id}).get(unit_id, [])
    qlabel = labels.quarter_label(quarter)
    doc = _doc()
    _title(doc, f"{shown(unit.name)}{qlabel}政府网站与政务新媒体自查报告")
    score = f"{unit.score:.2f}分" if unit.score is not None else "未评分"
    sites = [m for m in unit.members if m["subject"] == "site"]
    accounts = [m for m in unit.members if m["subject"] == "account"]
    doc.add_paragraph(
        f"按照《政府网站与政务新媒体检查指标》，本单位对所属{len(sites)}个政府网站、{len(accounts)}个政务新媒体账号"
        f"开展了{qlabel}自查。自查得分{score}，等次为{unit.grade or '—'}；单项否决：{_vetoes(unit)}；"
        f"发现待整改问题{len(problems)}个。")
    doc.add_heading("一、自查得分", level=1)
    _table(doc, ["网站/账号", "类型", "得分", "等次", "单项否决", "扣分项"],
           [[m["name"], labels.SUBJECTS.get(m["subject"], m["subject"]), f"{m['score']:.2f}", m["grade"],
             "；".join(v.get("name", "") for v in m["vetoes"]) or "无",
             "；".join(f"{d.get('name', '')} -{d.get('points', 0):g}" for d in m["deductions"]) or "无"]
            for m in unit.members])
    doc.add_heading("二、发现的问题", level=1)
    _problem_list(doc, problems)
    doc.add_heading("三、整改措施", level=1)
    doc.add_paragraph("对上述问题逐条整改，整改完成后在检查平台申请复查；长期不更新栏目按规定整合或关停。")
    doc.add_paragraph()
    doc.add_paragraph(f"{shown(unit.name)}　{_now_label()}")
    return quarter, _save(doc)


def _cn_number(i: int) -> str:
    digits = "零一二三四五六七八九"
    if i <= 10:
        return f"（{'十' if i == 10 else digits[i]}）"
    tens, ones = divmod(i, 10)
    return f"（{digits[tens] if tens > 1 else ''}十{digits[ones] if ones else ''}）"
