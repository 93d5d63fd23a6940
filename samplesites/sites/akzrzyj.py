"""akzrzyj 安康市自然资源局: a department site whose column lists are filled by JavaScript from JSON
APIs (UTF-8); the static column pages hold an empty list and a script.

Two real shapes: the Guangdong 政府信息公开目录 API (GET /gkmlpt/api/all/{col}?page=N&sid=…,
{"total", "articles": [{"title", "url", "first_publish_time" (epoch s), …}]}, details at
/gkmlpt/content/…/post_NNN.html) and the jpaas 集约化 build/unit API (a shell element carrying
queryData and url; GET …/front/page/build/unit?…&paramJson={"pageNo":N,"pageSize":8}, the list as
HTML inside {"data": {"html": …<div class="pagination" rows count>}}). Homepage and hub pages are
static. Planted: 政策文件 (JSON) newest document 200 days old (column_stale).
"""

from __future__ import annotations

from samplesites.builder import SiteBuild
from samplesites.context import GenContext
from samplesites.dynsites import DynamicSite, Mode
from samplesites.templates import SiteInfo

SITE_ID = "akzrzyj"
UNIT_ID = "akzrzyj"
UNIT_NAME = "安康市自然资源局"
UNIT_KIND = "department"
NAME = "安康市自然资源局"
TOPICS = ["耕地保护", "国土空间规划", "地质灾害防治", "不动产登记", "矿产资源管理", "自然资源确权登记", "土地卫片执法",
          "生态修复", "测绘地理信息", "林长制"]


class Akzrzyj(DynamicSite):
    SITE_ID, UNIT_ID, NAME = SITE_ID, UNIT_ID, NAME
    INFO = SiteInfo(NAME, "zrzyj.ankang.gov.cn", "6109000031")
    CREDIT = "11610900MB1870412C"
    ICP = "陕ICP备05017788号-1"
    POLICE = "61090202000331"
    CONAC_ID = "3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B"
    ADDRESS = "陕西省安康市汉滨区金州南路"
    WEBID = "61"

    def define(self) -> None:
        w = self.w
        orgs = ["市自然资源局", "市不动产登记中心", "市国土空间规划中心", "市自然资源执法支队"]
        gz = self.column("/xwdt/gzdt/", "工作动态", "news", mode=Mode("gkmlpt", "2811", per=10))
        self.articles(gz, 23, 2, (1, 3), lambda d: w.news(topics=TOPICS, orgs=orgs), topics=TOPICS)
        tz = self.column("/tzgg/", "通知公告", "notice", mode=Mode("jpaas", "2812", per=8))
        self.articles(tz, 17, 6, (2, 9), lambda d: w.notice(topics=TOPICS, orgs=orgs), doc=True, topics=TOPICS)
        zn = self.column("/zwgk/zfxxgkzn/", "政府信息公开指南", "service", "page", section="guide", text=[
            "本指南适用于安康市自然资源局的政府信息公开工作，申请人可据此了解公开的范围、方式和程序。"])
        zd = self.column("/zwgk/zfxxgkzd/", "政府信息公开制度", "disclosure", section="rules",
                         mode=Mode("gkmlpt", "2814", per=10))
        rules = ["安康市自然资源局政府信息公开工作制度", "安康市自然资源局政府信息公开保密审查制度",
                 "安康市自然资源局政务公开考核制度"]
        self.articles(zd, 3, 180, (60, 150), lambda d: rules.pop(0), doc=True, topics=TOPICS)
        jg = self.column("/zwgk/fdzdgknr/jgzn/", "机构职能", "disclosure", "page", section="statutory", text=[
            "市自然资源局负责全市自然资源调查监测评价、统一确权登记、国土空间规划和用途管制等工作。"])
        zc = self.column("/zwgk/zcwj/", "政策文件", "policy", mode=Mode("gkmlpt", "2813", per=10))
        self.articles(zc, 12, 200, (10, 30), lambda d: w.policy(NAME, d.year), doc=True, topics=TOPICS)
        rs = self.column("/zwgk/rsxx/", "人事信息", "personnel", mode=Mode("gkmlpt", "2815", per=10))
        self.articles(rs, 5, 50, (20, 60), lambda d: w.personnel(NAME, d.year), doc=True, topics=TOPICS)
        fd = self.column("/zwgk/fdzdgknr/", "法定主动公开内容", "other", "hub", section="statutory",
                         children=[jg, zc, rs])
        nb = self.column("/zwgk/zfxxgknb/", "政府信息公开年报", "disclosure", section="annual_report",
                         mode=Mode("gkmlpt", "2816", per=10))
        for k in range(4):
            self.articles(nb, 1, 310 + 365 * k, (1, 1), lambda d: f"{NAME}{d.year - 1}年政府信息公开工作年度报告",
                          doc=True, topics=TOPICS)
        ys = self.column("/zwgk/ysqgk/", "依申请公开", "disclosure", "page", section="application", text=[
            "公民、法人或者其他组织可以向本机关书面申请获取政府信息。"])
        self.column("/zwgk/", "政府信息公开", "disclosure", "hub", children=[zn, zd, fd, nb, ys])
        self.nav = ["/xwdt/gzdt/", "/tzgg/", "/zwgk/"]
        self.groups = [["/zwgk/zfxxgkzn/", "/zwgk/zfxxgkzd/", "/zwgk/fdzdgknr/", "/zwgk/zfxxgknb/", "/zwgk/ysqgk/"],
                       ["/zwgk/fdzdgknr/jgzn/", "/zwgk/zcwj/", "/zwgk/rsxx/"]]
        self.home_blocks = [("/xwdt/gzdt/", 8), ("/tzgg/", 6)]
        self.ctx.book.finding(SITE_ID, "column_stale", self.s.url("/zwgk/zcwj/"))


def build(ctx: GenContext) -> SiteBuild:
    return Akzrzyj(ctx).render()
