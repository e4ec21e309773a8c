"""The source-requests middleware on real Scrapy objects: whose headers go where, and which
redirects are consent walls. (The crawl through it: tests/faults/test_consent_wall.py.)"""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from corpus.crawl import meta as M
from corpus.sources.registry import parse_sources
from spiders.middlewares.refusals import Refused
from spiders.middlewares.sourcerequests import SourceRequestsMiddleware
from spiders.news import NewsSpider

REGISTRY = """
[[source]]
name = "ad"
outlet = "AD"
country = "nl"
feeds = ["https://www.ad.nl/rss.xml"]
headers = { "Accept-Language" = "nl-NL" }
cookies = { pwv = "1", pws = "functional" }

[[source]]
name = "bn"
outlet = "BN DeStem"
country = "nl"
feeds = ["https://www.bndestem.nl/rss.xml"]
consent_hosts = ["toestemming.example"]

[[source]]
name = "ad-regio"
outlet = "AD regio"
country = "nl"
feeds = ["https://www.ad.nl/regio/rss.xml"]
cookies = { regio = "ja" }
"""


@pytest.fixture
def middleware() -> SourceRequestsMiddleware:
    crawler = get_crawler(NewsSpider)
    spider = NewsSpider()
    spider.sources = parse_sources(REGISTRY, "r.toml")
    spider.sources_by_name = {s.name: s for s in spider.sources}
    crawler.spider = spider
    crawler.stats.open_spider()
    return SourceRequestsMiddleware.from_crawler(crawler)


def _request(url: str, source: str | None = None) -> Request:
    return Request(url, meta={M.SOURCE: source} if source else {})


def test_a_sources_headers_and_cookies_go_to_its_hosts_only(middleware: SourceRequestsMiddleware) -> None:
    own = _request("https://www.ad.nl/binnenland/x~a1234567/", "ad")
    middleware.process_request(own)
    assert own.headers[b"Cookie"] == b"pwv=1; pws=functional"
    assert own.headers[b"Accept-Language"] == b"nl-NL"
    other = _request("https://www.bndestem.nl/binnenland/y~a7654321/", "bn")
    middleware.process_request(other)
    assert b"Cookie" not in other.headers and b"Accept-Language" not in other.headers
    # robots.txt belongs to no source: it gets what every source on its host asks for.
    robots = _request("https://www.ad.nl/robots.txt")
    middleware.process_request(robots)
    assert robots.headers[b"Cookie"] == b"pwv=1; pws=functional; regio=ja"
    # A redirect copies the headers it had: the cookie is not sent twice.
    again = own.replace(url="https://ad.nl/binnenland/x~a1234567/")
    middleware.process_request(again)
    assert again.headers[b"Cookie"] == b"pwv=1; pws=functional"


def _redirect(request: Request, location: str, status: int = 302) -> Response:
    return Response(request.url, status=status, headers={"Location": location}, request=request)


def test_redirects_to_consent_hosts_are_refused_as_consent_walls(
    middleware: SourceRequestsMiddleware,
) -> None:
    article = _request("https://www.ad.nl/binnenland/x~a1234567/", "ad")
    gate = "https://myprivacy.dpgmedia.nl/consent?siteKey=k&callbackUrl=https%3a%2f%2fwww.ad.nl%2f"
    with pytest.raises(Refused) as refused:
        middleware.process_response(article, _redirect(article, gate))
    assert refused.value.reason == "consent_wall"
    assert refused.value.detail.startswith(
        "consent host myprivacy.dpgmedia.nl: redirect to https://myprivacy"
    )
    declared = _request("https://www.bndestem.nl/a~a1234567/", "bn")
    with pytest.raises(Refused, match=r"consent host toestemming\.example"):
        middleware.process_response(declared, _redirect(declared, "https://toestemming.example/kies", 307))
    # Ordinary redirects pass on to the redirect middleware: https, www, another section.
    for location in ("https://ad.nl/binnenland/x~a1234567/", "/regio/x~a1234567/", "https://www.bn.nl/"):
        response = _redirect(article, location)
        assert middleware.process_response(article, response) is response
    # A request without a source (robots.txt) keeps the redirect rules of its own middleware.
    robots = _request("https://www.ad.nl/robots.txt")
    response = _redirect(robots, gate)
    assert middleware.process_response(robots, response) is response
    assert middleware.crawler.stats.get_value("corpus/consent_wall/ad") == 1
