"""hbq-www 汉滨区人民政府: a GBK district portal on a `createPageHTML('page_div', …)` template.

Every page is GBK bytes declaring charset=gb2312 in a <meta> (the HTTP header names no charset);
one article declares it only in the HTTP header. Lists are list.shtml, list_2.shtml … (1-based)
and show dates in four ways: ISO, month-day with the year from <meta name="others"
content="页面生成时间 …">, Chinese (2026年11月2日) and nowhere but the URL; one column is undated
throughout; the 通知公告 column pins an old item on top. The 信息公开 lists are tables
(名称/索引号/发布机构/发布日期). Planted: the undated column (stale), a link to a loopback address
where nothing listens, a link to a page answering 500, and a 身份证号 in a 公示.
"""

from __future__ import annotations

import datetime as dt

from samplesites import assets
from samplesites import content as C
from samplesites.builder import Article, Column, Meta, Page, SiteBuild, esc
from samplesites.context import GenContext
from samplesites.interaction import guide_detail, guides, letter_box, letter_detail, letter_table, write_form
from samplesites.site_base import SampleSite
from samplesites.templates import (
    SiteInfo,
    conac_loader,
    d8,
    day_ages,
    dir_of,
    document,
    jiucuo,
    meta_lishui,
    meta_set,
    page_div_pager,
    relative,
)

SITE_ID = "hbq-www"
UNIT_ID = "hbq"
UNIT_NAME = "汉滨区人民政府办公室"
UNIT_KIND = "county"
NAME = "汉滨区人民政府"
INFO = SiteInfo(NAME, "www.hanbin.gov.cn", "6109020001")
ISSUER = "汉滨区人民政府"
OFFICE = "汉滨区人民政府办公室"
CREDIT = "11610902MB0123456Y"
NEWS_GROUP = ["/zwdt/hbyw/list.shtml", "/zwdt/xzdt/list.shtml", "/zwdt/bmdt/list.shtml", "/zwdt/mtjj/list.shtml"]
GK_GROUP = ["/xxgk/xxgkzn/index.shtml", "/xxgk/xxgkzd/list.shtml", "/xxgk/fdzdgknr/index.shtml",
            "/xxgk/zcwj/list.shtml", "/xxgk/ghjh/list.shtml", "/xxgk/xxgknb/list.shtml",
            "/xxgk/ysqgk/index.shtml"]


class Hbq(SampleSite):
    SITE_ID, UNIT_ID, NAME = SITE_ID, UNIT_ID, NAME
    ENCODING = "gbk"

    def __init__(self, ctx: GenContext) -> None:
        super().__init__(ctx)
        self.generated = f"{ctx.as_of.isoformat()} 08:52:30"

    # --- content ----------------------------------------------------------------------------

    def path_for(self, col: Column, d: dt.date, dated_url: bool) -> str:
        n = self.s.next_id(88000, 29, self.rng)
        base = dir_of(col.path)
        return f"{base}{d:%Y%m}/t{d8(d)}_{n}.shtml" if dated_url else f"{base}content_{n}.shtml"

    def articles(self, col: Column, n: int, newest: int, gap: tuple[int, int], make, *, doc: bool = False,
                 dated_url: bool = True, source: str = OFFICE) -> None:
        for age in day_ages(self.rng, n, newest, gap):
            d = self.s.days_ago(age)
            title = make(d)
            art = Article(title, self.path_for(col, d, dated_url), d, source=source)
            art.paragraphs = self.w.paragraphs(self.w.topic_of(title, C.NEWS_TOPICS + C.PLANS), source)
            if doc:
                art.meta = Meta(f"{CREDIT}/{d.year}-{self.rng.randint(1, 400):05d}", source,
                                self.rng.choice([f"汉政发〔{d.year}〕{self.rng.randint(1, 30)}号",
                                                 f"汉政办发〔{d.year}〕{self.rng.randint(1, 50)}号", "无"]),
                                d, d - dt.timedelta(days=self.rng.randint(2, 6)))
            col.items.append(art)

    def define(self) -> None:
        w, s = self.w, self.s
        towns = C.HB_TOWNS
        hbyw = Column("/zwdt/hbyw/list.shtml", "汉滨要闻", "news", "list", per_page=15)
        self.articles(hbyw, 58, 1, (1, 2), lambda d: w.news(places=towns + ["汉滨区"], orgs=["区发改局", "区教体局",
                      "区农业农村局", "区住建局", "区卫健局", "区应急管理局"], level="区"), source="汉滨区融媒体中心")
        xzdt = Column("/zwdt/xzdt/list.shtml", "乡镇动态", "news", "list", per_page=20, date_style="mmdd")
        self.articles(xzdt, 20, 2, (1, 4), lambda d: w.news(places=towns, orgs=towns, level="区"), dated_url=False)
        bmdt = Column("/zwdt/bmdt/list.shtml", "部门动态", "news", "list", per_page=18, date_style="cn")
        self.articles(bmdt, 18, 3, (1, 4), lambda d: w.news(places=["区发改局", "区教体局", "区民政局", "区财政局",
                      "区自然资源局", "区水利局"], orgs=["区商务局", "区文旅局", "区市场监管局"], level="区"))
        mtjj = Column("/zwdt/mtjj/list.shtml", "媒体聚焦", "news", "list", per_page=15, date_style="url")
        self.articles(mtjj, 15, 4, (2, 5), lambda d: w.unique(lambda: f"陕西日报：{w.news(places=['汉滨区'], level='区')}"),
                      source="陕西日报")
        tzgg = Column("/tzgg/list.shtml", "通知公告", "notice", "list", per_page=15)
        pinned = Article("关于公布汉滨区政务服务事项清单的公告", "", self.s.days_ago(400), source=OFFICE, pinned=True)
        pinned.path = self.path_for(tzgg, pinned.date, True)
        pinned.paragraphs = ["现将汉滨区政务服务事项清单予以公布，请社会各界监督。"]
        tzgg.items.append(pinned)
        self.articles(tzgg, 14, 5, (4, 11), lambda d: w.notice(orgs=["区发改局", "区教体局", "区民政局"]))
        gsgg = Column("/gsgg/list.shtml", "公示公告", "notice", "list", per_page=15, date_style="none")
        self.articles(gsgg, 10, 40, (10, 30), lambda d: w.unique(lambda: w.pick([
            f"关于{w.pick(towns)}农村低保拟纳入对象的公示", f"关于{w.pick(towns)}临时救助对象的公示",
            f"关于{w.pick(C.PLANS)}项目拟立项的公示", f"关于{w.pick(towns)}高龄补贴发放对象的公示"])), dated_url=False)

        zn = Column(GK_GROUP[0], "政府信息公开指南", "service", "page", section="guide", text=[
            "为保障公民、法人和其他组织依法获取政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南。",
            "本机关主动公开的政府信息，通过汉滨区人民政府网站政府信息公开专栏及时发布。"])
        zd = Column(GK_GROUP[1], "政府信息公开制度", "disclosure", "list", per_page=15)
        zd.section = "rules"
        titles = ["汉滨区政府信息公开保密审查制度", "汉滨区政府信息公开申请办理规程", "汉滨区政府信息发布审核制度",
                  "汉滨区政务公开工作考核办法"]
        self.articles(zd, 4, 150, (100, 300), lambda d: titles.pop(0), doc=True)
        zcwj = Column(GK_GROUP[3], "政策文件", "policy", "list", per_page=15)
        self.articles(zcwj, 30, 10, (3, 9), lambda d: w.policy(ISSUER, d.year, place="汉滨区"), doc=True, source=ISSUER)
        ghjh = Column(GK_GROUP[4], "规划计划", "planning", "list", per_page=15)
        self.articles(ghjh, 6, 60, (40, 90), lambda d: w.unique(lambda: f"汉滨区{d.year}年{w.pick(C.PLANS)}工作计划"),
                      doc=True)
        fd = Column(GK_GROUP[2], "法定主动公开内容", "other", "hub", section="statutory", children=[zcwj, ghjh])
        nb = Column(GK_GROUP[5], "政府信息公开年报", "disclosure", "list", section="annual_report")
        for k in range(5):
            d = s.days_ago(310 + 365 * k)
            art = Article(f"{ISSUER}{d.year - 1}年政府信息公开工作年度报告", self.path_for(nb, d, True), d, source=OFFICE)
            art.paragraphs = ["本报告由汉滨区人民政府办公室编制，报告中所列数据的统计期限自当年一月一日起至十二月三十一日止。"]
            art.meta = Meta(f"{CREDIT}/{d.year}-{k + 1:05d}", OFFICE, "无", d, d)
            nb.items.append(art)
        ysqgk = Column(GK_GROUP[6], "依申请公开", "disclosure", "page", section="application", text=[
            "申请人可以通过当面提交、邮寄、网上申请等方式，向汉滨区人民政府办公室提出政府信息公开申请。",
            "申请人提交申请时应当提供身份证明，并说明所需政府信息的名称、文号或者便于查询的其他特征性描述。"])
        gk = Column("/xxgk/index.shtml", "政府信息公开", "disclosure", "hub", children=[zn, zd, fd, nb, ysqgk])
        # 区长信箱 (letters with 留言时间/答复时间/办理状态) and 办事指南: samplesites/interaction.py plants their defects
        qzxx = Column("/hdjl/qzxx/list.shtml", "区长信箱", "interaction", "list", per_page=10)
        self.box = letter_box(qzxx, self.ctx.as_of, self.rng, lambda d: self.path_for(qzxx, d, True), self.ctx.book,
                              SITE_ID, s.url, "/hdjl/qzxx/write.shtml")
        bszn = Column("/bsfw/bszn/list.shtml", "办事指南", "service", "list", per_page=15)
        self.guides = guides(bszn, self.ctx.as_of, lambda d: self.path_for(bszn, d, True), self.ctx.book, SITE_ID,
                             s.url)
        self.cols = {c.path: c for c in (hbyw, xzdt, bmdt, mtjj, tzgg, gsgg, gk, zn, zd, fd, zcwj, ghjh, nb, ysqgk,
                                         qzxx, bszn)}
        self.plant(hbyw, tzgg, gsgg)

    def page_paths(self, col: Column) -> list[str]:
        return [col.path] + [f"{dir_of(col.path)}list_{i}.shtml" for i in range(2, len(col.chunks()) + 1)]

    def plant(self, hbyw: Column, tzgg: Column, gsgg: Column) -> None:
        s, book = self.s, self.ctx.book
        # a link to the old 政务服务网 address where nothing listens any more
        hbyw.items[5].related = [(self.ctx.refused_url, "原汉滨区政务服务网")]
        s.truth.add_broken(self.ctx.refused_url, "refused", None)
        # an online survey whose back end fails
        s.route("/hdjl/wsdc/vote.jsp", status=500)
        tzgg.items[3].related = [("/hdjl/wsdc/vote.jsp?id=12", "参与网上调查")]
        s.truth.add_broken(s.url("/hdjl/wsdc/vote.jsp?id=12"), "http", 500)
        # one article whose charset is only in the HTTP header
        art = hbyw.items[3]
        art.charset_in_header_only = True
        s.route(art.path, content_type="text/html; charset=gbk")
        # a 公示 that publishes a full 身份证号
        leak = gsgg.items[2]
        leak.paragraphs = [
            "根据《陕西省最低生活保障审核确认办法》，经申请人申请、镇（街道）审核，现将拟纳入对象予以公示。",
            f"拟纳入对象：{C.PEOPLE[0]}，身份证号：{C.VALID_ID}，家庭人口三人。",
            "公示期为七天，如有异议，请向所在镇（街道）民政办反映。"]
        book.finding(SITE_ID, "privacy_leak", "id_number", url=s.url(leak.path))
        book.finding(SITE_ID, "column_stale", s.url(gsgg.path))

    # --- shell -------------------------------------------------------------------------------

    def head(self, page: Page, title: str, *, col: Column | None = None, art: Article | None = None) -> str:
        charset = "" if art is not None and art.charset_in_header_only else \
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
        return charset + "\n".join([
            meta_set(INFO, column=col, art=art),
            f'<meta name="others" content="页面生成时间 {self.generated}">',
            f"<title>{esc(title)}</title>",
            page.css("/css/style.css"),
            page.script("/js/jquery.js"),
            page.script("/js/page_div.js"),
        ])

    def header(self, page: Page) -> str:
        with page.region("header"):
            logo = page.a("/", inner=page.img("/images/hb_logo.gif", NAME))
        return f'<div id="header"><div class="logo">{logo}</div><div class="slogan">汉江之滨　秦巴明珠</div></div>'

    def nav(self, page: Page) -> str:
        c = self.cols
        with page.region("nav"):
            sub = "".join(f"<li>{page.a(p, c[p].name)}</li>" for p in NEWS_GROUP)
            return f"""<div id="menu"><ul>
<li>{page.a("/", "网站首页")}</li>
<li><a href="javascript:;">政务动态</a><ul class="submenu">{sub}</ul></li>
<li>{page.a("/tzgg/list.shtml", "通知公告")}</li>
<li>{page.a("/gsgg/list.shtml", "公示公告")}</li>
<li>{page.a("/xxgk/index.shtml", "政府信息公开")}</li>
<li>{page.a("/hdjl/qzxx/list.shtml", "区长信箱")}</li>
<li>{page.a("/bsfw/bszn/list.shtml", "办事指南")}</li>
</ul></div>"""

    def footer(self, page: Page) -> str:
        with page.region("footer"):
            links = " | ".join([page.a("/lxwm/index.shtml", "联系我们"), page.a("/wzdt/index.shtml", "网站地图")])
            icp = page.a("https://beian.miit.gov.cn/", "陕ICP备06001234号", target="_blank")
            ga = page.a("http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=61090202000102",
                        "公安机关备案号：61090202000102", target="_blank")
            loader = conac_loader(page, "http://dcs.conac.cn/js/27/000/0000/60123456/CA270000000601234560001.js")
            jc = jiucuo(page, INFO.code, "http://pucha.kaipuyun.cn/exposure/jiucuo.js")
        return f"""<div class="bottom"><div class="bottom-con">
<p>{links}</p>
<p>主办单位：{OFFICE}　承办单位：汉滨区政务服务和大数据管理局</p>
<p>网站标识码：{INFO.code}　{icp}　{ga}</p>
<p>{loader}　{jc}</p>
</div></div>"""

    def shell(self, page: Page, title: str, main: str, **kw) -> str:
        head = self.head(page, title, **kw)
        body = "\n".join([self.header(page), self.nav(page), main, self.footer(page)])
        return document(head, body, doctype='<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')

    def sidebar(self, page: Page, col: Column) -> str:
        group, title = (GK_GROUP, "政府信息公开") if col.path in GK_GROUP or col.path == "/xxgk/index.shtml" else \
            (NEWS_GROUP, "政务动态") if col.path in NEWS_GROUP else ([col.path], col.name)
        with page.region("side"):
            lis = "".join(f"<li>{page.a(p, self.cols[p].name)}</li>" for p in group)
        return f'<div class="sidebar"><div class="sidebar-tit">{title}</div><ul>{lis}</ul></div>'

    def location(self, page: Page, col: Column) -> str:
        return f'<div class="location">您现在的位置：{page.a("/", "首页")} &gt; {page.a(col.path, col.name)}</div>'

    # --- pages -------------------------------------------------------------------------------

    def shown_date(self, col: Column, d: dt.date) -> str:
        if col.date_style == "cn":
            return C.cn_date(d)
        if col.date_style == "mmdd":
            # month-day only for this year's items; older ones carry their year
            return f"{d:%m-%d}" if d.year == self.ctx.as_of.year else d.isoformat()
        return d.isoformat()

    def list_page(self, col: Column, index: int, chunk: list[Article]) -> None:
        s = self.s
        page = Page(s, col.page_paths[index], "column" if index == 0 else "list")
        base = dir_of(col.path)
        if col.path in (GK_GROUP[1], GK_GROUP[3], GK_GROUP[4], GK_GROUP[5]):
            rows = []
            for art in chunk:
                a = page.a(relative(base, art.path), art.title, title=art.title, target="_blank")
                m = art.meta
                rows.append(f"<tr><td>{a}</td><td>{esc(m.index_no)}</td><td>{esc(m.publisher)}</td>"
                            f"<td>{art.date.isoformat()}</td></tr>")
            listing = ('<div class="xxgk-list"><table width="100%"><tbody>\n<tr><th width="47%">名称</th>'
                       '<th width="21%">索引号</th><th width="19%">发布机构</th><th width="12%">发布日期</th></tr>\n'
                       + "\n".join(rows) + "\n</tbody></table></div>")
        elif col is self.box.col:
            listing = letter_table(page, self.box, chunk, lambda p: relative(base, p))
        else:
            lis = []
            for art in chunk:
                a = page.a(relative(base, art.path), art.title, title=art.title, target="_blank")
                pin = '<span class="zdbq">[置顶]</span>' if art.pinned else ""
                date = "" if col.date_style in ("url", "none") else f'<span class="time">{self.shown_date(col, art.date)}</span>'
                lis.append(f"<li>{pin}{a}{date}</li>")
            listing = '<ul class="pageList newsList">\n' + "\n".join(lis) + "\n</ul>"
        main = f"""<div class="main-wrap">
{self.sidebar(page, col)}
<div class="content-box">
{self.location(page, col)}
<div class="lm-tit">{esc(col.name)}</div>
{listing}
{page_div_pager(page, col, index)}
</div>
</div>"""
        self.write_column(page, col, f"{col.name}-{NAME}", main)

    def detail(self, col: Column, art: Article) -> None:
        s = self.s
        page = Page(s, art.path, "detail")
        meta_html = self.meta_table(page, art, lambda m: meta_lishui(m, col.name))
        # the undated column's articles show no date at all
        info = "" if col.date_style == "none" or art.meta is not None else \
            f'<div class="info"><span>{art.date.isoformat()}</span>　<span>来源：{esc(art.source)}</span></div>'
        related = "".join(f"<p>相关链接：{page.a(h, t, target='_blank')}</p>" for h, t in art.related)
        paras = "\n".join(f"<p>{esc(p)}</p>" for p in art.paragraphs)
        if col is self.box.col:
            paras = letter_detail(self.box, art)
        elif art.path in self.guides:
            paras = guide_detail(*self.guides[art.path])
        main = f"""<div class="main-wrap">
<div class="article-box">
{self.location(page, col)}
{meta_html}
<h1 class="xl_title">{esc(art.title)}</h1>
{info}
<div class="article-content" id="zoomcon">
{paras}
{related}
</div>
<div class="article-tools"><a href="javascript:window.print();">【打印本页】</a> <a href="javascript:window.close();">【关闭窗口】</a></div>
</div>
</div>"""
        s.write_page(page, self.shell(page, f"{art.title}-{NAME}", main, art=art),
                     content_type="text/html; charset=gbk" if art.charset_in_header_only else None)

    def hub(self, col: Column) -> None:
        page = Page(self.s, col.path, "column")
        cells = "\n".join(f'<li class="gk-item">{page.a(c.path, c.name)}</li>' for c in col.children)
        self.column_box(page, col, f'<ul class="gk-grid">\n{cells}\n</ul>')

    def page_column(self, col: Column) -> None:
        page = Page(self.s, col.path, "column")
        paras = "\n".join(f"<p>{esc(t)}</p>" for t in col.text)
        self.column_box(page, col, f'<div class="article-content">\n{paras}\n</div>')

    def column_box(self, page: Page, col: Column, inner: str) -> None:
        """A hub or single-page column: sidebar, title and the column's own body."""
        main = f"""<div class="main-wrap">
{self.sidebar(page, col)}
<div class="content-box">
<div class="lm-tit">{esc(col.name)}</div>
{inner}
</div>
</div>"""
        self.write_column(page, col, f"{col.name}-{NAME}", main)

    def home(self) -> None:
        s, c = self.s, self.cols
        page = Page(s, "/", "home")

        def block(cls: str, col: Column, arts: list[Article]) -> str:
            lis = []
            for art in arts:
                a = page.a(relative("/", art.path), art.title, title=art.title, target="_blank")
                lis.append(f'<li>{a}<span class="time">{art.date.isoformat()}</span></li>')
                s.homepage_item(art)
            return (f'<div class="{cls}"><div class="tit"><span>{page.a(col.path, col.name)}</span></div>\n'
                    '<ul>\n' + "\n".join(lis) + "\n</ul></div>")

        notices = [a for a in c["/tzgg/list.shtml"].items if not a.pinned][:6]
        links = self.other_sites(page)
        main = f"""<div class="index-con">
{block("hbyw", c["/zwdt/hbyw/list.shtml"], c["/zwdt/hbyw/list.shtml"].items[:7])}
{block("tzgg", c["/tzgg/list.shtml"], notices)}
<div class="yqlj"><div class="tit"><span>友情链接</span></div><ul>{links}</ul></div>
</div>"""
        s.write_page(page, self.shell(page, NAME, main))

    def misc(self) -> None:
        s = self.s
        page = Page(s, "/lxwm/index.shtml", "other")
        s.write_page(page, self.shell(page, f"联系我们-{NAME}", '<div class="main-wrap"><div class="article-content">'
                     "<p>地址：安康市汉滨区巴山中路</p><p>电话：0915-3281234</p></div></div>"))
        page = Page(s, self.box.write_path, "other")
        s.write_page(page, self.shell(page, f"我要写信-{NAME}", '<div class="main-wrap"><div class="article-content">'
                     f"<h2>区长信箱 我要写信</h2>{write_form('/hdjl/qzxx/submit.jsp')}</div></div>"))
        page = Page(s, "/wzdt/index.shtml", "other")
        items = "".join(f"<li>{page.a(col.path, col.name)}</li>" for col in self.cols.values())
        s.write_page(page, self.shell(page, f"网站地图-{NAME}", f'<div class="main-wrap"><ul class="map">{items}</ul></div>'))

    def static(self) -> None:
        s = self.s
        s.write("/images/hb_logo.gif", assets.GIF)
        s.write("/css/style.css", assets.CSS)
        s.write("/js/jquery.js", assets.JQUERY)
        s.write("/js/page_div.js", assets.PAGE_DIV_JS)


def build(ctx: GenContext) -> SiteBuild:
    return Hbq(ctx).render()
