"""interpretation_unlinked: a 解读 linked both ways with its policy document vs one linked only one
way (each direction), and a site publishing policy documents with no 政策解读 column."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from checks.testing import RunBuilder, drafts_of
from db.models import ColumnItem

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def session(sqlite_session: Session) -> Session:
    return sqlite_session


def _setup(session: Session) -> tuple[RunBuilder, list[str], list[str]]:
    rb = RunBuilder(session, AS_OF)
    rb.site("s1", home="http://127.0.2.1:8001/")
    rb.home("s1", text="首页")
    day = rb.days_ago(10)
    rb.column("s1", "/zcwj/", "政策文件", category="policy", items=[day, day, day])
    rb.column("s1", "/zcjd/", "政策解读", category="policy", items=[day, day, day])
    rb.done()
    rows = session.query(ColumnItem).filter_by(run_id=rb.id).order_by(ColumnItem.id).all()
    docs = [r.url for r in rows if "/zcwj/" in r.url]
    jds = [r.url for r in rows if "/zcjd/" in r.url]
    for url in docs + jds:
        rb.page("s1", url, text="正文")
    return rb, docs, jds


def test_both_ways_vs_one_way(session: Session) -> None:
    rb, docs, jds = _setup(session)
    # pair 0: linked both ways (fine)
    rb.link("s1", jds[0], docs[0], anchor="原文")
    rb.link("s1", docs[0], jds[0], anchor="解读")
    # pair 1: the 解读 links the document, the document does not link back
    rb.link("s1", jds[1], docs[1], anchor="原文")
    # pair 2: the document links its 解读, the 解读 links nothing
    rb.link("s1", docs[2], jds[2], anchor="解读")
    rb.done()
    drafts = {d.target: d for d in drafts_of(session, rb.id, "interpretation_unlinked")}
    assert set(drafts) == {docs[1], jds[2]}
    assert drafts[docs[1]].evidence["kind"] == "policy_unlinked"
    assert drafts[docs[1]].evidence["interpretation"]["url"] == jds[1]
    assert drafts[jds[2]].evidence["kind"] == "interpretation_unlinked"
    assert drafts[jds[2]].evidence["linked_from_policy"][0]["url"] == docs[2]
    assert "未链回" in drafts[jds[2]].detail


def test_interpretation_of_a_document_published_elsewhere(session: Session) -> None:
    rb, docs, jds = _setup(session)
    for i, jd in enumerate(jds):
        session.get(ColumnItem, session.query(ColumnItem.id).filter_by(run_id=rb.id, url=jd).scalar()).title = (
            f"《国务院关于进一步优化营商环境的意见{i}》政策解读")
    rb.link("s1", jds[0], "http://www.gov.cn/zhengce/content/1.htm", anchor="原文链接", internal=False)
    rb.link("s1", jds[1], "http://www.gov.cn/zhengce/content/2.htm", anchor="国务院关于进一步优化营商环境的意见1",
            internal=False)
    rb.link("s1", jds[2], "http://www.gov.cn/", anchor="中国政府网", internal=False)  # names no document
    rb.done()
    drafts = drafts_of(session, rb.id, "interpretation_unlinked")
    assert [d.target for d in drafts] == [jds[2]]


def test_no_interpretation_column(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    rb.site("s1", home="http://127.0.2.1:8001/")
    rb.home("s1", text="首页")
    rb.column("s1", "/zcwj/", "政策文件", category="policy", items=[rb.days_ago(3)])
    rb.site("s2", home="http://127.0.2.2:8001/")  # no policy documents: no 解读 column needed
    rb.home("s2", text="首页")
    rb.column("s2", "/xw/", "工作动态", category="news", items=[rb.days_ago(3)])
    rb.done()
    drafts = drafts_of(session, rb.id, "interpretation_unlinked")
    assert [(d.site_id, d.target, d.evidence["kind"]) for d in drafts] == [("s1", rb.homes["s1"], "no_column")]


def test_scores_count_the_issue16_checks_by_their_rules() -> None:
    """The veto items (严重问题 3/4/5) fail a site alone; 政策解读 and IPv6 cost their points."""
    from checks.config import load_indicators
    from checks.scoring import Counted, score_subject

    rules = load_indicators().scoring
    for check in ("prohibited_link", "hidden_link", "backdated_item"):
        res = score_subject("site", "s1", "u1", [Counted(1, check, "veto", "http://x/", {})], rules)
        assert not res.passed and res.score == 0 and [v["id"] for v in res.vetoes]
    found = [Counted(i, "interpretation_unlinked", "deduct", f"http://x/{i}", {}) for i in range(7)]
    found.append(Counted(9, "ipv6_missing", "deduct", "http://x/", {}))
    res = score_subject("site", "s1", "u1", found, rules)
    points = {d["id"]: d["points"] for d in res.deductions}
    assert points == {"W-D18": 5, "W-D19": 1} and res.score == 94 and res.passed
