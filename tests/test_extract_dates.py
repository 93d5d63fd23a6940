"""Date forms of the contract: text, URL, page meta, machine values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from parsel import Selector

from spiders.extract.dates import (
    date_from_url,
    generated_date,
    page_date,
    page_year,
    parse_any_datetime,
    parse_date,
    year_from_url,
)

FIX = Path(__file__).parent / "fixtures" / "idioms"
D = dt.date
AS_OF = D(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected", "matched"),
    [
        ("2026-11-02", D(2026, 11, 2), "2026-11-02"),
        ("2026/11/02", D(2026, 11, 2), "2026/11/02"),
        ("2026.11.02", D(2026, 11, 2), "2026.11.02"),
        ("2026-1-2", D(2026, 1, 2), "2026-1-2"),
        ("2026年11月2日", D(2026, 11, 2), "2026年11月2日"),
        ("2026年11月02日", D(2026, 11, 2), "2026年11月02日"),
        ("2026 年 1 月 5 日", D(2026, 1, 5), "2026 年 1 月 5 日"),
        ("2026-11-02 16:16", D(2026, 11, 2), "2026-11-02 16:16"),
        ("2026-11-02 16:16:00", D(2026, 11, 2), "2026-11-02 16:16:00"),
        ("[2026-11-02]", D(2026, 11, 2), "2026-11-02"),
        ("发布时间：2023-10-23  08:59", D(2023, 10, 23), "2023-10-23  08:59"),
        ("…项目招标公告[NTZC...[2014-05-21]", D(2014, 5, 21), "2014-05-21"),
        ("2026-09-28-21:50:00", D(2026, 9, 28), "2026-09-28-21:50:00"),
        ("标题 14 2026.07", D(2026, 7, 14), "14 2026.07"),  # <b>14</b> 2026.07
        ("2019.12 31", D(2019, 12, 31), "2019.12 31"),  # span.year + span.date
    ],
)
def test_full_forms(text, expected, matched):
    assert parse_date(text, as_of=AS_OF) == (expected, matched)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("11-02", D(2026, 11, 2)), ("[11-02]", D(2026, 11, 2)), ("11/02", D(2026, 11, 2)),
     ("11月02日", D(2026, 11, 2)), ("3月5日", D(2026, 3, 5)), ("发布于 08-08", D(2026, 8, 8))],
)
def test_short_forms_take_the_as_of_year(text, expected):
    assert parse_date(text, as_of=AS_OF)[0] == expected


def test_short_form_year_rules():
    # a default (URL / page) year wins over the as-of year
    assert parse_date("11-02", default_year=2024, as_of=AS_OF)[0] == D(2024, 11, 2)
    # later than as_of in the as-of year -> the year before
    assert parse_date("12-30", as_of=D(2026, 1, 5))[0] == D(2025, 12, 30)
    assert parse_date("01-05", as_of=D(2026, 1, 5))[0] == D(2026, 1, 5)
    # no year source at all -> no date
    assert parse_date("11-02") == (None, "")
    # 02-29 only in leap years
    assert parse_date("02-29", default_year=2024, as_of=AS_OF)[0] == D(2024, 2, 29)
    assert parse_date("02-29", default_year=2026, as_of=AS_OF)[0] is None


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30", "2026-13-01", "2026年2月30日", "1800-01-01",
        "000014348/2020-35428",  # 索引号
        "2026年1-3月经济运行情况",  # a month range, not a date
        "第3-5条", "12:30", "浏览次数：1234", "丽政发〔2023〕30号", "",
    ],
)
def test_not_dates(text):
    assert parse_date(text, as_of=AS_OF) == (None, "")


def test_first_date_is_taken_and_full_beats_short():
    assert parse_date("2026-11-02 更新 2026-11-05")[0] == D(2026, 11, 2)
    assert parse_date("11-01 2026-11-02", as_of=AS_OF)[0] == D(2026, 11, 2)
    # an index number before the real date is skipped
    assert parse_date("000014348/2020-35428 邯郸市教育局 2020-08-05")[0] == D(2020, 8, 5)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://h/gszbm/auto23716/202008/t20200805_1353179.html", D(2020, 8, 5)),
        ("http://h/202611/t20261102_123.shtml", D(2026, 11, 2)),
        ("http://h/t20261102.html", D(2026, 11, 2)),
        ("http://h/a/t20171117_5577604_1.html", D(2017, 11, 17)),
        ("http://www.jiangxi.gov.cn/art/2020/2/3/art_4969_1495208.html", D(2020, 2, 3)),
        ("http://h/art/2026/11/2/art_33718_11828204.html", D(2026, 11, 2)),
        ("http://www.news.cn/2026-11/02/c_1129.htm", D(2026, 11, 2)),
        ("http://h/202611/abc.html", None),
        ("http://h/col/col1229123351/art/2026/art_ab12.html", None),
        ("http://h/t20261340_1.html", None),  # not a calendar date
        ("http://h/test20261102_1.html", None),
    ],
)
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


def test_year_from_url():
    assert year_from_url("http://h/202611/abc.html") == 2026
    assert year_from_url("http://h/col/col1/art/2025/art_ab12.html") == 2025
    assert year_from_url("http://h/art/2026/11/2/art_1_2.html") == 2026
    assert year_from_url("http://h/a/b.html") is None


def _meta_page(*metas: tuple[str, str]) -> Selector:
    tags = "".join(f'<meta name="{n}" content="{c}">' for n, c in metas)
    return Selector(text=f"<html><head>{tags}</head><body></body></html>")


def test_page_year_sources_in_order():
    assert page_year(_meta_page(("others", "页面生成时间 2025-11-20 08:52:30"), ("PubDate", "2024-01-01"))) == 2025
    assert page_year(_meta_page(("PubDate", "2024-01-01 10:00"), ("HtmlGenerateTime", "2023-02-02"))) == 2024
    assert page_year(_meta_page(("HtmlGenerateTime", "2023-02-02 10:00:00"))) == 2023
    assert page_year(_meta_page(("firstpublishedtime", "2022-09-28-21:50:00"))) == 2022
    assert page_year(_meta_page(("pubDate", "2016-11-25 09:26:37"))) == 2016  # older Hanweb spelling
    assert page_year(_meta_page(("others", "no date here"), ("PubDate", "2021年08月02日"))) == 2021
    assert page_year(_meta_page(("Keywords", "2020-01-01"))) is None
    assert page_date(_meta_page(("others", "页面生成时间 2025-11-20 08:52:30"))) == D(2025, 11, 20)
    # only generation times bound a list's dates; PubDate does not
    assert generated_date(_meta_page(("PubDate", "2024-01-01"), ("HtmlGenerateTime", "2023-02-02"))) == D(2023, 2, 2)
    assert generated_date(_meta_page(("PubDate", "2024-01-01"))) is None


def test_page_year_on_real_pages():
    sel = Selector(text=(FIX / "trs_handan_xxgk_details.html").read_text(encoding="utf-8"))
    assert page_year(sel) == 2020  # PubDate 2020年08月02日
    sel = Selector(text=(FIX / "hanweb_lishui_xxgk_detail_2023.html").read_text(encoding="utf-8"))
    assert page_year(sel) == 2023
    sel = Selector(text=(FIX / "trs_handan_xxgk_list.html").read_text(encoding="utf-8"))
    assert page_year(sel) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-09-28T21:50:00+08:00", D(2026, 9, 28)),
        ("2026-09-28T23:50:00-05:00", D(2026, 9, 28)),  # the written date, no zone conversion
        ("2020-01-02T00:00:00.000Z", D(2020, 1, 2)),
        ("2026-09-28 21:50", D(2026, 9, 28)),
        ("2026-09-28-21:50:00", D(2026, 9, 28)),
        ("2020年08月02日", D(2020, 8, 2)),
        ("页面生成时间 2026-01-21 08:52:30", D(2026, 1, 21)),
        (1790603400000, D(2026, 9, 28)),  # epoch ms (gov.cn pubtime), China time
        (1790603400, D(2026, 9, 28)),  # epoch s (gkmlpt first_publish_time)
        ("1790603400000", D(2026, 9, 28)),
        (1767196800, D(2026, 1, 1)),  # 2025-12-31T16:00Z is already 2026-01-01 in China
        (dt.datetime(2026, 1, 2, 3, 4), D(2026, 1, 2)),
        ("", None), (None, None), ("n/a", None), (True, None),
    ],
)
def test_parse_any_datetime(value, expected):
    assert parse_any_datetime(value) == expected
