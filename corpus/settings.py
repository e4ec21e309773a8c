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

DOWNLOADER_MIDDLEWARES = {
    # After decompression (590), before anything reads the text: undeclared or wrongly declared
    # charsets are decoded as a Western European browser would (utf-8, then cp1252).
    "spiders.middlewares.encoding.EncodingMiddleware": 585,
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

EXTENSIONS = {
    "spiders.extensions.ProgressLine": 500,
}

LOG_LEVEL = "INFO"
LOG_FORMATTER = "spiders.logformatter.CorpusLogFormatter"
FEED_EXPORT_ENCODING = "utf-8"

# crimecorpus settings
CORPUS_DB_URL = os.environ.get("CRIMECORPUS_DB")  # None: the default SQLite file
CORPUS_SOURCES_FILE = None  # None: the registry shipped with the package
CORPUS_SOURCE_NAMES: list[str] = []
CORPUS_BATCH_SIZE = 100
CORPUS_MAX_HTML_CHARS = 5_000_000
CORPUS_NEARDUP_THRESHOLD = 0.7  # estimated Jaccard of word 5-grams (see corpus/neardup.py)
CORPUS_PROGRESS = False  # the CLI turns the live progress line on when stderr is a terminal
