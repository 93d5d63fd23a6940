"""govinspect: the Scrapy project (settings, items, middlewares, extensions) and the CLI."""

__version__ = "0.1.0"
