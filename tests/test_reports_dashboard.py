"""The dashboard's figures (reports/dashboard.py): ranking with the change since last quarter,
open findings by check, the deadline and the units not scanned, scoped for a webmaster."""

from __future__ import annotations

import datetime as dt
from typing import Any

from test_reports_docx import build

from core.schedule_config import Deadline
from db.models import ScanRun, Score
from db.session import make_engine, session_factory
from reports.dashboard import dashboard, previous_quarter, score_history


def test_dashboard_ranks_units_with_their_change_and_open_findings(sqlite_url: str) -> None:
    build(sqlite_url)
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as s:
        old = ScanRun(as_of=dt.date(2026, 8, 20), status="completed")
        s.add(old)
        s.flush()
        s.add(Score(run_id=old.id, quarter="2026Q3", subject="unit", subject_id="u-mid", unit_id="u-mid", score=70.0,
                    passed=True, grade="合格", vetoes=[], deductions=[]))
        s.add(Score(run_id=old.id, quarter="2026Q3", subject="site", subject_id="u-mid-www", unit_id="u-mid",
                    score=70.0, passed=True, grade="合格", vetoes=[], deductions=[]))
        s.commit()
        d: Any = dashboard(s, dt.date(2026, 11, 25), Deadline(), quarter="2026Q4")
        assert d.quarter == "2026Q4" and previous_quarter("2026Q1") == "2025Q4"
        assert [u.unit_id for u in d.units] == ["u-top", "u-mid", "u-low"]
        mid = d.units[1]
        assert mid.change == 5.0 and mid.previous == 70.0 and d.units[0].change is None
        assert d.units[2].vetoes == ["低分单位网站：首页不更新"] and not d.units[2].passed
        assert dict(d.by_check) == {"link_broken": 3, "column_empty": 3, "footer_missing": 3}
        assert all(u.open_findings == 3 for u in d.units)
        assert d.status.deadline == dt.date(2026, 11, 10) and d.status.days_left == -15
        mine: Any = dashboard(s, dt.date(2026, 11, 25), Deadline(), scope_unit="u-low")
        assert [u.unit_id for u in mine.units] == ["u-low"] and dict(mine.by_check) == {
            "link_broken": 1, "column_empty": 1, "footer_missing": 1}
        assert [u.unit_id for u in mine.status.units] == ["u-low"]
        assert [h["quarter"] for h in score_history(s, "u-mid-www")] == ["2026Q3", "2026Q4"]
    engine.dispose()
