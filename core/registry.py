"""The site registry (config/sites.yaml) and the crawl's column rules (config/columns.yaml).

Both are pydantic models loaded through `yamlconf`, so an error names the file, the line and the
field. Thresholds and points of the indicators live in config/indicators.yaml (see checks/).
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from core.urls import DEFAULT_SESSION_PARAMS
from core.yamlconf import ConfigError, LineDict, LineList, load_yaml, validate

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEFAULT_REGISTRY = CONFIG_DIR / "sites.yaml"
DEFAULT_COLUMN_RULES = CONFIG_DIR / "columns.yaml"

Category = Literal["news", "notice", "policy", "personnel", "planning", "disclosure", "interaction", "service", "other"]
DisclosureSection = Literal["guide", "rules", "statutory", "annual_report", "application"]

_ID = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class Strict(BaseModel):
    # .inf and .nan are numbers to YAML; never a sane timeout or size
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# upper bounds of the crawl's numbers: beyond them a value is a typo (1e26 bytes, a 10-year timeout),
# and Scrapy or Twisted would overflow or wait forever on it
MAX_TIMEOUT_S = 600.0
MAX_PAGES = 1_000_000
MAX_DEPTH = 100
MAX_BYTES = 1024**3


def _check_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValueError(f"bad port in URL: {value!r}") from None
    return value


# an http(s) URL as written (validated; an error names the list index)
HttpUrlStr = Annotated[str, AfterValidator(_check_url)]


class ColumnConfig(Strict):
    name: str
    url: str
    category: Category | None = None

    _url = field_validator("url")(classmethod(lambda cls, v: _check_url(v)))


class SiteConfig(Strict):
    id: str = Field(pattern=_ID)
    name: str
    url: str
    hosts: list[str] = []
    columns: list[ColumnConfig] = []
    render: Literal["auto", "static", "js"] = "auto"
    robots: Literal["obey", "ignore"] | None = None  # None: the crawl default
    max_pages: int | None = Field(default=None, ge=1, le=MAX_PAGES)
    max_depth: int | None = Field(default=None, ge=0, le=MAX_DEPTH)
    concurrency: int | None = Field(default=None, ge=1, le=32)

    _url = field_validator("url")(classmethod(lambda cls, v: _check_url(v)))

    @property
    def host_names(self) -> set[str]:
        """Every host that counts as this site (the URL's plus the configured aliases)."""
        names = {(urlsplit(self.url).hostname or "").lower()}
        names.update(h.strip().lower() for h in self.hosts if h.strip())
        return names


class AccountConfig(Strict):
    id: str = Field(pattern=_ID)
    platform: Literal["weibo", "wechat", "rss"]
    name: str
    url: str
    # a reference to where the unit's credentials live (an environment variable name), never the secret
    credentials_env: str | None = None

    _url = field_validator("url")(classmethod(lambda cls, v: _check_url(v)))


class UnitConfig(Strict):
    id: str = Field(pattern=_ID)
    name: str
    kind: Literal["county", "department"]
    sites: list[SiteConfig] = []
    accounts: list[AccountConfig] = []


class RenderConfig(Strict):
    """JavaScript rendering in Chromium (scrapy-playwright). A page is rendered when its site says
    `render: js`, or (`render: auto`) when a column page's list is empty while its scripts fill it.
    The browser starts on the first page that needs it; a crawl of static sites never starts one."""

    enabled: bool = True  # false: never start a browser (render: js/auto sites are read statically)
    # None: Playwright's own Chromium when installed (`playwright install chromium`), else the
    # system's (/usr/bin/chromium, `apt-get install chromium`)
    executable_path: str | None = None
    max_pages: int = Field(default=4, ge=1, le=64)  # browser pages open at once (all sites together)
    timeout: float = Field(default=20.0, gt=0, le=MAX_TIMEOUT_S)  # seconds for a page to load in the browser
    # after the load event, wait up to this long for the page's own requests (XHR/fetch) to settle
    idle_timeout: float = Field(default=5.0, ge=0, le=MAX_TIMEOUT_S)
    # resource types the browser never downloads (Playwright names: image, font, media, ...)
    block_resources: list[str] = ["image", "font", "media"]
    # JSON responses a rendered page receives are kept (to find the list's API) up to this size
    max_json_bytes: int = Field(default=2 * 1024 * 1024, ge=1024, le=MAX_BYTES)


class ScreenshotConfig(Strict):
    """Evidence screenshots (PNG) of the pages behind column_empty / column_stale / site_unreachable
    findings, taken while crawling (checks never touch the network) and stored in the database."""

    enabled: bool = True
    max_bytes: int = Field(default=400_000, ge=10_000, le=MAX_BYTES)  # a bigger PNG is retaken with a shorter clip
    width: int = Field(default=1280, ge=320, le=3840)
    height: int = Field(default=900, ge=240, le=4000)


class CrawlConfig(Strict):
    """Crawl-wide defaults; each can be overridden per site where SiteConfig has the field."""

    concurrency_per_site: int = Field(default=4, ge=1, le=32)
    concurrency_total: int = Field(default=32, ge=1, le=512)
    autothrottle: bool = True
    download_timeout: float = Field(default=15.0, gt=0, le=MAX_TIMEOUT_S)  # the indicator's 15 s
    # the day a scan's as-of date defaults to is today in this zone (the indicators' local days)
    timezone: str = "Asia/Shanghai"
    retry_times: int = Field(default=2, ge=0, le=10)
    # Retry-After longer than this is not waited for; the URL is recorded as failed with the reason
    max_retry_after: float = Field(default=60.0, ge=0, le=MAX_TIMEOUT_S)
    robots: Literal["obey", "ignore"] = "obey"
    max_pages: int = Field(default=5000, ge=1, le=MAX_PAGES)  # per site
    max_depth: int = Field(default=8, ge=0, le=MAX_DEPTH)
    max_list_pages: int = Field(default=200, ge=1, le=MAX_PAGES)  # per column
    max_redirects: int = Field(default=10, ge=1, le=50)
    max_page_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=MAX_BYTES)
    check_external: bool = True
    user_agent: str = "govinspect/0.1 (government website inspection crawler; +https://github.com/govinspect/govinspect)"
    session_params: list[str] = list(DEFAULT_SESSION_PARAMS)
    # When set, only URLs whose host is an IP literal inside these networks (or "localhost") are
    # requested; everything else is recorded as skipped. The demo and tests set 127.0.0.0/8 so a
    # footer link to bszs.conac.cn is never looked up from a sandbox.
    only_networks: list[str] = []
    # Loopback, private, link-local and metadata addresses are requested only at a host and port
    # the registry names (core.netpolicy: no SSRF into the inspector's network); these networks
    # are allowed anyway.
    allow_networks: list[str] = []
    # Reference URLs known to be up (e.g. a national portal). Fetched at the start and the end of
    # a scan: when all of them fail, the crawler's own network is down and the scan is marked
    # failed instead of reporting every site as unreachable.
    # Without an answering canary, a scan in which every homepage failed at the connection level
    # (dns, refused, timeout, reset) is failed too, however few sites it scanned (scan.netcheck).
    canary_urls: list[HttpUrlStr] = []
    # A certificate a browser would refuse (expired, self-signed, unknown issuer, wrong host) is a
    # TLS failure with that reason; false accepts any certificate. tls_ca_file adds PEM roots.
    tls_verify: bool = True
    tls_ca_file: str | None = None
    # ipv6_missing: nameservers ("ip" or "ip:port") for the homepage hosts' AAAA lookups; none: the
    # system's resolver. Under only_networks a host name is looked up only through nameservers
    # listed here inside those networks (a sandbox never asks the outside DNS).
    ipv6_nameservers: list[str] = []
    # Links of one page beyond this many are neither recorded nor checked (the page's meta says
    # how many were dropped): a page of 100,000 links must not become 100,000 requests.
    max_links_per_page: int = Field(default=10_000, ge=1, le=MAX_PAGES)
    render: RenderConfig = RenderConfig()
    screenshots: ScreenshotConfig = ScreenshotConfig()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from core.clock import zone

        zone(value)
        return value

    @field_validator("only_networks", "allow_networks")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        for net in v:
            ipaddress.ip_network(net, strict=False)
        return v

    @field_validator("tls_ca_file")
    @classmethod
    def _ca_file(cls, value: str | None) -> str | None:
        # read only when the first https page is fetched: a typo must not wait for that
        if value is not None and not Path(value).expanduser().is_file():
            raise ValueError(f"no such file: {value}")
        return value


class Registry(Strict):
    crawl: CrawlConfig = CrawlConfig()
    units: list[UnitConfig]

    def sites(self) -> list[tuple[UnitConfig, SiteConfig]]:
        return [(u, s) for u in self.units for s in u.sites]

    def accounts(self) -> list[tuple[UnitConfig, AccountConfig]]:
        return [(u, a) for u in self.units for a in u.accounts]

    def site(self, site_id: str) -> tuple[UnitConfig, SiteConfig]:
        for unit, site in self.sites():
            if site.id == site_id:
                return unit, site
        raise KeyError(site_id)


def load_registry(path: str | Path = DEFAULT_REGISTRY) -> Registry:
    data = load_yaml(path)
    reg = validate(Registry, data, path)
    _check_unique_ids(data, path)
    return reg


def _check_unique_ids(data: Any, path: str | Path) -> None:
    """Ids are unique over units, and over all sites and accounts together (findings key on them)."""
    seen_units: dict[str, int] = {}
    seen_subjects: dict[str, int] = {}
    units = data.get("units") if isinstance(data, LineDict) else None
    for ui, unit in enumerate(units or []):
        line = units.item_lines[ui] if isinstance(units, LineList) else None
        uid = unit.get("id")
        if uid in seen_units:
            raise ConfigError(path, line, f"units[{ui}].id", f"duplicate unit id {uid!r} (first at line {seen_units[uid]})")
        seen_units[uid] = line or 0
        for key in ("sites", "accounts"):
            items = unit.get(key) or []
            for i, item in enumerate(items):
                iline = items.item_lines[i] if isinstance(items, LineList) else None
                sid = item.get("id")
                if sid in seen_subjects:
                    raise ConfigError(
                        path, iline, f"units[{ui}].{key}[{i}].id",
                        f"duplicate id {sid!r} (first at line {seen_subjects[sid]}); site and account ids must be unique",
                    )
                seen_subjects[sid] = iline or 0


# --- column rules -----------------------------------------------------------------------------


class CategoryRule(Strict):
    category: Category
    # substrings of the column name, tried in file order; the first rule that matches wins
    names: list[str]


class DisclosureRule(Strict):
    section: DisclosureSection
    names: list[str]
    # URL path slugs seen on real sites (zfxxgkzn, ysqgk, ...), a fallback when the anchor is an image
    slugs: list[str] = []


class ConsultationRule(Strict):
    """政务咨询类 channels and columns (互动回应差): a name containing one of `names` and none of
    `exclude` (the indicator leaves out 在线访谈、调查征集、网上信访、纪检举报)."""

    names: list[str] = []
    exclude: list[str] = []

    def matches(self, name: str) -> bool:
        name = "".join(name.split())
        return any(_contains(name, n) for n in self.names) and not any(x in name for x in self.exclude)


def _contains(name: str, word: str) -> bool:
    """`word` in `name`; a number (12345) only as a whole number, not inside 陕ICP备05012345号."""
    if not word.isdigit():
        return word in name
    return re.search(rf"(?<!\d){word}(?!\d)", name) is not None


class ColumnRules(Strict):
    categories: list[CategoryRule]
    disclosure_hub: list[str]  # names of the 政府信息公开 section's entry (信息公开, 政府信息公开, 政务公开)
    disclosure_sections: list[DisclosureRule]
    placeholders: list[str]  # texts that mean "this column has nothing" (暂无信息, 暂无数据, ...)
    nav_exclude: list[str] = []  # nav texts that are never columns (首页, 网站地图, 无障碍, ...)
    consultation: ConsultationRule = ConsultationRule()

    def classify(self, name: str) -> str:
        name = "".join(name.split())
        for rule in self.categories:
            if any(n in name for n in rule.names):
                return rule.category
        return "other"

    def disclosure_section(self, name: str, url: str = "") -> str | None:
        compact = "".join(name.split())
        for rule in self.disclosure_sections:
            if any(n in compact for n in rule.names):
                return rule.section
        path = urlsplit(url).path.lower()
        segments = [s for s in path.split("/") if s]
        for rule in self.disclosure_sections:
            if any(slug in segments for slug in rule.slugs):
                return rule.section
        return None

    def categorize(self, name: str, url: str = "") -> tuple[str, str | None]:
        """(category, disclosure section). A column that is one of the 政府信息公开 sub-sections is a
        disclosure column whatever its name suggests (政府信息公开指南 is not a 办事指南)."""
        section = self.disclosure_section(name, url)
        return ("disclosure" if section else self.classify(name)), section


def load_column_rules(path: str | Path = DEFAULT_COLUMN_RULES) -> ColumnRules:
    return validate(ColumnRules, load_yaml(path), path)
