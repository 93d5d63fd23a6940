"""aknyj 安康市农业农村局: a department site on a PowerEasy-style (动易) ASP.NET CMS (UTF-8).

Every page is an .aspx address with its id in the query: lists ArticleList.aspx?ClassID=11 (further
pages &page=2), articles ShowArticle.aspx?ArticleID=NNNN, class pages ShowClass.aspx?ClassID=2. The
list pager is the CMS's ShowPage output: 共 N 篇文章, 首页/上一页/下一页/尾页 links, 页次：1/3页 and a
转到 <select> whose options carry page numbers while the URL pattern sits only in its onchange
(the shape of the ASP showpage sub in [FS:3082913419] and its siblings [FS:14339239789]
[FS:21907571349], public code-index excerpts cited by id as in ../shared/idioms). 农业要闻 shows its
dates as MM.DD ("11.18", the year is the reader's; the Month.Day form of the DateFormat helper in
[FS:14339239789]); the 政务公开 class page is a hub of titled blocks whose "more" link is an image
without text, the block's name in a sibling cell (a 学院动态 heading beside <a><img src=more.gif></a>
in [FS:5721841914]; issue 12, class 3). Planted: 通知公告 newest 200 days old (column_stale), 农业执法
shows its heading and an empty list and no placeholder text (column_empty, issue 12 class 6), one
article links a deleted attachment (link_broken).
"""

from __future__ import annotations

from samplesites import assets
from samplesites import content as C
from samplesites.builder import Article, Attachment, Column, Meta, Page, SiteBuild, esc
from samplesites.context import GenContext
from samplesites.interaction import write_form
from samplesites.site_base import SampleSite
from samplesites.templates import SiteInfo, conac_badge, day_ages, document, jiucuo, meta_plain, meta_set

SITE_ID = "aknyj"
UNIT_ID = "aknyj"
UNIT_NAME = "安康市农业农村局"
UNIT_KIND = "department"
NAME = "安康市农业农村局"
INFO = SiteInfo(NAME, "nyj.ankang.gov.cn", "6109000045")
CREDIT = "11610900MB1612345N"
CONAC_ID = "7A6B5C4D3E2F1A0B9C8D7E6F5A4B3C2D"
TOPICS = ["富硒茶产业", "秋冬种", "高标准农田建设", "农机安全", "动物防疫", "耕地撂荒整治", "农产品质量安全",
          "粮食生产", "魔芋产业", "生猪稳产保供", "农村人居环境整治", "农民专业合作社", "冬春农田水利", "种业振兴"]
ORGS = ["市农业农村局", "市农技中心", "市动物疫病预防控制中心", "市农产品质量安全检验监测中心"]


def article_path(aid: int) -> str:
    return f"/ShowArticle.aspx?ArticleID={aid}"


def class_path(cid: int) -> str:
    return f"/ArticleList.aspx?ClassID={cid}"


MAILBOX = "/GuestBook/Index.aspx"
NAV = [class_path(11), class_path(12), class_path(13), "/ShowClass.aspx?ClassID=2", class_path(14),
       "/ShowClass.aspx?ClassID=3", MAILBOX]
GK = ["/ShowClass.aspx?ClassID=3", "/ShowClass.aspx?ClassID=31", class_path(32), class_path(33), class_path(34),
      "/ShowClass.aspx?ClassID=35"]


class Aknyj(SampleSite):
    SITE_ID, UNIT_ID, NAME = SITE_ID, UNIT_ID, NAME

    def articles(self, col: Column, n: int, newest: int, gap: tuple[int, int], make, *, doc: bool = False) -> None:
        for i, age in enumerate(day_ages(self.rng, n, newest, gap)):
            d = self.s.days_ago(age)
            title = make(d)
            art = Article(title, article_path(self.s.next_id(5200, 9, self.rng)), d, source=self.rng.choice(ORGS))
            art.paragraphs = self.w.paragraphs(self.w.topic_of(title, TOPICS), NAME)
            if doc:
                doc_no = [f"安农发〔{d.year}〕{self.rng.randint(1, 90)}号", "无"][i % 2]
                art.meta = Meta(f"{CREDIT}/{d.year}-{self.rng.randint(1, 400):05d}", NAME, doc_no, d)
            col.items.append(art)

    def define(self) -> None:
        w = self.w
        news = lambda d: w.news(topics=TOPICS, orgs=ORGS)  # noqa: E731
        nyyw = Column(class_path(11), "农业要闻", "news", "list", per_page=10, date_style="mmdd")
        self.articles(nyyw, 24, 1, (1, 3), news)
        tzgg = Column(class_path(12), "通知公告", "notice", "list", per_page=10)
        self.articles(tzgg, 13, 200, (8, 30), lambda d: w.notice(topics=TOPICS, orgs=ORGS), doc=True)
        zcfg = Column(class_path(13), "政策法规", "policy", "list", per_page=10)
        self.articles(zcfg, 9, 20, (15, 45), lambda d: w.policy(NAME, d.year, C.PLANS), doc=True)
        gzdt = Column(class_path(21), "工作动态", "news", "list", per_page=10)
        self.articles(gzdt, 16, 2, (1, 4), news)
        njtg = Column(class_path(22), "农技推广", "other", "list", per_page=10)
        self.articles(njtg, 11, 4, (3, 12), lambda d: w.unique(lambda: w.pick([
            f"{w.pick(TOPICS)}技术要点", f"{w.pick(TOPICS)}田间管理技术指导意见", f"做好{w.pick(TOPICS)}的技术措施"])))
        cyfz = Column(class_path(23), "产业发展", "other", "list", per_page=10)
        self.articles(cyfz, 7, 6, (5, 20), news)
        zwgk = Column("/ShowClass.aspx?ClassID=2", "政务公开", "disclosure", "hub", children=[gzdt, njtg, cyfz])
        nyzf = Column(class_path(14), "农业执法", "other", "list")
        zn = Column("/ShowClass.aspx?ClassID=31", "政府信息公开指南", "service", "page", section="guide", text=[
            "本指南依据《中华人民共和国政府信息公开条例》编制，公民、法人和其他组织可据此向本机关获取政府信息。"])
        zd = Column(class_path(32), "政府信息公开制度", "disclosure", "list", section="rules")
        rules = ["安康市农业农村局政府信息公开工作制度", "安康市农业农村局政府信息公开保密审查制度"]
        self.articles(zd, 2, 170, (90, 200), lambda d: rules.pop(0), doc=True)
        fd = Column(class_path(33), "法定主动公开内容", "other", "list", section="statutory")
        self.articles(fd, 6, 12, (20, 60), lambda d: w.unique(lambda: w.pick([
            f"{NAME}{d.year}年部门预算", f"{NAME}{d.year}年“三公”经费支出情况", f"{NAME}{d.year}年政府采购意向",
            f"{NAME}机构职能", f"{NAME}{d.year}年{w.pick(TOPICS)}项目资金分配结果"])), doc=True)
        nb = Column(class_path(34), "政府信息公开年报", "disclosure", "list", section="annual_report")
        for k in range(3):
            self.articles(nb, 1, 320 + 365 * k, (1, 1), lambda d: f"{NAME}{d.year - 1}年政府信息公开工作年度报告",
                          doc=True)
        ys = Column("/ShowClass.aspx?ClassID=35", "依申请公开", "disclosure", "page", section="application", text=[
            "申请人可通过当面、信函等方式向本机关提交政府信息公开申请，本机关依法在规定期限内答复。"])
        gk = Column("/ShowClass.aspx?ClassID=3", "政府信息公开", "disclosure", "hub", children=[zn, zd, fd, nb, ys])
        jzxx = Column(MAILBOX, "局长信箱", "interaction", "page", text=[
            "局长信箱受理群众对全市农业农村工作的意见建议和咨询，来信将在十个工作日内答复。"])
        self.cols = {c.path: c for c in (nyyw, tzgg, zcfg, zwgk, gzdt, njtg, cyfz, nyzf, gk, zn, zd, fd, nb, ys, jzxx)}
        self.plant(tzgg, nyzf)

    def page_paths(self, col: Column) -> list[str]:
        return [col.path] + [f"{col.path}&page={i}" for i in range(2, len(col.chunks()) + 1)]

    def plant(self, tzgg: Column, nyzf: Column) -> None:
        s, book = self.s, self.ctx.book
        for i, art in enumerate(tzgg.items[:4]):
            name = f"{art.date:%Y%m%d}{self.rng.randint(100000, 999999)}"
            art.attachments = [Attachment(f"/UploadFiles/{art.date:%Y%m}/{name}.doc", f"附件{i + 1}：{art.title}.doc",
                                          exists=i != 1)]
        gone = tzgg.items[1].attachments[0]
        s.truth.add_broken(s.url(gone.path), "http", 404)
        book.finding(SITE_ID, "column_stale", s.url(tzgg.path))
        book.finding(SITE_ID, "column_empty", s.url(nyzf.path))
        book.finding(SITE_ID, "link_broken", s.url(gone.path))

    # --- shell -------------------------------------------------------------------------------

    def head(self, page: Page, title: str, *, col: Column | None = None, art: Article | None = None) -> str:
        return "\n".join([
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />',
            meta_set(INFO, column=col, art=art),
            f"<title>{esc(title)}</title>",
            page.css("/Skin/Default/Style.css"),
            page.script("/js/jquery.js"),
            page.script("/js/Common.js"),
        ])

    def top(self, page: Page) -> str:
        with page.region("header"):
            logo = page.a("/", inner=page.img("/Skin/Default/logo.jpg", NAME))
        with page.region("nav"):
            lis = "".join(f'<li>{page.a(p, self.cols[p].name)}</li>' for p in NAV)
            menu = f'<div id="menu"><ul><li>{page.a("/", "网站首页")}</li>{lis}</ul></div>'
        return f'<div id="top"><div class="logo">{logo}</div></div>\n{menu}'

    def bottom(self, page: Page) -> str:
        with page.region("footer"):
            icp = page.a("https://beian.miit.gov.cn/", "陕ICP备05011234号-1", target="_blank")
            police = page.a("http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=61090202000188",
                            "陕公网安备 61090202000188号", target="_blank")
            badge = conac_badge(page, CONAC_ID, "/Skin/Default/red.png")
            jc = jiucuo(page, INFO.code, "https://zfwzgl.www.gov.cn/exposure/jiucuo.js")
        return f"""<div id="bottom">
<p>主办：{NAME}　地址：安康市汉滨区兴安中路　电话：0915-3212345</p>
<p>网站标识码：{INFO.code}　{icp}　{police}</p>
<p>{badge} {jc}</p>
</div>"""

    def shell(self, page: Page, title: str, main: str, **kw) -> str:
        head = self.head(page, title, **kw)
        return document(head, "\n".join([self.top(page), main, self.bottom(page)]),
                        doctype='<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                                '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')

    def left(self, page: Page, col: Column) -> str:
        group = GK if col.path in GK else [p for p in NAV if p not in GK]
        if col.path in self.cols["/ShowClass.aspx?ClassID=2"].children:
            group = [c.path for c in self.cols["/ShowClass.aspx?ClassID=2"].children]
        with page.region("side"):
            lis = "".join(f"<li>{page.a(p, self.cols[p].name)}</li>" for p in group)
        return f'<div id="left"><div class="left_title">栏目导航</div><ul class="left_menu">{lis}</ul></div>'

    def position(self, page: Page, col: Column) -> str:
        return f'<div class="position">您现在的位置：{page.a("/", NAME)} &gt;&gt; {page.a(col.path, col.name)}</div>'

    # --- pages -------------------------------------------------------------------------------

    def show_page(self, page: Page, col: Column, index: int) -> str:
        """The CMS's ShowPage: links to 首页/上一页/下一页/尾页 and a 转到 select of page numbers."""
        n = len(col.page_paths)
        if n <= 1:
            return f'<div class="showpage">共 <b>{len(col.items)}</b> 篇文章</div>'
        hrefs = [p.lstrip("/") for p in col.page_paths]
        cur = index + 1
        first = "首页 上一页&nbsp;" if index == 0 else \
            f'{page.a(hrefs[0], "首页")}&nbsp;{page.a(hrefs[index - 1], "上一页")}&nbsp;'
        last = "下一页 尾页" if cur == n else f'{page.a(hrefs[index + 1], "下一页")}&nbsp;{page.a(hrefs[-1], "尾页")}'
        options = "".join(f"<option value='{i}'{' selected ' if i == cur else ''}>第{i}页</option>"
                          for i in range(1, n + 1))
        pattern = f"{hrefs[0]}&page="
        return (f'<div class="showpage">共 <font color=blue><b>{len(col.items)}</b></font> 篇文章&nbsp;&nbsp;&nbsp;'
                f'{first}{last}&nbsp;页次：<strong><font color=red>{cur}</font>/{n}</strong>页 '
                f'&nbsp;<b>{col.per_page}</b>篇文章/页&nbsp;转到：<select name=\'page\' size=\'1\' '
                f'onchange="javascript:window.location=\'{pattern}\'+this.options[this.selectedIndex].value;">'
                f"{options}</select></div>")

    def list_page(self, col: Column, index: int, chunk: list[Article]) -> None:
        s = self.s
        page = Page(s, col.page_paths[index], "column" if index == 0 else "list")
        rows = []
        for a in chunk:
            link = page.a(a.path.lstrip("/"), a.title, title=a.title, target="_blank")
            date = f"{a.date:%m.%d}" if col.date_style == "mmdd" else a.date.isoformat()
            rows.append(f'<li><span class="listdate">{date}</span>·{link}</li>')
        pager = self.show_page(page, col, index) if col.items else ""
        main = f"""<div id="main">
{self.left(page, col)}
<div id="right">
{self.position(page, col)}
<div class="main_title"><span>{esc(col.name)}</span></div>
<div class="main_list"><ul>
{chr(10).join(rows)}
</ul></div>
{pager}
</div>
</div>"""
        self.write_column(page, col, f"{col.name}-{NAME}", main)

    def detail(self, col: Column, art: Article) -> None:
        s = self.s
        page = Page(s, art.path, "detail")
        meta_html = self.meta_table(page, art, meta_plain)
        paras = "".join(f"<p>　　{esc(p)}</p>" for p in art.paragraphs)
        files = []
        for f in art.attachments:
            files.append(f"<p>{page.a(f.path, f.name)}</p>")
            if f.exists:
                s.write(f.path, assets.OLE)
        info = (f'作者：佚名　文章来源：{esc(art.source)}　点击数：<span id="hits"></span>　'
                f'更新时间：{art.date:%Y-%m-%d}')
        main = f"""<div id="main">
{self.position(page, col)}
<div class="article">
{meta_html}
<div class="article_title">{esc(art.title)}</div>
<div class="article_info">{info}</div>
<div class="article_content" id="fontzoom">{paras}{"".join(files)}</div>
<div class="article_tool"><a href="javascript:window.print();">【打印此文】</a> <a href="javascript:window.close();">【关闭窗口】</a></div>
</div>
</div>"""
        s.write_page(page, self.shell(page, f"{art.title}-{NAME}", main, art=art))

    def hub(self, col: Column) -> None:
        page = Page(self.s, col.path, "column")
        if col.path == "/ShowClass.aspx?ClassID=3":
            cells = "".join(f"<li>{page.a(c.path, c.name)}</li>" for c in col.children)
            inner = f'<ul class="gk_list">{cells}</ul>'
        else:
            inner = "".join(self.block(page, c) for c in col.children)
        self.class_page(page, col, inner)

    def block(self, page: Page, col: Column) -> str:
        """A titled block of a class page: the name in a span, a "more" icon without text, 5 items, MM.DD."""
        more = page.a(col.path.lstrip("/"), inner=page.img("/Skin/Default/more.gif", "", 'border="0"'), cls="more",
                      label=col.name)
        lis = "".join(f'<li>{page.a(a.path.lstrip("/"), a.title, title=a.title, target="_blank")}'
                      f'<span class="date">{a.date:%m.%d}</span></li>' for a in col.items[:5])
        return (f'<div class="class_block"><div class="block_title"><span class="title_text">{esc(col.name)}</span>'
                f"{more}</div><ul>{lis}</ul></div>")

    def page_column(self, col: Column) -> None:
        page = Page(self.s, col.path, "column")
        form = write_form("/GuestBook/Submit.aspx") if col.path == MAILBOX else ""
        self.class_page(page, col, "".join(f"<p>{esc(t)}</p>" for t in col.text) + form)

    def class_page(self, page: Page, col: Column, inner: str) -> None:
        main = f"""<div id="main">
{self.left(page, col)}
<div id="right">
{self.position(page, col)}
<div class="main_title"><span>{esc(col.name)}</span></div>
<div class="class_content">{inner}</div>
</div>
</div>"""
        self.write_column(page, col, f"{col.name}-{NAME}", main)

    def home(self) -> None:
        s, c = self.s, self.cols
        page = Page(s, "/", "home")

        def block(col: Column, n: int, mmdd: bool) -> str:
            lis = []
            for art in col.items[:n]:
                date = f"{art.date:%m.%d}" if mmdd else f"{art.date:%Y-%m-%d}"
                lis.append(f'<li>{page.a(art.path.lstrip("/"), art.title, title=art.title, target="_blank")}'
                           f'<span>{date}</span></li>')
                s.homepage_item(art)
            more = page.a(col.path.lstrip("/"), "更多>>", cls="more")
            return (f'<div class="index_box"><div class="box_title"><span>{esc(col.name)}</span>{more}</div>'
                    f'<ul>{"".join(lis)}</ul></div>')

        main = f"""<div id="main" class="index">
{block(c[class_path(11)], 8, True)}
{block(c[class_path(21)], 5, True)}
{block(c[class_path(13)], 5, False)}
<div class="index_links"><span>相关链接：</span><ul>{self.other_sites(page)}</ul></div>
</div>"""
        s.write_page(page, self.shell(page, NAME, main))

    def static(self) -> None:
        s = self.s
        s.write("/Skin/Default/Style.css", assets.CSS)
        s.write("/Skin/Default/logo.jpg", assets.JPG)
        s.write("/Skin/Default/more.gif", assets.GIF)
        s.write("/Skin/Default/red.png", assets.PNG)
        s.write("/js/jquery.js", assets.JQUERY)
        s.write("/js/Common.js", "/* PowerEasy common */\nfunction ShowHits(){}\n")


def build(ctx: GenContext) -> SiteBuild:
    return Aknyj(ctx).render()
