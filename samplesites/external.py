"""The outside world a sample site links to and the defects found there (issue 16's link and 解读
checks), planted by the sites through the helpers below:

- an "expired domain": a former department site's host, now serving a gambling page, served on
  its own loopback address (`EXTERNAL_ID` in the bindings; never a registered site). A portal's
  友情链接 block still links it (prohibited_link), and a link hidden in a `display:none` block
  points at another gambling page of it (hidden_link, and prohibited_link for its content);
  beside them a link pushed off-screen to one of the portal's own articles, which is no 暗链;
- a 政策解读 column whose first 解读 and its policy document link each other and whose second
  解读 links its document without a link back (interpretation_unlinked on that document);
- the findings every site gets from its registration: an IPv4 address cannot be reached over
  IPv6 (ipv6_missing), and a site publishing policy documents without a 政策解读 column
  (interpretation_unlinked on its homepage).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from samplesites.builder import Article, Column, Page
from samplesites.truth import TruthBook

EXTERNAL_ID = "ext-expired"
DEFAULT_EXTERNAL_BINDING = ("127.0.2.240", 8080)
HIDDEN_PATH = "vip/index.html"
INTERPRETATION_WORDS = ("政策解读", "解读")

_CASINO = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta name="keywords" content="百家乐,真人娱乐,体育投注,时时彩"></head>
<body><div class="top">{title}</div>
<p>注册即送彩金88元，百家乐、真人娱乐、体育投注、时时彩、老虎机应有尽有，在线下注秒到账。</p>
<p>本站域名已更换，请收藏最新地址。24小时在线客服。</p></body></html>"""


def write_expired_domain(root: Path) -> None:
    """The expired domain's pages under root/EXTERNAL_ID (served like a sample site)."""
    base = root / EXTERNAL_ID
    (base / "vip").mkdir(parents=True, exist_ok=True)
    (base / "index.html").write_text(_CASINO.format(title=html.escape("澳门新葡京-百家乐-真人娱乐城官网")),
                                     encoding="utf-8")
    (base / HIDDEN_PATH).write_text(_CASINO.format(title=html.escape("皇冠体育-在线投注-VIP通道")), encoding="utf-8")


def friend_links(page: Page, base_urls: dict[str, str], book: TruthBook, site_id: str, own: Article) -> str:
    """A homepage's 友情链接 block with the hijacked link, the hidden one and a hidden link to the
    site's own article `own` (linked nowhere else on the homepage), their findings recorded; "" when
    the expired domain is not served in this run."""
    ext = base_urls.get(EXTERNAL_ID)
    if ext is None:
        return ""
    hijacked = page.a(ext, "安康市移民搬迁工作局", target="_blank")
    hidden = page.a(ext + HIDDEN_PATH, "真人娱乐")
    own_link = page.a(own.path, own.title)
    home = page.site.home
    book.finding(site_id, "prohibited_link", page.site.url(ext), home)
    book.finding(site_id, "prohibited_link", page.site.url(ext + HIDDEN_PATH), home)
    book.finding(site_id, "hidden_link", page.site.url(ext + HIDDEN_PATH), home)
    return (f'<div class="yqlj"><h3>友情链接</h3><ul><li>{hijacked}</li></ul>\n'
            f'<div style="display:none">{hidden}</div>\n'
            f'<div class="skip" style="position:absolute;left:-9999px">{own_link}</div></div>')


def interpretations(jd: Column, docs: list[Article], make_path: Any, book: TruthBook, site_id: str,
                    url_of: Any) -> None:
    """Two 解读 of the newest two policy documents into `jd`: the first linked both ways, the
    second only from the 解读 to the document (the document's finding is recorded)."""
    for i, doc in enumerate(docs[:2]):
        d = doc.date
        art = Article(f"《{doc.title}》政策解读", make_path(d), d, source=doc.source)
        art.paragraphs = [f"近日，《{doc.title}》正式印发。为便于社会公众理解，现就有关内容解读如下。",
                          "一、制定背景。二、主要内容。三、政策亮点。四、实施时间。"]
        art.related.append((doc.path, f"原文：{doc.title}"))
        if i == 0:
            doc.related.append((art.path, f"政策解读：{doc.title}"))
        else:
            book.finding(site_id, "interpretation_unlinked", url_of(doc.path), url_of(doc.path))
        jd.items.append(art)


def registration_findings(book: TruthBook, site_id: str, home: str, columns: list[dict[str, Any]]) -> None:
    """What a sample site's registration gives: no IPv6 at an IPv4 address; no 政策解读 column while
    publishing policy documents."""
    book.finding(site_id, "ipv6_missing", home, home)
    lists = [c for c in columns if c["kind"] == "list"]
    if any(w in c["name"] for c in lists for w in INTERPRETATION_WORDS):
        return
    if any(c["category"] == "policy" and c["items"] for c in lists):
        book.finding(site_id, "interpretation_unlinked", home, home)


BACKDATED_AGE = 40  # days before the as-of date: before the previous scan (7 days earlier)
HONEST_AGE = 0  # dated the as-of day: after any previous scan


def backdated_items(col: Column, as_of: dt.date, book: TruthBook, site_id: str, url_of: Any) -> None:
    """Between two scans a column gains two items: one dated after the previous scan (honest) and one
    dated well before it (伪造发稿日期, backdated_item). Fixed paths and text, no random draw, so the
    rest of the site stays as the previous scan saw it."""
    for age, serial, title in ((HONEST_AGE, 9990001, "市政府召开常务会议研究部署近期重点工作"),
                               (BACKDATED_AGE, 9990002, "市政府专题研究部署防汛救灾工作")):
        d = as_of - dt.timedelta(days=age)
        art = Article(title, f"{col.path}{d:%Y%m}/t{d:%Y%m%d}_{serial}.html", d, source="安康日报")
        art.paragraphs = [f"{d.month}月{d.day}日，市政府召开会议，研究部署相关工作。", "会议要求，各县区、各部门要压实责任，抓好落实。"]
        col.items.append(art)
        if age == BACKDATED_AGE:
            book.finding(site_id, "backdated_item", url_of(art.path), url_of(art.path))
    col.items.sort(key=lambda a: a.date, reverse=True)
