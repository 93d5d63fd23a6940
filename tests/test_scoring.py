"""Scoring with the real config/indicators.yaml rules: a hand-worked site with two vetoes and
several deductions, caps, the pass line, grades, accounts, and units combined over a quarter."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.config import load_indicators
from checks.engine import check_and_score
from checks.scoring import Counted, score_subject
from checks.testing import RunBuilder
from db.models import Score
from db.session import make_engine, session_factory

RULES = load_indicators().scoring


def f(check: str, **evidence) -> Counted:
    sev = {"link_broken": "deduct", "footer_missing": "deduct", "disclosure_missing": "deduct",
           "privacy_leak": "notice"}.get(check, "veto")
    return Counted(id=None, check_id=check, severity=sev, target="", evidence=evidence)


def test_hand_worked_site_with_two_vetoes_and_deductions() -> None:
    findings = [
        f("homepage_stale"),                                         # W-V3 首页不更新: 1 >= 1 -> veto
        *[f("column_empty") for _ in range(5)],                      # W-V4c 空白栏目: 5 >= 5 -> veto
        f("column_stale", category="news", first_level=True),        # W-V4a counts 4 (news x2, notice and
        f("column_stale", category="news", first_level=False),       #   policy first-level): 4 < 5, no veto
        f("column_stale", category="notice", first_level=True),      # W-V4b counts all 5 stale: 5 < 10
        f("column_stale", category="policy", first_level=True),      # W-D1: -5 (one policy first-level column)
        f("column_stale", category="notice", first_level=False),     #   second-level notice: not in W-V4a/W-D1
        *[f("link_broken", on_homepage=True) for _ in range(3)],     # W-D7: 3 x 1 = -3
        *[f("link_broken", on_homepage=False) for _ in range(12)],   # W-D8: 12 x 0.1 = -1.2 (cap 5)
        f("footer_missing"), f("footer_missing"),                    # W-D9: 2 x 1 = -2
        f("disclosure_missing"), f("disclosure_missing"),            # W-D17: 2 x 1 = -2
        f("privacy_leak"),                                           # notice: not scored
    ]
    # deductions 5 + 3 + 1.2 + 2 + 2 = 13.2 -> 100 - 13.2 = 86.8; but two vetoes make the site
    # 不合格 whatever its points (「不再对其他指标进行评分」): it scores veto_score = 0, deductions listed
    res = score_subject("site", "s1", "u1", findings, RULES)
    assert [v["id"] for v in res.vetoes] == ["W-V3", "W-V4c"]
    assert {v["id"]: v["count"] for v in res.vetoes} == {"W-V3": 1, "W-V4c": 5}
    assert {d["id"]: d["points"] for d in res.deductions} == {"W-D1": 5, "W-D7": 3, "W-D8": 1.2, "W-D9": 2,
                                                              "W-D17": 2}
    assert res.score == 0
    assert res.passed is False and res.grade == "不合格"
    # with veto_score null the points left after deductions are shown, still 不合格
    res = score_subject("site", "s1", "u1", findings, RULES.model_copy(update={"veto_score": None}))
    assert res.score == 86.8 and res.passed is False and res.grade == "不合格"

    # the same site without the vetoes: 86.8 >= 60 passes, and "高于80分" is 良好
    rest = [x for x in findings if x.check_id not in ("homepage_stale", "column_empty")]
    res = score_subject("site", "s1", "u1", rest, RULES)
    assert res.vetoes == [] and res.score == 86.8 and res.passed and res.grade == "良好"


def test_caps_pass_line_and_grade_edges() -> None:
    # 7 broken homepage links cost 5, not 7 (per-item cap); 80 points exactly is 合格, not 良好
    res = score_subject("site", "s", "u", [f("link_broken", on_homepage=True)] * 7
                        + [f("footer_missing")] * 4 + [f("disclosure_missing")] * 5
                        + [f("column_stale", category="policy", first_level=True)] * 2
                        + [f("link_broken", on_homepage=False)] * 100, RULES)
    # 5 (W-D7 capped) + 4 (W-D9) + 5 (W-D17) + 5 (W-D1 capped) + 5 (W-D8: 10 capped) = 24
    assert {d["id"]: d["points"] for d in res.deductions} == {"W-D1": 5, "W-D7": 5, "W-D8": 5, "W-D9": 4,
                                                              "W-D17": 5}
    assert res.score == 76 and res.passed and res.grade == "合格"
    # 5 (W-D1) + 5 (W-D7) + 5 (W-D8: 60 x 0.1 = 6, capped) + 4 (W-D9) + 1 (W-D17) = 20 -> exactly 80
    exact = score_subject("site", "s", "u", [f("column_stale", category="policy", first_level=True)]
                          + [f("link_broken", on_homepage=True)] * 5 + [f("link_broken", on_homepage=False)] * 60
                          + [f("footer_missing")] * 4 + [f("disclosure_missing")], RULES)
    assert exact.score == 80 and exact.passed and exact.grade == "合格"  # 良好 needs more than 80


def test_stale_column_count_vetoes() -> None:
    news = [f("column_stale", category="news", first_level=False)] * 5
    assert [v["id"] for v in score_subject("site", "s", "u", news, RULES).vetoes] == ["W-V4a"]
    # second-level notice/policy columns do not count for W-V4a, but every stale column counts for W-V4b
    deep = [f("column_stale", category="notice", first_level=False)] * 9
    assert score_subject("site", "s", "u", deep, RULES).vetoes == []
    res = score_subject("site", "s", "u", deep + [f("column_stale", category="personnel", first_level=True)], RULES)
    assert [v["id"] for v in res.vetoes] == ["W-V4b"]


def test_below_pass_line_fails_without_veto() -> None:
    rules = RULES.model_copy(update={"pass_line": 90})
    res = score_subject("site", "s", "u", [f("footer_missing")] * 4 + [f("disclosure_missing")] * 2, rules)
    assert res.score == 94 and res.passed
    res = score_subject("site", "s", "u", [f("footer_missing")] * 4 + [f("disclosure_missing")] * 5
                        + [f("link_broken", on_homepage=True)] * 2, rules)
    assert res.score == 89 and not res.passed and res.grade == "不合格" and res.vetoes == []


def test_accounts_are_pass_fail() -> None:
    ok = score_subject("account", "wb1", "u", [f("privacy_leak")], RULES)
    assert ok.passed and ok.score == 100
    bad = score_subject("account", "wb1", "u", [Counted(None, "account_stale", "veto", "", {})], RULES)
    assert not bad.passed and bad.score == 0 and [v["id"] for v in bad.vetoes] == ["M-V"]


# --- stored scores, units, quarters -----------------------------------------------------------------


@pytest.fixture
def session(db_url: str):  # conftest_db: an upgraded database, SQLite and PostgreSQL
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        yield s
    engine.dispose()


def _site(rb: RunBuilder, sid: str, unit: str, broken: int = 0, home_age: int = 2) -> None:
    rb.site(sid, unit)
    home = rb.homes[sid]
    rb.home(sid, text="网站标识码：6124000001 陕ICP备05012345号 陕公网安备 61090202000101号")
    rb.link(sid, home, "http://bszs.conac.cn/sitename?id=1", internal=False)
    rb.homepage_items(sid, [rb.days_ago(home_age)])
    for s in ("guide", "rules", "statutory", "annual_report", "application"):
        rb.column(sid, f"/{s}/", s, category="disclosure", kind="page", section=s)
    for i in range(broken):
        rb.result(sid, rb.url(sid, f"/b{i}.html"), ok=False, status=404)
        rb.link(sid, home, rb.url(sid, f"/b{i}.html"))


def test_scores_per_run_quarter_and_unit(session: Session) -> None:
    # run 1 (2026Q4): a scores 97 (3 broken homepage links), b 100; unit u1 = min = 97, passed
    rb = RunBuilder(session, dt.date(2026, 11, 20))
    _site(rb, "a", "u1", broken=3)
    _site(rb, "b", "u1")
    _site(rb, "c", "u2", broken=1)
    rb.account("wx1", "u1", platform="wechat")
    rb.post("wx1", rb.days_ago(2))
    rb.done()
    summary = check_and_score(session, rb.id)
    session.commit()
    got = {(s["subject"], s["subject_id"]): s for s in summary["scores"]}
    assert got[("site", "a")]["score"] == 97 and got[("site", "b")]["score"] == 100
    assert got[("account", "wx1")]["score"] == 100 and got[("account", "wx1")]["passed"]
    unit = got[("unit", "u1")]
    assert unit["score"] == 97 and unit["passed"] and unit["grade"] == "良好"
    assert {m["subject_id"] for m in unit["deductions"]} == {"a", "b", "wx1"}
    assert got[("unit", "u2")]["score"] == 99

    # run 2, same quarter, only site b, now with 2 broken links: u1 combines a's score from run 1
    rb2 = RunBuilder(session, dt.date(2026, 12, 1), kind="single")
    _site(rb2, "b", "u1", broken=2)
    rb2.done()
    summary = check_and_score(session, rb2.id)
    session.commit()
    got = {(s["subject"], s["subject_id"]): s for s in summary["scores"]}
    assert set(got) == {("site", "b"), ("unit", "u1")}
    assert got[("site", "b")]["score"] == 98 and got[("unit", "u1")]["score"] == 97
    assert {(m["subject_id"], m["run_id"]) for m in got[("unit", "u1")]["deductions"]} == {
        ("a", rb.id), ("b", rb2.id), ("wx1", rb.id)}

    # run 3, next quarter: scores start afresh; a stale homepage vetoes a, and so fails u1
    rb3 = RunBuilder(session, dt.date(2027, 1, 10))
    _site(rb3, "a", "u1", home_age=30)
    rb3.done()
    check_and_score(session, rb3.id)
    session.commit()
    rows = {(r.subject, r.subject_id): r for r in session.scalars(select(Score).where(Score.run_id == rb3.id))}
    assert set(rows) == {("site", "a"), ("unit", "u1")} and {r.quarter for r in rows.values()} == {"2027Q1"}
    assert [v["id"] for v in rows[("site", "a")].vetoes] == ["W-V3"] and not rows[("site", "a")].passed
    unit = rows[("unit", "u1")]
    assert not unit.passed and unit.grade == "不合格" and [m["subject_id"] for m in unit.deductions] == ["a"]
    assert unit.vetoes == [{"subject": "site", "subject_id": "a", "score": 0.0, "vetoes": ["W-V3"]}]
    assert unit.score == 0
