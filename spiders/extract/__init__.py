"""Pure parsing library of the site spider: functions over parsel Selectors and strings, no
network and no Scrapy. One module per concern: regions, urls, links, dates, lists (+ entries,
hanweb), pager, meta, text, columns. The rules they implement are in notes/CONTRACT.md."""
