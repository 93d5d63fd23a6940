"""The Scrapy runtime: settings, downloader, middlewares, extensions, rendering, TLS."""
