"""footer_missing — a mark the homepage must show is absent: site_code (政府网站标识码), icp
(ICP备案号), conac (党政机关网站标识, the badge linking to bszs.conac.cn), police (公安机关备案号).

Indicator: 页面底部标识 (扣分 W-D9, [C]): 「未在全站页面底部功能区清晰列明党政机关网站标识、网站标识码、
ICP备案编号、公安机关备案标识…」; formats from indicators.md §6.1–6.3.

Reads the homepage only: Page.text + Page.script_text (what document.write would write, so the
Hanweb /script/0/….js footers and the conac loader count), Page.meta and the Links from the
homepage.
- site_code: 网站标识码/网站标识号 followed by 10 digits or bm + 8 digits, or <meta name=SiteIDCode>,
  or the 找错 entry's site code (a `site_code=` link, or page.meta['jiucuo_sitecode'] when the
  crawler records the `_jiucuo_` script's sitecode).
- icp: an ICP备NNNN号 text, or a beian.miit.gov.cn link whose text contains ICP.
- conac: a link to bszs.conac.cn or a dcs.conac.cn script (as a link or written by a script).
- police: 公网安备 / 公安机关备案 text, or a beian.gov.cn / beian.mps.gov.cn link.
Target: the mark id; url: the homepage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from checks.base import Check, CheckConfig, CheckContext, FindingDraft
from db.linksources import seqs_of
from db.models import Link

Mark = Literal["site_code", "icp", "conac", "police"]
MARK_NAMES = {"site_code": "政府网站标识码", "icp": "ICP备案号", "conac": "党政机关网站标识", "police": "公安机关备案号"}

_TAGS = re.compile(r"<[^>]*>")
_WS = re.compile(r"[\s\u3000\xa0]+")
SITE_CODE = re.compile(r"网站标识\s*[码号]\s*[:：]?\s*(\d{10}|bm\d{8})(?![0-9])", re.I)
_CODE_VALUE = re.compile(r"^(?:\d{10}|bm\d{8})$", re.I)
ICP = re.compile(r"ICP\s*备\s*\d{6,10}\s*号", re.I)
POLICE = re.compile(r"公\s*网\s*安\s*备|公安机关备案|公安备案")


class Config(CheckConfig):
    required: list[Mark] = ["site_code", "icp", "conac", "police"]


def flatten(text: str) -> str:
    """Text with markup removed (京<span>ICP</span>备 -> 京ICP备) and whitespace runs as one space."""
    return _WS.sub(" ", _TAGS.sub("", text or ""))


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def find_marks(text: str, script_text: str, meta: dict, links: list[Link]) -> dict[str, str]:
    """mark -> where it was seen, for each mark present."""
    found: dict[str, str] = {}
    flat = flatten(text) + " " + flatten(script_text)
    raw_script = script_text or ""
    m = SITE_CODE.search(flat)
    if m:
        found["site_code"] = f"text:{m.group(1)}"
    tags = meta.get("meta") or {}
    if "site_code" not in found and _CODE_VALUE.match(str(tags.get("SiteIDCode", "")).strip()):
        found["site_code"] = f"meta SiteIDCode:{tags['SiteIDCode'].strip()}"
    jiucuo = str(meta.get("jiucuo_sitecode") or "").strip()
    if "site_code" not in found and _CODE_VALUE.match(jiucuo):
        found["site_code"] = f"_jiucuo_ sitecode:{jiucuo}"
    m = ICP.search(flat)
    if m:
        found["icp"] = f"text:{m.group(0)}"
    m = POLICE.search(flat)
    if m:
        found["police"] = f"text:{m.group(0)}"
    if "dcs.conac.cn" in raw_script or "bszs.conac.cn" in raw_script:
        found["conac"] = "script_text"
    for link in links:
        host = _host(link.target_url)
        if "site_code" not in found:
            code = (parse_qs(urlsplit(link.target_url).query).get("site_code") or [""])[0]
            if _CODE_VALUE.match(code):
                found["site_code"] = f"link:{link.target_url}"
        if "conac" not in found and (host == "bszs.conac.cn" or (host == "dcs.conac.cn" and link.tag == "script")):
            found["conac"] = f"link:{link.target_url}"
        if "police" not in found and host in ("beian.gov.cn", "www.beian.gov.cn", "beian.mps.gov.cn"):
            found["police"] = f"link:{link.target_url}"
        if "icp" not in found and host.endswith("beian.miit.gov.cn") and "icp" in (link.anchor or "").lower():
            found["icp"] = f"link:{link.target_url}"
    return found


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    for site_id in ctx.sites:
        page = ctx.home_page(site_id)
        if page is None:
            continue  # nothing read: site_unreachable's business
        home = ctx.home_url(site_id)
        links = list(ctx.session.scalars(
            select(Link).where(Link.run_id == ctx.run_id, Link.site_id == site_id,
                               Link.source_seq.in_(seqs_of(ctx.run_id, [page.url_hash])))
        ))
        found = find_marks(page.text, page.script_text, page.meta or {}, links)
        for mark in cfg.required:
            if mark in found:
                continue
            evidence = {"mark": mark, "mark_name": MARK_NAMES[mark], "page": home, "found": found,
                        "footer_text": _footer_tail(page.text)}
            yield FindingDraft(site_id, mark, home, f"首页底部未列明{MARK_NAMES[mark]}", evidence)


def _footer_tail(text: str, n: int = 300) -> str:
    """The end of the homepage text, where the footer is, for the inspector to glance at."""
    return " ".join((text or "").split())[-n:]


CHECK = Check(id="footer_missing", config=Config, run=run, doc=__doc__ or "")
