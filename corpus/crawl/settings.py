"""Scrapy settings of the crimecorpus project: polite defaults, our pipelines, our components.

Project settings are prefixed ``CORPUS_``; the database URL and contact address come from the
environment (``CRIMECORPUS_DB``, ``CRIMECORPUS_CONTACT``) or the command line.
"""

import os

BOT_NAME = "crimecorpus"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

CORPUS_CONTACT_URL = os.environ.get("CRIMECORPUS_CONTACT", "https://github.com/crimecorpus/crimecorpus")
USER_AGENT = f"crimecorpus/0.1 (research crawler for Dutch news corpora; +{CORPUS_CONTACT_URL})"

# Politeness: robots.txt, one request at a time per site, a delay that AutoThrottle adapts.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Safe defaults: no telnet console, no cookies, bounded downloads.
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
DEPTH_LIMIT = 4
# Scrapy starts CONCURRENT_ITEMS tasks for the output of every response (default 100); an
# article page yields one item and a feed a few hundred requests, which are only scheduled, so 8
# is plenty, and it removes a measurable part of the reactor's per-page cost (docs/performance.md).
CONCURRENT_ITEMS = 8

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
    # Raw archive (CORPUS_ARCHIVE = "warc"): above HttpCompression (590), bodies as sent.
    "spiders.middlewares.archive.WarcArchiveMiddleware": 950,
}

REQUEST_FINGERPRINTER_CLASS = "spiders.middlewares.fingerprint.CanonicalFingerprinter"

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.pagekind.PageKindPipeline": 200,
    "pipelines.language.LanguagePipeline": 400,
    "pipelines.classify.ClassifyPipeline": 500,
    "pipelines.dedup.DedupPipeline": 600,
    "pipelines.neardup.NearDupPipeline": 700,
    "pipelines.store.StorePipeline": 900,
}

# A database error a spider callback or the start requests meet stops the crawl (store_failed).
SPIDER_MIDDLEWARES = {
    "spiders.extensions.StoreFailureMiddleware": 1000,
}

EXTENSIONS = {
    "spiders.extensions.ProgressLine": 500,
}

LOG_LEVEL = "INFO"
LOG_FORMATTER = "spiders.logformatter.CorpusLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"
# `scrapy crawl news -O items.jsonl` (or .json, .csv): each stored article as its public record,
# the same object as `crimecorpus export` writes; rejections stay in the database.
FEED_EXPORTERS = {
    "json": "spiders.exporters.ArticleJsonExporter",
    "jsonlines": "spiders.exporters.ArticleJsonLinesExporter",
    "jsonl": "spiders.exporters.ArticleJsonLinesExporter",
    "jl": "spiders.exporters.ArticleJsonLinesExporter",
    "csv": "spiders.exporters.ArticleCsvExporter",
}

# crimecorpus settings
CORPUS_DB_URL = os.environ.get("CRIMECORPUS_DB")  # None: the default SQLite file
CORPUS_SOURCES_FILE = None  # None: the registry shipped with the package
CORPUS_SOURCE_NAMES: list[str] = []
CORPUS_BATCH_SIZE = 100
CORPUS_STALE_RUN_SECONDS = 900.0  # a "running" run silent this long is marked killed by the next run
URLLENGTH_LIMIT = 8192  # = corpus.store.frontier.MAX_URL_LENGTH; longer URLs are recorded as url_too_long
CORPUS_MAX_HTML_CHARS = 5_000_000
CORPUS_WORKERS = 0  # worker processes for the CPU stages (corpus/crawl/pool.py); 0 = one per core
CORPUS_EXTRACT_TIMEOUT = 30.0  # seconds per page; the extraction worker is killed past it
CORPUS_EXTRACT_MEMORY = 2 * 1024**3  # address-space limit of the extraction worker (bytes)
# Resident memory a worker may use (bytes; 0: no limit). A warm worker holds about 190 MiB; a
# page that takes it past this ends the worker (`extract/worker_crashed`), a fresh one goes on.
CORPUS_WORKER_MAX_RSS = 450 * 1024**2
# After SIGTERM/SIGINT: seconds of graceful stop before what is complete is committed and the
# process exits anyway (the whole stop stays under 10 s, whatever hangs). A second signal: at once.
CORPUS_STOP_GRACE = 5.0
CORPUS_RETRY_AFTER_MAX = 300.0  # longest rest a 429/503 Retry-After can impose on a site (s)
CORPUS_BACKOFF_BASE = 5.0  # rest after a 429/503 without Retry-After, doubled per attempt (s)
CORPUS_CRAWL_DELAY_MAX = 60.0  # robots.txt Crawl-delay above this is capped (s)
# TDMRep: pages whose text and data mining is reserved are skipped; True keeps them under the
# EU DSM Directive Art. 3 research exception (research organisations, scientific research only).
CORPUS_TDM_RESEARCH_EXCEPTION = False
CORPUS_SINCE = None  # "YYYY-MM-DD": skip discovered entries whose feed/sitemap date is older
CORPUS_REFETCH_DAYS = 0  # re-check stored articles discovered within this many days (conditional GET)
CORPUS_NEARDUP_THRESHOLD = 0.7  # estimated Jaccard of word 5-grams (see corpus/dedup/neardup.py)
CORPUS_PROGRESS = False  # the CLI turns the live progress line on when stderr is a terminal
# Raw archive and WARC ingest (docs/warc.md)
CORPUS_ARCHIVE = None  # "warc": every fetched article response into WARC files
CORPUS_ARCHIVE_DIR = "data/warc"
CORPUS_ARCHIVE_MAX_BYTES = 1024**3  # a new WARC file past this size
CORPUS_WARC_FILES: list[str] = []  # files the `warc` spider reads
CORPUS_WARC_MODE = "ingest"  # "reextract": only stored articles, every file again
CORPUS_WARC_CHECKPOINT_SECONDS = 5.0  # how often a file's settled offset is recorded
CORPUS_REDIS_LOST_SECONDS = 60.0  # a distributed worker that cannot reach Redis this long stops (exit non-zero)
