"""akwjw 安康市卫生健康委员会: a small department site on a generic HTML5 CMS (UTF-8).

<nav>/<aside>/<footer> elements, lists with the date before the link (`span.date` then `a`),
pages ./ , index_2.html with rendered numbered links in div.pagination, articles at
/tzgg/2026-10/21/c_3456.html. Planted: the homepage's newest item is 30 days old (首页不更新) while
every column stays within its own limit (no news column on this site), and the footer has
网站标识码 and ICP but neither the 党政机关 badge nor a 公安备案 number.
"""

from __future__ import annotations

from samplesites import assets
from samplesites import content as C
from samplesites.builder import Article, Column, Meta, Page, SiteBuild, esc
from samplesites.context import GenContext
from samplesites.interaction import qa_fields, qa_replies
from samplesites.site_base import SampleSite
from samplesites.templates import (
    SiteInfo,
    day_ages,
    dir_of,
    document,
    jiucuo,
    link_pager,
    meta_plain,
    meta_set,
)

SITE_ID = "akwjw"
UNIT_ID = "akwjw"
UNIT_NAME = "安康市卫生健康委员会"
UNIT_KIND = "department"
NAME = "安康市卫生健康委员会"
INFO = SiteInfo(NAME, "wjw.ankang.gov.cn", "6109000023")
CREDIT = "11610900MB1987654H"
NAV = ["/tzgg/", "/zcfg/", "/jkkp/", "/zxzx/", "/xxgk/"]
GK = ["/xxgk/", "/xxgk/xxgkzn/", "/xxgk/xxgkzd/", "/xxgk/fdzdgknr/", "/xxgk/fdzdgknr/jgzn/", "/xxgk/rsxx/",
      "/xxgk/xxgknb/", "/xxgk/ysqgk/"]


class Akwjw(SampleSite):
    SITE_ID, UNIT_ID, NAME = SITE_ID, UNIT_ID, NAME

    def articles(self, col: Column, n: int, newest: int, gap: tuple[int, int], make, *, doc: bool = False) -> None:
        for age in day_ages(self.rng, n, newest, gap):
            d = self.s.days_ago(age)
            title = make(d)
            path = f"{dir_of(col.path)}{d:%Y-%m}/{d:%d}/c_{self.s.next_id(3400, 23, self.rng)}.html"
            art = Article(title, path, d, source=NAME)
            art.paragraphs = self.w.paragraphs(self.w.topic_of(title, C.HEALTH_TOPICS + C.HEALTH_WORK + C.HEALTH_PLANS), NAME)
            if doc:
                art.meta = Meta(f"{CREDIT}/{d.year}-{self.rng.randint(1, 300):05d}", NAME,
                                self.rng.choice([f"安卫发〔{d.year}〕{self.rng.randint(1, 80)}号", "无"]), d)
            col.items.append(art)

    def define(self) -> None:
        w = self.w
        tzgg = Column("/tzgg/", "通知公告", "notice", "list", per_page=10)
        self.articles(tzgg, 16, 30, (3, 10), lambda d: w.notice(topics=C.HEALTH_WORK, orgs=["市卫生健康委员会"]),
                      doc=True)
        zcfg = Column("/zcfg/", "政策法规", "policy", "list", per_page=15)
        self.articles(zcfg, 12, 45, (10, 25), lambda d: w.policy(NAME, d.year, C.HEALTH_PLANS), doc=True)
        jkkp = Column("/jkkp/", "健康科普", "other", "list", per_page=15)
        self.articles(jkkp, 12, 33, (5, 15), lambda d: w.unique(lambda: w.pick([
            f"{w.pick(C.HEALTH_TOPICS)}知识问答", f"科学防控{w.pick(C.HEALTH_TOPICS)}", f"{w.pick(C.HEALTH_TOPICS)}小知识"])))
        zxzx = Column("/zxzx/", "在线咨询", "interaction", "list", per_page=15)
        self.articles(zxzx, 8, 35, (12, 30), lambda d: w.unique(lambda: w.pick([
            "关于城乡居民医保报销比例的咨询", "关于出生医学证明办理的咨询", "关于家庭医生签约服务的咨询",
            "关于护士执业注册的咨询", "关于疫苗接种预约的咨询", "关于医师资格考试报名的咨询",
            "关于无偿献血相关政策的咨询", "关于职业健康检查机构的咨询", "关于母婴设施建设的咨询"])))
        # planted: the questions of the past 75 days wait (待回复), so the newest reply is older than 2 months
        self.qa = qa_replies(zxzx, self.ctx.as_of, 75, NAME)
        self.ctx.book.finding(SITE_ID, "interaction_stale", self.s.url(zxzx.path))
        zn = Column("/xxgk/xxgkzn/", "政府信息公开指南", "service", "page", section="guide", text=[
            "为方便公民、法人和其他组织获取本机关政府信息，根据《中华人民共和国政府信息公开条例》编制本指南。"])
        zd = Column("/xxgk/xxgkzd/", "政府信息公开制度", "disclosure", "list", section="rules")
        rules = ["安康市卫生健康委员会政府信息公开工作制度", "安康市卫生健康委员会政府信息公开保密审查制度",
                 "安康市卫生健康委员会依申请公开办理制度"]
        self.articles(zd, 3, 180, (150, 300), lambda d: rules.pop(0), doc=True)
        jgzn = Column("/xxgk/fdzdgknr/jgzn/", "机构职能", "disclosure", "page", section="statutory", text=[
            "市卫生健康委员会负责组织拟订全市卫生健康政策措施，统筹规划卫生健康资源配置，协调推进医药卫生体制改革。"])
        rsxx = Column("/xxgk/rsxx/", "人事信息", "personnel", "list")
        self.articles(rsxx, 6, 200, (30, 90), lambda d: w.personnel(NAME, d.year), doc=True)
        fd = Column("/xxgk/fdzdgknr/", "法定主动公开内容", "other", "hub", section="statutory", children=[jgzn, rsxx])
        nb = Column("/xxgk/xxgknb/", "政府信息公开年报", "disclosure", "list", section="annual_report")
        for k in range(5):
            d = self.s.days_ago(305 + 365 * k)
            art = Article(f"{NAME}{d.year - 1}年政府信息公开工作年度报告",
                          f"/xxgk/xxgknb/{d:%Y-%m}/{d:%d}/c_{self.s.next_id(3400, 23, self.rng)}.html", d, source=NAME)
            art.paragraphs = ["本年度报告依据《中华人民共和国政府信息公开条例》编制，内容包括总体情况、主动公开情况等。"]
            art.meta = Meta(f"{CREDIT}/{d.year}-{k + 1:05d}", NAME, "无", d)
            nb.items.append(art)
        ysqgk = Column("/xxgk/ysqgk/", "依申请公开", "disclosure", "page", section="application", text=[
            "申请人可以通过信函、当面等方式向本机关提出政府信息公开申请，本机关将依法在规定期限内予以答复。"])
        gk = Column("/xxgk/", "信息公开", "disclosure", "hub", children=[zn, zd, fd, nb, ysqgk])
        self.cols = {c.path: c for c in (tzgg, zcfg, jkkp, zxzx, gk, zn, zd, fd, jgzn, rsxx, nb, ysqgk)}
        book = self.ctx.book
        book.finding(SITE_ID, "homepage_stale", self.s.home)
        book.finding(SITE_ID, "footer_missing", "conac")
        book.finding(SITE_ID, "footer_missing", "police")

    # --- shell -------------------------------------------------------------------------------

    def head(self, page: Page, title: str, *, col: Column | None = None, art: Article | None = None) -> str:
        return "\n".join([
            '<meta charset="UTF-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
            meta_set(INFO, column=col, art=art),
            f"<title>{esc(title)}</title>",
            page.css("/static/css/main.css"),
            page.script("/static/js/main.js"),
        ])

    def nav(self, page: Page) -> str:
        with page.region("header"):
            logo = page.a("/", inner=page.img("/static/img/logo.png", NAME))
        with page.region("nav"):
            lis = "".join(f"<li>{page.a(p, self.cols[p].name)}</li>" for p in NAV)
            nav = f'<nav><ul><li>{page.a("/", "首页")}</li>{lis}</ul></nav>'
        return f'<header><div class="container">{logo}</div></header>\n{nav}'

    def footer(self, page: Page) -> str:
        with page.region("footer"):
            icp = page.a("https://beian.miit.gov.cn/", "陕ICP备05009876号-1", target="_blank")
            wzsm = page.a("/wzsm/", "网站声明")
            jc = jiucuo(page, INFO.code, "https://zfwzgl.www.gov.cn/exposure/jiucuo.js")
        return f"""<footer><div class="container">
<p>{wzsm}</p>
<p>主办单位：{NAME}　地址：安康市汉滨区香溪路　联系电话：0915-3213120</p>
<p>网站标识码：{INFO.code}　{icp}</p>
{jc}
</div></footer>"""

    def shell(self, page: Page, title: str, main: str, **kw) -> str:
        head = self.head(page, title, **kw)
        return document(head, "\n".join([self.nav(page), main, self.footer(page)]))

    def aside(self, page: Page, col: Column) -> str:
        group = GK[1:] if col.path in GK else [p for p in NAV if p != "/xxgk/"]
        with page.region("side"):
            lis = "".join(f"<li>{page.a(p, self.cols[p].name)}</li>" for p in group)
        return f'<aside class="sidebar"><ul>{lis}</ul></aside>'

    # --- pages -------------------------------------------------------------------------------

    def list_page(self, col: Column, index: int, chunk: list[Article]) -> None:
        s = self.s
        page = Page(s, col.page_paths[index], "column" if index == 0 else "list")
        lis = "\n".join(f'<li><span class="date">{a.date.isoformat()}</span>'
                        f'{page.a("./" + a.path[len(col.path):], a.title, title=a.title)}{self.qa_state(a)}</li>'
                        for a in chunk)
        # questions are asked on the city's 市长信箱
        tools = f'<div class="zx-tools">{self.city_mailbox(page, "我要咨询")}</div>\n' if col.path == "/zxzx/" else ""
        hrefs = ["./"] + [p.rsplit("/", 1)[-1] for p in col.page_paths[1:]]
        main = f"""<main class="container">
{self.aside(page, col)}
<section class="content">
<h2 class="col-title">{esc(col.name)}</h2>
{tools}<ul class="news-list">
{lis}
</ul>
{link_pager(page, col, index, hrefs, cls="pagination", first_last=False)}
</section>
</main>"""
        self.write_column(page, col, f"{col.name} - {NAME}", main)

    def qa_state(self, art: Article) -> str:
        return f'<span class="zt">状态：{self.qa[art.path].status}</span>' if art.path in self.qa else ""

    def detail(self, col: Column, art: Article) -> None:
        s = self.s
        page = Page(s, art.path, "detail")
        meta_html = self.meta_table(page, art, meta_plain)
        qa = qa_fields(art, self.qa[art.path]) if art.path in self.qa else []
        paras = "".join(f"<p>{esc(p)}</p>" for p in [*qa, *art.paragraphs])
        info = "" if art.meta else f'<div class="detail-info"><span>{art.date.isoformat()}</span> <span>来源：{esc(art.source)}</span></div>'
        main = f"""<main class="container"><article class="detail">
{meta_html}
<h1>{esc(art.title)}</h1>
{info}
<div class="detail-content">{paras}</div>
</article></main>"""
        s.write_page(page, self.shell(page, f"{art.title} - {NAME}", main, art=art))

    def page_column(self, col: Column) -> None:
        s = self.s
        page = Page(s, col.path, "column")
        if col.kind == "hub":
            inner = '<ul class="gk-links">' + "".join(f"<li>{page.a(c.path, c.name)}</li>" for c in col.children) + "</ul>"
        else:
            inner = "".join(f"<p>{esc(t)}</p>" for t in col.text)
        main = f"""<main class="container">
{self.aside(page, col)}
<section class="content">
<h2 class="col-title">{esc(col.name)}</h2>
{inner}
</section>
</main>"""
        self.write_column(page, col, f"{col.name} - {NAME}", main)

    hub = page_column  # one template for hub and single-page columns

    def home(self) -> None:
        s, c = self.s, self.cols
        page = Page(s, "/", "home")

        def block(col: Column, n: int) -> str:
            lis = []
            for art in col.items[:n]:
                lis.append(f'<li><span class="date">{art.date.isoformat()}</span>'
                           f'{page.a(art.path, art.title, title=art.title)}</li>')
                s.homepage_item(art)
            return f'<section class="box"><h3>{page.a(col.path, col.name)}</h3><ul class="news-list">{"".join(lis)}</ul></section>'

        links = self.other_sites(page)
        main = f"""<main class="container index">
{block(c["/tzgg/"], 5)}
{block(c["/zcfg/"], 5)}
{block(c["/jkkp/"], 4)}
<section class="links"><ul>{links}</ul></section>
</main>"""
        s.write_page(page, self.shell(page, NAME, main))

    def misc(self) -> None:
        page = Page(self.s, "/wzsm/", "other")
        self.s.write_page(page, self.shell(page, f"网站声明 - {NAME}", '<main class="container"><p>本网站内容版权归安康市卫生健康委员会所有。</p></main>'))

    def static(self) -> None:
        self.s.write("/static/img/logo.png", assets.PNG)
        self.s.write("/static/css/main.css", assets.CSS)
        self.s.write("/static/js/main.js", "/* main */\n")


def build(ctx: GenContext) -> SiteBuild:
    return Akwjw(ctx).render()

