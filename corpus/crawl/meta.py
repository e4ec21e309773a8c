"""The request meta keys of the crawl: what spiders and middlewares tell each other on a request.

Every value is a plain JSON value, so a request survives serialisation (a distributed crawl's
Redis queue, a JOBDIR) with all of them: ``scrapy.utils.request.request_to_dict``.
"""

from __future__ import annotations

SOURCE = "corpus_source"
"""The registry name of the source a request belongs to (its scope, its rejections)."""
STAGE = "corpus_stage"
"""``"fetch"`` (an article), ``"discovery"`` (a feed, sitemap, listing) or ``"tdm"``."""
KEY = "corpus_key"
"""The frontier id of the requested URL (``corpus.store.frontier.frontier_key``)."""
DATES = "corpus_dates"
"""Every discovery date seen for an article, by channel (``{"feed": ..., "sitemap": ...}``): the
date stage weighs them all, whichever channel led to the download."""
REQUEUED = "corpus_requeued"
"""How often a distributed crawl has queued this URL again after its lease ran out."""
ORIGIN = "corpus_origin"
"""The host a request without a source was derived from (its robots.txt, TDMRep)."""
ADDRESS = "corpus_address"
"""The address the scope check resolved the host to."""
ENCODING = "corpus_encoding"
"""What the encoding middleware found: declared and detected encoding, repairs."""
TDM_RULE = "corpus_tdm_rule"
"""The TDMRep rule of the origin's well-known file that covers the URL, if any."""
ARCHIVE = "corpus_archive"
"""The archive endpoint a backfill request goes to (``"cc-index"``, ``"cc-data"``, ``"ia-cdx"``,
``"ia-web"``): the scope check holds it to the configured endpoint, robots.txt and TDMRep of the
archive itself do not apply (its API's documented limits do), and its download slot is the endpoint's."""
ITEM = "corpus_item"
"""The id of the archive work item a backfill request carries out (corpus.store.archivework)."""
TDM_DECISION = "corpus_tdm"
"""``"reserved"`` when a reservation was found and the page kept under the research exception."""

FETCH = "fetch"
DISCOVERY = "discovery"
TDM = "tdm"
ARCHIVE_STAGE = "archive"
"""The stage of a backfill's own requests to an archive (indexes, captures) and of their failures."""
