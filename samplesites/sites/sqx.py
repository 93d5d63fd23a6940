"""sqx-www 石泉县人民政府: a county portal on a VSB-style (博达 Visual SiteBuilder) CMS (UTF-8).

Columns are .htm files (/xwzx/sqyw.htm), articles /info/<column id>/<id>.htm, and further list pages
are numbered in reverse beside the column file: page 2 of six is sqyw/5.htm, the last sqyw/1.htm
(the VSB numbering and its span.p_pages/p_no/p_next/p_last/p_t markup as in [FS:67561749576], a
public code-index excerpt cited by id as in ../shared/idioms; the CMS's `a<id>_gopage_fun` page
functions as in [FS:5881597801]). Here the page links are `javascript:` calls of such a function
carrying the file number; the URL pattern exists only inside the function and the page count only
as 共N页 text, and the numbered window never shows every page. 通知公告 is paged only by a <select>:
the 转到 select of [FS:3082913419] (onchange=window.location=…this.options[this.selectedIndex].value),
here with the page URL itself in each option's value, as the select pagers in [FS:53860869747] carry
them. Planted: 部门动态 newest 20 days old (column_stale), one article links a deleted article
(link_broken).
"""

from __future__ import annotations

from samplesites import assets
from samplesites.builder import Article, Column, Meta, Page, SiteBuild, esc
from samplesites.context import GenContext
from samplesites.interaction import write_form
from samplesites.site_base import SampleSite
from samplesites.templates import (
    SiteInfo,
    conac_badge,
    day_ages,
    dir_of,
    document,
    jiucuo,
    meta_plain,
    meta_set,
)

SITE_ID = "sqx-www"
UNIT_ID = "sqx"
UNIT_NAME = "石泉县人民政府办公室"
UNIT_KIND = "county"
NAME = "石泉县人民政府"
INFO = SiteInfo(NAME, "www.shiquan.gov.cn", "6109220001")
CREDIT = "11610922MB0011223X"
CONAC_ID = "1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6E"
TOWNS = ["城关镇", "饶峰镇", "两河镇", "迎丰镇", "池河镇", "后柳镇", "喜河镇", "熨斗镇", "云雾山镇", "中池镇", "曾溪镇"]
JS_PAGED = ("/xwzx/sqyw.htm", "/xwzx/bmdt.htm")
SELECT_PAGED = ("/tzgg.htm",)
COLUMN_IDS = {"/xwzx/sqyw.htm": 1025, "/xwzx/bmdt.htm": 1026, "/xwzx/zcdt.htm": 1027, "/tzgg.htm": 1028,
              "/zfxxgk/zfxxgkzd.htm": 1041, "/zfxxgk/fdzdgknr/ghjh.htm": 1043, "/zfxxgk/zfxxgknb.htm": 1044}
MAILBOX = "/hdjl/xzxx.htm"
NAV = ["/xwzx/sqyw.htm", "/xwzx/bmdt.htm", "/xwzx/zcdt.htm", "/tzgg.htm", "/zfxxgk.htm", MAILBOX]
GK = ["/zfxxgk.htm", "/zfxxgk/zfxxgkzn.htm", "/zfxxgk/zfxxgkzd.htm", "/zfxxgk/fdzdgknr.htm",
      "/zfxxgk/fdzdgknr/jgzn.htm", "/zfxxgk/fdzdgknr/ghjh.htm", "/zfxxgk/zfxxgknb.htm", "/zfxxgk/ysqgk.htm"]


def rel(from_path: str, to_path: str) -> str:
    """An href for to_path as VSB writes it: relative to the directory of the page it sits on."""
    here = dir_of(from_path).strip("/").split("/") if dir_of(from_path) != "/" else []
    there = to_path.strip("/").split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "/".join(there[common:])


class Sqx(SampleSite):
    SITE_ID, UNIT_ID, NAME = SITE_ID, UNIT_ID, NAME

    def articles(self, col: Column, n: int, newest: int, gap: tuple[int, int], make, *, doc: bool = False) -> None:
        cid = COLUMN_IDS[col.path]
        for i, age in enumerate(day_ages(self.rng, n, newest, gap)):
            d = self.s.days_ago(age)
            title = make(d)
            art = Article(title, f"/info/{cid}/{self.s.next_id(3300, 17, self.rng)}.htm", d, source=NAME)
            art.paragraphs = self.w.paragraphs(self.w.topic_of(title, ["乡村振兴", "安全生产", "富硒产业发展"]), NAME)
            if doc:
                doc_no = [f"石政发〔{d.year}〕{self.rng.randint(1, 70)}号", ""][i % 2]
                art.meta = Meta(f"{CREDIT}/{d.year}-{self.rng.randint(1, 600):05d}", NAME, doc_no, d)
            col.items.append(art)

    def define(self) -> None:
        w = self.w
        news = lambda d: w.news(places=TOWNS, orgs=TOWNS, level="县")  # noqa: E731
        sqyw = Column("/xwzx/sqyw.htm", "石泉要闻", "news", "list", per_page=10)
        self.articles(sqyw, 52, 1, (1, 3), news)
        bmdt = Column("/xwzx/bmdt.htm", "部门动态", "news", "list", per_page=10)
        self.articles(bmdt, 14, 20, (2, 6), lambda d: w.news(orgs=["县发展改革局", "县农业农村局", "县住建局"],
                                                               places=TOWNS, level="县"))
        zcdt = Column("/xwzx/zcdt.htm", "镇村动态", "news", "list", per_page=10)
        self.articles(zcdt, 9, 2, (1, 4), news)
        tzgg = Column("/tzgg.htm", "通知公告", "notice", "list", per_page=10)
        self.articles(tzgg, 27, 3, (2, 7), lambda d: w.notice(orgs=["县政府办", "县财政局", "县应急管理局"]), doc=True)
        zn = Column("/zfxxgk/zfxxgkzn.htm", "政府信息公开指南", "service", "page", section="guide", text=[
            "本指南依据《中华人民共和国政府信息公开条例》编制，申请人可据此向石泉县人民政府获取政府信息。"])
        zd = Column("/zfxxgk/zfxxgkzd.htm", "政府信息公开制度", "disclosure", "list", section="rules")
        rules = ["石泉县政府信息公开工作制度", "石泉县政府信息公开保密审查制度", "石泉县政府信息公开申请办理制度"]
        self.articles(zd, 3, 150, (60, 160), lambda d: rules.pop(0), doc=True)
        jg = Column("/zfxxgk/fdzdgknr/jgzn.htm", "机构职能", "disclosure", "page", section="statutory", text=[
            "县人民政府办公室负责县政府日常工作，协助县政府领导同志处理县政府日常工作。"])
        gh = Column("/zfxxgk/fdzdgknr/ghjh.htm", "规划计划", "planning", "list", section="statutory")
        self.articles(gh, 4, 35, (30, 80), lambda d: w.unique(
            lambda: f"石泉县{w.pick(['全域旅游发展', '富硒产业', '县域经济', '生态环境保护'])}规划"), doc=True)
        fd = Column("/zfxxgk/fdzdgknr.htm", "法定主动公开内容", "other", "hub", section="statutory", children=[jg, gh])
        nb = Column("/zfxxgk/zfxxgknb.htm", "政府信息公开年报", "disclosure", "list", section="annual_report")
        for k in range(3):
            self.articles(nb, 1, 312 + 365 * k, (1, 1), lambda d: f"{NAME}{d.year - 1}年政府信息公开工作年度报告",
                          doc=True)
        ys = Column("/zfxxgk/ysqgk.htm", "依申请公开", "disclosure", "page", section="application", text=[
            "公民、法人或者其他组织可以通过当面、邮寄等方式向本机关申请获取政府信息。"])
        gk = Column("/zfxxgk.htm", "政府信息公开", "disclosure", "hub", children=[zn, zd, fd, nb, ys])
        xzxx = Column(MAILBOX, "县长信箱", "interaction", "page", text=[
            "县长信箱受理群众对县政府工作的意见建议、咨询和投诉，一般事项在十五个工作日内办理答复。"])
        self.cols = {c.path: c for c in (sqyw, bmdt, zcdt, tzgg, gk, zn, zd, fd, jg, gh, nb, ys, xzxx)}
        s, book = self.s, self.ctx.book
        gone = f"/info/1025/{self.s.next_id(3300, 17, self.rng)}.htm"
        sqyw.items[5].related = [(gone, "相关阅读：我县召开重点项目建设推进会")]
        s.truth.add_broken(s.url(gone), "http", 404)
        book.finding(SITE_ID, "column_stale", s.url(bmdt.path))
        book.finding(SITE_ID, "link_broken", s.url(gone))

    def page_paths(self, col: Column) -> list[str]:
        """VSB's reverse numbering: page 2 of n is <column>/<n-1>.htm, the last <column>/1.htm."""
        n = len(col.chunks())
        stem = col.path[: -len(".htm")]
        return [col.path] + [f"{stem}/{n - i}.htm" for i in range(1, n)]

    # --- shell -------------------------------------------------------------------------------

    def head(self, page: Page, title: str, *, col: Column | None = None, art: Article | None = None) -> str:
        return "\n".join([
            '<meta charset="utf-8">',
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
            meta_set(INFO, column=col, art=art),
            f"<title>{esc(title)}</title>",
            page.css(rel(page.path, "/style/style.css")),
            page.script(rel(page.path, "/system/resource/js/counter.js")),
        ])

    def header(self, page: Page) -> str:
        with page.region("header"):
            logo = page.a(rel(page.path, "/") or "./", inner=page.img(rel(page.path, "/images/logo.png"), NAME))
        with page.region("nav"):
            lis = "".join(f"<li>{page.a(rel(page.path, p), self.cols[p].name)}</li>" for p in NAV)
            nav = f'<div class="nav"><ul><li>{page.a(rel(page.path, "/") or "./", "首页")}</li>{lis}</ul></div>'
        return f'<div class="header"><div class="logo">{logo}</div></div>\n{nav}'

    def footer(self, page: Page) -> str:
        with page.region("footer"):
            icp = page.a("https://beian.miit.gov.cn/", "陕ICP备06012580号-1", target="_blank")
            police = page.a("http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=61092202000101",
                            "陕公网安备 61092202000101号", target="_blank")
            badge = conac_badge(page, CONAC_ID, rel(page.path, "/images/red.png"))
            jc = jiucuo(page, INFO.code, "https://zfwzgl.www.gov.cn/exposure/jiucuo.js")
        return f"""<div class="footer"><div class="w1200">
<p>主办：{NAME}办公室　地址：陕西省安康市石泉县城关镇江南大道　电话：0915-6312001</p>
<p>网站标识码：{INFO.code}　{icp}　{police}</p>
<div class="marks">{badge}{jc}</div>
</div></div>"""

    def shell(self, page: Page, title: str, main: str, **kw) -> str:
        head = self.head(page, title, **kw)
        return document(head, "\n".join([self.header(page), main, self.footer(page)]))

    def side(self, page: Page, col: Column) -> str:
        group = GK[1:] if col.path in GK else [p for p in NAV if p != "/zfxxgk.htm"]
        with page.region("side"):
            lis = "".join(f"<li>{page.a(rel(page.path, p), self.cols[p].name)}</li>" for p in group)
        return f'<div class="list-left"><h2>栏目导航</h2><ul>{lis}</ul></div>'

    def position(self, page: Page, col: Column) -> str:
        return (f'<div class="position">当前位置：{page.a(rel(page.path, "/") or "./", "首页")}&gt;&gt;'
                f'{page.a(rel(page.path, col.path), col.name)}</div>')

    # --- pagers ------------------------------------------------------------------------------

    def js_pager(self, page: Page, col: Column, index: int) -> str:
        """span.p_pages of javascript: calls carrying the reverse file number; 共N页 only as text."""
        n = len(col.page_paths)
        if index == 0:
            page.walks(col.page_paths[1:])
        fn = f"a{COLUMN_IDS[col.path]}_gopage_fun"
        last = rel(page.path, col.page_paths[-1])
        prefix = last[: last.rfind("/") + 1]
        script = (f'<script type="text/javascript">function {fn}(n){{window.location.href="{prefix}"+n+".htm";}}'
                  "</script>")

        def to(i: int) -> str:
            if i == 0:
                return page.a(rel(page.path, col.path), str(1))
            return f'<a href="javascript:{fn}({n - i})">{i + 1}</a>'

        def fun(i: int, text: str, cls: str) -> str:
            inner = page.a(rel(page.path, col.path), text) if i == 0 else \
                f'<a href="javascript:{fn}({n - i})">{text}</a>'
            return f'<span class="{cls} p_fun">{inner}</span>'

        parts = []
        if index == 0:
            parts.append('<span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>')
        else:
            parts.append(fun(0, "首页", "p_first") + fun(index - 1, "上页", "p_prev"))
        lo, hi = max(0, index - 2), min(n, max(index + 2, 4))
        for i in range(lo, hi):
            parts.append(f'<span class="p_no_d">{i + 1}</span>' if i == index else f'<span class="p_no">{to(i)}</span>')
        if hi < n:
            parts.append('<span class="p_dot">...</span>')
        if index < n - 1:
            parts.append(fun(index + 1, "下页", "p_next") + fun(n - 1, "尾页", "p_last"))
        else:
            parts.append('<span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>')
        return (f'{script}<div class="pb_sys_common pb_sys_normal pb_sys_style1"><span class="p_pages">'
                f'{"".join(parts)}</span> <span class="p_t">共{n}页</span></div>')

    def select_pager(self, page: Page, col: Column, index: int) -> str:
        """Only a <select> of page URLs (and the page count as text)."""
        n = len(col.page_paths)
        if index == 0:
            page.walks(col.page_paths[1:])
        options = "".join(f'<option value="{rel(page.path, p)}"{" selected" if i == index else ""}>第{i + 1}页</option>'
                          for i, p in enumerate(col.page_paths))
        return (f'<div class="fanye">共{len(col.items)}条 共{n}页 转到 <select name="page" '
                f'onchange="window.location=this.options[this.selectedIndex].value">{options}</select></div>')

    # --- pages -------------------------------------------------------------------------------

    def list_page(self, col: Column, index: int, chunk: list[Article]) -> None:
        s = self.s
        path = col.page_paths[index]
        page = Page(s, path, "column" if index == 0 else "list")
        cid = COLUMN_IDS[col.path]
        lis = "\n".join(f'<li id="line_u{cid % 100}_{k}">{page.a(rel(path, a.path), a.title, title=a.title, target="_blank")}'
                        f"<span>{a.date.isoformat()}</span></li>" for k, a in enumerate(chunk))
        if col.path in SELECT_PAGED:
            pager = self.select_pager(page, col, index)
        else:
            pager = self.js_pager(page, col, index)
        main = f"""<div class="main w1200">
{self.side(page, col)}
<div class="list-right">
{self.position(page, col)}
<div class="list-title">{esc(col.name)}</div>
<ul class="list">
{lis}
</ul>
{pager}
</div>
</div>"""
        self.write_column(page, col, f"{col.name}-{NAME}", main)

    def detail(self, col: Column, art: Article) -> None:
        s = self.s
        page = Page(s, art.path, "detail")
        meta_html = self.meta_table(page, art, meta_plain)
        paras = "".join(f"<p>{esc(p)}</p>" for p in art.paragraphs)
        related = "".join(f"<p>{page.a(rel(art.path, h), t)}</p>" for h, t in art.related)
        main = f"""<div class="main w1200"><form name="_newscontent_fromname">
{self.position(page, col)}
{meta_html}
<h1 class="content-title">{esc(art.title)}</h1>
<div class="content-info">发布时间：{art.date:%Y-%m-%d}　来源：{esc(art.source)}　点击数：<script>_showDynClicks("wbnews", 1655460640, {art.path.rsplit("/", 1)[-1][:-4]})</script></div>
<div class="v_news_content" id="vsb_content">{paras}</div>
{related}
</form></div>"""
        s.write_page(page, self.shell(page, f"{art.title}-{NAME}", main, art=art))

    def hub(self, col: Column) -> None:
        page = Page(self.s, col.path, "column")
        cells = "".join(f"<li>{page.a(rel(col.path, c.path), c.name)}</li>" for c in col.children)
        self.box(page, col, f'<ul class="gk-list">{cells}</ul>')

    def page_column(self, col: Column) -> None:
        page = Page(self.s, col.path, "column")
        form = write_form("/hdjl/xzxx/submit.jsp") if col.path == MAILBOX else ""
        self.box(page, col, '<div class="v_news_content">' + "".join(f"<p>{esc(t)}</p>" for t in col.text) + "</div>"
                 + form)

    def box(self, page: Page, col: Column, inner: str) -> None:
        main = f"""<div class="main w1200">
{self.side(page, col)}
<div class="list-right">
{self.position(page, col)}
<div class="list-title">{esc(col.name)}</div>
{inner}
</div>
</div>"""
        self.write_column(page, col, f"{col.name}-{NAME}", main)

    def home(self) -> None:
        s, c = self.s, self.cols
        page = Page(s, "/", "home")

        def block(col: Column, n: int) -> str:
            lis = []
            for art in col.items[:n]:
                lis.append(f'<li>{page.a(art.path.lstrip("/"), art.title, title=art.title, target="_blank")}'
                           f"<span>{art.date:%m-%d}</span></li>")
                s.homepage_item(art)
            head = page.a(col.path.lstrip("/"), col.name)
            return f'<div class="index-news"><div class="tit">{head}</div><ul>{"".join(lis)}</ul></div>'

        main = f"""<div class="main w1200 index">
{block(c["/xwzx/sqyw.htm"], 7)}
{block(c["/tzgg.htm"], 6)}
{block(c["/xwzx/zcdt.htm"], 5)}
<div class="yqlj"><h3>友情链接</h3><ul>{self.other_sites(page)}</ul></div>
</div>"""
        s.write_page(page, self.shell(page, NAME, main))

    def static(self) -> None:
        s = self.s
        s.write("/style/style.css", assets.CSS)
        s.write("/images/logo.png", assets.PNG)
        s.write("/images/red.png", assets.PNG)
        s.write("/system/resource/js/counter.js", "function _showDynClicks(){}\n")


def build(ctx: GenContext) -> SiteBuild:
    return Sqx(ctx).render()
