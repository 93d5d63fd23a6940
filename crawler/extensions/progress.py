"""A Rich progress display of a running scan: pages fetched, links seen and errors, per site."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from scrapy import signals


class ProgressExtension:
    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.console = Console(stderr=True)
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[site]}", justify="left"),
            BarColumn(bar_width=24),
            TextColumn("{task.completed:>5.0f}/{task.total:<5.0f} requests"),
            TextColumn("pages {task.fields[pages]:>5}  links {task.fields[links]:>6}  errors {task.fields[errors]:>3}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
            refresh_per_second=4,
        )
        self.tasks: dict[str, Any] = {}
        self.requested: dict[str, int] = {}
        self.done: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressExtension:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(ext.request_done, signal=signals.response_received)
        crawler.signals.connect(ext.request_failed, signal=signals.spider_error)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.progress.start()
        for site_id in getattr(spider, "states", {}):
            self.tasks[site_id] = self.progress.add_task("", total=1, site=site_id, pages=0, links=0, errors=0)
            self.requested[site_id] = 0
            self.done[site_id] = 0

    def _site(self, request: Any) -> str | None:
        return request.meta.get("gi_site") if request is not None else None

    def request_scheduled(self, request: Any, spider: Any) -> None:
        site = self._site(request)
        if site in self.tasks:
            self.requested[site] += 1
            self._update(site, spider)

    def request_done(self, response: Any, request: Any, spider: Any) -> None:
        site = self._site(request)
        if site in self.tasks:
            self.done[site] += 1
            self._update(site, spider)

    def request_failed(self, failure: Any, response: Any, spider: Any) -> None:
        site = self._site(getattr(response, "request", None))
        if site in self.tasks:
            self._update(site, spider)

    def _update(self, site: str, spider: Any) -> None:
        state = spider.states.get(site)
        self.progress.update(
            self.tasks[site], total=max(1, self.requested[site]), completed=self.done[site],
            pages=state.pages_done if state else 0, links=state.links_found if state else 0,
            errors=state.errors if state else 0,
        )

    def spider_closed(self, spider: Any, reason: str) -> None:
        for site in self.tasks:
            self.done[site] = self.requested[site]
            self._update(site, spider)
        self.progress.stop()
