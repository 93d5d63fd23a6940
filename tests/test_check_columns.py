"""column_stale, column_empty and homepage_stale on rows written straight into SQLite, with the
real config/indicators.yaml thresholds (the defaults must classify the sample sites' defects)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from checks.base import months_before
from checks.testing import RunBuilder, drafts_of

AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def session(sqlite_session: Session) -> Session:  # conftest_db: on an upgraded SQLite database
    return sqlite_session


@pytest.fixture
def rb(session: Session) -> RunBuilder:
    b = RunBuilder(session, AS_OF)
    b.site("s1")
    b.home("s1", text="首页")
    return b


def targets(drafts) -> set[str]:
    return {d.target for d in drafts}


# --- column_stale ---------------------------------------------------------------------------------


def test_news_freshness_boundary(session: Session, rb: RunBuilder) -> None:
    d = rb.days_ago
    fresh13 = rb.column("s1", "/xw/a/", "安康要闻", category="news", items=[d(13), d(20), d(40)])
    edge14 = rb.column("s1", "/xw/b/", "部门动态", category="news", items=[d(14)])
    stale15 = rb.column("s1", "/xw/c/", "县区动态", category="news", items=[d(15), d(16)])
    rb.done()
    got = drafts_of(session, rb.id, "column_stale")
    assert targets(got) == {stale15.url}
    assert fresh13.url not in targets(got) and edge14.url not in targets(got)
    (f,) = got
    assert f.url == stale15.url
    assert f.evidence["newest"]["published"] == d(15).isoformat()
    assert f.evidence["category"] == "news" and f.evidence["first_level"] is True
    assert "15天前" in f.detail and "县区动态" in f.detail


def test_six_and_twelve_month_categories(session: Session, rb: RunBuilder) -> None:
    d = rb.days_ago
    notice_stale = rb.column("s1", "/tzgg/", "通知公告", category="notice", items=[d(200), d(260)])
    notice_fresh = rb.column("s1", "/gsgg/", "公示公告", category="notice", items=[d(170)])
    personnel = rb.column("s1", "/rsxx/", "人事信息", category="personnel", items=[d(400)])
    planning = rb.column("s1", "/ghjh/", "规划计划", category="planning", items=[d(300)])
    other = rb.column("s1", "/qt/", "专题专栏", category="other", items=[d(2000)])
    rb.done()
    got = targets(drafts_of(session, rb.id, "column_stale"))
    assert notice_stale.url in got and personnel.url in got
    assert notice_fresh.url not in got and planning.url not in got
    assert other.url not in got  # categories without a limit are not judged


def test_oldest_first_list_yields_its_newest_item(session: Session, rb: RunBuilder) -> None:
    d = rb.days_ago
    # policy list sorted oldest first: the newest (20 days) is the last entry, on the last page
    rb.column("s1", "/zcwj/", "政策文件", category="policy", items=[d(400), d(300), d(150), d(20)])
    rb.done()
    assert drafts_of(session, rb.id, "column_stale") == []


def test_all_undated_column_is_stale(session: Session, rb: RunBuilder) -> None:
    col = rb.column("s1", "/xw/wdt/", "工作动态", category="news", items=[None, None, None])
    rb.done()
    (f,) = drafts_of(session, rb.id, "column_stale")
    assert f.target == col.url
    assert f.evidence["newest"] is None and f.evidence["dated_items"] == 0
    assert "未注明发布日期" in f.detail


def test_pinned_items_count_like_any_other(session: Session, rb: RunBuilder) -> None:
    d = rb.days_ago
    # an old pinned item on top does not hide a fresh one below it
    rb.column("s1", "/xw/a/", "要闻", category="news", items=[(d(400), True), d(3), d(30)])
    # and a fresh pinned item makes the column fresh: the newest decides, wherever it sits
    rb.column("s1", "/xw/b/", "动态", category="news", items=[(d(2), True), d(30), d(60)])
    # an old pinned item alone is stale
    old = rb.column("s1", "/xw/c/", "图片新闻", category="news", items=[(d(100), True), d(90)])
    rb.done()
    assert targets(drafts_of(session, rb.id, "column_stale")) == {old.url}


def test_failed_empty_hub_and_future_columns(session: Session, rb: RunBuilder) -> None:
    d = rb.days_ago
    rb.column("s1", "/gone/", "新闻发布", category="news", status=404, items=[d(100)])  # link_broken's business
    rb.column("s1", "/kong/", "部门动态", category="news", placeholder="暂无信息")  # column_empty's business
    rb.column("s1", "/hub/", "新闻中心", category="news", kind="hub", items=[d(100)])
    future = rb.column("s1", "/wl/", "乡镇动态", category="news", items=[AS_OF + dt.timedelta(days=30), d(40)])
    soon = rb.column("s1", "/jt/", "区县动态", category="news", items=[AS_OF + dt.timedelta(days=1)])
    rb.done()
    got = drafts_of(session, rb.id, "column_stale")
    assert targets(got) == {future.url}
    assert got[0].evidence["future_dated"][0]["published"] == (AS_OF + dt.timedelta(days=30)).isoformat()
    assert soon.url not in targets(got)  # within the tolerance (a scan running past midnight)


def test_a_column_dated_only_in_the_future_says_so(session: Session, rb: RunBuilder) -> None:
    later = [AS_OF + dt.timedelta(days=n) for n in (30, 400)]
    future = rb.column("s1", "/xw/f/", "工作动态", category="news", items=later)
    mixed = rb.column("s1", "/xw/m/", "部门动态", category="news", items=[None, AS_OF + dt.timedelta(days=30)])
    rb.done()
    got = {d.target: d for d in drafts_of(session, rb.id, "column_stale")}
    f = got[future.url]
    assert "未注明发布日期" not in f.detail  # they are dated: just implausibly
    assert "2条信息日期均晚于检查日" in f.detail and "无法认定" in f.detail and later[0].isoformat() in f.detail
    assert [i["published"] for i in f.evidence["future_dated"]] == [d.isoformat() for d in later]
    assert f.evidence["newest"] is None and f.evidence["dated_items"] == 2
    m = got[mixed.url]
    assert "1条信息未注明发布日期，1条日期晚于检查日" in m.detail and "无法认定" in m.detail


def test_first_level_is_recorded(session: Session, rb: RunBuilder) -> None:
    d = rb.days_ago
    hub = rb.column("s1", "/zfxxgk/", "政府信息公开", category="disclosure", kind="hub", source="nav")
    rb.column("s1", "/zfxxgk/zcwj/", "政策文件", category="policy", source="disclosure", parent=hub.url,
              items=[d(300)])
    rb.column("s1", "/zcwj/", "政策文件", category="policy", source="nav", items=[d(300)])
    rb.done()
    levels = {d.target.split("/", 3)[3]: d.evidence["first_level"] for d in drafts_of(session, rb.id, "column_stale")}
    assert levels == {"zfxxgk/zcwj/": False, "zcwj/": True}


def test_months_before_clamps_to_month_end() -> None:
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    assert months_before(dt.date(2026, 11, 20), 6) == dt.date(2026, 5, 20)
    assert months_before(dt.date(2026, 1, 15), 12) == dt.date(2025, 1, 15)


# --- column_empty ---------------------------------------------------------------------------------


def test_empty_columns(session: Session, rb: RunBuilder) -> None:
    d = rb.days_ago
    zwxx = rb.column("s1", "/zmhd/zxft/", "在线访谈", category="interaction", placeholder="暂无信息")
    zwsj = rb.column("s1", "/tjsj/", "统计数据", category="planning", placeholder="暂无数据")
    bare = rb.column("s1", "/jsz/", "专题", category="other")
    rb.column("s1", "/hub/", "信息公开", category="disclosure", kind="hub")  # a hub is not empty
    rb.column("s1", "/zn/", "政府信息公开指南", category="disclosure", kind="page")  # nor a single page
    rb.column("s1", "/xw/", "要闻", category="news", items=[d(1)])
    rb.column("s1", "/bad/", "失效栏目", category="news", status=500)  # a link failure, not blank
    rb.column("s1", "/down/", "断开栏目", category="news", status=None, pages_walked=0)
    rb.done()
    got = {f.target: f for f in drafts_of(session, rb.id, "column_empty")}
    assert set(got) == {zwxx.url, zwsj.url, bare.url}
    assert "暂无信息" in got[zwxx.url].detail and got[zwxx.url].evidence["placeholder"] == "暂无信息"
    assert got[zwsj.url].evidence["placeholder"] == "暂无数据"
    assert "没有任何信息" in got[bare.url].detail


# --- homepage_stale ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("ages", "stale"), [([30, 45], True), ([10, 30], False), ([14], False), ([15, 40], True)])
def test_homepage_newest_item_decides(session: Session, rb: RunBuilder, ages: list[int], stale: bool) -> None:
    rb.homepage_items("s1", [rb.days_ago(a) for a in ages])
    rb.column("s1", "/xw/", "要闻", category="news", items=[rb.days_ago(1)])  # columns do not rescue it
    rb.done()
    got = drafts_of(session, rb.id, "homepage_stale")
    assert bool(got) is stale
    if stale:
        (f,) = got
        assert f.target == rb.homes["s1"] == f.url
        assert f.evidence["mode"] == "homepage"
        assert f.evidence["newest"]["published"] == rb.days_ago(min(ages)).isoformat()
        assert f"{min(ages)}天前" in f.detail


def test_navigation_only_homepage_uses_pages_one_click_away(session: Session, rb: RunBuilder) -> None:
    rb.homepage_items("s1", [])  # only navigation: no dated item on the homepage itself
    nav = rb.column("s1", "/xw/", "新闻动态", category="news", items=[rb.days_ago(20)])
    rb.column("s1", "/xw/sub/", "子栏目", category="news", source="subnav", parent=nav.url, items=[rb.days_ago(1)])
    rb.done()
    (f,) = drafts_of(session, rb.id, "homepage_stale")  # the sub-column is two clicks away
    assert f.evidence["mode"] == "navigation"
    assert f.evidence["newest"]["published"] == rb.days_ago(20).isoformat()
    assert "二级页面" in f.detail

    rb.column("s1", "/tzgg/", "通知公告", category="notice", items=[rb.days_ago(5)])
    rb.done()
    assert drafts_of(session, rb.id, "homepage_stale") == []
    # with the fallback off, a homepage without dated items is stale
    (f,) = drafts_of(session, rb.id, "homepage_stale", navigation_fallback=False)
    assert f.evidence["newest"] is None and "没有注明发布日期" in f.detail


def test_homepage_with_only_undated_items_is_stale_whatever_its_columns(session: Session, rb: RunBuilder) -> None:
    rb.homepage_items("s1", [None, None, None, None])  # it lists news, but no date says when
    rb.column("s1", "/xw/", "新闻动态", category="news", items=[rb.days_ago(1)])
    rb.done()
    (f,) = drafts_of(session, rb.id, "homepage_stale")
    assert f.evidence["mode"] == "homepage" and f.evidence["homepage_items"] == 4
    assert f.evidence["newest"] is None and "没有注明发布日期" in f.detail
