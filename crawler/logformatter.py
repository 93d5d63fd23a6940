"""Scrapy's LogFormatter without the per-item "Scraped from" record.

Scrapy builds that DEBUG record for every item, whatever the log level, and a crawl writes
hundreds of thousands of items; the database is the record of what was scraped. Dropped items
and errors are still logged as Scrapy does."""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter


class QuietLogFormatter(LogFormatter):
    def scraped(self, item: Any, response: Any, spider: Any) -> None:  # type: ignore[override]
        return None
