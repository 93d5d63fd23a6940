"""The national meta set and the detail-page metadata table (CONTRACT "Detail pages")."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from spiders.extract.meta import metadata_table, national_meta

FIX = Path(__file__).parent / "fixtures" / "idioms"


def _sel(name: str) -> Selector:
    return Selector(text=(FIX / name).read_text(encoding="utf-8"))


def _table(body: str) -> dict[str, str]:
    return metadata_table(Selector(text=f"<html><body>{body}</body></html>"))


def test_national_meta_real_pages():
    meta = national_meta(_sel("hanweb_lishui_xxgk_detail_2023.html"))
    assert meta["SiteName"] == "丽水市政府门户网站"
    assert meta["SiteIDCode"] == "3311000012"
    assert meta["ColumnName"] == "市政府文件"
    assert meta["PubDate"] == "2023-10-23 08:59"
    assert meta["ContentSource"] == "市府办"
    assert meta["Maketime"] == "2023-10-23 09:51:50_194"
    assert "author" not in meta  # empty content
    meta = national_meta(_sel("trs_handan_xxgk_details.html"))
    assert meta["SiteIDCode"] == "1304000009" and meta["PubDate"] == "2020年08月02日"
    assert meta["ArticleTitle"].startswith("邯郸市教育局关于印发")
    assert "Content-Type" not in meta  # http-equiv metas have no name


def test_national_meta_first_duplicate_wins_and_keys_as_written():
    sel = Selector(text='<head><meta name="others" content="页面生成时间 2026-01-21 08:52:30"><meta name="others" content="x">'
                        '<meta name="HtmlGenerateTime" content="2026-01-21"><meta name="ContentStart"></head>')
    assert national_meta(sel) == {"others": "页面生成时间 2026-01-21 08:52:30", "HtmlGenerateTime": "2026-01-21"}


def test_hanweb_jiangxi_padded_labels():
    assert metadata_table(_sel("hanweb_jiangxi_xxgk_detail_art_4969_1495208.html")) == {
        "index_no": "014500815/2020-01301", "publisher": "省政府办公厅", "doc_no": "", "written": "2020-02-03"}
    assert metadata_table(_sel("hanweb_jiangxi_xxgk_detail_renshi_art_14075_1574386.html")) == {
        "index_no": "014501068/2020-03530", "publisher": "江西省市场监督管理局", "doc_no": "赣市监党组〔2020〕16号",
        "written": "2020-02-28"}


def test_hanweb_lishui_label_value_cells_and_info_bar():
    assert metadata_table(_sel("hanweb_lishui_xxgk_detail_2023.html")) == {
        "index_no": "113325000026455663/2023-43887", "doc_no": "丽政发〔2023〕30号", "publisher": "市政府",
        "written": "2023-10-16", "published": "2023-10-23"}


def test_trs_handan_strong_labels_commented_written_date_ignored():
    assert metadata_table(_sel("trs_handan_xxgk_details.html")) == {
        "index_no": "000014348/2020-35147", "publisher": "邯郸市教育局", "doc_no": "", "published": "2020-08-02"}


def test_plain_article_only_has_its_publish_date():
    assert metadata_table(_sel("hanweb_jiangxi_article_detail_art_14236_1508394.html")) == {"published": "2020-02-18"}


@pytest.mark.parametrize("name", ["trs_handan_xxgk_list.html", "trs_handan_xxgk_gkzn.html", "hanweb_wenzhou_kjj_article_detail.html"])
def test_pages_without_a_metadata_table(name: str):
    assert metadata_table(_sel(name)) == {}


def test_xianning_bullets_on_one_line():
    body = ("<div class='xxgk'>• 索 引 号：011336909/2020-12335  • 文  号：  • 发布机构： 咸宁市政府网  • 主题分类：政务公开"
            "  • 有 效 性：有效  • 发布日期：2020年07月29日  • 名  称：关于…的通知</div>")
    assert _table(body) == {"index_no": "011336909/2020-12335", "doc_no": "", "publisher": "咸宁市政府网",
                            "published": "2020-07-29"}


def test_xianning_bullets_as_list_items():
    body = ("<ul><li>索\xa0引\xa0号：011336909/2020-12335</li><li>文\xa0\xa0\xa0\xa0号：</li>"
            "<li>发布机构：咸宁市政府网</li><li>发布日期：2020年07月29日</li></ul>")
    assert _table(body) == {"index_no": "011336909/2020-12335", "doc_no": "", "publisher": "咸宁市政府网",
                            "published": "2020-07-29"}


def test_govcn_td_pairs():
    body = """<table><tr><td><b>索 引 号：</b></td><td>000014349/2020-00215</td><td><b>主题分类：</b></td><td>综合政务</td></tr>
      <tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2020年12月07日</td></tr>
      <tr><td><b>标　　题：</b></td><td>国务院办公厅关于…的意见</td></tr>
      <tr><td><b>发文字号：</b></td><td>国办发〔2020〕50号</td><td><b>发布日期：</b></td><td>2020年12月21日</td></tr></table>"""
    assert _table(body) == {"index_no": "000014349/2020-00215", "publisher": "国务院办公厅", "written": "2020-12-07",
                            "doc_no": "国办发〔2020〕50号", "published": "2020-12-21"}


def test_other_label_variants():
    assert _table("<p>公开日期:2026/03/05</p><p>发文机关: 市政府</p><p>文号：无</p>") == {
        "published": "2026-03-05", "publisher": "市政府", "doc_no": ""}
    assert _table("<ol><li>[发文字号] 京政发〔2026〕1号</li><li>[发布日期] 2026-01-02</li></ol>") == {
        "doc_no": "京政发〔2026〕1号", "published": "2026-01-02"}
    # 成文 and 发布 differ (国办函〔2021〕132号)
    assert _table("<p>成文日期：2021-12-22</p><p>发布日期：2022-01-04</p>") == {
        "written": "2021-12-22", "published": "2022-01-04"}


def test_labels_in_prose_forms_and_footer_are_not_a_table():
    assert _table("<p>本文的发布日期请见下方。</p><p>请注明索引号以便查询</p>") == {}
    assert _table("<form><select><option>发布机构</option><option>索引号</option></select><button>搜索</button></form>") == {}
    assert _table("<div class='footer'>发布机构：某某办公室</div>") == {}
    assert _table("<table><tr><th>名称</th><th>文号</th><th>发布日期</th></tr><tr><td>标题</td><td>无</td><td>标题二</td></tr></table>") == {}
    # a date label with a non-date value is dropped, the rest kept
    assert _table("<p>发布日期：见附件</p><p>索引号：0001/2026-1</p>") == {"index_no": "0001/2026-1"}
