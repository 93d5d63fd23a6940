"""ItemBatchMiddleware: what a callback yields for the pipelines leaves it as one ItemBatch.

A page yields a couple of dozen items (its links, list entries, the page itself, its check
verdict). Each item that reaches the engine costs the rest of the spider-middleware chain, the
item pipeline, the item_scraped signal and a log record; batching per response pays that once.
Requests pass through at once, in order; the items follow when the callback ends (a callback that
raises still delivers what it yielded before). It sits closest to the spider so that the other
middlewares see the batch, not its parts.

Snapshots whose later record replaces the earlier one (a column's state, a link's result, a site's
scan state, a screenshot) pass through at once too: a callback that awaits (a rendered page) can
end after later callbacks did, and a batch it delivered then would overwrite their newer records
with its older ones (a column's pages walked going back from 3 to 2, a link result back to pending).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request

from core.items import ColumnRecord, Ipv6Record, ItemBatch, LinkResultItem, ScreenshotItem, SiteScanItem

# delivered in the order they were made; see the module doc
IMMEDIATE = (Request, ColumnRecord, LinkResultItem, SiteScanItem, ScreenshotItem, Ipv6Record)


def _pack(items: list[Any]) -> Any:
    return items[0] if len(items) == 1 else ItemBatch(items)


class ItemBatchMiddleware:
    # async only: Scrapy hands a sync callback's output over as an async iterable
    async def process_spider_output(self, response: Any, result: AsyncIterator[Any],
                                    spider: Any = None) -> AsyncIterator[Any]:
        items: list[Any] = []
        try:
            async for out in result:
                if isinstance(out, IMMEDIATE):
                    yield out
                else:
                    items.append(out)
        except Exception:
            if items:
                yield _pack(items)
            raise
        if items:
            yield _pack(items)
