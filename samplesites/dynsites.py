"""The shared engine of the sample sites whose lists plain HTML does not show (sites/zyx, akzrzyj,
plx): each column's list is served one of these ways (its `Mode`), and the truth records what a
visitor sees, whatever the transport:
- static: ul/li pages with rendered numbered links (index_2.html, ...);
- hanweb: Hanweb JCMS datastore. The column page holds the first `per x group` records as XML
  inside <script type="text/xml">; jpage fetches the rest from /module/web/jpage/dataproxy.jsp
  (POST ?startrecord=&endrecord=&perpage= + form columnid/unitid/...). Pages = 1 + proxy calls;
- gkmlpt / jpaas / post: an empty list filled by the page's script from a JSON API (GET
  /gkmlpt/api/all/{col}?page=&sid=; GET jpaas build/unit?...&paramJson={"pageNo":..}; POST
  /front/api/list channelId=&pageNo=&pageSize=). Pages = 1 + the API pages after the first;
- array: an empty list written by an inline script from a JS array on the page (no request).
Every item of a non-static list is a link of the column page (it is shown there), and every proxy
or API page after the first is a `pager` link of it (what the crawler asks for and checks).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from samplesites import apis, assets
from samplesites import content as C
from samplesites.builder import Article, Column, Meta, Page, attr, esc
from samplesites.context import GenContext
from samplesites.site_base import SampleSite
from samplesites.templates import (
    SiteInfo,
    d8,
    day_ages,
    dir_of,
    document,
    jiucuo,
    link_pager,
    meta_lishui,
    meta_set,
    write_footer_js,
)

CN_TZ = dt.timezone(dt.timedelta(hours=8))
JPAAS_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
POST_API = "/front/api/list"


@dataclass
class Mode:
    kind: str  # static | hanweb | gkmlpt | jpaas | post | array
    colid: str = ""  # Hanweb column id, gkmlpt column, jpaas pageId, post channelId
    per: int = 10  # items per displayed page (Hanweb perPage, API page size)
    group: int = 1  # Hanweb groupSize: records per proxy call = per x group
    fmt: str = "span"  # Hanweb record markup: span | textdate | italic


def epoch(d: dt.date, hour: int = 10) -> int:
    return int(dt.datetime(d.year, d.month, d.day, hour, 0, tzinfo=CN_TZ).timestamp())


def js(template: str, **values: str) -> str:
    """A script from a template with __NAME__ placeholders (JS braces stay untouched)."""
    for k, v in values.items():
        template = template.replace(f"__{k}__", v)
    return template


GKMLPT_JS = r"""(function () {
  var box = document.getElementById("list-__COL__"), bar = document.getElementById("pager-__COL__");
  function day(t) { return new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 10); }
  function show(d, page) {
    var html = "";
    for (var i = 0; i < d.articles.length; i++) {
      var a = d.articles[i];
      html += '<li><a href="' + a.url + '" target="_blank" title="' + a.title + '">' + a.title +
              '</a><span class="date">' + day(a.first_publish_time) + '</span></li>';
    }
    box.innerHTML = html;
    var pages = Math.ceil(d.total / __PER__), links = "";
    for (var p = 1; p <= pages; p++) {
      links += p === page ? '<span class="current">' + p + '</span>' : '<a href="javascript:;" data-page="' + p + '">' + p + '</a>';
    }
    bar.innerHTML = links + '<span class="total">共' + d.total + '条</span>';
  }
  function load(page) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", "/gkmlpt/api/all/__COL__?page=" + page + "&sid=__SID__");
    xhr.onload = function () { show(JSON.parse(xhr.responseText), page); };
    xhr.send();
  }
  bar.onclick = function (e) { var p = e.target.getAttribute("data-page"); if (p) { load(+p); } };
  load(1);
})();"""

JPAAS_JS = r"""(function () {
  var box = document.getElementById("list-__COL__");
  var q = JSON.parse(box.getAttribute("querydata")), api = box.getAttribute("url");
  function load(page) {
    var params = "parseType=bulidstatic&webId=" + q.webId + "&tplSetId=" + q.tplSetId + "&pageType=column&tagId=" +
      encodeURIComponent(q.tagId) + "&editType=null&pageId=" + q.pageId + "&paramJson=" +
      encodeURIComponent(JSON.stringify({pageNo: page, pageSize: __PER__}));
    var xhr = new XMLHttpRequest();
    xhr.open("GET", api + "?" + params);
    xhr.onload = function () {
      var d = JSON.parse(xhr.responseText);
      if (d.success) { box.innerHTML = d.data.html; }
    };
    xhr.send();
  }
  load(1);
})();"""

POST_JS = r"""(function () {
  var box = document.getElementById("list-__COL__"), bar = document.getElementById("pager-__COL__");
  function show(d, page) {
    var html = "";
    for (var i = 0; i < d.list.length; i++) {
      var a = d.list[i];
      html += '<li><a href="' + a.url + '" target="_blank" title="' + a.title + '">' + a.title +
              '</a><span class="time">' + a.publishTime.slice(0, 10) + '</span></li>';
    }
    box.innerHTML = html;
    bar.innerHTML = '<span class="total">共' + d.total + '条</span>';
  }
  function load(page) {
    fetch("__API__", {method: "POST", headers: {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
                      body: "channelId=__COL__&pageNo=" + page + "&pageSize=__PER__"})
      .then(function (r) { return r.json(); })
      .then(function (d) { show(d.data, page); });
  }
  load(1);
})();"""

ARRAY_JS = r"""var __VAR__ = __DATA__;
(function () {
  var html = "";
  for (var i = 0; i < __VAR__.length; i++) {
    var x = __VAR__[i];
    html += '<li><a href="' + x.u + '" target="_blank" title="' + x.t + '">' + x.t + '</a><span>' + x.d + '</span></li>';
  }
  document.getElementById("__ID__").innerHTML = html;
})();"""


class DynamicSite(SampleSite):
    """A sample site whose columns use `Mode`s; subclasses set the identity, define() the columns
    and may override the shell."""

    INFO: SiteInfo
    CREDIT = ""
    ICP = ""
    POLICE = ""
    CONAC_ID = ""
    ADDRESS = ""
    WEBID = "1"
    SID = "610900"
    FOOTER_JS: str | None = None  # Hanweb: the footer exists only as document.write in this file

    def __init__(self, ctx: GenContext) -> None:
        super().__init__(ctx)
        self.modes: dict[str, Mode] = {}
        self.nav: list[str] = []
        self.groups: list[list[str]] = []  # side-nav groups (a column page lists its group)
        self.home_blocks: list[tuple[str, int]] = []

    # --- content ------------------------------------------------------------------------------

    def art_path(self, col: Column, d: dt.date) -> str:
        mode = self.modes.get(col.path, Mode("static"))
        n = self.s.next_id(40000, 37, self.rng)
        if mode.kind == "hanweb":
            return f"/art/{d.year}/{d.month}/{d.day}/art_{mode.colid}_{n}.html"
        if mode.kind == "gkmlpt":
            return f"/gkmlpt/content/{n % 7}/{mode.colid}/post_{n}.html"
        if mode.kind == "jpaas":
            return f"/col/col{mode.colid}/art/{d.year}/art_{self.rng.getrandbits(128):032x}.html"
        return f"{dir_of(col.path)}{d:%Y%m}/t{d8(d)}_{n}.html"

    def column(self, path: str, name: str, category: str, kind: str = "list", mode: Mode | None = None,
               **kw: Any) -> Column:
        col = Column(path, name, category, kind, **kw)
        self.cols[path] = col
        if mode is not None:
            self.modes[path] = mode
        return col

    def articles(self, col: Column, n: int, newest: int, gap: tuple[int, int], make: Any, *, doc: bool = False,
                 topics: list[str] | None = None) -> None:
        for i, age in enumerate(day_ages(self.rng, n, newest, gap)):
            d = self.s.days_ago(age)
            title = make(d)
            art = Article(title, self.art_path(col, d), d, source=self.NAME)
            art.paragraphs = self.w.paragraphs(self.w.topic_of(title, topics or C.NEWS_TOPICS + C.PLANS), self.NAME)
            if doc:
                art.meta = Meta(f"{self.CREDIT}/{d.year}-{self.rng.randint(1, 900):05d}", self.NAME,
                                [f"{self.NAME[:2]}政发〔{d.year}〕{self.rng.randint(1, 60)}号", "无"][i % 2], d,
                                d - dt.timedelta(days=self.rng.randint(2, 6)))
            col.items.append(art)

    def page_paths(self, col: Column) -> list[str]:
        """The column's page list for the truth: page paths, or proxy/API calls after the first."""
        mode = self.modes.get(col.path, Mode("static"))
        n = len(col.items)
        if mode.kind == "static":
            return super().page_paths(col)
        if mode.kind == "hanweb":
            return [col.path] + self.proxy_paths(mode, n)
        if mode.kind in ("gkmlpt", "jpaas", "post"):
            return [col.path] + [f"{col.path}#api{p}" for p in range(2, math.ceil(n / mode.per) + 1)]
        return [col.path]

    @staticmethod
    def proxy_paths(mode: Mode, n: int) -> list[str]:
        step = mode.per * mode.group
        return [f"{apis.JPAGE_PROXY}?startrecord={s}&endrecord={min(s + step - 1, n)}&perpage={mode.per}"
                for s in range(step + 1, n + 1, step)]

    # --- shell --------------------------------------------------------------------------------

    def head(self, page: Page, title: str, *, col: Column | None = None, art: Article | None = None) -> str:
        return "\n".join([
            '<meta charset="utf-8">',
            meta_set(self.INFO, column=col, art=art),
            f"<title>{esc(title)}</title>",
            page.css("/static/css/site.css"),
            page.script("/static/js/jquery.js"),
        ])

    def header(self, page: Page) -> str:
        with page.region("header"):
            logo = page.a("/", inner=page.img("/static/img/logo.png", self.NAME))
        return f'<div class="header"><div class="w1200">{logo}</div></div>'

    def nav_html(self, page: Page) -> str:
        with page.region("nav"):
            lis = "".join(f"<li>{page.a(p, self.cols[p].name)}</li>" for p in self.nav)
            return f'<div class="nav"><ul class="w1200"><li>{page.a("/", "首页")}</li>{lis}</ul></div>'

    def footer(self, page: Page) -> str:
        with page.region("footer"):
            if self.FOOTER_JS:
                return f'<div class="part-foot">{page.script(self.FOOTER_JS)}</div>'
            links = page.a("/wzsm/", "网站声明")
            icp = page.a("https://beian.miit.gov.cn/", self.ICP, target="_blank")
            ga = page.a(f"http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={self.POLICE}",
                        f"陕公网安备 {self.POLICE}号", target="_blank")
            badge = page.a(f"http://bszs.conac.cn/sitename?method=show&id={self.CONAC_ID}",
                           inner=page.img("/static/img/red.png", "党政机关网站"), target="_blank")
            jc = jiucuo(page, self.INFO.code, "https://zfwzgl.www.gov.cn/exposure/jiucuo.js")
        return f"""<div class="footer"><div class="w1200">
<p>{links}</p>
<p>主办单位：{esc(self.NAME)}　地址：{esc(self.ADDRESS)}</p>
<p>网站标识码：{self.INFO.code}　{icp}　{ga}</p>
<div class="badges">{badge} {jc}</div>
</div></div>"""

    def footer_js(self) -> str:
        lines = [
            '<div class="foot"><div class="w1200">',
            f"<p>主办单位：{self.NAME}　地址：{self.ADDRESS}</p>",
            f'<p>网站标识码：{self.INFO.code}　<a href="https://beian.miit.gov.cn" target="_blank">{self.ICP}</a>　'
            f'<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode={self.POLICE}" target="_blank">'
            f"陕公网安备 {self.POLICE}号</a></p>",
            f'<p><a href="http://bszs.conac.cn/sitename?method=show&id={self.CONAC_ID}" target="_blank">'
            '<img src="/static/img/red.png" alt="党政机关网站"/></a></p>',
            "</div></div>",
        ]
        return write_footer_js(lines)

    def shell(self, page: Page, title: str, main: str, **kw: Any) -> str:
        head = self.head(page, title, **kw)
        return document(head, "\n".join([self.header(page), self.nav_html(page), main, self.footer(page)]))

    def side(self, page: Page, col: Column) -> str:
        group = next((g for g in self.groups if col.path in g), None)
        if not group:
            return ""
        with page.region("side"):
            lis = "".join(f"<li>{page.a(p, self.cols[p].name)}</li>" for p in group)
        return f'<div class="side-nav"><ul>{lis}</ul></div>'

    def frame(self, page: Page, col: Column, inner: str) -> str:
        return f"""<div class="main w1200">
{self.side(page, col)}
<div class="main-con">
<div class="position">当前位置：{page.a("/", "首页")} &gt; {page.a(col.path, col.name)}</div>
<div class="col-title"><h2>{esc(col.name)}</h2></div>
{inner}
</div>
</div>"""

    # --- rendering ------------------------------------------------------------------------------

    def misc(self) -> None:
        if not self.FOOTER_JS:  # the static footer links to it
            page = Page(self.s, "/wzsm/", "other")
            self.s.write_page(page, self.shell(page, f"网站声明_{self.NAME}",
                                               f'<div class="main w1200"><p>本网站内容版权归{esc(self.NAME)}所有。</p></div>'))

    def list_column(self, col: Column) -> None:
        mode = self.modes.get(col.path, Mode("static"))
        if mode.kind == "static":
            super().list_column(col)
            return
        s = self.s
        page = Page(s, col.path, "column")
        inner = getattr(self, f"{mode.kind}_list")(page, col, mode)
        if mode.kind != "hanweb":
            for art in col.items:  # what the script shows on the column page
                s.truth.add_link(page.url, art.path, "a", "href", anchor=art.title)
        self.write_column(page, col, f"{col.name}_{self.NAME}", self.frame(page, col, inner))

    def list_page(self, col: Column, index: int, chunk: list[Article]) -> None:
        s = self.s
        page = Page(s, col.page_paths[index], "column" if index == 0 else "list")
        lis = "\n".join(f'<li>{page.a(a.path, a.title, title=a.title, target="_blank")}'
                        f'<span class="date">{a.date.isoformat()}</span></li>' for a in chunk)
        hrefs = ["./"] + [p.rsplit("/", 1)[-1] for p in col.page_paths[1:]]
        inner = f'<ul class="news-list">\n{lis}\n</ul>\n{link_pager(page, col, index, hrefs, cls="pagination")}'
        self.write_column(page, col, f"{col.name}_{self.NAME}", self.frame(page, col, inner))

    def record_html(self, page: Page, art: Article, fmt: str) -> str:
        if fmt == "textdate":  # 舟山 style: title and date as divs inside the link
            inner = f'<div class="text">{esc(art.title)}</div><div class="text-date">{art.date.isoformat()}</div>'
            return f"<li>{page.a(art.path, inner=inner, title=art.title, target='_blank')}</li>"
        if fmt == "italic":  # <a><span>title</span><i>date</i></a>
            inner = f"<span>{esc(art.title)}</span><i>{art.date.isoformat()}</i>"
            return f"<li>{page.a(art.path, inner=inner, title=art.title, target='_blank')}</li>"
        return f"<li>{page.a(art.path, art.title, title=art.title, target='_blank')}<span>{art.date.isoformat()}</span></li>"

    def hanweb_list(self, page: Page, col: Column, mode: Mode) -> str:
        unitid = str(4455000 + int(mode.colid) % 1000)
        step = mode.per * mode.group
        records = [self.record_html(page, art, mode.fmt) for art in col.items]
        apis.add_jpage_column(self.s, mode.colid, records, webname=self.NAME, webid=self.WEBID, unitid=unitid)
        page.pager(col.page_paths[1:])
        embedded = "\n".join(f"<record><![CDATA[{r}]]></record>" for r in records[:step])
        nextgroup = (f'<a href="{apis.JPAGE_PROXY}?page=1&appid=1&webid={self.WEBID}&path=/&columnid={mode.colid}'
                     f'&unitid={unitid}&webname={self.NAME}&permissiontype=0"></a>')
        script = (f"var param_{unitid} = {{col:1,appid:1,webid:{self.WEBID},path:'/',columnid:{mode.colid},"
                  f"sourceContentType:1,unitid:'{unitid}',webname:'{self.NAME}',permissiontype:0}};\n"
                  f"$('#{unitid}').jpage({{baseUrl:'{apis.JPAGE_PROXY}',dataStore:'',proxyUrl:'{apis.JPAGE_PROXY}',"
                  f"perPage:{mode.per},groupSize:{mode.group},totalRecord:{len(records)},ajaxParam:param_{unitid},"
                  "themeName:'default',showMode:'full'});")
        return (f'<div id="{unitid}"><script type="text/xml"><datastore>\n'
                f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n<recordset>\n{embedded}\n</recordset>\n"
                f'</datastore></script></div>\n<script type="text/javascript">\n{script}\n</script>')

    def _api_pager(self, page: Page, col: Column, urls: list[str]) -> None:
        for u in urls:
            self.s.truth.add_link(page.url, u, "pager", "js")

    def gkmlpt_list(self, page: Page, col: Column, mode: Mode) -> str:
        items = []
        for art in col.items:
            n = art.path.rsplit("_", 1)[-1].split(".")[0]
            items.append({"id": int(n), "identifier": f"{self.CREDIT}/{art.date.year}-{n}", "title": art.title,
                          "publisher": self.NAME, "url": self.s.url(art.path), "post_url": art.path,
                          "created_at": f"{art.date.isoformat()} 09:30:00", "first_publish_time": epoch(art.date),
                          "display_publish_time": epoch(art.date)})
        api = f"/gkmlpt/api/all/{mode.colid}"
        apis.add_json_list(self.s, api, {"shape": "gkmlpt", "page_param": "page", "size_param": None,
                                         "page_size": mode.per, "items": items})
        self._api_pager(page, col, [f"{api}?page={p}&sid={self.SID}" for p in range(2, len(col.page_paths) + 1)])
        script = js(GKMLPT_JS, COL=mode.colid, PER=str(mode.per), SID=self.SID)
        return (f'<ul class="news-list" id="list-{mode.colid}"></ul>\n<div class="pagination" id="pager-{mode.colid}">'
                f'</div>\n<script type="text/javascript">\n{script}\n</script>')

    def jpaas_query(self, mode: Mode) -> list[tuple[str, str]]:
        return [("parseType", "bulidstatic"), ("webId", self.WEBID), ("tplSetId", "Zr8kQw2mHcT"),
                ("pageType", "column"), ("tagId", "信息列表"), ("editType", "null"), ("pageId", mode.colid)]

    def jpaas_list(self, page: Page, col: Column, mode: Mode) -> str:
        items = [f'<li class="clearfix"><a href="{attr(art.path)}" title="{attr(art.title)}" class="news" target="_blank">'
                 f'{esc(art.title)}</a><span class="time bt-right">{art.date.isoformat()}</span></li>'
                 for art in col.items]
        apis.add_json_list(self.s, JPAAS_API, {"shape": "jpaas", "page_param": "pageNo", "size_param": "pageSize",
                                               "page_size": mode.per, "items": items}, key=mode.colid, by="pageId")
        urls = []
        for p in range(2, len(col.page_paths) + 1):
            pairs = self.jpaas_query(mode) + [("paramJson", json.dumps({"pageNo": p, "pageSize": mode.per},
                                                                       separators=(",", ":")))]
            urls.append(f"{JPAAS_API}?{urlencode(pairs, quote_via=quote)}")
        self._api_pager(page, col, urls)
        query = {k: v for k, v in self.jpaas_query(mode) if k in ("webId", "tplSetId", "tagId", "pageId")}
        qd = json.dumps(query, ensure_ascii=False, separators=(",", ":"))
        script = js(JPAAS_JS, COL=mode.colid, PER=str(mode.per))
        return (f"<div class=\"page-content\" id=\"list-{mode.colid}\" querydata='{qd}' url=\"{JPAAS_API}\"></div>\n"
                f'<script type="text/javascript">\n{script}\n</script>')

    def post_list(self, page: Page, col: Column, mode: Mode) -> str:
        items = [{"id": i + 1, "title": art.title, "url": art.path, "publishTime": f"{art.date.isoformat()} 10:00:00",
                  "source": self.NAME} for i, art in enumerate(col.items)]
        apis.add_json_list(self.s, POST_API, {"shape": "plain", "page_param": "pageNo", "size_param": "pageSize",
                                              "page_size": mode.per, "items": items}, key=mode.colid, by="channelId")
        if len(col.page_paths) > 1:  # one URL, the page number is in the form
            self._api_pager(page, col, [POST_API])
        script = js(POST_JS, COL=mode.colid, PER=str(mode.per), API=POST_API)
        return (f'<ul class="news-list" id="list-{mode.colid}"></ul>\n<div class="pagination" id="pager-{mode.colid}">'
                f'</div>\n<script type="text/javascript">\n{script}\n</script>')

    def array_list(self, page: Page, col: Column, mode: Mode) -> str:
        data = json.dumps([{"t": a.title, "u": a.path, "d": a.date.isoformat()} for a in col.items],
                          ensure_ascii=False)
        box = f"list-{mode.colid}"
        script = js(ARRAY_JS, VAR=f"items{mode.colid}", DATA=data, ID=box)
        return f'<ul class="news-list" id="{box}"></ul>\n<script type="text/javascript">\n{script}\n</script>'

    def detail(self, col: Column, art: Article) -> None:
        s = self.s
        page = Page(s, art.path, "detail")
        meta_html = self.meta_table(page, art, lambda m: meta_lishui(m, col.name))
        paras = "".join(f"<p>{esc(p)}</p>" for p in art.paragraphs)
        info = "" if art.meta else (f'<div class="art-info"><span>发布时间：{art.date.isoformat()}</span>'
                                    f"<span>来源：{esc(art.source)}</span></div>")
        main = f"""<div class="main w1200"><div class="article">
<div class="position">当前位置：{page.a("/", "首页")} &gt; {page.a(col.path, col.name)}</div>
{meta_html}
<h1 class="art-title">{esc(art.title)}</h1>
{info}
<div class="zoom">{paras}</div>
</div></div>"""
        s.write_page(page, self.shell(page, f"{art.title}_{self.NAME}", main, art=art))

    def hub(self, col: Column) -> None:
        s = self.s
        page = Page(s, col.path, "column")
        cells = "".join(f"<li>{page.a(c.path, c.name)}</li>" for c in col.children)
        inner = f'<p class="intro">本栏目集中公开{esc(self.NAME)}的政府信息。</p>\n<ul class="gk-entry">{cells}</ul>'
        self.write_column(page, col, f"{col.name}_{self.NAME}", self.frame(page, col, inner))

    def page_column(self, col: Column) -> None:
        s = self.s
        page = Page(s, col.path, "column")
        inner = '<div class="zoom">' + "".join(f"<p>{esc(t)}</p>" for t in col.text) + "</div>"
        self.write_column(page, col, f"{col.name}_{self.NAME}", self.frame(page, col, inner))

    def home(self) -> None:
        s = self.s
        page = Page(s, "/", "home")
        blocks = []
        for path, n in self.home_blocks:
            col = self.cols[path]
            lis = []
            for art in col.items[:n]:
                lis.append(f'<li>{page.a(art.path, art.title, title=art.title, target="_blank")}'
                           f'<span class="date">{art.date.isoformat()}</span></li>')
                s.homepage_item(art)
            blocks.append(f'<div class="index-box"><div class="index-tit">{page.a(col.path, col.name)}</div>'
                          f'<ul class="news-list">{"".join(lis)}</ul></div>')
        links = self.other_sites(page)
        hd = f'<div class="hdjl">{self.city_mailbox(page)}</div>'  # letters go to the city's 市长信箱
        main = f'<div class="index-main w1200">\n{chr(10).join(blocks)}\n{hd}\n<div class="yqlj"><ul>{links}</ul></div>\n</div>'
        s.write_page(page, self.shell(page, self.NAME, main))

    def static(self) -> None:
        s = self.s
        s.write("/static/img/logo.png", assets.PNG)
        s.write("/static/img/red.png", assets.PNG)
        s.write("/static/css/site.css", assets.CSS)
        s.write("/static/js/jquery.js", assets.JQUERY)
        if self.FOOTER_JS:
            s.write(self.FOOTER_JS, self.footer_js())
