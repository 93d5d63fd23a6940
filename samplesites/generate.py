"""generate(): write every sample site, its truth and a registry (sites.yaml) for scanning them."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from core.registry import load_column_rules
from core.urls import canonical
from samplesites.builder import SiteBuild
from samplesites.context import GenContext
from samplesites.external import EXTERNAL_ID, registration_findings, write_expired_domain
from samplesites.sites import akjyj, aknyj, akwjw, akzf, akzrzyj, hbq, plx, sqx, zyx
from samplesites.truth import SiteTruth, TruthBook

SITE_MODULES = (akzf, hbq, akjyj, akwjw, zyx, akzrzyj, plx, aknyj, sqx)
DEAD_SITE_ID = "akxx-dead"
DEAD_UNIT = ("akxx", "安康市信息中心", "department")
DEAD_NAME = "安康市信息中心"


def site_ids() -> list[str]:
    return [m.SITE_ID for m in SITE_MODULES]


def refused_url_for(dead_url: str) -> str:
    """A second loopback address next to the dead site's, same port: nothing listens there either."""
    parts = urlsplit(dead_url)
    port = parts.port or 80
    try:
        ip = ipaddress.IPv4Address(parts.hostname or "")
        last = int(ip) & 0xFF
        other = ipaddress.IPv4Address(int(ip) + 1 if last < 254 else int(ip) - 1)
    except ValueError:
        other = ipaddress.IPv4Address("127.0.2.251")
    return f"http://{other}:{port}/"


def generate(out_dir: Path, as_of: dt.date, base_urls: dict[str, str], dead_url: str, *,
             backdated: bool = False) -> dict[str, Any]:
    """Write out_dir/<site_id>/… for every sample site, out_dir/truth.json and out_dir/sites.yaml.

    `base_urls` maps each sample site id to where it will be served (http://ip:port/);
    `dead_url` is a registered site where nothing listens. `base_urls` may also hold the expired
    domain a portal's 友情链接 still points to (samplesites.external.EXTERNAL_ID). `backdated`: the
    site as a second scan sees it, with items added since the first (one backdated). Output depends
    only on the arguments."""
    out_dir = Path(out_dir)
    missing = [sid for sid in site_ids() if sid not in base_urls]
    if missing:
        raise ValueError(f"no base url for sample sites {missing}")
    out_dir.mkdir(parents=True, exist_ok=True)
    urls = {sid: canonical(u if u.endswith("/") else u + "/") for sid, u in base_urls.items()}
    book = TruthBook(as_of)
    names = {m.SITE_ID: m.NAME for m in SITE_MODULES}
    ctx = GenContext(as_of=as_of, base_urls=urls, dead_url=dead_url, refused_url=refused_url_for(dead_url),
                     root=out_dir, book=book, names=names, backdated=backdated)
    rules = load_column_rules()
    builds: list[SiteBuild] = []
    for module in SITE_MODULES:
        site_root = out_dir / module.SITE_ID
        if site_root.exists():
            shutil.rmtree(site_root)
        build = module.build(ctx)
        build.check(rules)
        for url in build.truth.broken:
            book.finding(module.SITE_ID, "link_broken", url)
        registration_findings(book, module.SITE_ID, build.home, build.truth.columns)
        book.site(build.truth)
        builds.append(build)
    _check_cross_links(builds)
    if EXTERNAL_ID in urls:
        write_expired_domain(out_dir)
    for build in builds:
        build.flush()
    book.site(SiteTruth(site_id=DEAD_SITE_ID, unit=DEAD_UNIT[0], name=DEAD_NAME, url=dead_url, encoding=None,
                        reachable=False))
    book.finding(DEAD_SITE_ID, "site_unreachable", dead_url)
    truth = book.to_json()
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    (out_dir / "sites.yaml").write_text(registry_yaml(urls, dead_url), encoding="utf-8")
    return truth


def _check_cross_links(builds: list[SiteBuild]) -> None:
    """Links from one sample site to another must land on a page the other one serves."""
    by_host = {b.host: b for b in builds}
    for b in builds:
        for rec in b.truth.links.values():
            other = by_host.get(urlsplit(rec.target).netloc)
            if other is not None and other is not b and not other.serves(rec.target):
                raise AssertionError(f"{b.site_id}: cross link to missing {rec.target}")


def registry_yaml(urls: dict[str, str], dead_url: str) -> str:
    units = []
    for m in SITE_MODULES:
        units.append({"id": m.UNIT_ID, "name": m.UNIT_NAME, "kind": m.UNIT_KIND,
                      "sites": [{"id": m.SITE_ID, "name": m.NAME, "url": urls[m.SITE_ID]}]})
    units.append({"id": DEAD_UNIT[0], "name": DEAD_UNIT[1], "kind": DEAD_UNIT[2],
                  "sites": [{"id": DEAD_SITE_ID, "name": DEAD_NAME, "url": dead_url}]})
    data = {
        # on loopback the address policy requests the registered sites' own host:port only; allowed
        # besides: the planted broken external link's address (nothing listens there) and the expired
        # domain a portal still links to (samplesites.external), when it is served
        "crawl": {"only_networks": ["127.0.0.0/8"], "allow_networks": [f"{urlsplit(refused_url_for(dead_url)).hostname}/32"]
                  + ([f"{urlsplit(urls[EXTERNAL_ID]).hostname}/32"] if EXTERNAL_ID in urls else []),
                  "autothrottle": False, "concurrency_per_site": 8,
                  "download_timeout": 10, "screenshots": {"enabled": False}},
        "units": units,
    }
    head = ("# Generated by samplesites: the sample government sites served on loopback, plus one registered\n"
            "# site where nothing listens. Only 127.0.0.0/8 is requested; footer links to conac/beian are skipped.\n"
            "# Evidence screenshots are off: they start Chromium for every empty or stale column.\n")
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
