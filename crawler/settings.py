"""Scrapy settings for govinspect. Values that operators tune live in config/sites.yaml (`crawl:`);
scan/runner.py turns that config into these settings for each scan."""

BOT_NAME = "govinspect"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# scrapy-playwright needs the asyncio reactor; it is also Scrapy's default since 2.13.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

USER_AGENT = "govinspect/0.1 (government website inspection crawler)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0
# The indicator's 站点无法访问 threshold: a visit that takes 15 s or more counts as failed.
DOWNLOAD_TIMEOUT = 15
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
DNS_TIMEOUT = 10

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# The spider follows redirects itself so it can record every hop and tell loops from long chains.
REDIRECT_ENABLED = False
METAREFRESH_ENABLED = False
COOKIES_ENABLED = True

RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# each site's concurrency holds (Scrapy 2.19's own downloader overshoots it, see there)
DOWNLOADER = "crawler.downloader.PoliteDownloader"

DOWNLOADER_MIDDLEWARES = {
    # replaced by our subclass that honours Retry-After
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 550,
    "crawler.middlewares.target_policy.TargetPolicyMiddleware": 50,
    # HTML whose charset labels lie is decoded by what its bytes are
    "crawler.middlewares.charset.CharsetMiddleware": 560,
}

SPIDER_MIDDLEWARES = {
    # the spider asks for every status and classifies it itself
    "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
}

ITEM_PIPELINES = {
    "pipelines.database.DatabasePipeline": 300,
}

EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
}
# Scrapy's remote-control HTTP server runs Python sent to it: an unattended scheduled crawl has no
# use for it, and it must not listen on an inspector's machine.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# The spider records every response; the HTTP cache would hide a site going down.
HTTPCACHE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
