"""zyx-www 紫阳县人民政府: a Hanweb JCMS (大汉) county portal (UTF-8) whose lists are datastores.

Every list column (/col/colNNNN/index.html) holds its first records as XML inside
<script type="text/xml"><datastore><recordset><record><![CDATA[<li>…</li>]]>…, invisible to an
HTML parser, and its jpage script fetches the rest from /module/web/jpage/dataproxy.jsp (POST
startrecord/endrecord/perpage + the column's form). Three record markups from real Hanweb sites
(date in <span>, 舟山's <div class="text-date">, <a><span>title</span><i>date</i></a>); articles
at /art/2026/11/2/art_1001_NNNNN.html; the footer only as document.write in /script/0/….js.
Read without a browser: a scan of this site must never start one. Planted: an empty column
(<totalrecord>0</totalrecord>, no record).
"""

from __future__ import annotations

from samplesites.builder import SiteBuild
from samplesites.context import GenContext
from samplesites.dynsites import DynamicSite, Mode
from samplesites.templates import SiteInfo

SITE_ID = "zyx-www"
UNIT_ID = "zyx"
UNIT_NAME = "紫阳县人民政府办公室"
UNIT_KIND = "county"
NAME = "紫阳县人民政府"


def col(n: int) -> str:
    return f"/col/col{n}/index.html"


class Zyx(DynamicSite):
    SITE_ID, UNIT_ID, NAME = SITE_ID, UNIT_ID, NAME
    INFO = SiteInfo(NAME, "www.zyx.gov.cn", "6109240001")
    CREDIT = "11610924MB0012345K"
    ICP = "陕ICP备06011234号-1"
    POLICE = "61092402000112"
    CONAC_ID = "7A1B2C3D4E5F60718293A4B5C6D7E8F9"
    ADDRESS = "陕西省安康市紫阳县城关镇和平路"
    WEBID = "38"
    FOOTER_JS = "/script/0/1807101627516474.js"

    def define(self) -> None:
        w, places = self.w, ["城关镇", "蒿坪镇", "向阳镇", "洞河镇", "焕古镇", "红椿镇", "高桥镇", "双桥镇"]
        yw = self.column(col(1001), "紫阳要闻", "news", mode=Mode("hanweb", "1001", per=10, group=1))
        self.articles(yw, 27, 1, (1, 2), lambda d: w.news(places=places, level="县"))
        tz = self.column(col(1002), "通知公告", "notice", mode=Mode("hanweb", "1002", per=15, group=3))
        self.articles(tz, 12, 5, (3, 8), lambda d: w.notice(orgs=["县发展改革局", "县财政局", "县教体局", "县卫健局"]),
                      doc=True)
        xz = self.column(col(1003), "乡镇动态", "news", mode=Mode("hanweb", "1003", per=5, group=2, fmt="textdate"))
        self.articles(xz, 16, 2, (1, 3), lambda d: w.news(places=places, orgs=places, level="县"))
        self.column(col(1005), "在线访谈", "interaction", mode=Mode("hanweb", "1005", per=15, group=3))
        zn = self.column(col(2001), "政府信息公开指南", "service", "page", section="guide", text=[
            "为便于公民、法人和其他组织获取本机关政府信息，根据《中华人民共和国政府信息公开条例》编制本指南。"])
        zd = self.column(col(2002), "政府信息公开制度", "disclosure", section="rules", mode=Mode("hanweb", "2002"))
        rules = ["紫阳县政府信息公开保密审查制度", "紫阳县政府信息主动公开制度", "紫阳县依申请公开政府信息办理制度"]
        self.articles(zd, 3, 150, (100, 200), lambda d: rules.pop(0), doc=True)
        jg = self.column(col(2004), "机构职能", "disclosure", "page", text=[
            "县人民政府办公室负责处理县政府日常工作，协助县政府领导同志组织实施会议决定事项。"])
        zc = self.column(col(2005), "政策文件", "policy", mode=Mode("hanweb", "2005", per=6, group=1, fmt="italic"))
        self.articles(zc, 14, 20, (5, 12), lambda d: w.policy(NAME, d.year, place="紫阳县"), doc=True)
        rs = self.column(col(2006), "人事信息", "personnel", mode=Mode("hanweb", "2006"))
        self.articles(rs, 4, 60, (20, 50), lambda d: w.personnel(NAME, d.year), doc=True)
        fd = self.column(col(2003), "法定主动公开内容", "other", "hub", section="statutory", children=[jg, zc, rs])
        nb = self.column(col(2007), "政府信息公开年报", "disclosure", section="annual_report", mode=Mode("hanweb", "2007"))
        for k in range(3):
            self.articles(nb, 1, 320 + 365 * k, (1, 1), lambda d: f"{NAME}{d.year - 1}年政府信息公开工作年度报告",
                          doc=True)
        ys = self.column(col(2008), "依申请公开", "disclosure", "page", section="application", text=[
            "申请人可通过当面、信函等方式提出政府信息公开申请，本机关依法在规定期限内答复。"])
        self.column(col(2000), "政府信息公开", "disclosure", "hub", children=[zn, zd, fd, nb, ys])
        self.nav = [col(1001), col(1002), col(1003), col(2000), col(1005)]
        self.groups = [[col(1001), col(1003)], [col(2001), col(2002), col(2003), col(2007), col(2008)],
                       [col(2004), col(2005), col(2006)]]
        self.home_blocks = [(col(1001), 8), (col(1002), 6), (col(1003), 5)]
        self.ctx.book.finding(SITE_ID, "column_empty", self.s.url(col(1005)))


def build(ctx: GenContext) -> SiteBuild:
    return Zyx(ctx).render()
