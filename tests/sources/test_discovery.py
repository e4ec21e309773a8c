"""Feeds, sitemaps, robots.txt and listing pages parse into URLs with their metadata; hostile XML does not."""

from __future__ import annotations

import gzip

import pytest

from corpus.sources.discovery import (
    DiscoveryError,
    document_kind,
    feed_entries,
    listing_links,
    parse_xml,
    robots_sitemaps,
    sitemap_entries,
)

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Binnenland</title>
<item><title>Man aangehouden na steekpartij</title><link>https://c.example/nieuws/a-b-c</link>
<pubDate>Tue, 12 Mar 2024 10:00:00 +0100</pubDate></item>
<item><title>Zonder link</title></item>
<item><title>Relatief</title><guid isPermaLink="true">/nieuws/d-e-f</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Polderpost</title>
<entry><title>Brand in Deventer</title><link rel="alternate" href="https://p.example/112/brand-in-deventer"/>
<published>2023-10-01T08:15:00+02:00</published><updated>2023-10-02T09:00:00+02:00</updated></entry>
</feed>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://s.example/regio/overval-op-juwelier</loc><news:news>
<news:publication><news:name>De Scheldebode</news:name><news:language>nl</news:language></news:publication>
<news:publication_date>2019-08-05T14:30:00+02:00</news:publication_date>
<news:title>Overval op juwelier</news:title></news:news></url>
</urlset>"""

INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://s.example/sitemap-news.xml</loc></sitemap>
<sitemap><loc>https://s.example/sitemaps/2024.xml.gz</loc><lastmod>2024-01-01</lastmod></sitemap>
</sitemapindex>"""


def test_rss_items_keep_title_and_pubdate_and_resolve_links() -> None:
    entries = feed_entries(parse_xml(RSS), "https://c.example/rss.xml")
    assert [e.url for e in entries] == ["https://c.example/nieuws/a-b-c", "https://c.example/nieuws/d-e-f"]
    assert entries[0].title == "Man aangehouden na steekpartij"
    assert entries[0].date == "Tue, 12 Mar 2024 10:00:00 +0100"


def test_atom_entries_use_published_not_updated() -> None:
    (entry,) = feed_entries(parse_xml(ATOM), "https://p.example/feed")
    assert entry.url == "https://p.example/112/brand-in-deventer"
    assert entry.date == "2023-10-01T08:15:00+02:00"


def test_google_news_sitemap_keeps_publication_date_and_title() -> None:
    doc = sitemap_entries(parse_xml(NEWS_SITEMAP), "https://s.example/sitemap-news.xml")
    assert doc.kind == "urlset"
    (entry,) = doc.entries
    assert entry.title == "Overval op juwelier" and entry.date == "2019-08-05T14:30:00+02:00"


def test_sitemap_index_and_gzipped_sitemap() -> None:
    doc = sitemap_entries(parse_xml(INDEX), "https://s.example/sitemap.xml")
    assert doc.kind == "index" and len(doc.entries) == 2
    gz = gzip.compress(NEWS_SITEMAP)
    assert (
        sitemap_entries(parse_xml(gz), "https://s.example/x.xml.gz").entries[0].title == "Overval op juwelier"
    )


def test_entity_declarations_are_refused() -> None:
    xxe = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <rss><channel><item><title>&x;</title><link>https://a.example/a-b-c</link></item></channel></rss>"""
    with pytest.raises(DiscoveryError, match="entities"):
        parse_xml(xxe)
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><urlset>&b;</urlset>'
    with pytest.raises(DiscoveryError):
        parse_xml(laughs)


def test_gzip_bomb_is_refused_without_inflating_it() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (40 * 1024 * 1024) + b"</urlset>")
    with pytest.raises(DiscoveryError, match="inflates past"):
        parse_xml(bomb)


def test_garbage_is_a_discovery_error() -> None:
    with pytest.raises(DiscoveryError):
        document_kind(parse_xml(b"<html><body>geen feed</body></html>"))
    with pytest.raises(DiscoveryError):
        parse_xml(b"\x1f\x8bnot really gzip")


def test_robots_sitemap_lines() -> None:
    robots = "User-agent: *\nDisallow: /zoeken/\nSitemap: https://a.example/sitemap.xml\nsitemap: /news.xml\n"
    assert robots_sitemaps(robots, "https://a.example/robots.txt") == [
        "https://a.example/sitemap.xml",
        "https://a.example/news.xml",
    ]


def test_listing_links_keep_articles_and_skip_sections_and_service_pages() -> None:
    html = """<html><body><nav><a href="/binnenland/">Binnenland</a><a href="/zoeken/">Zoeken</a></nav>
    <a href="/nieuws/2024/03/12/man-aangehouden-in-zwolle">Man aangehouden</a>
    <a href="/nieuws/2024/03/12/man-aangehouden-in-zwolle#reacties">Reacties</a>
    <a href="/tag/politie">politie</a><a href="/nieuws/12345">Kort</a>
    <a href="https://elders.example/sport/ajax-wint-van-psv">Sport</a></body></html>"""
    links = listing_links(html, "https://c.example/binnenland/")
    assert links == [
        "https://c.example/nieuws/2024/03/12/man-aangehouden-in-zwolle",
        "https://c.example/nieuws/12345",
        "https://elders.example/sport/ajax-wint-van-psv",
    ]
