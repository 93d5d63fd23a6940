#!/usr/bin/env python3
# Copied unchanged (but for this line) from the project's benchmark material, shared/bench/tools/scrapy_linkcheck.py.
"""Minimal "plain Scrapy" link checker (the upper bound in the benchmark).

A CrawlSpider with one rule (every link is requested once; dupefilter):
  * responses from a start URL's host (same host:port) are parsed and their links followed
  * responses from any other host are only checked, never parsed
Links are taken from a/area[href], img/script/iframe[src], link[href]; no extension is skipped.
Every (source page, link) pair is remembered in process_request (before the dupefilter), so a
broken link is reported with all of its sources.  Redirect chains are reported under the URL
that was written in the page.

Usage: scrapy_linkcheck.py --sites sites.txt --out DIR [--concurrency 16] [--timeout 10]
Writes DIR/broken.jsonl ({"source","target","status"}), DIR/checked.jsonl ({"url","status"}),
DIR/stats.json.
"""
import argparse
import json
import os
from collections import defaultdict
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.spiders import CrawlSpider, Rule

TAGS = ("a", "area", "img", "script", "iframe", "link")
ATTRS = ("href", "src")


class LinkCheckSpider(CrawlSpider):
    name = "linkcheck"

    def __init__(self, start_urls=None, out=None, **kw):
        self.start_urls = start_urls
        self.out = out
        self.hosts = {urlsplit(u).netloc for u in start_urls}
        self.refs = defaultdict(set)      # link url -> source pages (dropped once the url is ok)
        self.ok_urls = set()
        self.checked = {}                 # url as written -> status
        self.broken = {}                  # url as written -> status/reason
        le = LinkExtractor(tags=TAGS, attrs=ATTRS, deny_extensions=[], unique=True)
        self.rules = (Rule(le, callback="ok", follow=True, process_request="remember", errback="failed"),)
        super().__init__(**kw)

    def _requests_to_follow(self, response):
        # recurse only inside the crawled sites; external pages are checked, not parsed
        if urlsplit(response.url).netloc not in self.hosts:
            return []
        return super()._requests_to_follow(response)

    def remember(self, request, response):
        if request.url not in self.ok_urls:
            self.refs[request.url].add(response.url)
        return request

    # --- results
    def _orig(self, request):
        return (request.meta.get("redirect_urls") or [request.url])[0]

    def ok(self, response):
        u = self._orig(response.request)
        self.checked[u] = response.status
        self.ok_urls.add(u)
        self.refs.pop(u, None)
        return []

    def parse_start_url(self, response, **kw):
        self.checked[response.url] = response.status
        return []

    def failed(self, failure):
        req = failure.request
        if failure.check(HttpError):
            status = str(failure.value.response.status)
        else:
            status = failure.type.__name__
        u = self._orig(req)
        self.checked[u] = status
        self.broken[u] = status

    def closed(self, reason):
        os.makedirs(self.out, exist_ok=True)
        with open(os.path.join(self.out, "broken.jsonl"), "w", encoding="utf-8") as f:
            for u, st in sorted(self.broken.items()):
                srcs = sorted(self.refs.get(u, [])) or [""]
                for s in srcs:
                    f.write(json.dumps({"source": s, "target": u, "status": st}, ensure_ascii=False) + "\n")
        with open(os.path.join(self.out, "checked.jsonl"), "w", encoding="utf-8") as f:
            for u, st in sorted(self.checked.items()):
                f.write(json.dumps({"url": u, "status": st}, ensure_ascii=False) + "\n")
        stats = dict(self.crawler.stats.get_stats())
        with open(os.path.join(self.out, "stats.json"), "w") as f:
            json.dump({k: str(v) for k, v in stats.items()}, f, indent=1, sort_keys=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sites", required=True, help="file with one start URL per line")
    ap.add_argument("--out", required=True)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=10)
    a = ap.parse_args()
    starts = [l.strip() for l in open(a.sites) if l.strip() and not l.startswith("#")]
    for u in starts:
        assert urlsplit(u).hostname.startswith("127."), "loopback only"
    settings = {
        "ROBOTSTXT_OBEY": False,
        "CONCURRENT_REQUESTS": a.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": a.concurrency,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_TIMEOUT": a.timeout,
        "DOWNLOAD_DELAY": 0,
        "RETRY_ENABLED": False,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": False,
        "REDIRECT_MAX_TIMES": 10,
        "LOG_LEVEL": "INFO",
        "LOGSTATS_INTERVAL": 30,
        "USER_AGENT": "bench-scrapy",
        "DEPTH_LIMIT": 0,
        "REACTOR_THREADPOOL_MAXSIZE": 4,
    }
    proc = CrawlerProcess(settings)
    proc.crawl(LinkCheckSpider, start_urls=starts, out=a.out)
    proc.start()


if __name__ == "__main__":
    main()
