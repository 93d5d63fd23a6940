"""privacy_leak, serious_error, footer_missing and disclosure_missing: the sample sites' planted
defects and the look-alikes that must not trip them."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session

from checks.privacy_leak import id_check_char, mask, valid_id_number
from checks.serious_error import Matcher, Word
from checks.testing import RunBuilder, drafts_of

AS_OF = dt.date(2026, 11, 20)


def make_id(first17: str, valid: bool = True) -> str:
    good = id_check_char(first17)
    if valid:
        return first17 + good
    return first17 + ("0" if good != "0" else "1")


VALID_ID = make_id("61090219850312123")
WRONG_ID = make_id("61090219850312123", valid=False)
BAD_DATE_ID = make_id("61090219851332123")  # month 13: not a birth date, even with a valid check char
MOBILE = "13912345678"
ACCOUNT_20 = "26105016" + MOBILE + "0"


@pytest.fixture
def session(sqlite_session: Session) -> Session:  # conftest_db: on an upgraded SQLite database
    return sqlite_session


@pytest.fixture
def rb(session: Session) -> RunBuilder:
    b = RunBuilder(session, AS_OF)
    b.site("s1")
    return b


# --- privacy_leak -------------------------------------------------------------------------------------


def test_id_number_validation() -> None:
    assert valid_id_number(VALID_ID, AS_OF)
    assert not valid_id_number(WRONG_ID, AS_OF)
    assert not valid_id_number(BAD_DATE_ID, AS_OF)
    assert not valid_id_number(make_id("61090220301231123"), AS_OF)  # born after the as-of date
    assert valid_id_number("11010519491231002X", AS_OF)  # the GB 11643 example, check char X
    assert mask(VALID_ID) == "6109**********" + VALID_ID[-4:]
    assert mask(MOBILE) == "139****5678"


def test_planted_leaks_and_look_alikes(session: Session, rb: RunBuilder) -> None:
    rb.home("s1", text=f"首页 联系手机{MOBILE}")  # the homepage is not scanned by default (page_kinds)
    leak_id = rb.url("s1", "/gsgg/t1.html")
    leak_mobile = rb.url("s1", "/tzgg/t2.html")
    look = rb.url("s1", "/tzgg/t3.html")
    rb.page("s1", leak_id, title="拟新增对象名单的公示",
            text=f"拟新增对象名单：王建华，身份证号{VALID_ID}，汉滨区老城街道。")
    rb.page("s1", leak_mobile, text=f"公示期间如有异议，请联系。联系人：李红梅，手机：{MOBILE}。")
    index_no = "11610900MB1234567X/2026-00123"
    rb.page("s1", look, text=(
        f"索引号：{index_no} 发布机构：安康市人民政府 文号：安政发〔2026〕12号 "
        f"项目单位统一社会信用代码：11610900MB1234567X，资金专户账号：{ACCOUNT_20}。"
        f"校验位错误的号码{WRONG_ID}。出生日期错误的号码{BAD_DATE_ID}。"
        f"咨询电话：0915-3212345，也可拨打12345政务服务便民热线。已脱敏：139****5678，6109**********1234。"
        f"索引号：{VALID_ID}/2026-001"  # an index number that looks like an id number, after its label
    ), meta={"metadata": {"index_no": index_no, "doc_no": "安政发〔2026〕12号"}})
    rb.done()
    got = {d.target: d for d in drafts_of(session, rb.id, "privacy_leak")}
    assert set(got) == {"id_number", "mobile"}
    idf, mob = got["id_number"], got["mobile"]
    assert idf.url == leak_id and idf.evidence["pages"] == [leak_id] and idf.evidence["occurrences"] == 1
    assert mob.url == leak_mobile and mob.evidence["pages"] == [leak_mobile] and mob.evidence["occurrences"] == 1
    assert "139****5678" in mob.detail and "6109**********" in idf.detail
    assert "139****5678" in mob.evidence["hits"][0]["snippet"] and "手机" in mob.evidence["hits"][0]["snippet"]
    for d in got.values():  # never the full number, in the detail or anywhere in the evidence
        blob = d.detail + json.dumps(d.evidence, ensure_ascii=False)
        assert VALID_ID not in blob and MOBILE not in blob


def test_a_label_reaches_only_its_own_value(session: Session, rb: RunBuilder) -> None:
    # 身份证编号 is a person's number, not a document's; and 索引号 in a sentence does not cover
    # whatever number follows later in it
    a, b = rb.url("s1", "/gs/a.html"), rb.url("s1", "/gs/b.html")
    rb.page("s1", a, text=f"申请人身份证编号：{VALID_ID}，住址汉滨区。")
    rb.page("s1", b, text=f"经审核，索引号所列事项已办结、当事人张三手机{MOBILE}。")
    rb.done()
    got = {d.target: d.url for d in drafts_of(session, rb.id, "privacy_leak")}
    assert got == {"id_number": a, "mobile": b}


def test_metadata_values_are_not_leaks(session: Session, rb: RunBuilder) -> None:
    # an index number that is digit-for-digit an id number, known only from the metadata table
    page = rb.url("s1", "/xxgk/t1.html")
    rb.page("s1", page, text=f"【{VALID_ID}】 关于做好工作的通知",
            meta={"metadata": {"index_no": VALID_ID, "doc_no": ""}})
    rb.done()
    assert drafts_of(session, rb.id, "privacy_leak") == []


def test_several_pages_one_finding_per_kind(session: Session, rb: RunBuilder) -> None:
    other_mobile = "15800001111"
    for i, m in enumerate([MOBILE, other_mobile, MOBILE]):
        rb.page("s1", rb.url("s1", f"/gs/t{i}.html"), text=f"联系人手机{m}；备用{m}")
    rb.done()
    (f,) = drafts_of(session, rb.id, "privacy_leak")
    assert f.target == "mobile" and f.evidence["occurrences"] == 6 and len(f.evidence["pages"]) == 3


# --- serious_error --------------------------------------------------------------------------------------


def test_serious_wrong_forms(session: Session, rb: RunBuilder) -> None:
    bad = rb.url("s1", "/zcwj/t1.html")
    good = rb.url("s1", "/zcwj/t2.html")
    rb.page("s1", bad, title="关于印发实施方案的通知", text="根据《中华人民共合国政府信息公开条例》和最高人民检查院有关规定……")
    rb.page("s1", good, text="根据《中华人民共和国政府信息公开条例》，全国人民代表大会常务委员会……")
    rb.done()
    (f,) = drafts_of(session, rb.id, "serious_error")
    assert f.target == bad == f.url
    assert "「中华人民共合国」应为「中华人民共和国」" in f.detail
    assert "「最高人民检查院」应为「最高人民检察院」" in f.detail
    assert f.evidence["occurrences"] == 2
    assert "中华人民共合国政府信息公开条例" in f.evidence["hits"][0]["snippet"]


def test_wrong_form_inside_its_correct_form_is_not_matched() -> None:
    m = Matcher([Word(wrong="人大常委", correct="全国人大常委会"), Word(wrong="共合国", correct="共和国")])
    assert m.find("全国人大常委会第十次会议") == []
    assert [w.wrong for w, _, _ in m.find("某省人大常委，共合国")] == ["人大常委", "共合国"]


# --- footer_missing ----------------------------------------------------------------------------------------

FULL_FOOTER = ("主办单位：安康市人民政府办公室 网站标识码：6124000001 陕ICP备05012345号-1 "
               "陕公网安备 61090202000101号")


def _footer_run(session: Session, text: str, *, script_text: str = "", meta: dict | None = None,
                links: list[tuple[str, str, str]] = ()) -> list:
    rb = RunBuilder(session, AS_OF)
    rb.site("s1")
    rb.home("s1", text=text, script_text=script_text, meta=meta)
    for target, tag, anchor in links:
        rb.link("s1", rb.homes["s1"], target, tag=tag, anchor=anchor, region="footer", internal=False)
    rb.done()
    return drafts_of(session, rb.id, "footer_missing")


def test_complete_footer(session: Session) -> None:
    conac = [("http://bszs.conac.cn/sitename?method=show&id=0B8E", "a", "")]
    assert _footer_run(session, FULL_FOOTER, links=conac) == []


def test_footer_missing_conac_and_police(session: Session) -> None:
    text = "主办单位：安康市教育局 网站标识码：6109000012 陕ICP备05099999号"
    got = _footer_run(session, text, links=[("https://beian.miit.gov.cn/", "a", "陕ICP备05099999号")])
    assert {d.target for d in got} == {"conac", "police"}
    assert all(d.url.endswith("/") and d.severity is None for d in got)
    assert {d.detail for d in got} == {"首页底部未列明党政机关网站标识", "首页底部未列明公安机关备案号"}


def test_footer_marks_found_in_scripts_meta_and_links(session: Session) -> None:
    # Hanweb: the whole footer is written by a script; conac only as the loader inside document.write
    script = ("<p>网站标识码：<span>bm17000009</span></p><a href=\"http://beian.miit.gov.cn\">京<span>ICP</span>备"
              "<span>19054529</span>号</a><span id='_ideConac'></span><script "
              "src='https://dcs.conac.cn/js/33/000/0000/60425889/CA330000000604258890010.js'></script>")
    got = _footer_run(session, "首页 正文", script_text=script,
                      links=[("http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=11040102700072", "a", "")])
    assert got == []
    # the code only in <meta name=SiteIDCode>, ICP only as a link, conac only as a script src
    got = _footer_run(session, "首页 正文 公安机关备案号：43010302000524", meta={"meta": {"SiteIDCode": "6109000012"}},
                      links=[("https://beian.miit.gov.cn/", "a", "陕ICP备 05012345号"),
                             ("https://dcs.conac.cn/js/05/107/0000/41468768/CA051070000414687680001.js", "script", "")])
    assert got == []
    # a 找错 link carrying site_code=…, spaced-out ICP text
    got = _footer_run(session, "陕 ICP 备 05012345 号 陕公网安备61090202000101号",
                      links=[("https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=6109000012&url=x", "a", ""),
                             ("http://bszs.conac.cn/sitename?method=show&id=1", "a", "")])
    assert got == []


def test_footer_look_alikes_do_not_count(session: Session) -> None:
    got = _footer_run(session, "网站标识码：暂无 ICP备案办理中 网站地图", meta={"meta": {"SiteIDCode": "待定"}},
                      links=[("https://beian.miit.gov.cn/", "a", "工信部")])
    assert {d.target for d in got} == {"site_code", "icp", "conac", "police"}


# --- disclosure_missing ---------------------------------------------------------------------------------------


def test_disclosure_sections(session: Session, rb: RunBuilder) -> None:
    rb.home("s1")
    hub = rb.column("s1", "/zfxxgk/", "政府信息公开", category="disclosure", kind="hub")
    rb.column("s1", "/zfxxgk/zn/", "政府信息公开指南", category="disclosure", kind="page", source="disclosure",
              parent=hub.url, section="guide")
    rb.column("s1", "/zfxxgk/zd/", "政府信息公开制度", category="disclosure", kind="list", source="disclosure",
              parent=hub.url, section="rules", items=[rb.days_ago(400)])
    rb.column("s1", "/zfxxgk/fd/", "法定主动公开内容", category="disclosure", kind="hub", source="disclosure",
              parent=hub.url, section="statutory")
    rb.column("s1", "/zfxxgk/nb/", "政府信息公开年报", category="disclosure", kind="list", source="disclosure",
              parent=hub.url, section="annual_report", status=404, pages_walked=0)
    rb.done()
    got = {d.target: d for d in drafts_of(session, rb.id, "disclosure_missing")}
    assert set(got) == {"annual_report", "application"}
    assert got["annual_report"].url == hub.url
    assert "HTTP 404" in got["annual_report"].detail and "按缺失计" in got["annual_report"].detail
    assert got["annual_report"].evidence["unreachable"]["url"] == rb.url("s1", "/zfxxgk/nb/")
    assert got["application"].detail == "政府信息公开缺少「依申请公开」栏目"


def test_no_disclosure_section_at_all(session: Session, rb: RunBuilder) -> None:
    rb.home("s1")
    rb.done()
    got = drafts_of(session, rb.id, "disclosure_missing")
    assert len(got) == 5 and all("未找到政府信息公开专栏" in d.detail for d in got)
    assert all(d.url == rb.homes["s1"] for d in got)
