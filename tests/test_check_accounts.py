"""account_stale and account_empty, and the text and link checks on new-media posts, on rows
written straight into SQLite with the real config/indicators.yaml thresholds."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from checks.engine import check_and_score
from checks.testing import RunBuilder, drafts_of
from db.models import Finding, Score

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def session(sqlite_session: Session) -> Session:  # conftest_db: on an upgraded SQLite database
    return sqlite_session


@pytest.fixture
def rb(session: Session) -> RunBuilder:
    return RunBuilder(session, AS_OF)


def subjects(drafts) -> set[str]:
    return {d.site_id for d in drafts}


def test_fresh_stale_and_boundary(rb: RunBuilder, session: Session) -> None:
    rb.account("fresh")
    rb.post("fresh", rb.days_ago(40))
    rb.post("fresh", rb.days_ago(14))  # exactly two weeks: still within the window
    rb.account("stale")
    rb.post("stale", rb.days_ago(15))
    rb.done()
    drafts = drafts_of(session, rb.id, "account_stale")
    assert subjects(drafts) == {"stale"}
    (d,) = drafts
    assert d.target == rb.homes["stale"] and d.url == rb.homes["stale"]
    assert d.evidence["newest"]["posted_at"].startswith(rb.days_ago(15).isoformat())
    assert "15天" in d.detail


def test_a_pinned_old_post_does_not_decide_freshness(rb: RunBuilder, session: Session) -> None:
    rb.account("fresh_with_pin")
    rb.post("fresh_with_pin", rb.days_ago(300), pinned=True)
    rb.post("fresh_with_pin", rb.days_ago(3))
    rb.account("only_pinned_new")  # a recent pinned post alone proves nothing either
    rb.post("only_pinned_new", rb.days_ago(1), pinned=True)
    rb.post("only_pinned_new", rb.days_ago(90))
    rb.done()
    drafts = drafts_of(session, rb.id, "account_stale")
    assert subjects(drafts) == {"only_pinned_new"}
    assert drafts[0].evidence["pinned"] == 1


def test_undated_and_future_posts_do_not_count(rb: RunBuilder, session: Session) -> None:
    rb.account("undated")
    rb.post("undated", None)
    rb.account("future")
    rb.post("future", AS_OF + dt.timedelta(days=30))
    rb.post("future", rb.days_ago(20))
    rb.done()
    drafts = {d.site_id: d for d in drafts_of(session, rb.id, "account_stale")}
    assert set(drafts) == {"undated", "future"}
    assert drafts["undated"].evidence["newest"] is None
    assert len(drafts["future"].evidence["future_posts"]) == 1


def test_empty_account_and_failed_scan(rb: RunBuilder, session: Session) -> None:
    rb.account("empty")
    rb.account("unreadable", status="failed", error="auth: access_token expired")
    rb.account("busy")
    rb.post("busy", rb.days_ago(1))
    rb.done()
    assert subjects(drafts_of(session, rb.id, "account_empty")) == {"empty"}
    # an empty account is account_empty's, an unreadable one nobody's
    assert subjects(drafts_of(session, rb.id, "account_stale")) == set()


def test_text_checks_read_posts(rb: RunBuilder, session: Session) -> None:
    rb.account("a1")
    rb.post("a1", rb.days_ago(1), text="联系人张三，电话13912345678，欢迎来电")
    rb.post("a1", rb.days_ago(2), text="学习贯彻中华人民共合国宪法")
    rb.post("a1", rb.days_ago(3), text="索引号 11610900MB2957401X/2026-00012 文号 安政办发〔2026〕12号")
    rb.done()
    leaks = drafts_of(session, rb.id, "privacy_leak")
    assert [(d.site_id, d.target) for d in leaks] == [("a1", "mobile")]
    errors = drafts_of(session, rb.id, "serious_error")
    assert [d.site_id for d in errors] == ["a1"] and "中华人民共和国" in errors[0].detail


def test_broken_link_in_a_post(rb: RunBuilder, session: Session) -> None:
    rb.account("a1")
    post = rb.post("a1", rb.days_ago(1), url="https://weibo.com/a1/p1")
    rb.link("a1", post.url, "http://127.0.7.9/gone.html")
    rb.result("a1", "http://127.0.7.9/gone.html", ok=False, status=404)
    rb.link("a1", post.url, "http://127.0.7.9/ok.html")
    rb.result("a1", "http://127.0.7.9/ok.html")
    rb.done()
    drafts = drafts_of(session, rb.id, "link_broken")
    assert [(d.site_id, d.target) for d in drafts] == [("a1", "http://127.0.7.9/gone.html")]


def test_accounts_are_scored_and_folded_into_their_unit(rb: RunBuilder, session: Session) -> None:
    rb.site("s1", "u1")
    rb.home("s1", text="首页")
    rb.homepage_items("s1", [rb.days_ago(1)])
    rb.account("wb", "u1")
    rb.post("wb", rb.days_ago(30))
    rb.done()
    check_and_score(session, rb.id)
    session.flush()
    assert {(f.subject, f.subject_id, f.check_id) for f in session.query(Finding)} >= {
        ("account", "wb", "account_stale")}
    scores = {(s.subject, s.subject_id): s for s in session.query(Score).filter(Score.run_id == rb.id)}
    assert not scores[("account", "wb")].passed
    assert scores[("account", "wb")].vetoes
    assert not scores[("unit", "u1")].passed  # a unit passes only when all its sites and accounts pass
