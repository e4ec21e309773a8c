"""The ``backfill`` spider: an outlet's history from Common Crawl's URL index and the Wayback Machine.

A crawl reaches back only as far as today's feeds and sitemaps. Web archives hold the rest, and
their indexes list every capture of a host, so one outlet's years can be fetched record by record
instead of scanning whole archives (what ``ingest-warc`` does with CC-NEWS):

1. **Plan.** Common Crawl: ``collinfo.json`` names the crawls; those whose capture period
   overlaps the span (``CORPUS_BACKFILL_FROM`` … ``_TO``) are asked, per registry host, how
   many index pages they hold (``showNumPages``), then page by page for the captures in the span
   (status 200, HTML). The Wayback CDX API is asked the same way per host. Each capture whose URL
   the source accepts (its hosts, allow/deny patterns and URL profile: a skip pattern drops it,
   and where the source has article patterns only a URL matching one is kept) becomes a
   ``capture`` work item — one per URL across crawls and archives (the earliest planned wins),
   none for a URL already stored.
2. **Fetch.** A Common Crawl capture is one HTTP range request into its WARC file (one gzip
   member, read by :func:`corpus.warc.read.read_record`); a Wayback capture is the raw ``id_``
   snapshot with the page's own headers restored. Either is handed to the same
   ``parse_article`` as a live page, with the capture time as the fetch time (the date stage
   dates the article as for a live page; a year-less date takes the capture's year) and the
   archive record's id, and runs through the same pipelines into the same database.
3. **Keep.** With our own WARC archive switched on (``CORPUS_ARCHIVE = "warc"``: ``backfill
   --keep-warc``), every capture that reaches the page stage is also written there as a response
   record dated at its capture time and naming the archive it came from
   (:meth:`corpus.warc.write.RotatingWarcWriter.write_capture`), so ``reextract`` rebuilds
   backfilled articles, provenance included, without asking the archive again.

Everything is a work item in the database (``corpus.store.archivework``): index pages and
captures done are recorded there, so a killed backfill starts again where it stopped, and with
``CORPUS_ARCHIVE_DISTRIBUTED`` any number of machines share one job's items through Redis
(``corpus.crawl.archivequeue``), each item leased to one worker at a time. A capture is marked
done only after the store has written what became of it (the article or the rejection), so a
kill loses nothing: an unfinished item's lease runs out and the item is done again (storage is an
upsert on the canonical URL).

Politeness: each archive endpoint is a download slot of its own (``CORPUS_ARCHIVE_SLOTS``: the
Wayback CDX API allows 60 requests a minute; Common Crawl asks not to overload its index server),
a 429 or 503 gets the pacing middleware's back-off (``Retry-After`` honoured) and Scrapy's
retries, and every request carries the crawl's identifying User-Agent. robots.txt and TDMRep of
the archive itself do not apply to its API; the outlet's own pages are not contacted at all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.http import Request
from scrapy.settings import BaseSettings
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task
from twisted.python.failure import Failure

from corpus.archive.cdx import (
    Capture,
    Span,
    capture_wanted,
    cc_query,
    collections_for,
    ia_query,
    parse_cc_lines,
    parse_collinfo,
    parse_ia_lines,
    parse_num_pages,
)
from corpus.archive.wayback import original_headers, parse_capture_url, raw_capture_url, record_id
from corpus.crawl import meta as M
from corpus.crawl.archivequeue import ArchiveQueue, DatabaseQueue, RedisLost, RedisQueue
from corpus.crawl.discoveries import request_checkpoint
from corpus.crawl.distributed import connect, worker_id
from corpus.crawl.ingest import HostIndex
from corpus.crawl.items import ArticleItem, RejectionItem
from corpus.crawl.lifecycle import crawl_failure, stopping
from corpus.sources.profiles import consent_detail, consent_redirect, url_target
from corpus.sources.registry import Source
from corpus.store.archivework import (
    NewItem,
    WorkItem,
    add_items,
    begin_job,
    complete,
    fail,
    release_job,
    stored_keys,
)
from corpus.store.frontier import frontier_key
from corpus.store.storage import crawler_engine
from corpus.warc.read import Broken, NotOk, Page, read_record
from spiders._base import SourceSpider
from spiders.archived import (
    VIA,
    archive_writer,
    archived_response,
    capture_discovery,
    encoding_middleware,
    find_tdm_middleware,
)
from spiders.middlewares.refusals import Refused

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from corpus.warc.write import RotatingWarcWriter
    from spiders.middlewares.encoding import EncodingMiddleware
    from spiders.middlewares.tdm import TdmMiddleware

logger = logging.getLogger(__name__)

ARCHIVES = ("cc", "ia")
REDIRECT_STATUSES = [301, 302, 303, 307, 308]
MAX_WAYBACK_HOPS = 3
"""Redirects followed inside the Wayback Machine to a nearby capture of the same URL."""
ARCHIVE_RETRIES = 4
"""Retries of an archive request (a 503 while the archive is busy is common) before the item fails."""
REDIS_LOST = "redis_lost"


def _slot(endpoint: str) -> str:
    return f"archive:{endpoint}"


class BackfillSpider(SourceSpider):
    """Backfills the registry's sources (``CORPUS_SOURCE_NAMES``) from web archives; see the module."""

    name = "backfill"
    run_kind = "backfill"
    uses_frontier = False  # what is done is tracked per work item (corpus.store.archivework)
    discovery_first = False  # captures come from the work queue, not from discovery

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.span: Span | None = None
        self.months: tuple[str, str] = ("", "")
        self.archives: tuple[str, ...] = ARCHIVES
        self.hosts = HostIndex(())
        self.worker = worker_id()
        self.queue: ArchiveQueue | None = None
        self.job_id = 0
        self.in_flight = 16
        self.lease_seconds = 600.0
        # Work items leased by this worker and not yet completed, by id.
        self._active: dict[int, WorkItem] = {}
        # id(pipeline item) -> work item id; and per work item, its items still in the pipelines.
        self._pending: dict[int, int] = {}
        self._outstanding: dict[int, int] = {}
        self._bytes: dict[int, int] = {}
        self._settled: list[int] = []
        self._last_mark = 0.0
        self.checkpoint_seconds = 5.0
        self._discovery_keys: dict[str, set[str]] = {}
        self._encoding: EncodingMiddleware | None = None
        self._tdm: TdmMiddleware | None = None
        self._archive: RotatingWarcWriter | None = None
        self._closing = False
        self._watch: task.LoopingCall | None = None

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # Each archive endpoint is a download slot with the archive's own limits.
        slots = {**settings.getdict("DOWNLOAD_SLOTS"), **settings.getdict("CORPUS_ARCHIVE_SLOTS")}
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BackfillSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.months = (settings.get("CORPUS_BACKFILL_FROM") or "", settings.get("CORPUS_BACKFILL_TO") or "")
        spider.span = Span.parse(*spider.months)
        archives = tuple(a.strip().lower() for a in settings.getlist("CORPUS_BACKFILL_ARCHIVES"))
        unknown = [a for a in archives if a not in ARCHIVES]
        if unknown or not archives:
            raise ValueError(f"CORPUS_BACKFILL_ARCHIVES must be cc and/or ia, not {archives!r}")
        spider.archives = tuple(a for a in ARCHIVES if a in archives)
        spider.hosts = HostIndex(spider.sources)
        spider.in_flight = max(1, settings.getint("CORPUS_ARCHIVE_IN_FLIGHT"))
        spider.lease_seconds = settings.getfloat("CORPUS_ARCHIVE_LEASE_SECONDS")
        spider.checkpoint_seconds = settings.getfloat("CORPUS_WARC_CHECKPOINT_SECONDS")
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._settled_item, signal=signal)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider._on_callback_error, signal=signals.spider_error)
        return spider

    # -- the job and its queue --------------------------------------------------------------------
    def _spec(self) -> dict[str, Any]:
        assert self.span is not None
        return {
            "sources": sorted(s.name for s in self.sources),
            "from": self.months[0],
            "to": self.months[1],
            "archives": list(self.archives),
        }

    def _roots(self) -> list[NewItem]:
        roots: list[NewItem] = []
        if "cc" in self.archives:
            roots.append(NewItem("cc_collections", "cc_collections", {}))
        if "ia" in self.archives:
            for source in self.sources:
                for host in sorted(source.hosts):
                    roots.append(NewItem("ia_probe", f"ia_probe:{host}", {"host": host}, source=source.name))
        return roots

    def _open_queue(self) -> ArchiveQueue:
        settings = self.crawler.settings
        engine = crawler_engine(self.crawler)
        self.job_id = begin_job(engine, "backfill", self._spec())
        if settings.getbool("CORPUS_ARCHIVE_DISTRIBUTED"):
            client = connect(settings.get("REDIS_URL"))
            queue: ArchiveQueue = RedisQueue(
                engine,
                self.job_id,
                self.worker,
                self.lease_seconds,
                client,
                settings.get("CORPUS_REDIS_PREFIX"),
                settings.getfloat("CORPUS_REDIS_LOST_SECONDS"),
            )
        else:
            # This run holds the database's run lock: leases a killed run left are dead.
            taken = release_job(engine, self.job_id)
            self.crawler.stats.set_value("corpus/backfill/leases_taken_over", taken)
            queue = DatabaseQueue(engine, self.job_id, self.worker, self.lease_seconds)
        queue.added(add_items(engine, self.job_id, self._roots()))
        return queue

    # -- the loop ---------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        self._encoding = encoding_middleware(self.crawler)
        self._tdm = find_tdm_middleware(self.crawler)
        self._archive = archive_writer(self.crawler)
        if self._archive is None and self.crawler.settings.get("CORPUS_ARCHIVE"):
            logger.warning("CORPUS_ARCHIVE is set but its middleware is off: captures are not kept")
        self.queue = self._open_queue()
        # A signal stops the reading of start() where it waits; this watch hands the items back.
        self._watch = task.LoopingCall(self._watch_stop)
        self._watch.start(0.2, now=False)
        self.crawler.stats.set_value("corpus/backfill/job", self.job_id)
        last_renew = time.monotonic()
        while not stopping(self.crawler) and not self._closing:
            self._complete_settled()
            if time.monotonic() - last_renew >= self.lease_seconds / 3:
                self.queue.renew(list(self._active))
                last_renew = time.monotonic()
            claimed: list[WorkItem] = []
            # Settled items only wait for their mark: they hold no request and no pipeline slot.
            free = self.in_flight - (len(self._active) - len(self._settled))
            if free > 0:
                try:
                    claimed = self.queue.claim(free)
                except RedisLost as exc:
                    self._give_up(str(exc))
                    return
            for item in claimed:
                self._active[item.id] = item
                self.crawler.stats.inc_value(f"corpus/backfill/claimed/{item.kind}")
                request = self._request(item)
                if request is not None:
                    yield request
            if claimed:
                await sleep(0)
                continue
            if not self._active and self.queue.finished():
                break
            # Others hold the rest (or it is in our pipelines): wait for them or their leases.
            await sleep(0.1)
        while self._active and not stopping(self.crawler) and not self._closing:
            self._complete_settled(force=True)
            await sleep(0.05)
        self._complete_settled(force=True)
        if stopping(self.crawler):
            self._hand_back()

    def _watch_stop(self) -> None:
        if stopping(self.crawler) and self._watch is not None:
            self._watch.stop()
            self._watch = None
            self._hand_back()

    def _hand_back(self) -> None:
        """A stopping worker hands back what it holds at once, rather than at the close (which a
        second signal or the stop grace may never reach): other workers need not wait for the
        leases to expire. A request of such an item that still completes only stores its page
        again (storage is an upsert on the canonical URL)."""
        if self.queue is None or crawl_failure(self.crawler) is not None:
            return
        # Settled but not yet marked counts as unfinished: its mark cannot be vouched for now,
        # and doing it again only stores the same rows (an upsert).
        unfinished = list(self._active)
        if not unfinished:
            return
        try:
            self.queue.release(unfinished)
        except Exception:  # a lost database or Redis: the leases run out instead
            logger.warning("could not release %d archive items; their leases will expire", len(unfinished))
            return
        for item_id in unfinished:
            self._active.pop(item_id, None)

    def _give_up(self, why: str) -> None:
        if self._closing:
            return
        self._closing = True
        logger.error("backfill worker stopped: %s", why)
        self.crawler.stats.set_value("corpus/distributed/redis_lost", why)
        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=REDIS_LOST))

    def _on_closed(self, spider: Any, reason: str) -> None:
        """A worker that stops gracefully hands its unfinished items back at once (no lease wait)."""
        if self.queue is None:
            return
        if self._watch is not None and self._watch.running:
            self._watch.stop()
        self._hand_back()
        self.queue.close()

    def _on_callback_error(self, failure: Failure, response: Response, spider: Any) -> None:
        """A callback that raised leaves its item to be tried again (never held forever)."""
        item = self._active.get(int(response.meta.get(M.ITEM) or 0)) if response.meta else None
        if item is not None and item.id not in self._outstanding:
            self._finish_failed(item, "callback_error", str(failure.value)[:400], retry=True)

    # -- requests ---------------------------------------------------------------------------------
    def _meta(self, item: WorkItem, endpoint: str, **extra: Any) -> dict[str, Any]:
        return {
            M.ARCHIVE: endpoint,
            M.ITEM: item.id,
            M.STAGE: M.ARCHIVE_STAGE,
            "download_slot": _slot(endpoint),
            "dont_obey_robotstxt": True,
            # The slot's delay is the archive's documented limit: AutoThrottle would replace it
            # after every response (with DOWNLOAD_DELAY at least, whatever the slot says).
            "autothrottle_dont_adjust_delay": True,
            "max_retry_times": ARCHIVE_RETRIES,
            **extra,
        }

    def _request(self, item: WorkItem) -> Request | None:
        settings = self.crawler.settings
        p = item.payload
        span = self.span
        assert span is not None
        index_statuses = {"handle_httpstatus_list": [404]}  # pywb: 404 "no captures found"
        if item.kind == "cc_collections":
            url = settings.get("CORPUS_CC_INDEX_URL").rstrip("/") + "/collinfo.json"
            return self._archive_request(url, item, "cc-index", self.parse_collinfo)
        if item.kind == "cc_probe":
            url = cc_query(p["api"], p["host"], span, num_pages=True)
            return self._archive_request(url, item, "cc-index", self.parse_probe, **index_statuses)
        if item.kind == "cc_page":
            url = cc_query(p["api"], p["host"], span, page=p["page"])
            return self._archive_request(url, item, "cc-index", self.parse_index_page, **index_statuses)
        if item.kind == "ia_probe":
            url = ia_query(settings.get("CORPUS_IA_CDX_URL"), p["host"], span, num_pages=True)
            return self._archive_request(url, item, "ia-cdx", self.parse_probe, **index_statuses)
        if item.kind == "ia_page":
            url = ia_query(settings.get("CORPUS_IA_CDX_URL"), p["host"], span, page=p["page"])
            return self._archive_request(url, item, "ia-cdx", self.parse_index_page, **index_statuses)
        if item.kind == "capture":
            capture = Capture.from_payload(p)
            if capture.archive == "cc":
                return self._cc_record_request(item, capture)
            return self._wayback_request(
                item,
                capture,
                raw_capture_url(settings.get("CORPUS_IA_WEB_URL"), capture.timestamp, capture.url),
                0,
            )
        self._finish_failed(item, "unknown_kind", f"work item kind {item.kind!r}", retry=False)
        return None

    def _archive_request(
        self, url: str, item: WorkItem, endpoint: str, callback: Any, **meta: Any
    ) -> Request:
        return Request(
            url,
            callback=callback,
            errback=self.on_archive_error,
            meta=self._meta(item, endpoint, **meta),
            cb_kwargs={"item_id": item.id},
            dont_filter=True,  # the item, not the URL, says what is done (ranges share a URL)
        )

    def _cc_record_request(self, item: WorkItem, capture: Capture) -> Request | None:
        if capture.filename is None or capture.offset is None or not capture.length:
            self._finish_failed(item, "bad_index_line", "no WARC file, offset or length", retry=False)
            return None
        url = self.crawler.settings.get("CORPUS_CC_DATA_URL").rstrip("/") + "/" + capture.filename.lstrip("/")
        last = capture.offset + capture.length - 1
        request = self._archive_request(url, item, "cc-data", self.parse_cc_record)
        request.headers[b"Range"] = f"bytes={capture.offset}-{last}".encode()
        return request

    def _wayback_request(self, item: WorkItem, capture: Capture, url: str, hops: int) -> Request:
        request = self._archive_request(
            url,
            item,
            "ia-web",
            self.parse_wayback,
            dont_redirect=True,
            handle_httpstatus_list=REDIRECT_STATUSES,
        )
        request.cb_kwargs["hops"] = hops
        return request

    # -- plan callbacks ---------------------------------------------------------------------------
    def parse_collinfo(self, response: Response, item_id: int) -> Iterator[Any]:
        item = self._active.get(item_id)
        if item is None:
            return
        assert self.span is not None
        try:
            collections = collections_for(self.span, parse_collinfo(response.body))
        except ValueError as exc:
            yield from self._index_failed(item, response.url, "bad_index", str(exc))
            return
        self.crawler.stats.set_value("corpus/backfill/cc_collections", len(collections))
        children = [
            NewItem(
                "cc_probe",
                f"cc_probe:{col.id}:{host}",
                {"collection": col.id, "api": col.cdx_api, "host": host},
                source=source.name,
            )
            for col in collections
            for source in self.sources
            for host in sorted(source.hosts)
        ]
        self._complete(item, children, len(response.body))

    def parse_probe(self, response: Response, item_id: int) -> Iterator[Any]:
        item = self._active.get(item_id)
        if item is None:
            return
        if response.status == 404:
            pages = 0  # pywb answers 404 when a host has no captures at all
        else:
            try:
                pages = parse_num_pages(response.body)
            except ValueError as exc:
                yield from self._index_failed(item, response.url, "bad_index", str(exc))
                return
        kind = "cc_page" if item.kind == "cc_probe" else "ia_page"
        prefix = f"{kind}:{item.payload.get('collection')}:" if kind == "cc_page" else f"{kind}:"
        children = [
            NewItem(
                kind,
                f"{prefix}{item.payload['host']}:{page}",
                {**item.payload, "page": page},
                source=item.source,
            )
            for page in range(pages)
        ]
        self.crawler.stats.inc_value("corpus/backfill/index_pages", pages)
        self._complete(item, children, len(response.body))

    def parse_index_page(self, response: Response, item_id: int) -> None:
        item = self._active.get(item_id)
        if item is None:
            return
        stats = self.crawler.stats
        captures: list[Capture]
        if response.status == 404:
            captures, bad = [], 0
        elif item.kind == "cc_page":
            captures, bad = parse_cc_lines(response.body, item.payload.get("collection"))
        else:
            captures, bad = parse_ia_lines(response.body)
        if bad:
            stats.inc_value("corpus/backfill/index_lines_unreadable", bad)
        stats.inc_value("corpus/backfill/index_lines", len(captures))
        wanted: dict[str, tuple[Capture, Source]] = {}
        for capture in captures:
            reason = capture_wanted(capture) or self._url_refused(capture.url)
            if reason is not None:
                stats.inc_value(f"corpus/backfill/not_planned/{reason}")
                continue
            source = self.hosts.source_for(capture.url)
            assert source is not None
            key = frontier_key(capture.url)
            if key in wanted:
                continue  # a second capture of the same URL on this page: the earliest is kept
            if self.span is not None and not self.span.contains(capture.captured_at):
                stats.inc_value("corpus/backfill/not_planned/outside_span")
                continue
            wanted[key] = (capture, source)
        done = stored_keys(crawler_engine(self.crawler), wanted)
        if done:
            stats.inc_value("corpus/backfill/not_planned/already_stored", len(done))
        children = [
            NewItem("capture", f"capture:{key}", capture.to_payload(), source=source.name, url=capture.url)
            for key, (capture, source) in wanted.items()
            if key not in done
        ]
        self._complete(item, children, len(response.body))

    def _url_refused(self, url: str) -> str | None:
        """Why the source does not want ``url`` (another host, a deny pattern, its URL profile)."""
        source = self.hosts.source_for(url)
        if source is None:
            return "not_in_scope"
        kind = source.url_kind(url)
        if kind == "skip":
            return "url_profile"
        if kind is None and source.article_urls:
            return "not_article_url"
        if kind is None and self._discovery_page(source, url):
            return "discovery_page"
        return None

    def _discovery_page(self, source: Source, url: str) -> bool:
        """A page a live crawl reads for links, never as an article: the home page, or one of the
        source's own feeds, sitemaps and section pages (an archive holds captures of them all)."""
        if url_target(url) == "/":
            return True
        keys = self._discovery_keys.get(source.name)
        if keys is None:
            keys = {frontier_key(u) for u in (*source.feeds, *source.sitemaps, *source.start_urls)}
            self._discovery_keys[source.name] = keys
        return frontier_key(url) in keys

    # -- capture callbacks ------------------------------------------------------------------------
    def parse_cc_record(self, response: Response, item_id: int) -> Iterator[Any]:
        item = self._active.get(item_id)
        if item is None:
            return
        capture = Capture.from_payload(item.payload)
        body = response.body
        self._bytes[item.id] = len(body)
        self.crawler.stats.inc_value("corpus/backfill/bytes", len(body))
        if response.status == 200 and capture.offset is not None and capture.length:
            # The server ignored the Range header and sent the whole file: take the record.
            self.crawler.stats.inc_value("corpus/backfill/range_ignored")
            body = body[capture.offset : capture.offset + capture.length]
        record = read_record(body, url=capture.url)
        if isinstance(record, Broken):
            if record.reason == "truncated" and item.attempts < 3:
                self.crawler.stats.inc_value("corpus/backfill/truncated_retry")
                self._finish_failed(item, "truncated", record.detail, retry=True)
                return
            yield from self._capture_rejected(item, capture, "archive", record.reason, record.detail)
            return
        if isinstance(record, NotOk):
            yield from self._capture_not_ok(item, capture, record.status, record.location)
            return
        yield from self._capture_page(item, capture, record, response.url)

    def parse_wayback(self, response: Response, item_id: int, hops: int = 0) -> Iterator[Any]:
        item = self._active.get(item_id)
        if item is None:
            return
        capture = Capture.from_payload(item.payload)
        self._bytes[item.id] = self._bytes.get(item.id, 0) + len(response.body)
        self.crawler.stats.inc_value("corpus/backfill/bytes", len(response.body))
        if response.status in REDIRECT_STATUSES:
            location = (response.headers.get(b"Location") or b"").decode("latin-1")
            target = response.urljoin(location) if location else ""
            parsed = parse_capture_url(target) if target else None
            original = parsed[1] if parsed else target
            if parsed and frontier_key(original) == frontier_key(capture.url) and hops < MAX_WAYBACK_HOPS:
                # The Wayback sends a nearby capture of the same page: follow it, within bounds.
                yield self._wayback_request(item, capture, target, hops + 1)
                return
            yield from self._capture_not_ok(item, capture, response.status, original or None)
            return
        headers = original_headers(
            [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
        )
        page = Page(
            offset=0,
            url=capture.url,
            status=200,
            headers=headers,
            body=response.body,
            date=capture.captured_at,
            record_id=record_id(capture.timestamp, capture.url),
        )
        yield from self._capture_page(item, capture, page, response.url)

    def _capture_page(self, item: WorkItem, capture: Capture, page: Page, fetched_from: str) -> Iterator[Any]:
        source = self.sources_by_name.get(item.source or "") or self.hosts.source_for(page.url)
        if source is None:
            yield from self._capture_rejected(item, capture, "archive", "not_in_scope", page.url)
            return
        response = archived_response(page.url, 200, page.headers, page.body, source.name, self._encoding)
        if self._tdm is not None:
            # The page's own TDM reservation (header or meta tag), as a live fetch would read it;
            # the outlet's tdmrep.json is not asked: a backfill never contacts the outlet.
            try:
                assert response.request is not None
                self._tdm.process_response(response.request, response)
            except Refused as exc:
                yield from self._capture_rejected(item, capture, M.FETCH, exc.reason, exc.detail)
                return
        if self._archive is not None:
            # After the page's own TDM reservation is read: a reserved page is not copied.
            self._keep(capture, page, fetched_from)
        discovery = capture_discovery(capture.archive)
        out = list(self.parse_article(response, source.name, asdict(discovery)))
        for produced in out:
            if isinstance(produced, ArticleItem):
                produced.fetched_at = page.date or capture.captured_at  # the capture time
                produced.record_id = page.record_id
                produced.obtained_via = VIA[capture.archive]
        self.crawler.stats.inc_value(f"corpus/backfill/captures/{capture.archive}")
        yield from self._track(item, out)

    def _keep(self, capture: Capture, page: Page, fetched_from: str) -> None:
        """Write the capture into our own WARC archive, dated and named as the article will be."""
        assert self._archive is not None
        written = self._archive.write_capture(
            url=page.url,
            status=page.status,
            headers=page.headers,
            body=page.body,
            captured_at=page.date or capture.captured_at,
            obtained_via=VIA[capture.archive],
            capture_id=page.record_id,
            source_uri=fetched_from,
            refers_to=page.record_id if capture.archive == "cc" else None,
        )
        stats = self.crawler.stats
        stats.inc_value("corpus/archive/captures")
        stats.inc_value("corpus/archive/bytes", written)
        stats.set_value("corpus/archive/files", len(self._archive.files))

    def _capture_not_ok(
        self, item: WorkItem, capture: Capture, status: int, location: str | None
    ) -> Iterator[Any]:
        """A capture that is not a page: a redirect (to a consent wall, or elsewhere) or an error."""
        source = self.sources_by_name.get(item.source or "")
        declared = source.consent_hosts if source is not None else ()
        host = consent_redirect(capture.url, location, declared) if location else None
        if location and host:
            yield from self._capture_rejected(
                item, capture, M.FETCH, "consent_wall", consent_detail(host, location)
            )
            return
        if location:
            yield from self._capture_rejected(
                item, capture, "archive", "redirect", f"{status} -> {location}"[:500], status
            )
            return
        yield from self._capture_rejected(
            item, capture, "archive", f"http_{status}", f"capture answered {status}", status
        )

    def _capture_rejected(
        self,
        item: WorkItem,
        capture: Capture,
        stage: str,
        reason: str,
        detail: str,
        status: int | None = None,
    ) -> Iterator[Any]:
        rejection = RejectionItem(capture.url, item.source, stage, reason[:64], detail[:500] or None, status)
        self.crawler.stats.inc_value(f"corpus/backfill/rejected/{reason[:64]}")
        yield from self._track(item, [rejection])

    def _track(self, item: WorkItem, out: list[Any]) -> Iterator[Any]:
        """Hand ``out`` to the pipelines; the item is done once all of them have settled."""
        if not out:
            self._settled.append(item.id)
            return
        self._outstanding[item.id] = self._outstanding.get(item.id, 0) + len(out)
        for produced in out:
            self._pending[id(produced)] = item.id
            yield produced

    def _settled_item(self, item: Any, **_: Any) -> None:
        work_id = self._pending.pop(id(item), None)
        if work_id is None:
            return
        left = self._outstanding.get(work_id, 1) - 1
        if left <= 0:
            self._outstanding.pop(work_id, None)
            self._settled.append(work_id)
        else:
            self._outstanding[work_id] = left

    def _complete_settled(self, *, force: bool = False) -> None:
        """Mark the captures whose outcome is settled as done, after the store has written it.

        Every few seconds (``CORPUS_WARC_CHECKPOINT_SECONDS``), not at every pass of the loop:
        each mark first makes the store write what it holds, which would otherwise cut its
        batches down to a row or two. A kill loses at most that many seconds of marks; those
        captures are fetched again and stored by upsert.
        """
        if not self._settled:
            return
        now = time.monotonic()
        if not force and now - self._last_mark < self.checkpoint_seconds:
            return
        self._last_mark = now
        # The mark must not get ahead of the rows it vouches for: the store writes first.
        request_checkpoint(self.crawler)
        if crawl_failure(self.crawler) is not None:
            return
        settled, self._settled = self._settled, []
        for work_id in settled:
            item = self._active.get(work_id)
            if item is not None:
                self._complete(item, (), self._bytes.pop(work_id, 0))

    # -- outcomes ---------------------------------------------------------------------------------
    def _complete(self, item: WorkItem, children: Any, nbytes: int) -> None:
        assert self.queue is not None
        engine = crawler_engine(self.crawler)
        new = complete(engine, item.id, self.worker, list(children), bytes_=nbytes, job_id=self.job_id)
        if item.kind in ("cc_page", "ia_page"):
            # New items only: a URL another page or archive planned already is not planned again.
            self.crawler.stats.inc_value("corpus/backfill/planned", len(new))
            if len(children) > len(new):
                self.crawler.stats.inc_value(
                    "corpus/backfill/not_planned/planned_already", len(children) - len(new)
                )
        self.crawler.stats.inc_value(f"corpus/backfill/done/{item.kind}")
        self._active.pop(item.id, None)
        if new:
            self.queue.added(new)

    def _finish_failed(self, item: WorkItem, reason: str, detail: str, *, retry: bool) -> str:
        status = fail(crawler_engine(self.crawler), item.id, f"{reason}: {detail}"[:500], retry=retry)
        self._active.pop(item.id, None)
        self._bytes.pop(item.id, None)
        self.crawler.stats.inc_value(
            f"corpus/backfill/{'failed' if status == 'failed' else 'retried'}/{item.kind}"
        )
        return status

    def _index_failed(self, item: WorkItem, url: str, reason: str, detail: str) -> Iterator[Any]:
        if self._finish_failed(item, reason, detail, retry=True) == "failed":
            yield RejectionItem(url, item.source, M.ARCHIVE_STAGE, reason[:64], detail[:500] or None)

    def on_archive_error(self, failure: Failure) -> Iterator[Any]:
        """A request to an archive that failed after its retries: the item is tried again later
        (up to its attempts), and recorded as a rejection once it fails for good."""
        request = failure.request  # type: ignore[attr-defined]
        item = self._active.get(request.meta.get(M.ITEM))
        rejections = list(self.on_error(failure))
        if item is None:
            return
        rejection = rejections[0] if rejections else None
        reason = rejection.reason if rejection is not None else "error"
        detail = (rejection.detail if rejection is not None else None) or reason
        status = self._finish_failed(item, reason, detail, retry=True)
        if status != "failed" or rejection is None:
            return
        if item.kind == "capture" and item.url:
            rejection.url = item.url  # the article the capture was for, not the archive's URL
        rejection.source = item.source
        rejection.stage = M.ARCHIVE_STAGE
        rejection.key = None
        yield rejection
