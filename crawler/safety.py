"""The crawl settings of its safety nets, from the registry: which addresses may be requested
(core.netpolicy, applied by crawler.middlewares.target_policy, crawler.resolver and
crawler.policy_proxy), the canary URLs telling our own network failure from the sites'
(crawler.extensions.canary), and certificate checking (crawler.tls)."""

from __future__ import annotations

from typing import Any

from core.netpolicy import AddressPolicy, own_origins
from core.registry import Registry


def safety_settings(registry: Registry, extensions: dict[str, Any]) -> dict[str, Any]:
    """Settings to add to a crawl's; `extensions` is the crawl's EXTENSIONS so far."""
    crawl = registry.crawl
    out: dict[str, Any] = {
        "GOVINSPECT_ONLY_NETWORKS": list(crawl.only_networks),
        "GOVINSPECT_ALLOW_NETWORKS": list(crawl.allow_networks),
        "GOVINSPECT_OWN_ORIGINS": own_origins(registry),
        "GOVINSPECT_CANARY_URLS": list(crawl.canary_urls),
    }
    if crawl.canary_urls:
        out["EXTENSIONS"] = {**extensions, "crawler.extensions.canary.CanaryExtension": 100}
    if crawl.tls_verify:
        from crawler import tls

        out["DOWNLOADER_CLIENTCONTEXTFACTORY"] = tls.FACTORY
        out["GOVINSPECT_TLS_CA_FILE"] = crawl.tls_ca_file
    return out


def policy_from_settings(settings: Any) -> AddressPolicy:
    """The address policy a crawl's settings carry (the defaults in crawler.settings allow no
    address outside the public internet)."""
    return AddressPolicy(
        allow_networks=tuple(settings.getlist("GOVINSPECT_ALLOW_NETWORKS")),
        only_networks=tuple(settings.getlist("GOVINSPECT_ONLY_NETWORKS")),
        own=tuple(settings.getlist("GOVINSPECT_OWN_ORIGINS")),
    )
