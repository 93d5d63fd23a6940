"""The 通报 and 自查报告 (.docx) and the Chinese findings sheet (.xlsx/.csv), opened the way the
office will open them: python-docx and openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from samples_env import run_cli

from core.urls import url_hash
from db.models import Finding, ScanRun, Score, Site, SiteScan, Unit
from db.session import make_engine, session_factory
from reports.docx import ReportError, self_check, tongbao
from reports.findings_list import FindingFilter, all_findings
from reports.sheets import HEADERS, findings_csv, findings_xlsx

UNITS = [("u-low", "低分单位", 40.0, False, "不合格", [{"id": "W-V3", "name": "首页不更新"}]),
         ("u-top", "高分单位", 99.5, True, "良好", []),
         ("u-mid", "中间单位", 75.0, True, "合格", [])]


def build(url: str) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as s:
        run = ScanRun(as_of=dt.date(2026, 11, 20), status="completed")
        s.add(run)
        s.flush()
        for uid, name, score, passed, grade, vetoes in UNITS:
            sid = f"{uid}-www"
            s.add(Unit(id=uid, name=name, kind="department"))
            s.add(Site(id=sid, unit_id=uid, name=f"{name}网站", url=f"http://127.0.0.1:9/{uid}/"))
            s.add(SiteScan(run_id=run.id, site_id=sid, unit_id=uid, status="completed"))
            s.add(Score(run_id=run.id, quarter="2026Q4", subject="site", subject_id=sid, unit_id=uid, score=score,
                        passed=passed, grade=grade, vetoes=vetoes, deductions=[]))
            s.add(Score(run_id=run.id, quarter="2026Q4", subject="unit", subject_id=uid, unit_id=uid, score=score,
                        passed=passed, grade=grade, vetoes=[{"subject_id": sid, "vetoes": ["W-V3"]}] if vetoes else [],
                        deductions=[]))
            for i, (check, target, detail) in enumerate([
                ("link_broken", f"http://127.0.0.1:9/{uid}/missing.html", "链接不可用：HTTP 404"),
                ("column_empty", f"http://127.0.0.1:9/{uid}/col/", "空白栏目：「表格下载」\x1b[2J没有信息"),
                ("footer_missing", "=HYPERLINK(\"http://evil\")", "首页底部未列明网站标识码"),
            ]):
                s.add(Finding(unit_id=uid, subject="site", subject_id=sid, check_id=check,
                              severity="veto" if vetoes and i == 0 else "deduct", url=target if i < 2 else "",
                              target=target, target_hash=url_hash(target), detail=detail, evidence={"run_id": run.id},
                              first_seen_run=run.id, last_seen_run=run.id, status="open",
                              first_seen_at=dt.datetime(2026, 11, 20, 1), last_seen_at=dt.datetime(2026, 11, 20, 1)))
        s.commit()
    engine.dispose()


@pytest.fixture
def report_db(sqlite_url: str) -> str:
    build(sqlite_url)
    return sqlite_url


@pytest.fixture
def session(report_db: str):  # type: ignore[no-untyped-def]
    engine = make_engine(report_db)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def test_tongbao_ranks_every_unit_by_score(session) -> None:  # type: ignore[no-untyped-def]
    quarter, body = tongbao(session)
    assert quarter == "2026Q4"
    doc = Document(io.BytesIO(body))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2026年第四季度" in text and "3个单位" in text and "共发现问题9个" in text
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "排名")
    rows = [[c.text for c in r.cells] for r in ranking.rows[1:]]
    assert [r[1] for r in rows] == ["高分单位", "中间单位", "低分单位"]
    assert [r[2] for r in rows] == ["99.50", "75.00", "40.00"]
    assert [r[3] for r in rows] == ["良好", "合格", "不合格"]
    assert "首页不更新" in rows[2][4] and rows[0][4] == "无"
    assert len(doc.inline_shapes) == 2  # the scores chart and the findings-by-check chart
    # each unit's problems, with their URLs, control characters shown not kept
    assert "http://127.0.0.1:9/u-low/missing.html" in text
    assert "\x1b" not in text and "\\x1b[2J" in text


def test_self_check_report_of_one_unit(session) -> None:  # type: ignore[no-untyped-def]
    quarter, body = self_check(session, "u-mid")
    doc = Document(io.BytesIO(body))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "中间单位2026年第四季度政府网站与政务新媒体自查报告" in text
    assert "75.00分" in text and "u-top" not in text and "高分单位" not in text
    scores = doc.tables[0]
    assert [c.text for c in scores.rows[1].cells][:4] == ["中间单位网站", "网站", "75.00", "合格"]
    with pytest.raises(ReportError):
        self_check(session, "no-such-unit")


def test_findings_sheet_has_chinese_headers_links_and_no_formulas(session) -> None:  # type: ignore[no-untyped-def]
    rows = all_findings(session, FindingFilter())
    ws = load_workbook(io.BytesIO(findings_xlsx(rows))).active
    assert [c.value for c in ws[1]] == HEADERS == ["序号", "单位", "网站/账号", "问题类型", "严重程度", "问题描述", "链接",
                                                   "发现时间", "审核状态", "审核说明"]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["F"].width == 60
    assert ws.max_row == 10
    body = list(ws.iter_rows(min_row=2))
    links = [r[6] for r in body if r[6].value]
    assert links and all(c.hyperlink is not None and c.hyperlink.target == c.value for c in links)
    assert {r[4].value for r in body} <= {"单项否决", "扣分", "提示"} and {r[8].value for r in body} == {"待审核"}
    assert all(not str(c.value).startswith("=") for r in body for c in r if c.value is not None)
    text = findings_csv(rows)
    assert text.splitlines()[0] == ",".join(HEADERS)
    assert "\x1b" not in text


def test_report_commands_write_the_files(report_db: str, tmp_path: Path) -> None:
    out = tmp_path / "通报.docx"
    proc = run_cli("report", "tongbao", "--db", report_db, "-o", str(out), "--quarter", "2026Q4")
    assert proc.returncode == 0, proc.stderr
    assert len(Document(str(out)).tables[0].rows) == 4
    proc = run_cli("report", "self", "--db", report_db, "--unit", "u-low", "-o", str(tmp_path / "s.docx"))
    assert proc.returncode == 0, proc.stderr
    proc = run_cli("report", "findings", "--db", report_db, "-o", str(tmp_path / "f.csv"), "--unit", "u-top")
    assert proc.returncode == 0, proc.stderr
    lines = (tmp_path / "f.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("序号,单位,网站/账号") and len(lines) == 4
    proc = run_cli("report", "tongbao", "--db", report_db, "-o", str(out), "--quarter", "2025Q1")
    assert proc.returncode == 1 and "没有该季度的评分" in proc.stderr
