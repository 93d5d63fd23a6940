"""What the generated sites contain, recorded while the HTML is written (never re-parsed).

One `SiteTruth` per site collects its columns, list items, homepage items, detail metadata,
links and planted broken targets; `TruthBook` holds every site plus the planted findings and
serialises the lot as truth.json (see CONTRACT.md for the meaning of each field). Beyond the
contract, each site also lists `pages`: every crawlable HTML page URL with its kind (home, column,
list, detail, other) -- the pages whose links `links` covers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from core.urls import canonical

SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:")
SKIP_LINK_RELS = {"dns-prefetch", "preconnect"}
ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".wps", ".txt", ".ppt", ".pptx",
                   ".et", ".ofd")
PAGE_EXTS = (".html", ".htm", ".shtml")
_COLUMN_BASENAMES = ("index", "list", "default")
_COLUMN_EXTS = ("html", "htm", "shtml", "jsp", "aspx", "php")


def resolve(base: str, value: str) -> str | None:
    """An href/src as the crawler records it: absolute and canonical; None when the contract skips it."""
    value = value.strip()
    if not value or value.startswith("#") or value.lower().startswith(SKIP_SCHEMES):
        return None
    url = urljoin(base, value)
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return canonical(url)


def is_column_like(url: str) -> bool:
    path = urlsplit(url).path
    if not path or path.endswith("/"):
        return True
    name = path.rsplit("/", 1)[-1].lower()
    stem, _, ext = name.rpartition(".")
    if ext not in _COLUMN_EXTS:
        return False
    base, _, num = stem.partition("_")
    return base in _COLUMN_BASENAMES and (not num or num.isdigit())


def is_article_like(url: str) -> bool:
    if is_column_like(url):
        return False
    path = urlsplit(url).path.lower()
    return path.endswith(PAGE_EXTS) or path.endswith(ATTACHMENT_EXTS)


@dataclass
class LinkRecord:
    source: str
    target: str
    tag: str
    attr: str
    # every (region, compact anchor text) it occurs with on the source page, for the generator's
    # own column checks; region is body | nav | side | header | footer as the template declares it
    uses: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class SiteTruth:
    site_id: str
    unit: str
    name: str
    url: str
    encoding: str | None
    reachable: bool = True
    columns: list[dict[str, Any]] = field(default_factory=list)
    homepage_items: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, dict[str, str]] = field(default_factory=dict)
    links: dict[tuple[str, str, str, str], LinkRecord] = field(default_factory=dict)
    broken: dict[str, dict[str, Any]] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)  # crawlable html page url -> kind

    def add_link(self, source: str, value: str, tag: str, attr: str, *, anchor: str = "",
                 region: str = "body", rel: str = "") -> str | None:
        if tag == "link" and set(rel.lower().split()) & SKIP_LINK_RELS:
            return None
        target = resolve(source, value)
        if target is None:
            return None
        key = (source, target, tag, attr)
        rec = self.links.get(key)
        if rec is None:
            rec = self.links[key] = LinkRecord(source, target, tag, attr)
        rec.uses.add((region, "".join(anchor.split())))
        return target

    def add_broken(self, url: str, error_class: str, status: int | None) -> None:
        self.broken[canonical(url)] = {"url": canonical(url), "error_class": error_class, "status": status}

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "url": self.url,
            "encoding": self.encoding,
            "reachable": self.reachable,
            "columns": self.columns,
            "homepage_items": self.homepage_items,
            "details": self.details,
            "links": [{"source": r.source, "target": r.target, "tag": r.tag, "attr": r.attr}
                      for r in self.links.values()],
            "broken": list(self.broken.values()),
            "pages": dict(sorted(self.pages.items())),
        }


@dataclass
class TruthBook:
    as_of: dt.date
    sites: dict[str, SiteTruth] = field(default_factory=dict)
    findings: list[dict[str, str]] = field(default_factory=list)

    def site(self, truth: SiteTruth) -> SiteTruth:
        self.sites[truth.site_id] = truth
        return truth

    def finding(self, site: str, check: str, target: str, url: str | None = None) -> None:
        entry = {"site": site, "check": check, "target": target}
        if url is not None:
            entry["url"] = url
        if entry not in self.findings:
            self.findings.append(entry)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "sites": {sid: s.to_json() for sid, s in self.sites.items()},
            "findings": sorted(self.findings, key=lambda f: (f["site"], f["check"], f["target"], f.get("url", ""))),
        }
