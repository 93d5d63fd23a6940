"""plx-www 平利县人民政府: a county portal mixing list idioms (UTF-8), as many sites do after years
of CMS patches: static ul/li pages with numbered links (平利要闻, the 信息公开 lists), a Hanweb
datastore column paged through the jpage data proxy (部门动态), a list filled by a POST JSON API
(通知公告: fetch POST /front/api/list channelId=&pageNo=&pageSize=), and a list written by an
inline script from a JS array on the page (乡镇动态, no request at all). Planted: 在线访谈 is
filled by the same POST API, which has nothing for it (column_empty of a script-filled list).
"""

from __future__ import annotations

from samplesites.builder import SiteBuild
from samplesites.context import GenContext
from samplesites.dynsites import DynamicSite, Mode
from samplesites.templates import SiteInfo

SITE_ID = "plx-www"
UNIT_ID = "plx"
UNIT_NAME = "平利县人民政府办公室"
UNIT_KIND = "county"
NAME = "平利县人民政府"
TOWNS = ["城关镇", "长安镇", "老县镇", "大贵镇", "广佛镇", "洛河镇", "西河镇", "八仙镇"]


class Plx(DynamicSite):
    SITE_ID, UNIT_ID, NAME = SITE_ID, UNIT_ID, NAME
    INFO = SiteInfo(NAME, "www.pingli.gov.cn", "6109260001")
    CREDIT = "11610926MB0023456P"
    ICP = "陕ICP备06013456号-1"
    POLICE = "61092602000126"
    CONAC_ID = "9F8E7D6C5B4A39281706F5E4D3C2B1A0"
    ADDRESS = "陕西省安康市平利县城关镇滨河路"
    WEBID = "46"

    def define(self) -> None:
        w = self.w
        yw = self.column("/xwzx/plyw/", "平利要闻", "news", per_page=10)
        self.articles(yw, 22, 1, (1, 2), lambda d: w.news(places=TOWNS, level="县"))
        bm = self.column("/col/col3002/index.html", "部门动态", "news", mode=Mode("hanweb", "3002", per=6, group=1))
        self.articles(bm, 18, 3, (1, 3), lambda d: w.news(places=TOWNS, level="县"))
        tz = self.column("/tzgg/", "通知公告", "notice", mode=Mode("post", "3003", per=6))
        self.articles(tz, 16, 4, (3, 9), lambda d: w.notice(orgs=["县发展改革局", "县住建局", "县农业农村局"]), doc=True)
        xz = self.column("/xwzx/xzdt/", "乡镇动态", "news", mode=Mode("array", "3004"))
        self.articles(xz, 10, 2, (1, 4), lambda d: w.news(places=TOWNS, orgs=TOWNS, level="县"))
        self.column("/hdjl/zxft/", "在线访谈", "interaction", mode=Mode("post", "3005", per=6))
        zn = self.column("/zwgk/zfxxgkzn/", "政府信息公开指南", "service", "page", section="guide", text=[
            "本指南依据《中华人民共和国政府信息公开条例》编制，申请人可据此向本机关获取政府信息。"])
        zd = self.column("/zwgk/zfxxgkzd/", "政府信息公开制度", "disclosure", section="rules")
        rules = ["平利县政府信息公开工作制度", "平利县政府信息公开保密审查制度", "平利县政府信息公开申请办理制度"]
        self.articles(zd, 3, 160, (80, 200), lambda d: rules.pop(0), doc=True)
        jg = self.column("/zwgk/fdzdgknr/jgzn/", "机构职能", "disclosure", "page", section="statutory", text=[
            "县人民政府办公室负责县政府日常工作，负责县政府公文处理和政务公开工作。"])
        gh = self.column("/zwgk/fdzdgknr/ghjh/", "规划计划", "planning", section="statutory")
        self.articles(gh, 4, 40, (40, 90), lambda d: w.unique(
            lambda: f"平利县{w.pick(['农业农村现代化', '全域旅游发展', '新型城镇化', '生态环境保护'])}规划"), doc=True)
        fd = self.column("/zwgk/fdzdgknr/", "法定主动公开内容", "other", "hub", section="statutory", children=[jg, gh])
        nb = self.column("/zwgk/zfxxgknb/", "政府信息公开年报", "disclosure", section="annual_report")
        for k in range(3):
            self.articles(nb, 1, 315 + 365 * k, (1, 1), lambda d: f"{NAME}{d.year - 1}年政府信息公开工作年度报告",
                          doc=True)
        ys = self.column("/zwgk/ysqgk/", "依申请公开", "disclosure", "page", section="application", text=[
            "申请人可通过当面、邮寄等方式提交政府信息公开申请表。"])
        self.column("/zwgk/", "政府信息公开", "disclosure", "hub", children=[zn, zd, fd, nb, ys])
        self.nav = ["/xwzx/plyw/", "/col/col3002/index.html", "/xwzx/xzdt/", "/tzgg/", "/zwgk/", "/hdjl/zxft/"]
        self.groups = [["/xwzx/plyw/", "/col/col3002/index.html", "/xwzx/xzdt/"],
                       ["/zwgk/zfxxgkzn/", "/zwgk/zfxxgkzd/", "/zwgk/fdzdgknr/", "/zwgk/zfxxgknb/", "/zwgk/ysqgk/"]]
        self.home_blocks = [("/xwzx/plyw/", 8), ("/tzgg/", 6), ("/xwzx/xzdt/", 5)]
        self.ctx.book.finding(SITE_ID, "column_empty", self.s.url("/hdjl/zxft/"))


def build(ctx: GenContext) -> SiteBuild:
    return Plx(ctx).render()
