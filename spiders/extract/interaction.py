"""政务咨询 pages (互动回应差): the messages of a letter box's list and detail pages (留言时间,
答复时间, 状态), and whether a channel page offers a way to write (a form, or a link to the write
page or the city's platform).

List shapes (real sites): a table whose header names the columns (来信主题 | 状态 | 时间 | 受理单位,
标题 | 留言时间 | 答复时间 | 办理状态); or one block per message (li, dl, tbody, div) with inline labels
(「<span>留言时间：</span><span>2025-04-27</span>」, 「状态：已办结」). Detail shapes: label/value table
cells (「<td class="row-prompt">来信时间:</td><td>…</td>」), definition lists, inline 「办理状态：已办结」.
Messages without a date or a reply field are returned as read; the checks decide what they prove.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from parsel import Selector

from spiders.extract.dates import parse_date_ex
from spiders.extract.labels import LabelSet, label_values, labelled, page_lines
from spiders.extract.links import Resolver, anchor_text
from spiders.extract.regions import BODY, SIDE, regions_for
from spiders.extract.text import collapse, compact
from spiders.extract.urls import base_url

MESSAGE_LABELS = LabelSet({
    "asked": ("留言时间", "来信时间", "提问时间", "咨询时间", "写信时间", "发信时间", "提交时间", "投诉时间", "诉求时间",
              "留言日期", "来信日期", "提问日期"),
    "answered": ("答复时间", "回复时间", "办结时间", "反馈时间", "回复日期", "答复日期", "办理时间", "处理时间"),
    "status": ("办理状态", "办事状态", "信件状态", "处理状态", "回复状态", "答复状态", "状态"),
    "reply": ("答复内容", "回复内容", "答复意见", "回复意见", "处理情况", "办理结果", "处理结果", "办理情况", "答复"),
})
# a table header's generic columns: one date column named 时间/日期 is when the message was left
_TITLE_HEADERS = ("标题", "主题", "事项", "内容", "信件")
_GENERIC_DATE_HEADERS = ("时间", "日期")

# status words, pending first: 未办结 contains 办结
PENDING = ("未办结", "未答复", "未回复", "未处理", "未反馈", "办理中", "处理中", "受理中", "待处理", "待回复", "待答复",
           "待办理", "已受理", "已转办", "转办中", "交办中", "审核中")
ANSWERED = ("已办结", "已答复", "已回复", "已处理", "已反馈", "已完成", "办结", "已解决", "已公开")
NO_REPLY = ("暂无", "暂未回复", "暂未答复", "未回复", "无", "-", "—", "/")

WRITE_WORDS = ("我要写信", "我要留言", "我要咨询", "我要提问", "我要投诉", "写信", "在线留言", "提交留言", "在线咨询",
               "我要建言", "发表留言")
_SEARCH_FIELDS = re.compile(r"search|keyword|query|^q$|^wd$|sousuo|ss", re.I)


def status_kind(text: str | None) -> str | None:
    """"answered" | "pending" | None (no recognisable status)."""
    t = compact(text)
    if not t:
        return None
    if any(w in t for w in PENDING):
        return "pending"
    if any(w in t for w in ANSWERED):
        return "answered"
    return None


@dataclass
class Message:
    url: str | None
    title: str
    asked: dt.date | None = None
    answered: dt.date | None = None
    status: str | None = None  # as written (已办结, 办理中)
    replied: bool | None = None  # a reply text shown (True), a reply field left empty (False)

    def to_meta(self) -> dict[str, Any]:
        d = asdict(self)
        d["asked"] = self.asked.isoformat() if self.asked else None
        d["answered"] = self.answered.isoformat() if self.answered else None
        d["state"] = status_kind(self.status)  # answered | pending | None, for the checks
        return d


def _date(value: str, as_of: dt.date | None) -> dt.date | None:
    d, _, form = parse_date_ex(value, as_of=as_of)
    return d if form in ("full", "split", "short") else None


def _from_values(values: dict[str, tuple[str, str]], as_of: dt.date | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "asked" in values:
        out["asked"] = _date(values["asked"][1], as_of)
    if "answered" in values:
        out["answered"] = _date(values["answered"][1], as_of)
    if "status" in values and values["status"][1]:
        out["status"] = collapse(values["status"][1])[:40]
    if "reply" in values:
        text = compact(values["reply"][1])
        out["replied"] = bool(text) and text not in NO_REPLY
    return out


# --- detail pages ---------------------------------------------------------------------------


def message_detail(sel: Selector, as_of: dt.date | None = None, lines: list[str] | None = None) -> dict[str, Any] | None:
    """{asked, answered, status, replied} of a letter's detail page (ISO dates), or None when the
    page shows neither when the message was left nor a status or reply time. `lines`: the page's
    page_lines(), when the caller has them already."""
    values = labelled(sel, page_lines(sel) if lines is None else lines, MESSAGE_LABELS)
    got = _from_values(values, as_of)
    if got.get("asked") is None and got.get("answered") is None and "status" not in got:
        return None
    msg = Message(url=None, title="", **got)
    out = msg.to_meta()
    del out["url"], out["title"]
    return out


# --- list pages -----------------------------------------------------------------------------


def _header_keys(cells: Sequence[str]) -> dict[int, str] | None:
    keys: dict[int, str] = {}
    for i, raw in enumerate(cells):
        cell = compact(raw).rstrip(":：")
        if not cell or len(cell) > 8:
            continue
        found = None
        for key in ("asked", "answered", "status"):
            if any(lb == cell for lb in MESSAGE_LABELS.labels[key]):
                found = key
        if found is None and cell in _GENERIC_DATE_HEADERS:
            found = "date"
        if found is None and any(w in cell for w in _TITLE_HEADERS):
            found = "title"
        if found is not None and found not in keys.values():
            keys[i] = found
    if not ({"asked", "answered", "status"} & set(keys.values())):
        return None
    if "date" in keys.values():  # the lone 时间 column is the 留言时间 unless one is named
        i = next(k for k, v in keys.items() if v == "date")
        if "asked" in keys.values():
            del keys[i]
        else:
            keys[i] = "asked"
    return keys


def _cells(tr: Any) -> list[Any]:
    return [c for c in tr if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]


def _row_link(el: Any, resolve: Callable[[str | None], str | None]) -> tuple[str, str] | None:
    for a in el.iter("a"):
        url = resolve(a.get("href"))
        if url:
            return url, anchor_text(a) or collapse(a.get("title"))
    return None


def _table_messages(root: Any, resolve: Callable[[str | None], str | None],
                    as_of: dt.date | None) -> list[Message]:
    out: list[Message] = []
    for table in root.iter("table"):
        rows = [tr for tr in table.iter("tr")]
        keys: dict[int, str] | None = None
        for tr in rows:
            cells = _cells(tr)
            if keys is None:
                keys = _header_keys([collapse("".join(c.itertext())) for c in cells])
                continue
            link = _row_link(tr, resolve)
            if link is None or len(cells) < len(keys):
                continue
            msg = Message(url=link[0], title=link[1])
            for i, key in keys.items():
                if i >= len(cells):
                    continue
                text = collapse("".join(cells[i].itertext()))
                if key == "asked":
                    msg.asked = _date(text, as_of)
                elif key == "answered":
                    msg.answered = _date(text, as_of)
                elif key == "status":
                    msg.status = text[:40] or None
                elif key == "title" and not msg.title:
                    msg.title = text
            out.append(msg)
    return out


_BLOCKS = ("li", "dl", "tbody", "tr", "div")


def _block_messages(root: Any, resolve: Callable[[str | None], str | None],
                    as_of: dt.date | None, skip: set[str]) -> list[Message]:
    """One message per smallest block that holds one link and a labelled date or status."""
    regions = regions_for(root)
    out: list[Message] = []
    seen: set[str] = set(skip)
    for a in root.iter("a"):
        url = resolve(a.get("href"))
        if not url or url in seen or regions.of(a) not in (BODY, SIDE):
            continue
        block = a.getparent()
        while block is not None and not (isinstance(block.tag, str) and block.tag.lower() in _BLOCKS):
            block = block.getparent()
        # widen to the block that carries the labels (the title cell of a two-row tbody)
        while block is not None:
            links = {resolve(x.get("href")) for x in block.iter("a")} - {None}
            if len(links) > 1:
                block = None
                break
            got = _from_values(label_values(page_lines(block, skip_chrome=False), MESSAGE_LABELS), as_of)
            if got.get("asked") or got.get("answered") or got.get("status"):
                seen.add(url)
                out.append(Message(url=url, title=anchor_text(a), **got))
                break
            block = block.getparent()
            while block is not None and not (isinstance(block.tag, str) and block.tag.lower() in _BLOCKS):
                block = block.getparent()
    return out


def message_list(sel: Selector, page_url: str, as_of: dt.date | None = None) -> list[Message]:
    """The messages a letter box's list page shows, in page order (tables first)."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return []
    resolve = Resolver(base_url(sel, page_url))
    rows = _table_messages(root, resolve, as_of)
    rows += _block_messages(root, resolve, as_of, {m.url for m in rows if m.url})
    return rows


# --- channels -------------------------------------------------------------------------------


def _form_kind(form: Any) -> str | None:
    """"letter" for a form a citizen can write in (a textarea, or two text fields and a submit),
    None for a search box or a login form."""
    fields = [el for el in form.iter("input", "textarea", "select")]
    if any(el.tag.lower() == "textarea" for el in fields):
        return "letter"
    texts = [el for el in fields if el.tag.lower() == "input"
             and (el.get("type") or "text").lower() in ("text", "tel", "email", "")]
    if any(_SEARCH_FIELDS.search(el.get("name") or el.get("id") or "") for el in texts) and len(texts) <= 2:
        return None
    if any((el.get("type") or "").lower() == "password" for el in fields):
        return None
    return "letter" if len(texts) >= 2 else None


def channel_page(sel: Selector, page_url: str, is_internal: Callable[[str], bool],
                 names: Callable[[str], bool]) -> dict[str, Any]:
    """What a consultation channel page offers: `form` (a letter form is on the page, with its
    action), `write_links` (我要写信 / 我要留言 … links) and `platform_links` (links off the site whose
    text names a consultation channel, such as the city's 12345 platform)."""
    root = sel.root
    out: dict[str, Any] = {"form": False, "form_action": None, "write_links": [], "platform_links": []}
    if not isinstance(getattr(root, "tag", None), str):
        return out
    resolve = Resolver(base_url(sel, page_url))
    regions = regions_for(root)
    for form in root.iter("form"):
        if regions.of(form) in (BODY, SIDE) and _form_kind(form):
            out["form"] = True
            out["form_action"] = resolve(form.get("action")) or page_url
            break
    seen: set[str] = set()
    for a in root.iter("a"):
        url = resolve(a.get("href"))
        if not url or url in seen or url == page_url:
            continue
        text = compact(anchor_text(a))
        if not text:
            continue
        if any(w in text for w in WRITE_WORDS):
            seen.add(url)
            out["write_links"].append({"name": text[:40], "url": url})
        elif not is_internal(url) and names(text):
            seen.add(url)
            out["platform_links"].append({"name": text[:40], "url": url})
    out["write_links"] = out["write_links"][:10]
    out["platform_links"] = out["platform_links"][:10]
    return out


def home_channels(links: Iterable[Any], names: Callable[[str], bool], limit: int = 20) -> list[dict[str, str]]:
    """The homepage's entries to consultation channels: its `a` links whose text names one
    (领导信箱, 12345, 我要咨询 …), each URL once, in page order."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for link in links:
        if link.tag not in ("a", "area") or link.url in seen:
            continue
        text = compact(link.anchor)
        if text and (names(text) or any(w in text for w in WRITE_WORDS)):
            seen.add(link.url)
            out.append({"name": text[:40], "url": link.url})
            if len(out) >= limit:
                break
    return out
