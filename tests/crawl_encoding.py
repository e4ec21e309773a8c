"""Helper for tests/text/test_encoding.py: crawl the given URLs with EncodingMiddleware on.

Run in a subprocess (a Twisted reactor starts once per process):
``python tests/crawl_encoding.py OUT.json URL...``. Writes, per URL, the paragraph text that
Scrapy's own ``response.text`` gives after the middleware, the response encoding, the
``corpus_encoding`` meta, and at the end the crawl's stats.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess


class EncodingProbeSpider(scrapy.Spider):
    name = "encoding_probe"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls

    async def start(self) -> Any:
        for url in self.urls:
            yield scrapy.Request(url)

    def parse(self, response: scrapy.http.Response) -> Iterator[dict[str, Any]]:
        yield {
            "url": response.url,
            "text": " ".join(response.xpath("//p//text()").getall()),
            "response_encoding": response.encoding,
            "content_type": response.headers.get("Content-Type", b"").decode(),
            "meta_charset": response.xpath("//meta/@charset").get(),
            "corpus_encoding": response.meta.get("corpus_encoding"),
        }


def main(out: str, urls: list[str]) -> None:
    items: list[dict[str, Any]] = []
    process = CrawlerProcess(
        settings={
            "DOWNLOADER_MIDDLEWARES": {"spiders.middlewares.encoding.EncodingMiddleware": 585},
            # Not our settings module: the switch it declares (on) must be given here.
            "CORPUS_ENCODING_ENABLED": True,
            "ROBOTSTXT_OBEY": False,
            "LOG_LEVEL": "WARNING",
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    crawler = process.create_crawler(EncodingProbeSpider)

    def collect(item: dict[str, Any]) -> None:
        items.append(dict(item))

    # Signal receivers are held weakly: ``collect`` lives as long as this function runs.
    crawler.signals.connect(collect, scrapy.signals.item_scraped)
    process.crawl(crawler, urls=urls)
    process.start()
    stats = {
        key: value
        for key, value in (crawler.stats.get_stats() if crawler.stats else {}).items()
        if key.startswith("corpus/")
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"items": items, "stats": stats}, handle, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
