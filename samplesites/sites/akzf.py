"""akzf-www 安康市人民政府: a TRS WCM city portal (UTF-8).

Columns at /xwzx/akyw/ etc. with `div.listBox ul.list li` lists, 0-based pagination written only
by createPageHTML(...) (one column uses the inline `var countPage` variant), TRS article URLs
./YYYYMM/tYYYYMMDD_NNNNNNN.html with P0….pdf / W0….jpg files, 邯郸-style 信息公开 metadata and a
complete footer. Planted: a stale news column (15 days) next to a fresh one (13 days), a stale
notice column, a stale personnel column, an empty column (暂无信息), five broken links (one on
the homepage) and a mobile number in a 公示.
"""

from __future__ import annotations

import datetime as dt

from samplesites import assets
from samplesites import content as C
from samplesites.builder import Article, Attachment, Column, Meta, Page, SiteBuild, esc
from samplesites.context import GenContext
from samplesites.external import backdated_items, friend_links, interpretations
from samplesites.site_base import SampleSite
from samplesites.templates import (
    SiteInfo,
    conac_badge,
    d8,
    day_ages,
    dir_of,
    document,
    jiucuo,
    meta_handan,
    meta_set,
    relative,
    trs_inline_pager,
    trs_pager,
)

SITE_ID = "akzf-www"
UNIT_ID = "akzf"
UNIT_NAME = "安康市人民政府办公室"
UNIT_KIND = "county"
NAME = "安康市人民政府"
INFO = SiteInfo(NAME, "www.ankang.gov.cn", "6124000001")
ISSUER = "安康市人民政府"
OFFICE = "安康市人民政府办公室"
CONAC_ID = "0B8E5F4C3D2A1B0C9D8E7F6A5B4C3D2E"


class Akzf(SampleSite):
    SITE_ID, UNIT_ID, NAME = SITE_ID, UNIT_ID, NAME

    def __init__(self, ctx: GenContext) -> None:
        super().__init__(ctx)
        self.side: dict[str, str] = {}  # column path -> side-nav group

    # --- content ----------------------------------------------------------------------------

    def trs_path(self, col: Column, d, ext: str = "html") -> str:
        return f"{col.path}{d:%Y%m}/t{d8(d)}_{self.s.next_id(1290000, 37, self.rng)}.{ext}"

    def file_name(self, prefix: str, d, ext: str) -> str:
        return f"{prefix}0{d8(d)}{self.rng.randint(10**11, 10**12 - 1)}.{ext}"

    def articles(self, col: Column, n: int, newest: int, gap: tuple[int, int], make, *, doc: bool,
                 source: str = OFFICE, oldest_first: bool = False) -> None:
        for age in day_ages(self.rng, n, newest, gap):
            d = self.s.days_ago(age)
            title = make(d)
            art = Article(title=title, path=self.trs_path(col, d), date=d, source=source)
            topic = self.w.topic_of(title, C.NEWS_TOPICS + C.PLANS)
            art.paragraphs = self.w.paragraphs(topic, source)
            if doc:
                serial = self.rng.randint(100, 999)
                doc_no = self.rng.choice([f"安政发〔{d.year}〕{self.rng.randint(1, 40)}号",
                                          f"安政办发〔{d.year}〕{self.rng.randint(1, 60)}号", "无"])
                art.meta = Meta(index_no=f"{C.CREDIT_CODE}/{d.year}-{serial:05d}", publisher=source,
                                doc_no=doc_no, published=d, written=d - dt.timedelta(days=3))
            col.items.append(art)
        if oldest_first:
            col.items.reverse()

    def define(self) -> None:
        w, s = self.w, self.s
        akyw = Column("/xwzx/akyw/", "安康要闻", "news", "list", per_page=12)
        self.articles(akyw, 36, 1, (1, 2), lambda d: w.news(), doc=False, source="安康日报")
        bmdt = Column("/xwzx/bmdt/", "部门动态", "news", "list", per_page=10)
        self.articles(bmdt, 20, 15, (2, 6), lambda d: w.news(places=C.DEPARTMENTS), doc=False)
        xqdt = Column("/xwzx/xqdt/", "县区动态", "news", "list", per_page=12)
        self.articles(xqdt, 24, 13, (1, 4), lambda d: w.news(), doc=False)
        tzgg = Column("/tzgg/", "通知公告", "notice", "list", per_page=10)
        self.articles(tzgg, 30, 200, (3, 12), lambda d: w.notice(), doc=True)
        zxft = Column("/zmhd/zxft/", "在线访谈", "interaction", "list", placeholder="暂无信息")
        yjzj = Column("/zmhd/yjzj/", "意见征集", "interaction", "list")
        self.articles(yjzj, 6, 25, (10, 30), lambda d: w.unique(
            lambda: f"关于《{C.CITY}{w.pick(C.PLANS)}管理办法（征求意见稿）》公开征求意见的公告"), doc=False)
        szxx = Column("/zmhd/szxx/", "市长信箱", "interaction", "page", text=[
            "市长信箱是市政府联系群众的重要渠道，主要受理对全市经济社会发展的意见建议，以及对政府工作的批评、咨询和投诉。",
            "来信请如实填写姓名、联系方式和事项内容，涉及个人隐私的内容我们将依法予以保护。",
            "受理时间为工作日，一般事项在十五个工作日内办理答复。"])
        bsfw = Column("/bsfw/", "办事服务", "service", "page", text=[
            "安康市政务服务事项统一在陕西政务服务网办理，可按个人办事、法人办事和部门服务分类查找办事指南、表格下载和在线申报。",
            f"咨询投诉请拨打{C.HOTLINE}政务服务便民热线，或到市政务服务中心窗口现场咨询。"])

        zn = Column("/zfxxgk/zfxxgkzn/", "政府信息公开指南", "service", "page", section="guide", text=[
            "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
            "本机关主动公开的政府信息通过安康市人民政府门户网站、政府公报、新闻发布会等途径及时公开。",
            "公民、法人或者其他组织可以向本机关申请获取政府信息，申请应当采用书面形式。"])
        zd = Column("/zfxxgk/zfxxgkzd/", "政府信息公开制度", "disclosure", "list", section="rules")
        rules = ["安康市政府信息公开保密审查办法", "安康市政府信息公开申请办理工作规程", "安康市政府信息主动公开基本目录管理办法",
                 "安康市政府信息公开工作考核制度", "安康市政府信息发布协调制度"]
        self.articles(zd, 5, 120, (90, 200), lambda d: rules.pop(0), doc=True)
        nb = Column("/zfxxgk/zfxxgknb/", "政府信息公开年报", "disclosure", "list", section="annual_report")
        for k in range(6):
            d = s.days_ago(300 + 365 * k)
            art = Article(f"{ISSUER}{d.year - 1}年政府信息公开工作年度报告", self.trs_path(nb, d), d, source=OFFICE)
            art.paragraphs = [f"本报告根据《中华人民共和国政府信息公开条例》要求，由{OFFICE}编制。",
                              "报告全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况等内容。"]
            art.meta = Meta(f"{C.CREDIT_CODE}/{d.year}-{k + 1:05d}", OFFICE, "无", d, None)
            nb.items.append(art)
        ysqgk = Column("/zfxxgk/ysqgk/", "依申请公开", "disclosure", "page", section="application", text=[
            "公民、法人或者其他组织向本机关申请获取政府信息的，请填写《政府信息公开申请表》，可通过当面、邮寄、在线等方式提交。",
            "本机关收到申请后，能够当场答复的当场予以答复；不能当场答复的，自收到申请之日起二十个工作日内予以答复。"])
        jgzz = Column("/zfxxgk/fdzdgknr/jgzz/", "机构职责", "disclosure", "page", section="statutory", text=[
            "市人民政府办公室是协助市政府领导同志处理市政府日常工作的机构。",
            "主要职责：负责市政府会议的准备工作，协助市政府领导同志组织会议决定事项的实施；负责市政府公文处理工作。"])
        ghjh = Column("/zfxxgk/ghjh/", "规划计划", "planning", "list")
        self.articles(ghjh, 8, 90, (30, 70), lambda d: w.unique(
            lambda: f"{C.CITY}{w.pick(C.PLANS)}规划（{d.year}—{d.year + 4}年）"), doc=True)
        zcwj = Column("/zfxxgk/zcwj/", "政策文件", "policy", "list", per_page=12)
        # oldest first: the newest document (20 days) is the last entry of the last page
        self.articles(zcwj, 24, 20, (8, 16), lambda d: w.policy(ISSUER, d.year), doc=True, oldest_first=True)
        rsxx = Column("/zfxxgk/rsxx/", "人事信息", "personnel", "list")
        self.articles(rsxx, 12, 400, (20, 45), lambda d: w.personnel(ISSUER, d.year), doc=True)
        fd = Column("/zfxxgk/fdzdgknr/", "法定主动公开内容", "other", "hub", section="statutory",
                    children=[jgzz, ghjh, zcwj, rsxx])
        gk = Column("/zfxxgk/", "政府信息公开", "disclosure", "hub", children=[zn, zd, fd, nb, ysqgk])

        for c in (akyw, bmdt, xqdt):
            self.side[c.path] = "news"
        for c in (zxft, yjzj, szxx):
            self.side[c.path] = "hd"
        for c in (gk, zn, zd, fd, nb, ysqgk, jgzz, ghjh, zcwj, rsxx):
            self.side[c.path] = "xxgk"
        self.side[tzgg.path] = "tzgg"
        self.cols = {c.path: c for c in (akyw, bmdt, xqdt, tzgg, zxft, yjzj, szxx, bsfw, gk, zn, zd, fd, nb,
                                         ysqgk, jgzz, ghjh, zcwj, rsxx)}
        self.plant(akyw, bmdt, tzgg)
        # issue 16 (samplesites/external.py), drawn last so the rest of the site is unchanged: a 政策解读
        # column (one 解读 linked both ways, one one way) and, for the second of two scans, a backdated item
        zcjd = Column("/zfxxgk/zcjd/", "政策解读", "policy", "list")
        interpretations(zcjd, sorted(zcwj.items, key=lambda a: a.date, reverse=True),
                        lambda d: self.trs_path(zcjd, d), self.ctx.book, SITE_ID, s.url)
        fd.children.append(zcjd)
        self.side[zcjd.path] = "xxgk"
        self.cols[zcjd.path] = zcjd
        if self.ctx.backdated:
            backdated_items(akyw, self.ctx.as_of, self.ctx.book, SITE_ID, s.url)

    def page_paths(self, col: Column) -> list[str]:
        # TRS numbers the pages after the first from 0: index.html, index_1.html, …
        return [col.path] + [f"{col.path}index_{i}.html" for i in range(1, len(col.chunks()))]

    def plant(self, akyw: Column, bmdt: Column, tzgg: Column) -> None:
        s, ctx = self.s, self.ctx
        # a detail listed in 部门动态 that was deleted (404)
        gone = bmdt.items[6]
        gone.exists = False
        s.truth.add_broken(s.url(gone.path), "http", 404)
        # a news photo whose file is missing
        art = akyw.items[4]
        img = dir_of(art.path) + self.file_name("W", art.date, "jpg")
        art.images = [(img, False)]
        s.truth.add_broken(s.url(img), "http", 404)
        for a in (akyw.items[2], akyw.items[7], akyw.items[12]):
            a.images = [(dir_of(a.path) + self.file_name("W", a.date, "jpg"), True)]
        # an old article URL that now redirects to a page that does not exist either
        art = akyw.items[10]
        old = f"/xwzx/old/t{d8(art.date)}_1000021.html"
        s.route(old, redirect=f"/xwzx/akyw/{art.date:%Y%m}/t{d8(art.date)}_1000021.html", status=301)
        art.related = [(old, "相关报道：我市召开专题会议安排部署相关工作")]
        s.truth.add_broken(s.url(old), "http", 404)
        # a 公示 with a contact's mobile number
        leak = tzgg.items[1]
        leak.title = f"关于{leak.date.year}年度城乡低保拟新增对象名单的公示"
        leak.paragraphs = [
            "根据城乡低保审核确认有关规定，经个人申请、入户调查、民主评议和审核确认，现将拟新增对象名单予以公示。",
            f"公示期间如有异议，请与市民政局社会救助科联系。联系人：{C.PEOPLE[1]}，手机：{C.MOBILE}。"]
        # attachments: one missing, one moved (301 to a good file), the rest fine
        for a in tzgg.items:
            a.attachments = [Attachment(dir_of(a.path) + self.file_name("P", a.date, "pdf"), f"{a.title}.pdf")]
        tzgg.items[4].attachments.append(Attachment(dir_of(tzgg.items[4].path) + self.file_name("P", tzgg.items[4].date, "xls"),
                                                    "附件2：汇总表.xls"))
        tzgg.items[6].attachments.append(Attachment(dir_of(tzgg.items[6].path) + self.file_name("P", tzgg.items[6].date, "docx"),
                                                    "附件2：申报表.docx"))
        missing = tzgg.items[3].attachments[0]
        missing.exists = False
        s.truth.add_broken(s.url(missing.path), "http", 404)
        moved_to = tzgg.items[5].attachments[0].path
        s.route("/uploads/fj/bszn.pdf", redirect=moved_to, status=301)
        tzgg.items[5].related = [("/uploads/fj/bszn.pdf", "办事指南（旧版链接）")]
        # look-alikes of personal data that are not personal data
        look = tzgg.items[8]
        look.paragraphs = look.paragraphs + [
            f"项目单位统一社会信用代码：{C.CREDIT_CODE}，资金专户账号：{C.ACCOUNT_20}。",
            f"档案编号：{C.WRONG_CHECK_ID}。",
            f"咨询电话：{C.LANDLINE}，也可拨打{C.HOTLINE}政务服务便民热线。"]
        book = ctx.book
        book.finding(SITE_ID, "privacy_leak", "mobile", url=s.url(leak.path))
        for col in (bmdt, tzgg):
            book.finding(SITE_ID, "column_stale", s.url(col.path))
        book.finding(SITE_ID, "column_stale", s.url("/zfxxgk/rsxx/"))
        book.finding(SITE_ID, "column_empty", s.url("/zmhd/zxft/"))

    # --- shell -------------------------------------------------------------------------------

    def head(self, page: Page, title: str, *, col: Column | None = None, art: Article | None = None) -> str:
        return "\n".join([
            '<meta charset="utf-8">',
            '<meta http-equiv="X-UA-Compatible" content="IE=edge">',
            meta_set(INFO, column=col, art=art),
            f"<title>{esc(title)}</title>",
            page.link_tag("//www.gov.cn", "dns-prefetch"),
            page.link_tag("/favicon.ico", "shortcut icon"),
            page.css("/images/index.css"),
            page.script("/js/jquery.min.js"),
            page.script("/js/trs_page.js"),
        ])

    def header(self, page: Page) -> str:
        with page.region("header"):
            logo = page.a("/", inner=page.img("/images/logo.png", NAME))
            gov = page.a("http://www.gov.cn/", "中国政府网", target="_blank")
            prov = page.a("http://www.shaanxi.gov.cn/", "陕西省人民政府", target="_blank")
        return f"""<div class="header"><div class="w1200">
 <div class="logo">{logo}</div>
 <div class="toolbar"><a href="javascript:void(0);" id="wza">无障碍</a> <a href="javascript:void(0);">长者模式</a> {gov} {prov}</div>
</div></div>"""

    def nav(self, page: Page) -> str:
        c = self.cols
        with page.region("nav"):
            def li(path: str) -> str:
                return f"<li>{page.a(path, c[path].name)}</li>"
            news = "".join(li(p) for p in ("/xwzx/akyw/", "/xwzx/bmdt/", "/xwzx/xqdt/"))
            hd = "".join(li(p) for p in ("/zmhd/zxft/", "/zmhd/yjzj/", "/zmhd/szxx/"))
            return f"""<div class="nav"><ul class="nav-list w1200">
 <li>{page.a("/", "首页")}</li>
 <li class="dropdown"><a href="javascript:;">新闻中心</a><ul class="sub">{news}</ul></li>
 {li("/zfxxgk/")}
 {li("/tzgg/")}
 <li class="dropdown"><a href="javascript:;">政民互动</a><ul class="sub">{hd}</ul></li>
 {li("/bsfw/")}
</ul></div>"""

    def footer(self, page: Page) -> str:
        with page.region("footer"):
            links = "|".join([page.a("/wzsm/", "网站声明"), page.a("/lxwm/", "联系我们"), page.a("/wzdt/", "网站地图")])
            icp = page.a("https://beian.miit.gov.cn/", "陕ICP备05012345号-1", target="_blank")
            ga = page.a("http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=61090202000101",
                        inner=page.img("/images/ga.png") + "陕公网安备 61090202000101号", target="_blank")
            badge = conac_badge(page, CONAC_ID, "/images/red.png")
            jc = jiucuo(page, INFO.code, "https://zfwzgl.www.gov.cn/exposure/jiucuo.js")
        return f"""<div class="footer"><div class="w1200">
 <div class="footer-links">{links}</div>
 <p>主办单位：{OFFICE}　承办：安康市大数据服务中心</p>
 <p>地址：陕西省安康市汉滨区兴安路　邮编：725000　电话：{C.LANDLINE}</p>
 <p>网站标识码：{INFO.code}　{icp}　{ga}</p>
 <div class="img img1">{badge}</div>
 <div class="img img2">{jc}</div>
</div></div>"""

    def shell(self, page: Page, title: str, main: str, *, col: Column | None = None, art: Article | None = None) -> str:
        head = self.head(page, title, col=col, art=art)
        body = "\n".join([self.header(page), self.nav(page), main, self.footer(page)])
        return document(head, body)

    def side_nav(self, page: Page, col: Column) -> str:
        group = self.side.get(col.path)
        if group == "xxgk":
            return self.xxgk_nav(page)
        if group is None:
            return ""
        paths = {"news": ["/xwzx/akyw/", "/xwzx/bmdt/", "/xwzx/xqdt/"], "hd": ["/zmhd/zxft/", "/zmhd/yjzj/", "/zmhd/szxx/"],
                 "tzgg": ["/tzgg/"]}[group]
        title = {"news": "新闻中心", "hd": "政民互动", "tzgg": "通知公告"}[group]
        with page.region("side"):
            on = ' class="on"'
            items = "".join(f"<li{on if p == col.path else ''}>{page.a(p, self.cols[p].name)}</li>" for p in paths)
        return f'<div class="lmnav"><h2>{title}</h2><ul>{items}</ul></div>'

    def xxgk_nav(self, page: Page) -> str:
        c = self.cols
        with page.region("side"):
            def h3(path: str, a: str, b: str, em: int) -> str:
                inner = f'<em class="zwxxgk_bnt{em}"></em>{a}<br>{b}'
                return f"<h3>{page.a(path, inner=inner)}</h3>"
            sub = "".join(f"<li><span>·</span>{page.a(p, c[p].name)}</li>" for p in (
                "/zfxxgk/fdzdgknr/jgzz/", "/zfxxgk/ghjh/", "/zfxxgk/zcwj/", "/zfxxgk/zcjd/", "/zfxxgk/rsxx/"))
            return f"""<div class="xxgknav">
 {h3("/zfxxgk/zfxxgkzn/", "政府信息", "公开指南", 1)}
 {h3("/zfxxgk/zfxxgkzd/", "政府信息", "公开制度", 2)}
 {h3("/zfxxgk/fdzdgknr/", "法定主动", "公开内容", 3)}
 <ul>{sub}
  <!--<li><span>·</span><a href="/zfxxgk/fdzdgknr/tjsj/">统计数据</a></li>-->
 </ul>
 {h3("/zfxxgk/zfxxgknb/", "政府信息", "公开年报", 4)}
 <h3>{page.a("/zfxxgk/ysqgk/", "依申请公开")}</h3>
</div>"""

    def position(self, page: Page, col: Column) -> str:
        return f'<div class="position">当前位置：{page.a("/", "首页")} &gt; {page.a(col.path, col.name, cls="CurrChnlCls")}</div>'

    # --- pages -------------------------------------------------------------------------------

    def entry(self, page: Page, art: Article, base_dir: str, *, wh: bool = False, cut: int = 0) -> str:
        text = art.title if not cut or len(art.title) <= cut else art.title[:cut] + "…"
        a = page.a(relative(base_dir, art.path), text, title=art.title, target="_blank")
        doc_no = f'<span class="wh">{esc(art.meta.doc_no)}</span>' if wh and art.meta and art.meta.doc_no != "无" else ""
        return f"<li>{a}{doc_no}<span>{art.date.isoformat()}</span></li>"

    def list_page(self, col: Column, index: int, chunk: list[Article]) -> None:
        s = self.s
        page = Page(s, col.page_paths[index], "column" if index == 0 else "list")
        if not col.items:
            listing = f'<div class="listBox"><p class="no-data">{col.placeholder}</p></div>'
            pager = ""
        else:
            lis = "\n".join(self.entry(page, a, col.path, wh=col.category == "policy") for a in chunk)
            listing = f'<div class="listBox"><ul class="list">\n{lis}\n</ul></div>'
            pager = trs_inline_pager(page, col, index) if col.path == "/xwzx/xqdt/" else trs_pager(page, col, index)
        main = f"""<div class="container w1200">
{self.side_nav(page, col)}
<div class="main-con">
{self.position(page, col)}
<div class="con-tit"><h2>{esc(col.name)}</h2></div>
{listing}
{pager}
</div>
</div>"""
        self.write_column(page, col, f"{col.name}_{NAME}", main)

    def details(self, col: Column) -> None:
        arts = [a for a in col.items if a.exists]
        for i, art in enumerate(arts):
            self.detail(col, art, arts[i - 1] if i > 0 else None, arts[i + 1] if i + 1 < len(arts) else None)

    def detail(self, col: Column, art: Article, prev: Article | None = None, nxt: Article | None = None) -> None:
        s = self.s
        page = Page(s, art.path, "detail")
        here = dir_of(art.path)
        meta_html = self.meta_table(page, art, lambda m: meta_handan(m, art.title))
        paras = "\n".join(f"<p>{esc(p)}</p>" for p in art.paragraphs)
        imgs = "\n".join(f'<p style="text-align:center">{page.img(relative(here, p), art.title)}</p>'
                         for p, _ in art.images)
        for p, ok in art.images:
            if ok:
                s.write(p, assets.image_bytes(p))
        files = ""
        if art.attachments:
            files = '<div class="fj"><p>附件：</p>' + "".join(
                f"<p>{page.a(relative(here, f.path), f.name)}</p>" for f in art.attachments) + "</div>"
        related = ""
        if art.related:
            related = '<div class="xgwz"><p>相关链接：</p>' + "".join(
                f"<p>{page.a(h, t, target='_blank')}</p>" for h, t in art.related) + "</div>"
        pn = '<div class="prevnext">'
        pn += f"<p>上一篇：{page.a(relative(here, prev.path) if dir_of(prev.path) == here else prev.path, prev.title)}</p>" if prev else "<p>上一篇：没有了</p>"
        pn += f"<p>下一篇：{page.a(relative(here, nxt.path) if dir_of(nxt.path) == here else nxt.path, nxt.title)}</p>" if nxt else "<p>下一篇：没有了</p>"
        pn += "</div>"
        info = (f'<div class="art-info"><span class="time">{esc(art.date.isoformat())}</span>'
                f'<span class="source">来源：{esc(art.source)}</span>'
                '<span class="font">字号：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a></span></div>')
        main = f"""<div class="container w1200">
{self.position(page, col)}
<div class="article">
{meta_html}
<h1 class="art-title">{esc(art.title)}</h1>
{info if art.meta is None else ""}
<div class="view TRS_UEDITOR trs_paper_default trs_web">
{imgs}
{paras}
</div>
{files}
{related}
{pn}
<div class="art-tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>
</div>"""
        s.write_page(page, self.shell(page, f"{art.title}_{NAME}", main, art=art))
        for f in art.attachments:
            if f.exists:
                s.write(f.path, assets.attachment_bytes(f.path))

    def hub(self, col: Column) -> None:
        s = self.s
        page = Page(s, col.path, "column")
        grid = "\n".join(f'<li>{page.a(c.path, c.name)}</li>' for c in col.children)
        intro = ("根据《中华人民共和国政府信息公开条例》，本栏目集中发布本机关主动公开的政府信息。"
                 if col.path == "/zfxxgk/" else "本栏目按照法定主动公开内容要求，分类公开机构职责、规划计划、政策文件、人事信息等政府信息。")
        main = f"""<div class="xxgk-wrap w1200">
{self.xxgk_nav(page)}
<div class="xxgk-main">
<div class="con-tit"><h2>{esc(col.name)}</h2></div>
<p class="intro">{intro}</p>
<div class="gk-entry"><ul>
{grid}
</ul></div>
</div>
</div>"""
        self.write_column(page, col, f"{col.name}_{NAME}", main)

    def page_column(self, col: Column) -> None:
        s = self.s
        page = Page(s, col.path, "column")
        paras = "\n".join(f"<p>{esc(t)}</p>" for t in col.text)
        extra = ""
        if col.path == "/zfxxgk/ysqgk/":
            extra = f'<p>{page.a("/zfxxgk/ysqgk/P020250110512345678901.doc", "政府信息公开申请表.doc")}</p>'
            s.write("/zfxxgk/ysqgk/P020250110512345678901.doc", assets.OLE)
        elif col.path == "/zmhd/szxx/":
            extra = ('<p>电子邮箱：<a href="mailto:szxx@ankang.gov.cn">szxx@ankang.gov.cn</a></p>'
                     '<form action="/zmhd/szxx/submit.jsp" method="post"><textarea name="content"></textarea>'
                     '<button type="submit">提交</button></form>')
        elif col.path == "/bsfw/":
            extra = (f'<p>{page.a("https://zwfw.shaanxi.gov.cn/", "陕西政务服务网", target="_blank")}　'
                     f'<a href="tel:{C.HOTLINE}">拨打{C.HOTLINE}</a></p>')
        side = self.side_nav(page, col)
        wrap = "xxgk-wrap" if self.side.get(col.path) == "xxgk" else "container"
        main = f"""<div class="{wrap} w1200">
{side}
<div class="main-con">
<div class="con-tit"><h2>{esc(col.name)}</h2></div>
<div class="article-con">
{paras}
{extra}
</div>
</div>
</div>"""
        self.write_column(page, col, f"{col.name}_{NAME}", main)

    def home(self) -> None:
        s, c = self.s, self.cols
        page = Page(s, "/", "home")

        def block(cls: str, col: Column, arts: list[Article]) -> str:
            lis = []
            for art in arts:
                lis.append(self.entry(page, art, "/", cut=22))
                s.homepage_item(art)
            return (f'<div class="{cls}"><div class="box-tit"><h3>{page.a(col.path, col.name)}</h3></div>\n'
                    f'<ul class="list">\n' + "\n".join(lis) + "\n</ul></div>")

        zcwj = sorted(c["/zfxxgk/zcwj/"].items, key=lambda a: a.date, reverse=True)[:6]
        zt = page.a("/ztzl/kjfz2019/", inner=page.img("/images/zt_kjfz.jpg", "科技发展专题"), target="_blank")
        s.truth.add_broken(s.url("/ztzl/kjfz2019/"), "http", 404)
        others = self.other_sites(page)
        main = f"""<div class="index-main w1200">
{block("yw-box", c["/xwzx/akyw/"], c["/xwzx/akyw/"].items[:8])}
{block("tzgg-box", c["/tzgg/"], c["/tzgg/"].items[:6])}
{block("zcwj-box", c["/zfxxgk/zcwj/"], zcwj)}
<div class="ztzl-box">{zt}</div>
<div class="bmwz"><h3>部门网站</h3><ul>{others}</ul></div>
{friend_links(page, self.ctx.base_urls, self.ctx.book, SITE_ID, c["/zfxxgk/zcjd/"].items[0])}
</div>"""
        s.write_page(page, self.shell(page, NAME, main))

    def misc(self) -> None:
        s, c = self.s, self.cols
        texts = {
            "/wzsm/": ("网站声明", [f"{NAME}网站所载内容版权归{NAME}所有，转载请注明出处。", "本网站所链接的非本网站内容，仅供参考。"]),
            "/lxwm/": ("联系我们", ["地址：陕西省安康市汉滨区兴安路　邮编：725000", f"值班电话：{C.LANDLINE}"]),
        }
        for path, (title, paras) in texts.items():
            page = Page(s, path, "other")
            body = "".join(f"<p>{esc(p)}</p>" for p in paras)
            s.write_page(page, self.shell(page, f"{title}_{NAME}", f'<div class="container w1200"><div class="article-con"><h2>{title}</h2>{body}</div></div>'))
        page = Page(s, "/wzdt/", "other")
        items = "".join(f"<li>{page.a(col.path, col.name)}</li>" for col in c.values())
        s.write_page(page, self.shell(page, f"网站地图_{NAME}", f'<div class="container w1200"><h2>网站地图</h2><ul class="map">{items}</ul></div>'))

    def static(self) -> None:
        s = self.s
        for p in ("/images/logo.png", "/images/red.png", "/images/ga.png", "/images/zt_kjfz.jpg"):
            s.write(p, assets.image_bytes(p))
        s.write("/favicon.ico", assets.ICO)
        s.write("/images/index.css", assets.CSS)
        s.write("/js/jquery.min.js", assets.JQUERY)
        s.write("/js/trs_page.js", assets.TRS_PAGER_JS)


def build(ctx: GenContext) -> SiteBuild:
    return Akzf(ctx).render()
