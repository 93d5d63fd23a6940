"""Sample new-media accounts (政务微博, 政务微信, feeds) for a given as-of date, shaped like the real
platform APIs, with a truth of what a scan must read and find.

`generate_accounts(as_of, base_url)` returns (routes, truth): routes map a URL path to a handler
answering a `SampleRequest` (the server in samplesites.accounts.server calls them); truth lists,
per account, the posts (id, posted time/date, pinned), the expected scan status (completed, or
failed with the error kind) and the expected links, plus the planted findings. All accounts live
on one loopback server, told apart the way the platforms tell them apart: the Weibo containerid,
the WeChat access_token, the WeChat backend fakeid, the feed path.

Planted (as_of = D, times local Beijing):
  akfb-weibo   fresh: newest post D-2, a PINNED post D-60 on top, 2 pages via since_id; one post
               links to a 404 page (a future link_broken) and a working page
  hbfb-weibo   stale: newest post D-20 (page 2 answers the API's end-of-timeline ok=0)  -> account_stale
  jkak-wechat  publishing API, nothing published (total_count 0)                    -> account_empty
  hbfb-wechat  publishing API, token expired (errcode 42001)                        -> failed auth
  akjy-wechat  backend article list (appmsg), fresh, 2 pages of begin/count, session cookie
  akfb-rss     RSS 2.0, fresh (pubDate in GMT; the newest crosses midnight into D local)
  akjy-atom    Atom, fresh (published vs updated; one xhtml content)
  jkak-weibo   malformed JSON                                                    -> failed malformed
  akxx-weibo   HTTP 403                                                          -> failed forbidden
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

# Findings rule the truth encodes (the checks must implement the same, thresholds from config).
STALE_DAYS = 14

CST = dt.timezone(dt.timedelta(hours=8))

# credentials_env name -> the value the sample server accepts (sample values, not secrets)
CREDENTIALS: dict[str, str] = {
    "GI_SAMPLE_JKAK_WECHAT_TOKEN": "sample-access-token-jkak-0001",
    "GI_SAMPLE_HBFB_WECHAT_TOKEN": "sample-access-token-hbfb-0002",
    "GI_SAMPLE_AKJY_WECHAT_COOKIE": "slave_user=gh_5a3c0e1f2b44; slave_sid=c2FtcGxlLXNlc3Npb24tYWtqeQ==",
}
_EXPIRED_TOKENS = {CREDENTIALS["GI_SAMPLE_HBFB_WECHAT_TOKEN"]}
_APPMSG_SID = "slave_sid=c2FtcGxlLXNlc3Npb24tYWtqeQ=="

# the units of the sample sites (samplesites/sites/*.py and the dead site's unit)
UNITS: dict[str, tuple[str, str]] = {
    "akzf": ("安康市人民政府办公室", "county"),
    "hbq": ("汉滨区人民政府办公室", "county"),
    "akjyj": ("安康市教育局", "department"),
    "akwjw": ("安康市卫生健康委员会", "department"),
    "akxx": ("安康市信息中心", "department"),
}

LINK_OK_PATH = "/files/2026/zcjd-guide.html"
LINK_404_PATH = "/files/2026/notice-missing.html"


@dataclass
class SampleRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[SampleRequest], Reply]


def _json(data: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _html(status: int, title: str) -> Reply:
    body = (f"<html>\r\n<head><title>{status} {title}</title></head>\r\n<body>\r\n<center><h1>{status} {title}"
            f"</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n").encode()
    return Reply(status, body, "text/html")


def _at(as_of: dt.date, days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local (Beijing) time `days` before as_of."""
    return dt.datetime.combine(as_of - dt.timedelta(days=days), dt.time(hour, minute))


def _unix(local: dt.datetime) -> int:
    return int(local.replace(tzinfo=CST).timestamp())


def _weibo_created(local: dt.datetime) -> str:
    # the API's own form, e.g. "Sat Nov 01 10:00:00 +0800 2026" (English names whatever the locale)
    day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[local.weekday()]
    mon = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[local.month - 1]
    return f"{day} {mon} {local.day:02d} {local:%H:%M:%S} +0800 {local.year}"


@dataclass
class TruthPost:
    id: str
    posted_at: dt.datetime
    pinned: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "posted_at": self.posted_at.isoformat(sep=" "),
                "posted": self.posted_at.date().isoformat(), "pinned": self.pinned}


@dataclass
class AccountTruth:
    id: str
    unit_id: str
    platform: str
    name: str
    url: str
    status: str  # completed | failed
    error_kind: str | None = None
    format: str | None = None
    credentials_env: str | None = None
    posts: list[TruthPost] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)  # {source_url, target_url}

    def registry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": self.id, "platform": self.platform, "name": self.name, "url": self.url}
        if self.credentials_env:
            entry["credentials_env"] = self.credentials_env
        return entry

    def findings(self, as_of: dt.date) -> list[dict[str, str]]:
        """The rule: account_empty when a readable account has no post; account_stale when its newest
        non-pinned post is older than STALE_DAYS days before as_of (pinned posts never count)."""
        if self.status != "completed":
            return []
        if not self.posts:
            return [{"account": self.id, "check": "account_empty", "target": self.url}]
        dated = [p.posted_at for p in self.posts if not p.pinned]
        if not dated or max(dated).date() < as_of - dt.timedelta(days=STALE_DAYS):
            return [{"account": self.id, "check": "account_stale", "target": self.url}]
        return []

    def to_json(self, as_of: dt.date) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id, "platform": self.platform, "name": self.name, "url": self.url,
            "status": self.status, "error_kind": self.error_kind, "format": self.format,
            "credentials_env": self.credentials_env,
            "posts": [p.to_json() for p in self.posts],
            "links": self.links,
            "findings": self.findings(as_of),
        }


# --- Weibo ---------------------------------------------------------------------------------------


@dataclass
class _WeiboPost:
    id: str
    at: dt.datetime
    text: str
    pinned: bool = False
    retweet: bool = False


def _mblog(p: _WeiboPost, screen_name: str, uid: int) -> dict[str, Any]:
    m: dict[str, Any] = {
        "visible": {"type": 0, "list_id": 0},
        "created_at": _weibo_created(p.at),
        "id": p.id, "mid": p.id, "bid": f"P{int(p.id) % 10**9:09d}",
        "can_edit": False, "show_additional_indication": 0,
        "text": p.text,
        "source": "微博 weibo.com",
        "favorited": False, "pic_ids": [], "is_paid": False, "mblog_vip_type": 0,
        "user": {"id": uid, "screen_name": screen_name, "verified": True, "verified_type": 1,
                 "verified_reason": f"{screen_name}官方微博"},
        "reposts_count": 3, "comments_count": 5, "attitudes_count": 12, "pending_approval_count": 0,
        "isLongText": False, "mblogtype": 0, "region_name": "发布于 陕西",
    }
    if p.pinned:
        m["isTop"] = 1
        m["mblogtype"] = 2
        m["title"] = {"text": "置顶", "base_color": 1}
    if p.retweet:
        m["retweeted_status"] = {"id": str(int(p.id) - 777), "text": "转发原文", "user": {"id": 1, "screen_name": "陕西发布"}}
    return m


def _weibo_page(posts: list[_WeiboPost], screen_name: str, uid: int, containerid: str, since_id: str | None,
                total: int) -> dict[str, Any]:
    cards: list[dict[str, Any]] = []
    for p in posts:
        cards.append({"card_type": 9, "itemid": f"{containerid}_-_{p.id}", "scheme": f"https://m.weibo.cn/status/{p.id}",
                      "mblog": _mblog(p, screen_name, uid)})
    info: dict[str, Any] = {"containerid": containerid, "v_p": 42, "show_style": 1, "total": total, "page": None}
    if since_id:
        info["since_id"] = int(since_id)
    return {"ok": 1, "data": {"cardlistInfo": info, "cards": cards, "scheme": ""}}


def _post_id(at: dt.datetime, n: int) -> str:
    # Weibo ids grow with time; derive one from the minute so newer posts sort higher
    return str(4_900_000_000_000_000 + (_unix(at) // 60) * 1000 + n)


@dataclass
class _WeiboAccount:
    pages: list[dict[str, Any]]  # one response per page, the first without since_id
    since_ids: list[str]  # since_ids[i] is the since_id that asks for pages[i + 1]
    end: dict[str, Any] | None = None  # what a since_id past the last page answers


def _weibo_handler(accounts: dict[str, _WeiboAccount | Reply]) -> Handler:
    def handle(req: SampleRequest) -> Reply:
        acc = accounts.get(req.query.get("containerid", ""))
        if acc is None:
            return _json({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
        if isinstance(acc, Reply):
            return acc
        since = req.query.get("since_id", "")
        if not since:
            return _json(acc.pages[0])
        if since in acc.since_ids:
            return _json(acc.pages[acc.since_ids.index(since) + 1])
        return _json(acc.end or {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
    return handle


def _weibo_accounts(as_of: dt.date, base: str) -> tuple[Handler, list[AccountTruth]]:
    api = f"{base}/api/container/getIndex"
    truths: list[AccountTruth] = []

    # akfb-weibo: fresh, a pinned 60-day-old post on top, two pages
    uid = 5800000001
    cid = f"107603{uid}"
    url = f"{api}?type=uid&value={uid}&containerid={cid}"
    ok_link, bad_link = f"{base}{LINK_OK_PATH}", f"{base}{LINK_404_PATH}"
    plan = [
        (60, 9, "【置顶】安康发布 政务服务便民热线12345欢迎您来电咨询、投诉、建议。", True, False),
        (2, 9, "【安康发布】全市秋冬季森林防火工作会议召开。<br />会议要求压实责任、加强巡查。"
               "<a href='/n/安康发布'>@安康发布</a> ", False, False),
        (3, 16, "<a href=\"https://m.weibo.cn/search?containerid=231522type%3D1%26q%3D%23安康天气%23\">"
                "#安康天气#</a>未来三天全市以多云为主，早晚注意添衣。", False, False),
        (5, 10, "转发：陕西省发布冬季取暖安全提示。", False, True),
        (8, 15, "【政策解读】《安康市城乡居民基本医疗保险办法》政策问答，详见"
                f"<a href=\"{ok_link}\" data-hide=\"\"><span class=\"surl-text\">网页链接</span></a>；"
                f"原通知见<a href=\"{bad_link}\"><span class=\"surl-text\">网页链接</span></a>", False, False),
        (9, 11, "安康市2026年第四季度政府开放日活动报名开始。", False, False),
        (12, 10, "全市重点项目建设现场推进会召开。", False, False),
        (15, 17, "安康市图书馆冬季开放时间调整公告。", False, False),
        (21, 9, "十月份全市空气质量通报：优良天数28天。", False, False),
        (30, 10, "安康市第三届职业技能大赛圆满落幕。", False, False),
    ]
    posts = [_WeiboPost(id=_post_id(_at(as_of, d, h), n), at=_at(as_of, d, h), text=t, pinned=pin, retweet=rt)
             for n, (d, h, t, pin, rt) in enumerate(plan)]
    page1, page2 = posts[:6], posts[6:]
    since = str(int(page2[0].id))  # Weibo's since_id is the id the next page starts at
    fresh = _WeiboAccount(
        pages=[_weibo_page(page1, "安康发布", uid, cid, since, len(posts)),
               _weibo_page(page2, "安康发布", uid, cid, None, len(posts))],
        since_ids=[since],
    )
    source = f"{base}/status/{posts[4].id}"
    truths.append(AccountTruth(
        id="akfb-weibo", unit_id="akzf", platform="weibo", name="安康发布", url=url, status="completed",
        format="weibo_container", posts=[TruthPost(p.id, p.at, p.pinned) for p in posts],
        links=[{"source_url": source, "target_url": ok_link}, {"source_url": source, "target_url": bad_link}],
    ))

    # hbfb-weibo: stale; the API answers the since_id of page 2 with its end-of-timeline ok=0
    uid2 = 5800000002
    cid2 = f"107603{uid2}"
    url2 = f"{api}?type=uid&value={uid2}&containerid={cid2}"
    stale_plan = [(20, 10, "汉滨区冬季征兵工作开始。"), (23, 15, "汉滨区召开安全生产专题会议。"),
                  (31, 9, "汉滨区秋季开学工作检查。"), (45, 10, "汉滨区举行国庆升旗仪式。")]
    stale = [_WeiboPost(id=_post_id(_at(as_of, d, h), n), at=_at(as_of, d, h), text=t)
             for n, (d, h, t) in enumerate(stale_plan)]
    end_since = str(int(stale[-1].id) - 1)
    stale_acc = _WeiboAccount(pages=[_weibo_page(stale, "汉滨发布", uid2, cid2, end_since, len(stale))], since_ids=[])
    truths.append(AccountTruth(
        id="hbfb-weibo", unit_id="hbq", platform="weibo", name="汉滨发布", url=url2, status="completed",
        format="weibo_container", posts=[TruthPost(p.id, p.at) for p in stale],
    ))

    # jkak-weibo: the body breaks off mid-object
    cid3 = "1076035800000003"
    truths.append(AccountTruth(
        id="jkak-weibo", unit_id="akwjw", platform="weibo", name="健康安康", status="failed", error_kind="malformed",
        url=f"{api}?type=uid&value=5800000003&containerid={cid3}",
    ))
    broken = Reply(200, b'{"ok":1,"data":{"cardlistInfo":{"containerid":"' + cid3.encode()
                   + b'","since_id":49},"cards":[{"card_type":9,"mblog":{"id":"4900000000000001","created_at":"Sat')

    # akxx-weibo: the platform refuses this client
    cid4 = "1076035800000004"
    truths.append(AccountTruth(
        id="akxx-weibo", unit_id="akxx", platform="weibo", name="安康信息中心", status="failed", error_kind="forbidden",
        url=f"{api}?type=uid&value=5800000004&containerid={cid4}",
    ))
    handler = _weibo_handler({cid: fresh, cid2: stale_acc, cid3: broken, cid4: _html(403, "Forbidden")})
    return handler, truths


# --- WeChat ----------------------------------------------------------------------------------------


def _freepublish_handler(accounts: dict[str, list[dict[str, Any]]]) -> Handler:
    """api.weixin.qq.com/cgi-bin/freepublish/batchget: the token says which account is asking."""

    def handle(req: SampleRequest) -> Reply:
        if req.method != "POST":
            return _json({"errcode": 43002, "errmsg": "require POST method rid: 6565a1b2-1c2d3e4f-5a6b7c8d"})
        token = req.query.get("access_token", "")
        if not token:
            return _json({"errcode": 41001, "errmsg": "access_token missing rid: 6565a1b2-1c2d3e4f-5a6b7c8e"})
        if token in _EXPIRED_TOKENS:
            return _json({"errcode": 42001, "errmsg": "access_token expired rid: 6565a1b2-1c2d3e4f-5a6b7c8f"})
        if token not in accounts:
            return _json({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest "
                                                     "rid: 6565a1b2-1c2d3e4f-5a6b7c90"})
        try:
            sent = json.loads(req.body or b"{}")
            offset, count = int(sent.get("offset", 0)), int(sent.get("count", 20))
        except (ValueError, TypeError, AttributeError):
            return _json({"errcode": 47001, "errmsg": "data format error rid: 6565a1b2-1c2d3e4f-5a6b7c91"})
        items = accounts[token]
        page = items[offset:offset + max(1, min(count, 20))]
        return _json({"total_count": len(items), "item_count": len(page), "item": page})
    return handle


def _appmsg_handler(accounts: dict[str, list[dict[str, Any]]]) -> Handler:
    """mp.weixin.qq.com/cgi-bin/appmsg?action=list_ex: needs the backend session cookie."""

    def handle(req: SampleRequest) -> Reply:
        if _APPMSG_SID not in req.headers.get("cookie", ""):
            return _json({"base_resp": {"ret": 200003, "err_msg": "invalid session"}})
        items = accounts.get(req.query.get("fakeid", ""))
        if items is None or req.query.get("action") != "list_ex":
            return _json({"base_resp": {"ret": 200002, "err_msg": "invalid args"}})
        begin, count = int(req.query.get("begin", "0") or 0), int(req.query.get("count", "5") or 5)
        page = items[begin:begin + max(1, min(count, 20))]
        return _json({"app_msg_cnt": len(items), "app_msg_list": page, "base_resp": {"err_msg": "ok", "ret": 0}})
    return handle


def _wechat_accounts(as_of: dt.date, base: str) -> tuple[dict[str, Handler], list[AccountTruth]]:
    truths: list[AccountTruth] = []
    freepublish_url = f"{base}/cgi-bin/freepublish/batchget"
    published: dict[str, list[dict[str, Any]]] = {CREDENTIALS["GI_SAMPLE_JKAK_WECHAT_TOKEN"]: []}
    truths.append(AccountTruth(
        id="jkak-wechat", unit_id="akwjw", platform="wechat", name="健康安康", url=freepublish_url, status="completed",
        format="wechat_freepublish", credentials_env="GI_SAMPLE_JKAK_WECHAT_TOKEN",
    ))
    truths.append(AccountTruth(
        id="hbfb-wechat", unit_id="hbq", platform="wechat", name="汉滨发布", url=freepublish_url, status="failed",
        error_kind="auth", credentials_env="GI_SAMPLE_HBFB_WECHAT_TOKEN",
    ))

    fakeid = "MzI0NTAwMDAwMQ=="
    appmsg_url = (f"{base}/cgi-bin/appmsg?action=list_ex&begin=0&count=5&fakeid={quote(fakeid, safe='')}"
                  "&type=9&query=&token=1392857446&lang=zh_CN&f=json&ajax=1")
    plan = [  # (days ago, hour, appmsgid, index within the push, title)
        (1, 18, 2247483701, 1, "安康市2026年冬季学校安全工作部署会召开"),
        (1, 18, 2247483701, 2, "寒假前中小学生安全教育提示"),
        (4, 17, 2247483698, 1, "2026年安康市中考体育考试方案解读"),
        (6, 20, 2247483695, 1, "我市3所学校入选省级文明校园"),
        (11, 19, 2247483690, 1, "教师资格认定工作通知"),
        (18, 18, 2247483686, 1, "第四季度教育督导工作简报"),
        (25, 17, 2247483680, 1, "安康教育：秋季学期教学常规检查"),
    ]
    items: list[dict[str, Any]] = []
    posts: list[TruthPost] = []
    for days, hour, mid, idx, title in plan:
        at = _at(as_of, days, hour)
        aid = f"{mid}_{idx}"
        items.append({
            "aid": aid, "album_id": "0", "appmsg_album_infos": [], "appmsgid": mid, "checking": 0,
            "copyright_type": 1, "cover": f"https://mmbiz.qpic.cn/mmbiz_jpg/sample{mid}{idx}/0?wx_fmt=jpeg",
            "create_time": _unix(at), "digest": title[:20], "has_red_packet_cover": 0, "is_pay_subscribe": 0,
            "item_show_type": 0, "itemidx": idx,
            "link": f"http://mp.weixin.qq.com/s?__biz={quote(fakeid, safe='')}&mid={mid}&idx={idx}"
                    f"&sn=5f1c2e{mid % 100000:05d}{idx}&chksm=sample#rd",
            "media_duration": "0:00", "mediaapi_publish_status": 0, "pay_album_info": {"appmsg_album_infos": []},
            "tagid": [], "title": title, "update_time": _unix(at) + 120,
        })
        posts.append(TruthPost(aid, at))
    truths.append(AccountTruth(
        id="akjy-wechat", unit_id="akjyj", platform="wechat", name="安康教育", url=appmsg_url, status="completed",
        format="wechat_appmsg", credentials_env="GI_SAMPLE_AKJY_WECHAT_COOKIE", posts=posts,
    ))
    routes = {
        "/cgi-bin/freepublish/batchget": _freepublish_handler(published),
        "/cgi-bin/appmsg": _appmsg_handler({fakeid: items}),
    }
    return routes, truths


# --- feeds ----------------------------------------------------------------------------------------


def _feeds(as_of: dt.date, base: str) -> tuple[dict[str, Handler], list[AccountTruth]]:
    ok_link = f"{base}{LINK_OK_PATH}"
    rss_url = f"{base}/feeds/akfb.xml"
    rss_plan = [  # (days ago, local hour, title, guid)
        (0, 4, "安康市发布寒潮蓝色预警", "akfb-20261-0131"),  # 20:00 GMT the day before: D 04:00 local
        (3, 10, "安康市优化营商环境十条措施发布", "akfb-20261-0128"),
        (10, 16, "市政府常务会议研究部署冬春农田水利建设", "akfb-20261-0120"),
    ]
    items_xml = []
    rss_posts = []
    for days, hour, title, guid in rss_plan:
        at = _at(as_of, days, hour)
        gmt = email.utils.format_datetime(at.replace(tzinfo=CST).astimezone(dt.UTC), usegmt=True)
        link = f"{base}/xwzx/{guid}.html"
        desc = f"<p>{title}。</p>"
        if days == 3:
            desc += f'<p>解读：<a href="{ok_link}">政策解读</a></p>'
        items_xml.append(f"""    <item>
      <title>{escape(title)}</title>
      <link>{escape(link)}</link>
      <guid isPermaLink="false">{guid}</guid>
      <pubDate>{gmt}</pubDate>
      <description>{escape(desc)}</description>
    </item>""")
        rss_posts.append(TruthPost(guid, at))
    newest = email.utils.format_datetime(_at(as_of, 0, 4).replace(tzinfo=CST).astimezone(dt.UTC), usegmt=True)
    rss = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>安康发布</title>
    <link>{escape(base)}/</link>
    <description>安康市人民政府新闻办公室</description>
    <language>zh-cn</language>
    <lastBuildDate>{newest}</lastBuildDate>
    <atom:link href="{escape(rss_url)}" rel="self" type="application/rss+xml"/>
{chr(10).join(items_xml)}
  </channel>
</rss>
""".encode()

    atom_url = f"{base}/feeds/akjy.atom"
    atom_plan = [  # (days ago, hour, title, entry id, published offset form, content type)
        (5, 9, "安康市教育局关于做好冬季学校安全工作的通知", "tag:jyj.ankang.gov.cn,2026:1101", "+08:00", "html"),
        (9, 15, "全市中小学课后服务工作推进会召开", "tag:jyj.ankang.gov.cn,2026:1097", "Z", "xhtml"),
        (16, 11, "教育系统秋季学期工作总结", "tag:jyj.ankang.gov.cn,2026:1090", "+08:00", "text"),
    ]
    entries = []
    atom_posts = []
    for days, hour, title, eid, form, ctype in atom_plan:
        at = _at(as_of, days, hour)
        if form == "Z":
            published = at.replace(tzinfo=CST).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            published = at.isoformat() + "+08:00"
        # edited a day later: `updated` must not be taken for the publication time
        updated = (at + dt.timedelta(days=1)).isoformat() + "+08:00"
        link = f"{base}/jyj/{eid.rsplit(':', 1)[1]}.html"
        if ctype == "xhtml":
            content = ('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>课后服务推进会。</p>'
                       f'<p>详见<a href="{escape(ok_link)}">实施方案</a></p></div></content>')
        elif ctype == "html":
            content = f'<content type="html">{escape("<p>" + title + "</p>")}</content>'
        else:
            content = f"<summary>{escape(title)}</summary>"
        entries.append(f"""  <entry>
    <title>{escape(title)}</title>
    <link rel="alternate" type="text/html" href="{escape(link)}"/>
    <id>{eid}</id>
    <published>{published}</published>
    <updated>{updated}</updated>
    {content}
  </entry>""")
        atom_posts.append(TruthPost(eid, at))
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>安康教育</title>
  <link rel="self" href="{escape(atom_url)}"/>
  <link rel="alternate" href="{escape(base)}/jyj/"/>
  <id>tag:jyj.ankang.gov.cn,2026:feed</id>
  <updated>{_at(as_of, 4, 15).isoformat()}+08:00</updated>
{chr(10).join(entries)}
</feed>
""".encode()
    rss_source = f"{base}/xwzx/{rss_plan[1][3]}.html"
    atom_source = f"{base}/jyj/{atom_plan[1][3].rsplit(':', 1)[1]}.html"
    truths = [
        AccountTruth(id="akfb-rss", unit_id="akzf", platform="rss", name="安康发布（订阅源）", url=rss_url,
                     status="completed", format="rss", posts=rss_posts,
                     links=[{"source_url": rss_source, "target_url": ok_link}]),
        AccountTruth(id="akjy-atom", unit_id="akjyj", platform="rss", name="安康教育（订阅源）", url=atom_url,
                     status="completed", format="atom", posts=atom_posts,
                     links=[{"source_url": atom_source, "target_url": ok_link}]),
    ]
    routes = {
        "/feeds/akfb.xml": lambda req: Reply(200, rss, "application/rss+xml; charset=utf-8"),
        "/feeds/akjy.atom": lambda req: Reply(200, atom, "application/atom+xml; charset=utf-8"),
    }
    return routes, truths


def _link_targets(base: str) -> dict[str, Handler]:
    page = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>政策解读</title></head>"
            "<body><h1>《安康市城乡居民基本医疗保险办法》政策解读</h1><p>一、制定背景……</p></body></html>").encode()
    return {LINK_OK_PATH: lambda req: Reply(200, page, "text/html; charset=utf-8")}


# --- public API -----------------------------------------------------------------------------------


def generate_accounts(as_of: dt.date, base_url: str) -> tuple[dict[str, Handler], dict[str, Any]]:
    """(routes: path -> handler, truth) for the sample accounts served at base_url."""
    base = base_url.rstrip("/")
    weibo_handler, weibo = _weibo_accounts(as_of, base)
    wechat_routes, wechat = _wechat_accounts(as_of, base)
    feed_routes, feeds = _feeds(as_of, base)
    routes: dict[str, Handler] = {"/api/container/getIndex": weibo_handler, **wechat_routes, **feed_routes,
                                  **_link_targets(base)}
    accounts = weibo + wechat + feeds
    findings = sorted((f for a in accounts for f in a.findings(as_of)), key=lambda f: (f["account"], f["check"]))
    truth = {
        "as_of": as_of.isoformat(),
        "base_url": base,
        "stale_days": STALE_DAYS,
        "credentials": dict(CREDENTIALS),
        "accounts": {a.id: a.to_json(as_of) for a in accounts},
        "link_results": {f"{base}{LINK_OK_PATH}": {"ok": True, "status": 200},
                         # the future link_broken finding of akfb-weibo
                         f"{base}{LINK_404_PATH}": {"ok": False, "status": 404}},
        "findings": findings,
        "registry": registry_units(accounts),
    }
    return routes, truth


def registry_units(accounts: list[AccountTruth]) -> list[dict[str, Any]]:
    """Units (ids, names and kinds of the sample sites' units) carrying only their accounts."""
    units: dict[str, dict[str, Any]] = {}
    for a in accounts:
        name, kind = UNITS[a.unit_id]
        units.setdefault(a.unit_id, {"id": a.unit_id, "name": name, "kind": kind, "accounts": []})
        units[a.unit_id]["accounts"].append(a.registry())
    return list(units.values())


def merge_registry(data: dict[str, Any], units: list[dict[str, Any]]) -> dict[str, Any]:
    """Add the accounts of `units` (truth["registry"]) to a registry dict (sites.yaml as loaded):
    into the unit with the same id, or as a new unit."""
    by_id = {u["id"]: u for u in data.setdefault("units", [])}
    for unit in units:
        target = by_id.get(unit["id"])
        if target is None:
            data["units"].append({**unit, "accounts": list(unit["accounts"])})
        else:
            target.setdefault("accounts", []).extend(unit["accounts"])
    return data


def sample_env() -> dict[str, str]:
    """The environment the sample accounts' credentials_env names must be set to."""
    return dict(CREDENTIALS)


__all__ = ["CREDENTIALS", "Reply", "SampleRequest", "generate_accounts", "merge_registry", "registry_units",
           "sample_env"]
