"""办事指南: reading the element categories a guide page shows (spiders/extract/guide.py) and
service_guide_incomplete over such pages (veto only from 5 guides missing 4 or more categories)."""

from __future__ import annotations

import datetime as dt

import pytest
from parsel import Selector
from sqlalchemy.orm import Session

from checks.testing import RunBuilder, drafts_of
from spiders.extract.guide import guide_page

ALL = ["事项名称", "设定依据", "申请条件", "办理材料", "办理地点", "办理机构", "收费标准", "办理时间", "联系电话", "办理流程"]


def test_table_guide_with_synonyms_and_an_empty_label() -> None:
    # 政务服务网 style: th/td rows, 受理条件 / 申请材料 / 实施机关 / 咨询电话 for the indicator's names
    sel = Selector("""<html><head><title>食品经营许可办事指南_安康市市场监督管理局</title></head><body>
      <div class="nav"><a href="/">首页</a></div><h1>食品经营许可办事指南</h1><table class="bszn">
      <tr><th>事项名称</th><td>食品经营许可（新办）</td></tr><tr><th>设定依据</th><td>《中华人民共和国食品安全法》第三十五条</td></tr>
      <tr><th>受理条件</th><td>具有与经营的食品品种、数量相适应的经营场所</td></tr><tr><th>申请材料</th><td>1.食品经营许可申请书</td></tr>
      <tr><th>实施机关</th><td>安康市市场监督管理局</td></tr><tr><th>收费标准</th><td></td></tr>
      <tr><th>办理时间</th><td>工作日 8:00-12:00</td></tr></table><h3>六、办理流程</h3><p>申请—受理—审查—决定—送达</p>
      <div class="footer">联系电话：0915-1234567　办理地点：市民中心</div></body></html>""")
    g = guide_page(sel)
    assert g is not None and g["name"] == "食品经营许可（新办）"
    assert g["shown"] == ["事项名称", "设定依据", "申请条件", "办理材料", "办理机构", "办理时间", "办理流程"]
    assert "收费标准" in g["labelled"] and "收费标准" not in g["shown"]  # labelled, left empty
    assert "联系电话" not in g["labelled"]  # the footer's phone is the site's, not the guide's


def test_an_empty_last_cell_is_missing_whatever_follows_the_table() -> None:
    sel = Selector("""<html><body><h1>取水许可办事指南</h1><table><tr><th>事项名称</th><td>取水许可</td></tr>
      <tr><th>设定依据</th><td>《取水许可和水资源费征收管理条例》</td></tr><tr><th>收费标准：</th><td> </td></tr></table>
      <p>【打印本页】【关闭窗口】</p></body></html>""")
    g = guide_page(sel)
    assert g is not None and g["shown"] == ["事项名称", "设定依据"] and g["labelled"] == ["事项名称", "设定依据", "收费标准"]


def test_untitled_page_needs_guide_only_labels() -> None:
    notice = Selector("""<html><body><h1>关于召开安全生产会议的通知</h1><p>会议时间：11月2日</p><p>办理地点：三楼会议室</p>
      <p>联系电话：0915-1234567</p><p>办理时间：上午</p></body></html>""")
    assert guide_page(notice) is None
    guide = Selector("""<html><body><h1>个体工商户登记</h1><p>一、设定依据：《促进个体工商户发展条例》</p>
      <p>二、申请条件：有经营能力的公民</p><p>三、办理地点：政务服务中心</p></body></html>""")
    g = guide_page(guide)
    assert g is not None and g["shown"] == ["设定依据", "申请条件", "办理地点"] and g["name"] == "个体工商户登记"


AS_OF = dt.date(2026, 11, 20)


@pytest.fixture
def session(sqlite_session: Session) -> Session:
    return sqlite_session


def guides(rb: RunBuilder, site: str, missing_counts: list[int]) -> list[str]:
    urls = []
    for i, n in enumerate(missing_counts):
        url = rb.url(site, f"/bsfw/bszn/{i}.html")
        shown = ALL[: len(ALL) - n]
        rb.page(site, url, kind="other", meta={"guide": {"name": f"事项{i}", "shown": shown, "labelled": shown}})
        urls.append(url)
    return urls


def test_five_guides_missing_four_are_a_veto_one_missing_three_is_not(session: Session) -> None:
    rb = RunBuilder(session, AS_OF)
    rb.site("veto")
    rb.site("alike")
    bad = guides(rb, "veto", [4, 4, 5, 4, 6, 0])
    alike = guides(rb, "alike", [4, 4, 3, 4, 4, 1])  # one of the five misses 3: only four count
    rb.done()
    got = {(d.site_id, d.target): d for d in drafts_of(session, rb.id, "service_guide_incomplete")}
    assert {t for s, t in got if s == "veto"} == set(bad[:5])
    assert all(got[("veto", u)].severity is None for u in bad[:5])  # the configured severity: veto
    assert {t for s, t in got if s == "alike"} == {alike[0], alike[1], alike[3], alike[4]}
    assert all(got[("alike", u)].severity == "notice" for u in (alike[0], alike[1], alike[3], alike[4]))
    f = got[("veto", bad[0])]
    assert f.evidence["missing"] == ALL[6:] and f.evidence["incomplete_items"] == 5
    assert "缺少4类要素" in f.detail and "事项0" in f.detail


def test_scores_veto_only_from_five(session: Session) -> None:
    from checks.engine import check_and_score

    rb = RunBuilder(session, AS_OF)
    rb.site("veto")
    rb.site("alike")
    for sid in ("veto", "alike"):
        rb.home(sid, meta={"channels": [{"name": "12345", "url": "http://12345.example.gov.cn/"}]})
    rb.result("veto", "http://12345.example.gov.cn/", ok=True)  # one link check per URL and run
    guides(rb, "veto", [4] * 5)
    guides(rb, "alike", [4] * 4 + [3])
    rb.done()
    out = check_and_score(session, rb.id)
    scores = {s["subject_id"]: s for s in out["scores"] if s["subject"] == "site"}
    # (both homepages are bare, so 首页不更新 fires for both: only W-V6.2 tells them apart)
    assert "W-V6.2" in [v["id"] for v in scores["veto"]["vetoes"]] and not scores["veto"]["passed"]
    assert "W-V6.2" not in [v["id"] for v in scores["alike"]["vetoes"]]
