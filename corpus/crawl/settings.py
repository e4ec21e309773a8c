"""Scrapy settings of the crimecorpus project: every setting it reads, declared once.

This is the one home of every default, as Scrapy's ``default_settings.py`` is for Scrapy's own:
components read ``settings.getint("CORPUS_BATCH_SIZE")`` and the like with no fallback of their
own. Project settings are prefixed ``CORPUS_``; the Scrapy settings here are the ones we change.

Each assignment has a one-line ``#:`` doc comment right above it (Sphinx autodoc style), which
``scripts/settings_doc.py`` renders into docs/settings.md; longer reasons stay in plain comments
above it. tests/crawl/test_settings.py keeps the three in step: every key the code reads is
declared here, no component passes an inline default, and the committed page is the rendering.

The environment is read here only for the contact address (``CRIMECORPUS_CONTACT``); the database
URL's ``CRIMECORPUS_DB`` is read where it is resolved, :func:`corpus.store.storage.resolve_db_url`.
"""

from __future__ import annotations

import os

# Lower case: built into USER_AGENT at import, so it is not a setting that -s could change.
_contact_url = os.environ.get("CRIMECORPUS_CONTACT", "https://github.com/crimecorpus/crimecorpus")

#: The bot's name in Scrapy's logs and stats.
BOT_NAME = "crimecorpus"
#: Where Scrapy looks for spiders.
SPIDER_MODULES = ["spiders"]
#: Where `scrapy genspider` puts a new spider.
NEWSPIDER_MODULE = "spiders"

#: Identifying User-Agent; the contact URL is $CRIMECORPUS_CONTACT, else the project's page.
USER_AGENT = f"crimecorpus/0.1 (research crawler for Dutch news corpora; +{_contact_url})"

# Politeness: robots.txt, one request at a time per site, a delay that AutoThrottle adapts.
#: Obey robots.txt (read by spiders.middlewares.robots, RFC 9309).
ROBOTSTXT_OBEY = True
#: Requests in flight over all sites.
CONCURRENT_REQUESTS = 16
#: Requests in flight per site: one at a time.
CONCURRENT_REQUESTS_PER_DOMAIN = 1
#: Seconds between two requests to the same site (AutoThrottle adapts it).
DOWNLOAD_DELAY = 1.0
#: Random spread of the delay, as a fraction of it.
DOWNLOAD_DELAY_JITTER = 0.5
#: AutoThrottle adapts the delay to the site's response times.
AUTOTHROTTLE_ENABLED = True
#: AutoThrottle's first delay (s).
AUTOTHROTTLE_START_DELAY = 1.0
#: AutoThrottle's longest delay (s).
AUTOTHROTTLE_MAX_DELAY = 30.0
#: AutoThrottle's aim: on average one request in flight per site.
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Safe defaults: no telnet console, no cookies, bounded downloads.
#: No telnet console.
TELNETCONSOLE_ENABLED = False
# A source's own cookies (registry `cookies`, a consent choice) are sent by
# spiders.middlewares.sourcerequests, the same on every request.
#: No cookies kept: a page cannot set what the next request says.
COOKIES_ENABLED = False
#: Seconds before a download is given up.
DOWNLOAD_TIMEOUT = 30
#: Responses larger than this are cancelled (bytes).
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
#: Responses larger than this are logged as a warning (bytes).
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
#: Retry failed downloads.
RETRY_ENABLED = True
#: Retries per request after the first attempt.
RETRY_TIMES = 2
#: Redirects followed per request.
REDIRECT_MAX_TIMES = 5
#: Links followed from a start request at most this deep.
DEPTH_LIMIT = 4
# Scrapy starts CONCURRENT_ITEMS tasks for the output of every response (default 100); an
# article page yields one item and a feed a few hundred requests, which are only scheduled, so 8
# is plenty, and it removes a measurable part of the reactor's per-page cost (docs/performance.md).
#: Items and requests from one response processed in parallel (docs/performance.md).
CONCURRENT_ITEMS = 8

#: Our downloader middlewares and their order; Scrapy's robots.txt middleware is replaced.
DOWNLOADER_MIDDLEWARES = {
    # First of all: http(s) only, the source's own hosts, no redirect into private networks
    # (docs/robustness.md); before robots.txt, so a refused host is never contacted.
    "spiders.middlewares.scope.ScopeMiddleware": 40,
    "spiders.middlewares.scope.RedirectGuardMiddleware": 610,
    # robots.txt by RFC 9309 (4xx: allowed; 5xx/unreachable: disallowed for now), Crawl-delay.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.robots.RobotsMiddleware": 100,
    # TDMRep reservations; its responses are read last, decompressed and decoded.
    "spiders.middlewares.tdm.TdmMiddleware": 110,
    # Retry-After and Crawl-delay pacing per site; sees 429/503 before RetryMiddleware (550).
    "spiders.middlewares.pacing.PacingMiddleware": 560,
    # After decompression (590), before anything reads the text: undeclared or wrongly declared
    # charsets are decoded as a Western European browser would (utf-8, then cp1252).
    "spiders.middlewares.encoding.EncodingMiddleware": 585,
    # A source's registry headers and cookies on every request to its hosts (after the default
    # headers, 400, and the user agent, 500); a redirect to a consent host is refused as
    # consent_wall before the redirect middleware (600) could follow it.
    "spiders.middlewares.sourcerequests.SourceRequestsMiddleware": 620,
    # Raw archive (CORPUS_ARCHIVE = "warc"): above HttpCompression (590), bodies as sent.
    "spiders.middlewares.archive.WarcArchiveMiddleware": 950,
}

#: Request fingerprints from the canonical URL, so tracking parameters do not fetch a page twice.
REQUEST_FINGERPRINTER_CLASS = "spiders.middlewares.fingerprint.CanonicalFingerprinter"

#: The item stages and their order.
ITEM_PIPELINES = {
    # The worker pool runs every CPU stage in corpus.analyse.STAGES order; this applies its verdict.
    "pipelines.analysis.AnalysisPipeline": 100,
    "pipelines.dedup.DedupPipeline": 600,
    "pipelines.neardup.NearDupPipeline": 700,
    "pipelines.store.StorePipeline": 900,
}

#: A database error a spider callback or the start requests meet stops the crawl (store_failed).
SPIDER_MIDDLEWARES = {
    "spiders.extensions.StoreFailureMiddleware": 1000,
    # Article requests wait until every feed, sitemap and listing is read, so that each page is
    # dated from every channel that named it, the same in every run.
    "spiders.middlewares.discoveryfirst.DiscoveryFirstMiddleware": 900,
}

#: The live progress line (shown when CORPUS_PROGRESS is true).
EXTENSIONS = {
    "spiders.extensions.ProgressLine": 500,
}

#: Scrapy's log level; the CLI sets WARNING unless -v.
LOG_LEVEL = "INFO"
#: Log lines for dropped items that name the stage and reason.
LOG_FORMATTER = "spiders.logformatter.CorpusLogFormatter"
#: Feed exports (-O) in UTF-8, not \u escapes.
FEED_EXPORT_ENCODING = "utf-8"
# `scrapy crawl news -O items.jsonl` (or .json, .csv): each stored article as its public record,
# the same object as `crimecorpus export` writes; rejections stay in the database.
#: Feed exporters that write each stored article as `crimecorpus export` does.
FEED_EXPORTERS = {
    "json": "spiders.exporters.ArticleJsonExporter",
    "jsonlines": "spiders.exporters.ArticleJsonLinesExporter",
    "jsonl": "spiders.exporters.ArticleJsonLinesExporter",
    "jl": "spiders.exporters.ArticleJsonLinesExporter",
    "csv": "spiders.exporters.ArticleCsvExporter",
}
#: Longest URL requested (= corpus.store.frontier.MAX_URL_LENGTH); longer ones are recorded as url_too_long.
URLLENGTH_LIMIT = 8192

# crimecorpus settings
#: Database URL or SQLite path; None: $CRIMECORPUS_DB, else data/crimecorpus.sqlite.
CORPUS_DB_URL = None
#: Sources registry (TOML); None: the registry shipped with the package.
CORPUS_SOURCES_FILE = None
#: Names of the sources to crawl; empty: all of them.
CORPUS_SOURCE_NAMES: list[str] = []
#: Stored rows written to the database per batch.
CORPUS_BATCH_SIZE = 100
#: A "running" run silent this long (s) is marked killed by the next run.
CORPUS_STALE_RUN_SECONDS = 900.0
#: Pages with more HTML characters than this are rejected before extraction.
CORPUS_MAX_HTML_CHARS = 5_000_000
#: Worker processes for the CPU stages (corpus/crawl/pool.py); 0: one per core.
CORPUS_WORKERS = 0
#: Seconds per page; the extraction worker is killed past it.
CORPUS_EXTRACT_TIMEOUT = 30.0
#: Address-space limit of the extraction worker (bytes; 0: no limit).
CORPUS_EXTRACT_MEMORY = 2 * 1024**3
# A warm worker holds about 190 MiB; a page that takes it past this ends the worker
# (`extract/worker_crashed`), a fresh one goes on.
#: Resident memory a worker may use (bytes; 0: no limit).
CORPUS_WORKER_MAX_RSS = 450 * 1024**2
# The whole stop stays under 10 s, whatever hangs; a second signal stops at once.
#: After SIGTERM/SIGINT: seconds of graceful stop, then what is complete is committed and the process exits.
CORPUS_STOP_GRACE = 5.0
#: Longest rest a 429/503 Retry-After can impose on a site (s).
CORPUS_RETRY_AFTER_MAX = 300.0
#: Rest after a 429/503 without Retry-After, doubled per attempt (s).
CORPUS_BACKOFF_BASE = 5.0
#: A robots.txt Crawl-delay above this is capped (s).
CORPUS_CRAWL_DELAY_MAX = 60.0
#: Read TDMRep declarations (tdmrep.json, header, meta); False switches the middleware off.
CORPUS_TDM_ENABLED = True
# TDMRep: pages whose text and data mining is reserved are skipped; True keeps them under the
# EU DSM Directive Art. 3 research exception (research organisations, scientific research only).
#: Keep TDM-reserved pages under the EU DSM Directive Art. 3 research exception.
CORPUS_TDM_RESEARCH_EXCEPTION = False
#: Decode pages by browser charset rules (spiders.middlewares.encoding); False switches it off.
CORPUS_ENCODING_ENABLED = True
#: "YYYY-MM-DD": skip discovered entries whose feed or sitemap date is older; None: no limit.
CORPUS_SINCE = None
#: Re-check stored articles discovered within this many days (conditional GET); 0: never.
CORPUS_REFETCH_DAYS = 0
#: Article requests held until discovery is over (spiders/middlewares/discoveryfirst.py); past it they go at once; 0: none held.
CORPUS_HOLD_ARTICLES = 200_000
#: Estimated Jaccard of word 5-grams from which two pages are near-duplicates (corpus/dedup/neardup.py).
CORPUS_NEARDUP_THRESHOLD = 0.7
#: Show the live progress line; the CLI turns it on when stderr is a terminal.
CORPUS_PROGRESS = False
# Raw archive and WARC ingest (docs/warc.md)
#: "warc": every fetched article response (and a backfill's captures) into WARC files; None: no archive.
CORPUS_ARCHIVE = None
#: Directory of the WARC archive.
CORPUS_ARCHIVE_DIR = "data/warc"
#: A new WARC file is started past this size (bytes).
CORPUS_ARCHIVE_MAX_BYTES = 1024**3
#: WARC files the `warc` spider reads.
CORPUS_WARC_FILES: list[str] = []
#: "ingest": new articles from the files; "reextract": only stored articles, every file again.
CORPUS_WARC_MODE = "ingest"
#: How often a WARC file's settled offset, or a backfill's settled captures, are recorded (s).
CORPUS_WARC_CHECKPOINT_SECONDS = 5.0
# Backfill from web archives (docs/backfill.md)
#: Common Crawl's URL index server (collinfo.json and one CDX API per crawl).
CORPUS_CC_INDEX_URL = "https://index.commoncrawl.org"
#: Where Common Crawl's WARC files are served (the index's ``filename`` is relative to it).
CORPUS_CC_DATA_URL = "https://data.commoncrawl.org"
#: The Internet Archive's Wayback CDX API.
CORPUS_IA_CDX_URL = "https://web.archive.org/cdx/search/cdx"
#: The Wayback Machine's captures (a raw capture is ``{this}/{timestamp}id_/{url}``).
CORPUS_IA_WEB_URL = "https://web.archive.org/web"
#: First month of a backfill's capture span ("YYYY-MM"); set by ``backfill --from``.
CORPUS_BACKFILL_FROM = None
#: Last month of a backfill's capture span ("YYYY-MM", inclusive); set by ``backfill --to``.
CORPUS_BACKFILL_TO = None
#: The archives a backfill asks: "cc" (Common Crawl), "ia" (the Internet Archive) or both.
CORPUS_BACKFILL_ARCHIVES = ["cc", "ia"]
#: Archive work items (files, index pages, captures) shared through Redis by many machines.
CORPUS_ARCHIVE_DISTRIBUTED = False
#: An archive work item leased this long without renewal is taken by another worker (s).
CORPUS_ARCHIVE_LEASE_SECONDS = 600.0
#: Archive work items a backfill worker has in flight at once (bounded memory).
CORPUS_ARCHIVE_IN_FLIGHT = 16
# Archive endpoints are download slots of their own: the Wayback CDX API allows 60 requests a
# minute averaged over five minutes, Common Crawl asks that its index server not be overloaded
# (it answers 503 and blocks addresses that go on), and its WARC files come from a CDN that answers
# 503 "Slow Down" to heavy users. A 429/503 gets the pacing middleware's Retry-After back-off.
#: Requests at once and seconds between them, per archive endpoint (slot names of spiders/backfill.py).
CORPUS_ARCHIVE_SLOTS = {
    "archive:cc-index": {"concurrency": 1, "delay": 1.0},
    "archive:cc-data": {"concurrency": 2, "delay": 0.2},
    "archive:ia-cdx": {"concurrency": 1, "delay": 1.0},
    "archive:ia-web": {"concurrency": 1, "delay": 1.0},
}
# Distributed crawls (docs/distributed.md)
#: Redis of a distributed crawl (scrapy-redis's key); set from --redis or $CRIMECORPUS_REDIS.
REDIS_URL = None
#: Key prefix in Redis, one per independent crawl sharing a Redis (--redis-prefix).
CORPUS_REDIS_PREFIX = "crimecorpus"
#: A distributed worker that cannot reach Redis this long stops with exit status 1 (s).
CORPUS_REDIS_LOST_SECONDS = 60.0
#: A popped request unfinished after this long is re-queued (s).
CORPUS_LEASE_SECONDS = 600.0
#: How often each worker reconciles expired leases (s); None: half the lease, at most 60.
CORPUS_RECONCILE_SECONDS = None
#: Seconds of an empty queue and nothing in flight before a distributed worker stops.
CORPUS_IDLE_GRACE = 3.0
#: A distributed worker never stops on an empty queue; it waits for the next seed.
CORPUS_KEEP_RUNNING = False
