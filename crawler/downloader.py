"""Scrapy's downloader with each slot's concurrency actually enforced.

Measured, not assumed (tests/test_faults_scan.py::test_politeness_per_site_limit): with the asyncio
reactor, Scrapy 2.19's Downloader._process_queue starts every request queued in a slot at once.
Its loop asks the slot for free transfer slots, but a request only counts as transferring once
the task it schedules starts running — after the loop has emptied the queue. Twenty queued pages
of a site configured for two at a time went out together; a fragile government server must never
see that.

The fix counts a request as transferring from the moment it leaves the queue (Scrapy's own
_download adds it again, a no-op on a set, and removes it when the download ends). Should a
future Scrapy not call `_wait_for_download`, this subclass changes nothing and the test says so.
"""

from __future__ import annotations

from typing import Any

from scrapy.core.downloader import Downloader


class PoliteDownloader(Downloader):
    def _wait_for_download(self, slot: Any, request: Any, queue_dfd: Any) -> Any:
        # called synchronously inside the queue loop: the slot is taken before the loop looks again
        slot.transferring.add(request)
        return super()._wait_for_download(slot, request, queue_dfd)
