"""The ``warc`` spider: pages from local WARC files (our archive, CC-NEWS) through the same pipelines.

Nothing is downloaded. ``start()`` reads each file, keeps the HTTP 200 responses whose
``WARC-Target-URI`` is on a registry host (tested before the record's HTTP headers or payload are
parsed), turns each into the response a crawl would have seen (content encoding undone, charset
decoded by the crawl's own encoding middleware) and hands it to the same ``parse_article`` as
the ``news`` spider. Extraction, page kind, language, classification, dedup, near-dup and
storage then run unchanged.

Files are resumable (table ``warc_files``): every few seconds the store is flushed and the
offset of the first record whose item is still in the pipelines is recorded, so a killed ingest
starts again there and a file done is skipped. Records between that offset and the kill are read
again; storage is an upsert on the canonical URL, so they update the same rows.

With ``CORPUS_ARCHIVE_DISTRIBUTED`` (``ingest-warc --distributed --redis URL``) the files are shared
by every worker that runs the same command against the same database and Redis: each file is a
work item of the shared ``ingest_warc`` job (corpus.store.archivework), claimed through Redis
(corpus.crawl.archivequeue) by one worker at a time, whose lease is renewed while it reads. A
worker killed halfway loses nothing: its lease runs out, another worker claims the file and the
file's checkpoint makes it continue where the killed one stopped. Every worker stops once no file
is pending or being read.

Mode ``reextract`` (``CORPUS_WARC_MODE``) rebuilds the stored articles from the archive instead:
only records of URLs already stored, newest file first and the newest copy of each URL only,
with the discovery metadata (feed title and date) the frontier kept, every file read again.

A record a backfill copied into our archive (``backfill --keep-warc``) names the web archive the
capture came from and its id there; in either mode the article keeps that provenance
(``obtained_via`` ``cc_index`` or ``wayback``, ``record_id``), and ``WARC-Date`` is its capture time.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from corpus.crawl.archivequeue import RedisLost, RedisQueue
from corpus.crawl.discoveries import request_checkpoint
from corpus.crawl.distributed import connect, worker_id
from corpus.crawl.ingest import HostIndex
from corpus.crawl.items import ArticleItem, Discovery, RejectionItem
from corpus.crawl.lifecycle import crawl_failure, stopping
from corpus.store.archivework import NewItem, add_items, begin_job, complete, fail
from corpus.store.frontier import frontier_key
from corpus.store.models import Article, FrontierEntry
from corpus.store.storage import crawler_engine
from corpus.store.warcfiles import begin_file, checkpoint
from corpus.warc.read import Broken, Page, ReadStats, Tick, file_identity, iter_pages, looks_like_record_start
from spiders._base import SourceSpider, source_names
from spiders.archived import ARCHIVE_OF, VIA, archived_response, capture_discovery, encoding_middleware

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from spiders.middlewares.encoding import EncodingMiddleware

MAX_IN_FLIGHT = 64
"""Items handed to the pipelines and not yet settled; reading waits above it (bounded memory)."""
POLL_SECONDS = 0.5
"""A distributed worker with no file to claim asks again this often (the others hold the rest)."""
REDIS_LOST = "redis_lost"


class WarcSpider(SourceSpider):
    """Reads ``CORPUS_WARC_FILES`` (or ``-a files=a.warc.gz,b.warc.gz``); see the module docstring."""

    name = "warc"
    run_kind = "warc"
    uses_frontier = False  # what is done is tracked per WARC file (corpus.store.warcfiles)
    discovery_first = False  # pages come from the files, not from requests

    def __init__(self, files: str | None = None, mode: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._files_arg = files
        self._mode_arg = mode
        self.files: list[Path] = []
        self.mode = "ingest"
        self.checkpoint_seconds = 5.0
        self.hosts = HostIndex(())
        # id(item) -> (item, file id, record offset, record index): what is still in the pipelines
        self._pending: dict[int, tuple[Any, int | None, int, int]] = {}
        self._encoding: EncodingMiddleware | None = None
        # reextract: how each stored article was first obtained, by frontier key
        self._obtained_via: dict[str, str] = {}
        # ingest --distributed: the shared queue of files and the file item this worker holds
        self.distributed = False
        self.lease_seconds = 600.0
        self._queue: RedisQueue | None = None
        self._held: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WarcSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        names = source_names(spider._files_arg) or settings.getlist("CORPUS_WARC_FILES")
        spider.files = [Path(n) for n in names]
        spider.mode = (spider._mode_arg or settings.get("CORPUS_WARC_MODE")).lower()
        if spider.mode not in ("ingest", "reextract"):
            raise ValueError(f"CORPUS_WARC_MODE must be ingest or reextract, not {spider.mode!r}")
        spider.run_kind = "reextract" if spider.mode == "reextract" else "warc"
        spider.checkpoint_seconds = settings.getfloat("CORPUS_WARC_CHECKPOINT_SECONDS")
        spider.distributed = settings.getbool("CORPUS_ARCHIVE_DISTRIBUTED")
        if spider.distributed and spider.mode != "ingest":
            raise ValueError(
                "CORPUS_ARCHIVE_DISTRIBUTED shares an ingest only (reextract reads every file itself)"
            )
        spider.lease_seconds = settings.getfloat("CORPUS_ARCHIVE_LEASE_SECONDS")
        spider.hosts = HostIndex(spider.sources)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._settled, signal=signal)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        return spider

    def _settled(self, item: Any, **_: Any) -> None:
        self._pending.pop(id(item), None)

    async def _wait_in_flight(self, limit: int, tick: Callable[[], None] | None = None) -> None:
        """Wait until at most ``limit`` items are in the pipelines, calling ``tick`` meanwhile.

        A stopping run (a signal, a failed store) may never settle the items still queued, so
        the wait ends there too: the file's checkpoint stays where the settled records end.
        """
        while len(self._pending) > limit and not stopping(self.crawler):
            await sleep(0.02)
            if tick is not None:
                tick()

    # -- reading ----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        self._encoding = encoding_middleware(self.crawler)
        if self.distributed:
            async for out in self._start_distributed():
                yield out
            return
        stored: set[str] | None = None
        discoveries: dict[str, Discovery] = {}
        files = self.files
        if self.mode == "reextract":
            stored, discoveries = self._stored_keys()
            files = sorted(files, key=str, reverse=True)
        yielded: set[str] = set()
        for path in files:
            if stopping(self.crawler):
                return
            try:
                ident = file_identity(path)
            except OSError as exc:
                stats.inc_value("corpus/warc/broken/unreadable")
                yield RejectionItem(f"file://{path}", None, "warc", "unreadable", str(exc)[:500])
                continue
            async for out in self._read_file(path, ident, stored, discoveries, yielded):
                yield out

    # -- shared by many workers (ingest --distributed) -------------------------------------------
    async def _start_distributed(self) -> AsyncIterator[Any]:
        """Claim files one at a time from the shared job and read each; stop when the job is finished."""
        settings = self.crawler.settings
        stats = self.crawler.stats
        engine = crawler_engine(self.crawler)
        worker = worker_id()
        job_id = begin_job(engine, "ingest_warc", {})
        stats.set_value("corpus/warc/job", job_id)
        queue = RedisQueue(
            engine,
            job_id,
            worker,
            self.lease_seconds,
            connect(settings.get("REDIS_URL")),
            settings.get("CORPUS_REDIS_PREFIX"),
            settings.getfloat("CORPUS_REDIS_LOST_SECONDS"),
        )
        self._queue = queue
        paths = sorted({str(f.resolve()) for f in self.files})
        queue.added(
            add_items(engine, job_id, [NewItem("warc_file", f"warc_file:{p}", {"path": p}) for p in paths])
        )
        while not stopping(self.crawler):
            try:
                claimed = queue.claim(1)
            except RedisLost as exc:
                self._lost_redis(str(exc))
                return
            if not claimed:
                if queue.finished():
                    return
                await sleep(POLL_SECONDS)  # the other workers hold the rest: wait for them or their leases
                continue
            [item] = claimed
            self._held = item.id
            stats.inc_value("corpus/warc/files_claimed")
            path = Path(item.payload["path"])
            try:
                ident = file_identity(path)
            except OSError as exc:
                stats.inc_value("corpus/warc/broken/unreadable")
                yield RejectionItem(f"file://{path}", None, "warc", "unreadable", str(exc)[:500])
                fail(engine, item.id, f"unreadable: {exc}")  # perhaps readable on another machine
                self._held = None
                continue
            async for out in self._read_file(path, ident, None, {}, set(), tick=self._renewing(item.id)):
                yield out
            if stopping(self.crawler):
                return  # what is settled is checkpointed; the close hands the file back
            complete(engine, item.id, worker, bytes_=ident.size, job_id=job_id)
            self._held = None

    def _renewing(self, item_id: int) -> Callable[[], None]:
        """A tick that renews the lease on the file being read every third of the lease time."""
        last = time.monotonic()

        def renew() -> None:
            nonlocal last
            if self._queue is None or time.monotonic() - last < self.lease_seconds / 3:
                return
            last = time.monotonic()
            try:
                self._queue.renew([item_id])
            except SQLAlchemyError as exc:  # the next tick tries again; the store reports a lasting fault
                self.logger.warning("could not renew the lease on WARC file item %d: %s", item_id, exc)

        return renew

    def _lost_redis(self, why: str) -> None:
        self.logger.error("ingest worker stopped: %s", why)
        self.crawler.stats.set_value("corpus/distributed/redis_lost", why)
        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=REDIS_LOST))

    def _on_closed(self, spider: Any, reason: str) -> None:
        """A worker that stops cleanly hands its file back at once (the next one resumes it, no lease wait)."""
        queue, held = self._queue, self._held
        if queue is None:
            return
        if held is not None and crawl_failure(self.crawler) is None:
            try:
                queue.release([held])
            except SQLAlchemyError:
                self.logger.warning("could not hand back WARC file item %d; its lease will expire", held)
        queue.close()

    # -- one file -------------------------------------------------------------------------------
    async def _read_file(
        self,
        path: Path,
        ident: Any,
        stored: set[str] | None,
        discoveries: dict[str, Discovery],
        yielded: set[str],
        *,
        tick: Callable[[], None] | None = None,
    ) -> AsyncIterator[Any]:
        """Read one file through the pipelines (resumable in ingest mode); ``tick`` is called often."""
        stats = self.crawler.stats
        engine = crawler_engine(self.crawler)
        resumable = self.mode == "ingest"
        file_id = None
        start = skip_before = base_records = 0
        if resumable:
            resume = begin_file(engine, ident, stats.get_value("corpus/run_id"))
            if resume.done:
                stats.inc_value("corpus/warc/files_skipped")
                return
            file_id = resume.file_id
            if resume.offset and looks_like_record_start(path, resume.offset):
                start, base_records = resume.offset, resume.records
            else:
                # One gzip stream for the whole file: no offset to seek to, so skip by count.
                skip_before = resume.records
            if resume.records:
                stats.inc_value("corpus/warc/files_resumed")
        stats.inc_value("corpus/warc/files_read")
        read = ReadStats()
        cursor = {"offset": start, "index": base_records}

        def on_record(offset: int) -> None:
            cursor["offset"] = offset
            cursor["index"] = base_records + read.records - 1

        def wanted(url: str) -> bool:
            if cursor["index"] < skip_before:
                return False
            if stored is None:
                return self.hosts.wanted(url)
            key = frontier_key(url)
            return key in stored and key not in yielded and self.hosts.wanted(url)

        def save(done: bool = False) -> None:
            if file_id is None:
                return
            mine = [(off, idx) for _, fid, off, idx in self._pending.values() if fid == file_id]
            safe_offset, safe_index = min([*mine, (cursor["offset"], cursor["index"])])
            if done:
                safe_offset, safe_index = ident.size, base_records + read.records
            # The resume point must not get ahead of the rows it vouches for: written first.
            request_checkpoint(self.crawler)
            if crawl_failure(self.crawler) is not None:
                return
            checkpoint(
                engine,
                file_id,
                offset=safe_offset,
                records=safe_index,
                wanted=read.wanted,
                broken=read.broken,
                done=done,
            )

        last_save = time.monotonic()

        def maybe_save() -> None:
            # Also while waiting for the pipelines: a kill during the drain resumes near its end.
            nonlocal last_save
            if tick is not None:
                tick()
            if stopping(self.crawler):
                return  # a failed store cannot take a checkpoint; a signal's commit needs none
            if time.monotonic() - last_save >= self.checkpoint_seconds:
                save()
                last_save = time.monotonic()

        for event in iter_pages(path, wanted, start=start, stats=read, on_record=on_record, tick=200):
            if isinstance(event, Tick):
                await sleep(0)  # let the reactor breathe while records of other hosts are skipped
            elif isinstance(event, Broken):
                stats.inc_value(f"corpus/warc/broken/{event.reason}")
                source = self.hosts.source_for(event.url) if event.url else None
                item = RejectionItem(
                    event.url or f"file://{ident.path}#{event.offset}",
                    source.name if source else None,
                    "warc",
                    event.reason,
                    f"{ident.path} @ {event.offset}: {event.detail}"[:500],
                )
                self._pending[id(item)] = (item, file_id, event.offset, cursor["index"])
                yield item
            else:
                if stored is not None:
                    yielded.add(frontier_key(event.url))
                for item in self._items(event, discoveries):
                    self._pending[id(item)] = (item, file_id, event.offset, cursor["index"])
                    yield item
            await self._wait_in_flight(MAX_IN_FLIGHT, maybe_save)
            maybe_save()
            if stopping(self.crawler):
                return  # read no further: what is settled is checkpointed, the rest is read again
        for name in ("records", "wanted", "other_hosts", "not_response", "not_ok"):
            stats.inc_value(f"corpus/warc/{name}", getattr(read, name))
        await self._wait_in_flight(0, maybe_save)
        if not stopping(self.crawler):
            save(done=True)

    def _items(self, page: Page, discoveries: dict[str, Discovery]) -> Iterator[Any]:
        """The response a crawl would have handed to ``parse_article``, and what that makes of it."""
        source = self.hosts.source_for(page.url)
        assert source is not None  # the reader only returns wanted URLs
        response = archived_response(
            page.url, page.status, page.headers, page.body, source.name, self._encoding
        )
        # A capture a backfill copied into our archive names the web archive it came from.
        copied = ARCHIVE_OF.get(page.obtained_via or "")
        discovery = discoveries.get(frontier_key(page.url)) or (
            capture_discovery(copied) if copied else Discovery("warc")
        )
        for item in self.parse_article(response, source.name, asdict(discovery)):
            if isinstance(item, ArticleItem):
                if page.date is not None:
                    item.fetched_at = page.date  # the capture time
                item.record_id = page.record_id
                if copied:
                    item.obtained_via = VIA[copied]
                    item.record_id = page.capture_id
                elif self.mode == "ingest":
                    item.obtained_via = "warc_file"  # the copy comes from the file
                else:
                    # Our own archive of a live fetch: how the article was first obtained stays.
                    item.obtained_via = self._obtained_via.get(frontier_key(page.url), "live")
            yield item

    def _stored_keys(self) -> tuple[set[str], dict[str, Discovery]]:
        """Keys of the stored articles of our sources, and the discovery the frontier kept for each."""
        names = [s.name for s in self.sources]
        keys: set[str] = set()
        found: dict[str, Discovery] = {}
        with Session(crawler_engine(self.crawler)) as s:
            for art_id, fetched, via in s.execute(
                select(Article.id, Article.fetched_url, Article.obtained_via).where(Article.source.in_(names))
            ):
                keys.add(art_id)
                keys.add(frontier_key(fetched))
                self._obtained_via[frontier_key(fetched)] = via
            rows = s.execute(
                select(
                    FrontierEntry.id,
                    FrontierEntry.channel,
                    FrontierEntry.discovered_title,
                    FrontierEntry.discovered_date,
                ).where(FrontierEntry.source.in_(names), FrontierEntry.kind == "article")
            )
            for key, channel, title, date in rows:
                if key in keys and channel:
                    found[key] = Discovery(channel, title, date)
        return keys, found
