"""Lists that plain HTML does not show, read without a browser: the Hanweb jpage data-proxy plan,
JSON list APIs (gkmlpt, jpaas, plain records) and their paging, the signs that a page's scripts
fill its list."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qsl, urlsplit

from parsel import Selector

from spiders.dynamic import DynamicLists
from spiders.extract.entries import ListEntry, PageContext
from spiders.extract.hanweb import proxy_plan
from spiders.extract.jsonlist import (
    ApiCall,
    JsonList,
    find_page_param,
    later_pages,
    page_call,
    parse_json_list,
)
from spiders.extract.lists import extract_list
from spiders.extract.scripted import script_filled_reason

AS_OF = dt.date(2026, 11, 20)
COLUMN = "http://127.0.4.1/col/col33718/index.html"
CN = dt.timezone(dt.timedelta(hours=8))


def _ctx(html: str = "<html><body></body></html>", url: str = COLUMN) -> PageContext:
    return PageContext.build(url, Selector(text=html), AS_OF, ["暂无信息"], html)


def _epoch(y: int, m: int, d: int, hour: int = 1) -> int:
    return int(dt.datetime(y, m, d, hour, tzinfo=CN).timestamp())


# --- Hanweb jpage -----------------------------------------------------------------------------------

# the shape of a real column page: datastore in <script type="text/xml">, the jpage call with its
# ajaxParam in `param_<unitid>` (idioms §4 / §1.7)
HANWEB = """<html><body><div class="main">
<div id="247686"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=39&path=/&columnid=61490&unitid=247686&webname=某市人民政府&permissiontype=0"></a>]]></nextgroup>
<recordset>
""" + "\n".join(f"<record><![CDATA[<li><a href='/art/2026/11/{d}/art_61490_{d}.html' title='标题{d}'>标题{d}</a>"
                f"<span>2026-11-{d:02d}</span></li>]]></record>" for d in range(20, 0, -1)) + """
</recordset></datastore></script></div></div>
<script>var param_247686 = {col:1,appid:1,webid:39,path:'/',columnid:61490,sourceContentType:1,unitid:'247686',webname:'某市人民政府',permissiontype:0};
$('#247686').jpage({baseUrl:'/module/web/jpage/dataproxy.jsp',dataStore:'',proxyUrl:'/module/web/jpage/dataproxy.jsp',perPage:20,groupSize:3,totalRecord:158,ajaxParam:param_247686});</script>
</body></html>"""


def test_hanweb_proxy_calls_cover_the_records_after_the_page():
    result, name = extract_list(_ctx(HANWEB))
    assert name == "hanweb_datastore" and len(result.entries) == 20 and result.meta["records"] == 20
    plan = proxy_plan(result.meta, COLUMN)
    assert plan is not None and (plan.per, plan.step, plan.total) == (20, 60, 158)
    calls = plan.calls_after(20, cap=10)
    # what jpage posts: groups of perPage x groupSize, the last one cut at the total
    assert [(c.start, c.end) for c in calls] == [(21, 80), (81, 140), (141, 158)]
    first = calls[0]
    assert first.url == "http://127.0.4.1/module/web/jpage/dataproxy.jsp?startrecord=21&endrecord=80&perpage=20"
    form = dict(parse_qsl(first.body))
    assert form == {"col": "1", "appid": "1", "webid": "39", "path": "/", "columnid": "61490",
                    "sourceContentType": "1", "unitid": "247686", "webname": "某市人民政府", "permissiontype": "0"}
    assert list(dict(parse_qsl(first.body))) == list(form)  # jpage's order
    assert len(plan.calls_after(20, cap=2)) == 2


def test_hanweb_proxy_plan_from_nextgroup_alone_and_without_ids():
    page = ('<html><body><div id="5"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="'
            '/module/jpage/dataproxy.jsp?page=2&appid=1&webid=7&path=/&columnid=88&unitid=5&webname=x&permissiontype=0">'
            '</a>]]></nextgroup><recordset><record><![CDATA[<li><a href="/art/2026/1/2/art_88_1.html">甲</a>'
            '</li>]]></record></recordset></datastore></script></div></body></html>')
    result, _ = extract_list(_ctx(page))
    plan = proxy_plan(result.meta, COLUMN)
    assert plan is not None and plan.proxy == "http://127.0.4.1/module/jpage/dataproxy.jsp"
    assert plan.total is None and plan.form["columnid"] == "88" and plan.form["webid"] == "7"
    assert [c.start for c in plan.calls_after(1, cap=5)] == [2]  # unknown total: one call at a time
    assert proxy_plan({"jpage": {"totalRecord": 50}}, COLUMN) is None  # no column/unit id: nothing to ask


# --- JSON lists ---------------------------------------------------------------------------------------


def test_gkmlpt_shape_with_epoch_dates_in_china_time():
    data = {"total": 23, "articles": [
        {"id": 1, "title": "关于<em>耕地保护</em>的通知", "url": "http://127.0.4.1/gkmlpt/content/1/2811/post_1.html",
         "post_url": "/gkmlpt/content/1/2811/post_1.html", "created_at": "2026-10-30 09:00:00",
         "first_publish_time": _epoch(2026, 11, 2), "display_publish_time": _epoch(2026, 11, 2)},
        {"id": 2, "title": "第二条", "post_url": "/gkmlpt/content/1/2811/post_2.html",
         "first_publish_time": _epoch(2026, 10, 31, hour=23)},
    ]}
    listing = parse_json_list(json.dumps(data, ensure_ascii=False), _ctx())
    assert listing is not None and (listing.shape, listing.total) == ("gkmlpt", 23)
    assert [(e.title, e.url, e.published, e.date_source) for e in listing.entries] == [
        ("关于耕地保护的通知", "http://127.0.4.1/gkmlpt/content/1/2811/post_1.html", dt.date(2026, 11, 2), "list"),
        # 23:00 China time is 15:00 UTC: the date is the Chinese one
        ("第二条", "http://127.0.4.1/gkmlpt/content/1/2811/post_2.html", dt.date(2026, 10, 31), "list"),
    ]


def test_jpaas_shape_html_inside_json_with_declared_count():
    html = ('<ul class="lmy-list-ul">'
            '<li class="clearfix"><a href="/col/col2812/art/2026/art_ab12.html" title="甲通知" class="news">甲通知</a>'
            '<span class="time bt-right">2026-11-18</span></li>'
            '<li class="clearfix"><a href="/col/col2812/art/2026/art_cd34.html" title="乙公告" class="news">乙公告</a>'
            '<span class="time bt-right">2026-11-02</span></li></ul>'
            '<div class="pagination" rows="8" count="17"></div>')
    listing = parse_json_list(json.dumps({"success": True, "data": {"html": html}}), _ctx())
    assert listing is not None and (listing.shape, listing.total, listing.size) == ("jpaas", 17, 8)
    assert [(e.title, e.published) for e in listing.entries] == [("甲通知", dt.date(2026, 11, 18)),
                                                                 ("乙公告", dt.date(2026, 11, 2))]


def test_plain_records_nested_jsonp_and_non_lists():
    body = {"code": 200, "data": {"total": 16, "pageNo": 1, "list": [
        {"id": 1, "title": "甲", "url": "/tzgg/202611/t20261116_1.html", "publishTime": "2026-11-16 10:00:00"},
        {"id": 2, "title": "乙", "url": "/tzgg/202611/t20261103_2.html", "publishTime": None},
        {"id": 3, "picUrl": "/a.png"}]}}
    listing = parse_json_list(json.dumps(body, ensure_ascii=False), _ctx())
    assert listing is not None and (listing.shape, listing.total) == ("records", 16)
    assert [(e.url.rsplit("/", 1)[-1], e.published) for e in listing.entries] == [
        ("t20261116_1.html", dt.date(2026, 11, 16)), ("t20261103_2.html", None)]
    jsonp = "result(" + json.dumps({"list": [{"DOCTITLE": "丙", "DOCPUBURL": "/c.html", "PUBDATE": "2026-11-01T08:00:00"}]}) + ");"
    assert [(e.title, e.published) for e in parse_json_list(jsonp, _ctx()).entries] == [("丙", dt.date(2026, 11, 1))]
    assert parse_json_list('{"code": 200, "data": {"total": 0, "list": []}}', _ctx()) is None
    assert parse_json_list('{"weather": "晴"}', _ctx()) is None
    assert parse_json_list("<html>not json</html>", _ctx()) is None


def test_page_parameters_in_query_json_parameter_form_and_json_body():
    gk = ApiCall("http://127.0.4.1/gkmlpt/api/all/2811?page=1&sid=610900")
    p = find_page_param(gk)
    assert (p.where, p.key, p.value) == ("query", "page", 1)
    assert page_call(gk, p, 3).url == "http://127.0.4.1/gkmlpt/api/all/2811?page=3&sid=610900"

    jp = ApiCall("http://127.0.4.1/unit?webId=61&tagId=%E4%BF%A1%E6%81%AF%E5%88%97%E8%A1%A8"
                 "&paramJson=%7B%22pageNo%22%3A1%2C%22pageSize%22%3A8%7D")
    p = find_page_param(jp)
    assert (p.where, p.key, p.inner, p.value, p.size) == ("query", "paramJson", "pageNo", 1, 8)
    q = dict(parse_qsl(urlsplit(page_call(jp, p, 2).url).query))
    assert q == {"webId": "61", "tagId": "信息列表", "paramJson": '{"pageNo":2,"pageSize":8}'}

    form = ApiCall("http://127.0.4.1/front/api/list", "POST", "channelId=3003&pageNo=1&pageSize=6",
                   "application/x-www-form-urlencoded; charset=UTF-8")
    p = find_page_param(form)
    assert (p.where, p.key, p.value, p.size) == ("form", "pageNo", 1, 6)
    nxt = page_call(form, p, 2)
    assert (nxt.url, nxt.method, nxt.body) == (form.url, "POST", "channelId=3003&pageNo=2&pageSize=6")

    body = ApiCall("http://127.0.4.1/api/search", "POST", '{"channel":"tzgg","page":{"current":1}}', "application/json")
    assert find_page_param(body) is None  # the page is nested deeper than a JSON body's top level
    body = ApiCall("http://127.0.4.1/api/search", "POST", '{"channel":"tzgg","currentPage":0,"size":20}', "application/json")
    p = find_page_param(body)
    assert (p.where, p.value, p.size) == ("json", 0, 20)
    assert json.loads(page_call(body, p, 1).body) == {"channel": "tzgg", "currentPage": 1, "size": 20}
    assert find_page_param(ApiCall("http://127.0.4.1/list.json")) is None


def test_later_pages_from_the_declared_total():
    entries = [ListEntry(f"t{i}", f"http://127.0.4.1/a/{i}.html", None) for i in range(10)]
    param = find_page_param(ApiCall("http://127.0.4.1/api?page=1&size=10"))
    assert later_pages(param, JsonList(entries, 23, "records"), cap=100) == [2, 3]
    assert later_pages(param, JsonList(entries, 23, "records"), cap=1) == [2]
    assert later_pages(param, JsonList(entries, 10, "records"), cap=100) == []
    assert later_pages(param, JsonList(entries, None, "records"), cap=100) is None  # follow while pages are full
    zero_based = find_page_param(ApiCall("http://127.0.4.1/api?pageIndex=0"))
    assert later_pages(zero_based, JsonList(entries, 30, "records"), cap=100) == [1, 2]
    assert zero_based.after(0, 10) == 1
    # a record offset with a page size: the next calls start 10 and 20 records later
    offset = find_page_param(ApiCall("http://127.0.4.1/api?channel=5&start=0&limit=10"))
    assert (offset.key, offset.value, offset.size, offset.offset) == ("start", 0, 10, True)
    assert later_pages(offset, JsonList(entries, 23, "records"), cap=100) == [10, 20]
    assert page_call(ApiCall("http://127.0.4.1/api?channel=5&start=0&limit=10"), offset, 20).url == \
        "http://127.0.4.1/api?channel=5&start=20&limit=10"
    assert offset.after(20, 10) == 30
    assert find_page_param(ApiCall("http://127.0.4.1/api?start=0")) is None  # an offset without a size


# --- script-filled lists ------------------------------------------------------------------------------


def _reason(body: str) -> str | None:
    return script_filled_reason(Selector(text=f"<html><head></head><body>{body}</body></html>"))


def test_scripts_that_fill_the_list_are_recognised():
    assert _reason('<ul id="list"></ul><script>var x = new XMLHttpRequest(); x.open("GET", "/api?page=1");</script>') == "xhr"
    assert _reason('<ul id="l"></ul><script>fetch("/front/api/list", {method: "POST"}).then(r => r.json());</script>') == "xhr"
    assert _reason('<div id="l"></div><script>$.getJSON("/api/list.json", function (d) {});</script>') == "xhr"
    assert _reason("""<div class="page-content" querydata='{"webId":"61"}' url="/api-gateway/jpaas/x"></div>""") == "jpaas"
    assert _reason("<ul id=\"xz\"></ul><script>var a=[1]; document.getElementById('xz').innerHTML = a.join('');</script>") == "dom_write"
    assert _reason("<div id='49468'></div><script>var InitData49468=['<a href=x.html>x</a>'];"
                   "$('#49468').jpage({totalRecord:1418,dataStore:InitData49468,perPage:25});</script>") == "jpage_array"


def test_static_idioms_are_not_taken_for_script_filled_lists():
    # TRS pagers, the conac loader, an XML datastore, external scripts, comments, a list already filled
    assert _reason('<ul><li>x</li></ul><script>createPageHTML(3, 0, "index", "html");</script>') is None
    assert _reason("""<script>document.write(unescape("%3Cspan id='_ideConac'%3E%3C/span%3E"));</script>""") is None
    assert _reason('<div id="1"><script type="text/xml"><datastore><recordset></recordset></datastore></script></div>') is None
    assert _reason('<script src="/js/list.js"></script><script>// fetch("/api")\n</script>') is None
    assert _reason("<ul id='l'><li><a href='a.html'>甲</a></li></ul><script>document.getElementById('l').innerHTML += '';</script>") is None


# --- the spider's switches (the browser's address policy: tests/test_address_policy*.py) ------------


def test_rendering_needs_the_render_handler_settings():
    class Spider(DynamicLists):
        def __init__(self, enabled: bool, settings: object) -> None:
            from core.registry import CrawlConfig

            self.crawl_cfg = CrawlConfig(render={"enabled": enabled})
            self.settings = settings

    class Settings(dict):
        def getbool(self, key: str) -> bool:
            return bool(self.get(key))

    assert Spider(True, Settings(GOVINSPECT_RENDER_ENABLED=True)).render_enabled
    assert not Spider(True, Settings()).render_enabled  # run without the handler: never ask for a browser
    assert not Spider(False, Settings(GOVINSPECT_RENDER_ENABLED=True)).render_enabled
