"""The crawl settings of its safety nets, from the registry's `crawl:` section: which addresses
may be requested (crawler.middlewares.target_policy), the canary URLs telling our own network
failure from the sites' (crawler.extensions.canary), and certificate checking (crawler.tls)."""

from __future__ import annotations

from typing import Any

from core.registry import CrawlConfig


def safety_settings(crawl: CrawlConfig, extensions: dict[str, Any]) -> dict[str, Any]:
    """Settings to add to a crawl's; `extensions` is the crawl's EXTENSIONS so far."""
    out: dict[str, Any] = {
        "GOVINSPECT_ONLY_NETWORKS": list(crawl.only_networks),
        "GOVINSPECT_ALLOW_NETWORKS": list(crawl.allow_networks),
        "GOVINSPECT_CANARY_URLS": list(crawl.canary_urls),
    }
    if crawl.canary_urls:
        out["EXTENSIONS"] = {**extensions, "crawler.extensions.canary.CanaryExtension": 100}
    if crawl.tls_verify:
        from crawler import tls

        out["DOWNLOADER_CLIENTCONTEXTFACTORY"] = tls.FACTORY
        out["GOVINSPECT_TLS_CA_FILE"] = crawl.tls_ca_file
    return out
