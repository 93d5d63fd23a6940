"""Scrapy settings for govinspect: the one home of every crawler setting's default.

Values that operators tune live in config/sites.yaml (`crawl:`) and default in the registry model
(core.registry.CrawlConfig); the settings below that mirror one take its default from there, and
scan/runner.py sets them from the registry for each scan. Values derived from the indicators
(GOVINSPECT_HOME_TIMEOUT) come from the same object the checks use, set by the runner.
"""

from scrapy.settings import default_settings as _scrapy_defaults

from core.registry import CrawlConfig

_CRAWL = CrawlConfig()

BOT_NAME = "govinspect"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# scrapy-playwright needs the asyncio reactor; it is also Scrapy's default since 2.13.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

USER_AGENT = _CRAWL.user_agent
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = _CRAWL.concurrency_total
CONCURRENT_REQUESTS_PER_DOMAIN = _CRAWL.concurrency_per_site
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = _CRAWL.download_timeout
DOWNLOAD_MAXSIZE = _CRAWL.max_page_bytes
DOWNLOAD_WARNSIZE = 0
DNS_TIMEOUT = 10
# Scrapy's caching resolver with the address policy on every answer, at connect time
TWISTED_DNS_RESOLVER = "crawler.resolver.PolicyResolver"

AUTOTHROTTLE_ENABLED = _CRAWL.autothrottle
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = float(_CRAWL.concurrency_per_site)

# The spider follows redirects itself so it can record every hop and tell loops from long chains.
REDIRECT_ENABLED = False
METAREFRESH_ENABLED = False
COOKIES_ENABLED = True

RETRY_ENABLED = True
RETRY_TIMES = _CRAWL.retry_times
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# each site's concurrency holds (Scrapy 2.19's own downloader overshoots it, see there)
DOWNLOADER = "crawler.downloader.PoliteDownloader"
# connections an HTTP/1.0 server closes stay out of the pool (see there)
DOWNLOAD_HANDLERS = {"http": "crawler.http10.HttpDownloadHandler", "https": "crawler.http10.HttpDownloadHandler"}

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
    # closest to the spider: a response's items travel on as one ItemBatch
    "crawler.middlewares.batch_items.ItemBatchMiddleware": 990,
}
# no per-item "Scraped from" record: the database is the record of what a crawl scraped
LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"
# Scrapy starts this many asyncio tasks for every callback's output; the database pipeline is
# synchronous, so more buy nothing (at the default 100 they were a tenth of a crawl's CPU)
CONCURRENT_ITEMS = 4
# the frontier's disk queue (the JOBDIR crawler.frontier gives each site crawl): requests compressed
SCHEDULER_DISK_QUEUE = "crawler.diskqueue.CompressedLifoDiskQueue"

ITEM_PIPELINES = {
    "pipelines.database.DatabasePipeline": 300,
}

# Scrapy's telnet console and remote-control HTTP server run Python sent to them: an unattended
# scheduled crawl has no use for them, and they must not listen on an inspector's machine. Nor
# does it use the memory debugger or the spider-state store (the frontier's JOBDIR is not resumed
# from). They are taken out of the base list itself, because Scrapy imports every extension its
# lists name, even one set to None, to resolve duplicate paths: the remote control's aiohttp alone
# is 10 MB of every crawl process.
_NOT_RUN = ("telnet.TelnetConsole", "remote_control.RemoteControl", "memdebug.MemoryDebugger",
            "spiderstate.SpiderState")
EXTENSIONS_BASE = {path: order for path, order in _scrapy_defaults.EXTENSIONS_BASE.items()
                   if path.removeprefix("scrapy.extensions.") not in _NOT_RUN}
EXTENSIONS: dict[str, int] = {}
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# The spider records every response; the HTTP cache would hide a site going down.
HTTPCACHE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# --- govinspect's own settings ------------------------------------------------------------------
# set per scan by scan/runner.py: the run the items belong to and its database
GOVINSPECT_RUN_ID = None
GOVINSPECT_DB_URL = None
# the database pipeline writes in batches of this many rows, at least every FLUSH seconds, and
# marks the run alive every HEARTBEAT seconds (a run silent for long is taken as dead). A commit
# rewrites every index page its rows touch, so fewer, larger batches write less to disk.
GOVINSPECT_BATCH_SIZE = 20000
GOVINSPECT_FLUSH_SECONDS = 10.0
GOVINSPECT_HEARTBEAT_SECONDS = 30.0
# a homepage gets at least this long before it counts as not opening: the runner sets it from
# site_unreachable.timeout_s (config/indicators.yaml); 0 = DOWNLOAD_TIMEOUT alone
GOVINSPECT_HOME_TIMEOUT = 0.0
GOVINSPECT_MAX_RETRY_AFTER = _CRAWL.max_retry_after
GOVINSPECT_ONLY_NETWORKS = list(_CRAWL.only_networks)
GOVINSPECT_ALLOW_NETWORKS = list(_CRAWL.allow_networks)
# "host:port" origins the registry names (core.netpolicy.own_origins); none: only public addresses
GOVINSPECT_OWN_ORIGINS: list[str] = []
GOVINSPECT_CANARY_URLS: list[str] = []
GOVINSPECT_TLS_CA_FILE = _CRAWL.tls_ca_file
GOVINSPECT_RENDER_ENABLED = False  # render_settings() turns it on with the browser's download handler
GOVINSPECT_RENDER_BLOCK = list(_CRAWL.render.block_resources)
# posts read per new-media account per scan (a few pages of the platform's list API)
GOVINSPECT_ACCOUNT_MAX_PAGES = 5
# a site task of a run crawled by several processes (scan --workers, Celery): a target outside
# the site is checked by the first process to claim it in the database (spiders.shared_checks)
GOVINSPECT_SHARED_CHECKS = False
# outbound anchors whose page is read by GET per site and scan (its title and the start of its
# text, for prohibited_link); beyond it they are checked by HEAD
GOVINSPECT_OUTBOUND_READS = 300
GOVINSPECT_OUTBOUND_EXCERPT_CHARS = 2000
# ipv6_missing: the homepage host's AAAA lookup and a GET over IPv6, once per site and scan
# (nameservers: crawl.ipv6_nameservers)
GOVINSPECT_IPV6_ENABLED = True
GOVINSPECT_IPV6_NAMESERVERS = list(_CRAWL.ipv6_nameservers)
