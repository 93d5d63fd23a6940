"""interaction_unanswered, interaction_channel_missing, interaction_stale and reply_slow on rows
written as the crawl writes them (the facts in the pages' meta, spiders/interaction.py), with the
real config/indicators.yaml thresholds. Each positive has a look-alike negative beside it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session

from checks.reply_slow import working_days
from checks.testing import RunBuilder, drafts_of

AS_OF = dt.date(2026, 11, 20)
COL = "/hdjl/ldxx/"


@pytest.fixture
def session(sqlite_session: Session) -> Session:
    return sqlite_session


def msg(url: str, asked: dt.date | None, answered: dt.date | None = None, status: str | None = None,
        state: str | None = None, replied: bool | None = None, title: str = "关于小区路灯维修的咨询") -> dict[str, Any]:
    return {"url": url, "title": title, "asked": asked.isoformat() if asked else None,
            "answered": answered.isoformat() if answered else None, "status": status, "state": state,
            "replied": replied}


def letterbox(rb: RunBuilder, rows: list[dict[str, Any]], *, site: str = "s1", channels: bool = True,
              form: bool = True) -> str:
    """A site whose homepage links a 领导信箱 column listing `rows` (full URLs built from paths)."""
    col = rb.url(site, COL)
    rb.home(site, meta={"channels": [{"name": "领导信箱", "url": col}]} if channels else {})
    rb.column(site, COL, "领导信箱", category="interaction")
    for r in rows:
        r["url"] = rb.url(site, r["url"])
    rb.page(site, col, kind="column", meta={
        "consultation": {"column": "领导信箱", "column_url": col}, "messages": rows,
        "channel": {"form": form, "form_action": rb.url(site, "/hdjl/submit.jsp") if form else None,
                    "write_links": [], "platform_links": []}})
    return col


@pytest.fixture
def rb(session: Session) -> RunBuilder:
    b = RunBuilder(session, AS_OF)
    b.site("s1")
    return b


def by_target(drafts) -> dict[str, Any]:
    return {d.target: d for d in drafts}


# --- interaction_unanswered ---------------------------------------------------------------------


def test_unanswered_91_days_is_flagged_89_is_not(session: Session, rb: RunBuilder) -> None:
    d = rb.days_ago
    letterbox(rb, [msg("/hdjl/ldxx/1.html", d(91), status="办理中", state="pending"),
                   msg("/hdjl/ldxx/2.html", d(89), status="办理中", state="pending"),
                   msg("/hdjl/ldxx/3.html", d(90), status="未回复", state="pending")])
    rb.done()
    got = by_target(drafts_of(session, rb.id, "interaction_unanswered"))
    assert set(got) == {rb.url("s1", "/hdjl/ldxx/1.html")}
    f = got[rb.url("s1", "/hdjl/ldxx/1.html")]
    assert f.evidence["days"] == 91 and f.evidence["asked"] == d(91).isoformat() and f.evidence["answered"] is None
    assert f.evidence["kind"] == "unanswered" and f.evidence["column"] == "领导信箱"
    assert "91天未答复" in f.detail and "办理中" in f.detail and f.url == f.target


def test_answered_after_91_days_is_flagged_after_89_is_not(session: Session, rb: RunBuilder) -> None:
    d = rb.days_ago
    letterbox(rb, [msg("/a.html", d(200), d(109), status="已办结", state="answered"),
                   msg("/b.html", d(200), d(111), status="已办结", state="answered")])
    rb.done()
    got = by_target(drafts_of(session, rb.id, "interaction_unanswered"))
    assert set(got) == {rb.url("s1", "/a.html")}
    f = got[rb.url("s1", "/a.html")]
    assert f.evidence["kind"] == "answered_late" and f.evidence["days"] == 91
    assert f.evidence["answered"] == d(109).isoformat() and "用时91天" in f.detail


def test_only_the_past_year_and_only_what_the_pages_prove(session: Session, rb: RunBuilder) -> None:
    d = rb.days_ago
    letterbox(rb, [msg("/old.html", d(366), status="办理中", state="pending"),  # before the year
                   msg("/done.html", d(200), status="已办结", state="answered"),  # answered, date not shown
                   msg("/unknown.html", d(200)),  # no status, no reply field: proves nothing
                   msg("/empty.html", d(150), replied=False),  # the reply field is there and empty
                   msg("/detail.html", d(150), status="办理中", state="pending")])
    detail = rb.url("s1", "/detail.html")
    # the detail page shows the reply (a list that was not refreshed): the detail wins
    rb.page("s1", detail, meta={"message": {"asked": d(150).isoformat(), "answered": d(140).isoformat(),
                                            "status": "已办结", "state": "answered", "replied": True}})
    rb.done()
    got = by_target(drafts_of(session, rb.id, "interaction_unanswered"))
    assert set(got) == {rb.url("s1", "/empty.html")}
    assert "答复内容为空" in got[rb.url("s1", "/empty.html")].detail


# --- interaction_channel_missing ----------------------------------------------------------------


def test_channel_with_a_form_passes_one_without_anything_fails(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    rb.site("ok")
    rb.site("bad")
    letterbox(rb, [], site="ok", form=True)
    letterbox(rb, [], site="bad", form=False)
    rb.done()
    got = by_target(drafts_of(session, rb.id, "interaction_channel_missing"))
    assert set(got) == {rb.homes["bad"]}
    f = got[rb.homes["bad"]]
    assert f.site_id == "bad" and f.evidence["entries"][0]["name"] == "领导信箱"
    assert f.evidence["pages"][0]["why"] == "无留言表单或写信入口" and "领导信箱" in f.detail


def test_write_link_and_platform_link_count_only_when_they_load(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    for sid in ("w_ok", "w_dead", "city", "none", "old"):
        rb.site(sid)
    for sid, ok in (("w_ok", True), ("w_dead", False)):
        col = letterbox(rb, [], site=sid, form=False)
        write = rb.url(sid, "/hdjl/write.html")
        page = next(p for p in session.new if getattr(p, "url", None) == col and getattr(p, "kind", "") == "column")
        page.meta = {**page.meta, "channel": {"form": False, "form_action": None, "platform_links": [],
                                              "write_links": [{"name": "我要写信", "url": write}]}}
        rb.result(sid, write, ok=ok, status=200 if ok else 404)
    # a homepage link straight to the city's 12345 platform, which loads
    platform = "http://12345.ankang.gov.cn/"
    rb.home("city", meta={"channels": [{"name": "12345政务服务便民热线", "url": platform}]})
    rb.result("city", platform, ok=True)
    rb.home("none", meta={"channels": []})
    rb.home("old", meta={})  # a crawl that did not look for channels: not judged
    rb.done()
    got = by_target(drafts_of(session, rb.id, "interaction_channel_missing"))
    assert set(got) == {rb.homes["w_dead"], rb.homes["none"]}
    assert "未找到领导信箱" in got[rb.homes["none"]].detail
    assert got[rb.homes["w_dead"]].evidence["pages"][0]["why"].startswith("无留言表单，写信")


def test_a_channel_page_that_does_not_open_is_no_channel(session: Session, rb: RunBuilder) -> None:
    col = rb.url("s1", COL)
    rb.home("s1", meta={"channels": [{"name": "县长信箱", "url": col}]})
    rb.page("s1", col, kind="column", status=404,
            meta={"channel": {"form": True, "form_action": col, "write_links": [], "platform_links": []}})
    rb.done()
    (f,) = drafts_of(session, rb.id, "interaction_channel_missing")
    assert f.evidence["pages"][0]["why"] == "页面无法打开"


# --- interaction_stale --------------------------------------------------------------------------


def test_no_reply_for_two_months_costs_points(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    rb.site("fresh")
    rb.site("stale")
    cutoff = dt.date(2026, 9, 20)  # two months before 2026-11-20
    letterbox(rb, [msg("/1.html", cutoff - dt.timedelta(days=5), cutoff, status="已办结", state="answered")],
              site="fresh")
    letterbox(rb, [msg("/1.html", cutoff - dt.timedelta(days=6), cutoff - dt.timedelta(days=1), status="已办结",
                       state="answered"),
                   msg("/2.html", cutoff - dt.timedelta(days=20), cutoff - dt.timedelta(days=10), status="已办结",
                       state="answered")], site="stale")
    rb.done()
    got = drafts_of(session, rb.id, "interaction_stale")
    assert [f.site_id for f in got] == ["stale"]
    f = got[0]
    assert f.target == rb.url("stale", COL) and f.url == rb.url("stale", "/1.html")
    assert f.evidence["newest_reply"]["answered"] == "2026-09-19" and f.evidence["cutoff"] == "2026-09-20"
    assert "近2个月未更新留言答复" in f.detail


def test_messages_without_any_reply_date_are_stale_an_empty_box_is_not_judged(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    rb.site("nodates")
    rb.site("empty")
    letterbox(rb, [msg("/1.html", rb.days_ago(10), status="已办结", state="answered")], site="nodates")
    letterbox(rb, [], site="empty")
    rb.done()
    got = drafts_of(session, rb.id, "interaction_stale")
    assert [f.site_id for f in got] == ["nodates"] and "未公开答复时间" in got[0].detail


# --- reply_slow ---------------------------------------------------------------------------------


def test_working_days_follow_the_official_calendar() -> None:
    # 2026 National Day: 10-01..10-07 off, Saturday 10-10 a make-up working day
    n, how = working_days(dt.date(2026, 9, 28), dt.date(2026, 10, 10))
    assert n == 5 and how["calendar"] == "official" and how["makeup_workdays"] == ["2026-10-10"]
    assert "2026-10-01" in how["holidays"] and "2026-10-05" in how["holidays"]
    assert working_days(dt.date(2026, 9, 28), dt.date(2026, 10, 12))[0] == 6
    assert working_days(dt.date(2026, 11, 16), dt.date(2026, 11, 23))[0] == 5  # an ordinary week


def test_reply_in_5_working_days_across_the_holiday_passes_6_is_slow(session: Session, rb: RunBuilder) -> None:
    asked = dt.date(2026, 9, 28)
    letterbox(rb, [msg("/five.html", asked, dt.date(2026, 10, 10), status="已办结", state="answered"),
                   msg("/six.html", asked, dt.date(2026, 10, 12), status="已办结", state="answered"),
                   # more than 90 days: interaction_unanswered's veto, not counted again
                   msg("/late.html", dt.date(2026, 1, 5), dt.date(2026, 5, 5), status="已办结", state="answered")])
    rb.done()
    got = by_target(drafts_of(session, rb.id, "reply_slow"))
    assert set(got) == {rb.url("s1", "/six.html")}
    f = got[rb.url("s1", "/six.html")]
    assert f.evidence["working_days"] == 6 and f.evidence["calendar_days"] == 14
    assert f.evidence["asked"] == "2026-09-28" and f.evidence["answered"] == "2026-10-12"
    assert "用时6个工作日" in f.detail


def test_a_year_without_official_data_counts_weekdays_and_says_so() -> None:
    n, how = working_days(dt.date(2099, 3, 2), dt.date(2099, 3, 9))
    assert n == 5 and how["calendar"] == "weekdays"
