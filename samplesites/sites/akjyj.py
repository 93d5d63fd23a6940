"""akjyj 安康市教育局: a Hanweb-style department site (UTF-8).

Columns at /col/colNNNN/index.html with plain rendered pagers (numbered links inside div.pages and
下一页; pages index_2.html …), one column paged by query (list.jsp?page=2), articles at
/art/2026/11/2/art_2361_NNNNN.html, 江西-style metadata tables with padded labels (索  引  号:,
文      号:, 成文日期 ≠ 发布日期, 文号 无 or empty). The footer exists only as document.write in
/script/0/1607250824337556.js. Planted: its 信息公开 section has no 年报 and no 依申请公开, an
empty column (empty list + 暂无数据), a soft 404 link, and 中华人民共合国 in a policy document.
"""

from __future__ import annotations

import datetime as dt

from samplesites import assets
from samplesites import content as C
from samplesites.builder import Article, Attachment, Column, Meta, Page, SiteBuild, esc
from samplesites.context import GenContext
from samplesites.site_base import SampleSite
from samplesites.templates import (
    SiteInfo,
    day_ages,
    document,
    link_pager,
    meta_jiangxi,
    meta_set,
    write_footer_js,
)

SITE_ID = "akjyj"
UNIT_ID = "akjyj"
UNIT_NAME = "安康市教育局"
UNIT_KIND = "department"
NAME = "安康市教育局"
INFO = SiteInfo(NAME, "jyj.ankang.gov.cn", "6109000012")
CREDIT = "11610900MB2951836A"
FOOTER_JS = "/script/0/1607250824337556.js"
SOFT_404 = "/zsks/"


def col_path(n: int) -> str:
    return f"/col/col{n}/index.html"


NAV = [col_path(2361), "/tzgg/list.jsp", col_path(2363), col_path(2365), col_path(2367), col_path(2370),
       col_path(2380), col_path(2381)]
GK = [col_path(2370), col_path(2371), col_path(2372), col_path(2373), col_path(2374), col_path(2375)]


class Akjyj(SampleSite):
    SITE_ID, UNIT_ID, NAME = SITE_ID, UNIT_ID, NAME

    def art_path(self, colid: int, d: dt.date) -> str:
        return f"/art/{d.year}/{d.month}/{d.day}/art_{colid}_{self.s.next_id(56000, 40, self.rng)}.html"

    def articles(self, col: Column, colid: int, n: int, newest: int, gap: tuple[int, int], make, *,
                 doc: bool = False, source: str = NAME) -> None:
        for i, age in enumerate(day_ages(self.rng, n, newest, gap)):
            d = self.s.days_ago(age)
            title = make(d)
            art = Article(title, self.art_path(colid, d), d, source=source)
            art.paragraphs = self.w.paragraphs(self.w.topic_of(title, C.EDU_TOPICS + C.EDU_PLANS), source)
            if doc:
                doc_no = [f"安教发〔{d.year}〕{self.rng.randint(1, 60)}号", "无", ""][i % 3]
                art.meta = Meta(f"{CREDIT}/{d.year}-{self.rng.randint(1, 500):05d}", NAME, doc_no, d,
                                d - dt.timedelta(days=self.rng.randint(3, 9)), topic="教育")
            col.items.append(art)

    def define(self) -> None:
        w = self.w
        edu = C.EDU_TOPICS
        jyyw = Column(col_path(2361), "教育要闻", "news", "list", per_page=15)
        self.articles(jyyw, 2361, 40, 1, (1, 2), lambda d: w.news(topics=edu, places=C.COUNTIES,
                      orgs=["市教育局", "市教育督导室", "市招生考试中心"]))
        tzgg = Column("/tzgg/list.jsp", "通知公告", "notice", "list", per_page=10)
        self.articles(tzgg, 2362, 30, 6, (2, 7), lambda d: w.notice(topics=edu, orgs=["市教育局"]), doc=True)
        xxdt = Column(col_path(2363), "学校动态", "news", "list", per_page=15)
        self.articles(xxdt, 2363, 15, 2, (1, 4), lambda d: w.unique(lambda: w.pick([
            f"{w.pick(C.SCHOOLS)}开展{w.pick(edu)}主题活动", f"{w.pick(C.SCHOOLS)}举办{w.pick(edu)}专题讲座",
            f"{w.pick(C.SCHOOLS)}扎实推进{w.pick(edu)}"])))
        zcfg = Column(col_path(2365), "政策法规", "policy", "list", per_page=12)
        self.articles(zcfg, 2365, 18, 40, (6, 15), lambda d: w.policy(NAME, d.year, C.EDU_PLANS), doc=True)
        rsxx = Column(col_path(2367), "人事信息", "personnel", "list", per_page=15)
        self.articles(rsxx, 2367, 10, 100, (15, 40), lambda d: w.personnel(NAME, d.year), doc=True)
        zn = Column(col_path(2371), "政府信息公开指南", "service", "page", section="guide", text=[
            "本指南适用于安康市教育局政府信息公开工作，申请人可通过本指南了解本机关政府信息公开的方式和程序。",
            "本机关主动公开的政府信息，一般在信息形成或者变更之日起二十个工作日内予以公开。"])
        zd = Column(col_path(2372), "政府信息公开制度", "disclosure", "list", section="rules")
        rules = ["安康市教育局政府信息公开工作制度", "安康市教育局政府信息公开保密审查办法",
                 "安康市教育局政务公开工作责任追究办法", "安康市教育局政府信息公开申请办理规定"]
        self.articles(zd, 2372, 4, 200, (120, 300), lambda d: rules.pop(0), doc=True)
        jgzn = Column(col_path(2374), "机构职能", "disclosure", "page", text=[
            "安康市教育局是市政府工作部门，贯彻落实党中央关于教育工作的方针政策和决策部署。",
            "主要职责：拟订全市教育发展规划和政策措施并组织实施；统筹管理各级各类教育；负责全市教育督导评估工作。"])
        czyjs = Column(col_path(2375), "财政预决算", "planning", "list")
        units = ["安康市教育局", "安康市教育局（本级）", "安康市教育考试中心", "安康市教育督导室", "安康市电化教育馆",
                 "安康市教学研究室", "安康市学生资助管理中心"]
        self.articles(czyjs, 2375, 6, 120, (60, 120), lambda d: w.unique(lambda: w.pick([
            f"{w.pick(units)}{d.year}年部门预算公开", f"{w.pick(units)}{d.year - 1}年部门决算公开"])), doc=True)
        fd = Column(col_path(2373), "法定主动公开内容", "other", "hub", section="statutory", children=[jgzn, czyjs])
        gk = Column(col_path(2370), "信息公开", "disclosure", "hub", children=[zn, zd, fd])
        jzxx = Column(col_path(2380), "局长信箱", "interaction", "page", text=[
            "局长信箱受理群众对全市教育工作的意见建议、咨询和投诉，来信将在十个工作日内答复。",
            "请勿通过局长信箱反映依法应当通过诉讼、仲裁、行政复议等法定途径解决的事项。"])
        bgxz = Column(col_path(2381), "表格下载", "service", "list", placeholder="暂无数据")
        self.cols = {c.path: c for c in (jyyw, tzgg, xxdt, zcfg, rsxx, gk, zn, zd, fd, jgzn, czyjs, jzxx, bgxz)}
        # planted: the 局长信箱 page promises answers but offers no form and no way to write (互动回应差 1)
        self.ctx.book.finding(SITE_ID, "interaction_channel_missing", self.s.home)
        self.plant(jyyw, tzgg, zcfg, bgxz)

    def page_paths(self, col: Column) -> list[str]:
        if col.path.endswith(".jsp"):  # paged by query: list.jsp?page=2
            return [col.path] + [f"{col.path}?page={i}" for i in range(2, len(col.chunks()) + 1)]
        return super().page_paths(col)

    def plant(self, jyyw: Column, tzgg: Column, zcfg: Column, bgxz: Column) -> None:
        s, book = self.s, self.ctx.book
        # the old 招生考试 site answers every URL with 200 and a "page does not exist" text
        s.route(SOFT_404, status=200, file="/_soft404.html")
        jyyw.items[6].related = [(SOFT_404, "安康市招生考试信息网")]
        s.truth.add_broken(s.url(SOFT_404), "soft_404", 200)
        s.truth.pages[s.url(SOFT_404)] = "other"  # crawled like any page; it has no links
        # an attachment whose server refuses HEAD but serves GET
        for i, art in enumerate(tzgg.items[:8]):
            name = f"{self.rng.getrandbits(128):032x}"
            art.attachments = [Attachment(f"/attach/0/{name}.pdf", f"附件{i + 1}：{art.title}.pdf")]
        s.route(tzgg.items[2].attachments[0].path, head_status=405)
        # a misspelt 中华人民共和国
        bad = zcfg.items[4]
        bad.paragraphs = ["依据《中华人民共合国教育法》《中华人民共和国义务教育法》等法律法规，结合我市实际，制定本文件。",
                          *bad.paragraphs]
        book.finding(SITE_ID, "serious_error", s.url(bad.path))
        book.finding(SITE_ID, "column_empty", s.url(bgxz.path))
        book.finding(SITE_ID, "disclosure_missing", "annual_report")
        book.finding(SITE_ID, "disclosure_missing", "application")

    # --- shell -------------------------------------------------------------------------------

    def head(self, page: Page, title: str, *, col: Column | None = None, art: Article | None = None) -> str:
        return "\n".join([
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />',
            page.script("/module/jslib/jquery/jquery.js", 'language="javascript"'),
            page.script("/module/jslib/urite/urite.min.js", 'language="javascript"'),
            "<meta name='WebId' content='12'>",
            meta_set(INFO, column=col, art=art),
            f"<title>{esc(title)}</title>",
            page.css("/images/12/hanweb.css"),
        ])

    def header(self, page: Page) -> str:
        with page.region("header"):
            logo = page.a("/", inner=page.img("/images/12/logo.png", NAME))
        return f'<div class="head"><div class="w1200">{logo}</div></div>'

    def nav(self, page: Page) -> str:
        with page.region("nav"):
            lis = "".join(f"<li>{page.a(p, self.cols[p].name)}</li>" for p in NAV)
            return f'<div class="nav"><ul class="w1200"><li>{page.a("/", "首页")}</li>{lis}</ul></div>'

    def footer(self, page: Page) -> str:
        with page.region("footer"):
            js = page.script(FOOTER_JS)
            credit = page.a("http://www.hanweb.com", "Produced By 大汉网络 大汉版通发布系统", extra='style="display:none"')
        return f'<div class="part-foot">{js}\n{credit}</div>'

    def shell(self, page: Page, title: str, main: str, **kw) -> str:
        head = self.head(page, title, **kw)
        return document(head, "\n".join([self.header(page), self.nav(page), main, self.footer(page)]))

    def leftnav(self, page: Page, col: Column) -> str:
        group = GK if col.path in GK else [p for p in NAV if p != col_path(2370)]
        with page.region("side"):
            lis = "".join(f"<li>{page.a(p, self.cols[p].name)}</li>" for p in group)
        title = "信息公开" if col.path in GK else "栏目导航"
        return f'<div class="leftnav"><div class="leftnav-tit">{title}</div><ul>{lis}</ul></div>'

    def position(self, page: Page, col: Column) -> str:
        return (f'<div class="bt-position">当前位置：{page.a("/", "首页", cls="bt_link")} &gt; '
                f'{page.a(col.path, col.name, cls="bt_link")}</div>')

    # --- pages -------------------------------------------------------------------------------

    def list_page(self, col: Column, index: int, chunk: list[Article]) -> None:
        s = self.s
        page = Page(s, col.page_paths[index], "column" if index == 0 else "list")
        lis = "\n".join(f'<li>{page.a(a.path, a.title, title=a.title, target="_blank")}<span>{a.date.isoformat()}</span></li>'
                        for a in chunk)
        listing = f'<ul class="List_list">\n{lis}\n</ul>'
        if not col.items:
            listing += f'\n<div class="no-data">{col.placeholder}</div>'
            pager = ""
        else:
            hrefs = [p.rsplit("/", 1)[-1] for p in col.page_paths]
            pager = link_pager(page, col, index, hrefs)
        main = f"""<div class="main w1200">
{self.leftnav(page, col)}
<div class="list-con">
{self.position(page, col)}
<div class="list-tit">{esc(col.name)}</div>
{listing}
{pager}
</div>
</div>"""
        self.write_column(page, col, f"{NAME} {col.name}", main)

    def detail(self, col: Column, art: Article) -> None:
        s = self.s
        page = Page(s, art.path, "detail")
        meta_html = self.meta_table(page, art, meta_jiangxi)
        paras = "".join(f'<p style="text-indent: 2em;">{esc(p)}</p>' for p in art.paragraphs)
        files = "".join(f"<p>{page.a(f.path, f.name)}</p>" for f in art.attachments)
        for f in art.attachments:
            s.write(f.path, assets.PDF)
        related = "".join(f"<p>相关链接：{page.a(h, t, target='_blank')}</p>" for h, t in art.related)
        time = f"{art.date.isoformat()} {8 + len(art.title) % 9:02d}:{len(art.path) * 7 % 60:02d}"
        main = f"""<div class="bt-article-y w1200">
{self.position(page, col)}
<div class="artile_zw">
{meta_html}
<p class="sp_title con-title"><!--<$[标题]>begin-->{esc(art.title)}<!--<$[标题]>end--></p>
<div class="sp_time screen"><font>{time}</font> <font>来源：{esc(art.source)}</font></div>
<div id="zoom"><!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{paras}<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end--></div>
{files}
{related}
<div class="main-word-right"><a class="print" href="javascript:window.print()">打印本页</a> <a class="close" href="javascript:window.close();">关闭窗口</a></div>
</div>
</div>"""
        s.write_page(page, self.shell(page, f"{NAME} {col.name} {art.title}", main, art=art))

    def hub(self, col: Column) -> None:
        page = Page(self.s, col.path, "column")
        cells = "".join(f'<div class="gk-cell">{page.a(c.path, c.name)}</div>' for c in col.children)
        self.column_box(page, col, f'<div class="gk-cells">{cells}</div>')

    def page_column(self, col: Column) -> None:
        page = Page(self.s, col.path, "column")
        paras = "".join(f"<p>{esc(t)}</p>" for t in col.text)
        self.column_box(page, col, f'<div id="zoom">{paras}</div>')

    def column_box(self, page: Page, col: Column, inner: str) -> None:
        """A hub or single-page column: left nav, title and the column's own body."""
        main = f"""<div class="main w1200">
{self.leftnav(page, col)}
<div class="list-con">
<div class="list-tit">{esc(col.name)}</div>
{inner}
</div>
</div>"""
        self.write_column(page, col, f"{NAME} {col.name}", main)

    def home(self) -> None:
        s, c = self.s, self.cols
        page = Page(s, "/", "home")

        def block(col: Column, arts: list[Article]) -> str:
            lis = []
            for art in arts:
                lis.append(f'<li>{page.a(art.path, art.title, title=art.title, target="_blank")}'
                           f'<span>{art.date:%Y-%m-%d}</span></li>')
                s.homepage_item(art)
            return (f'<div class="index-box"><div class="index-tit">{page.a(col.path, col.name)}</div>'
                    '<ul class="List_list">' + "".join(lis) + "</ul></div>")

        links = self.other_sites(page)
        main = f"""<div class="main w1200">
{block(c[col_path(2361)], c[col_path(2361)].items[:8])}
{block(c["/tzgg/list.jsp"], c["/tzgg/list.jsp"].items[:6])}
{block(c[col_path(2363)], c[col_path(2363)].items[:5])}
<div class="yqlj"><ul>{links}</ul></div>
</div>"""
        s.write_page(page, self.shell(page, NAME, main))

    def static(self) -> None:
        s = self.s
        s.write("/images/12/logo.png", assets.PNG)
        s.write("/images/12/ga.png", assets.PNG)
        s.write("/images/12/red.png", assets.PNG)
        s.write("/images/12/hanweb.css", assets.CSS)
        s.write("/module/jslib/jquery/jquery.js", assets.JQUERY)
        s.write("/module/jslib/urite/urite.min.js", "/* urite */\n")
        s.write("/_soft404.html", SOFT_404_PAGE.encode("utf-8"))
        s.write(FOOTER_JS, footer_js())


SOFT_404_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>提示信息</title></head>
<body><div class="error-box"><h2>您访问的页面不存在</h2><p>该页面可能已被删除、更名或暂时不可用。</p></div></body></html>
"""


def footer_js() -> str:
    """The Hanweb footer: only document.write strings carry 网站标识码, ICP, 公安备案 and the badge."""
    lines = [
        '<div class="foot"><div class="w1200">',
        "<p>主办单位：安康市教育局　地址：安康市汉滨区育才路　电话：0915-3268001</p>",
        f'<p>网站标识码：{INFO.code}　<a href="https://beian.miit.gov.cn" target="_blank">陕ICP备05006789号-2</a>　'
        '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=61090202000203" target="_blank">'
        '<img src="/images/12/ga.png"/> 陕公网安备 61090202000203号</a></p>',
        '<p><a href="http://bszs.conac.cn/sitename?method=show&id=5C2D8E7F9A1B3C4D5E6F7A8B9C0D1E2F" target="_blank">'
        '<img src="/images/12/red.png" alt="党政机关网站"/></a></p>',
        "</div></div>",
    ]
    return write_footer_js(lines)


def build(ctx: GenContext) -> SiteBuild:
    return Akjyj(ctx).render()
