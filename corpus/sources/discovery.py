"""Parse what discovery fetches: RSS/Atom feeds, sitemaps, robots.txt and listing pages.

All XML goes through one hardened parser: no DTD loading, no entity expansion, no network, no
huge trees. Hostile feeds (external entities, billion laughs) therefore parse to nothing harmful
or fail with :class:`DiscoveryError`, which the caller records as a parse error.

Feeds are often written by HTML templates: ``&eacute;`` or ``&nbsp;`` appear without any DTD
that declares them, and bare ``&`` in links. libxml2's recovery mode does not skip such a
reference cleanly: it loses every later ``&amp;`` of the document (``?a=1&amp;b=2`` became
``?a=1b=2``) and ``&lt;`` with it. :func:`resolve_html_entities` therefore rewrites, before
parsing, each HTML named reference as numeric character references (a fixed table, no
declaration is ever read, so nothing expands past one character per reference) and escapes a
bare ``&``; the five XML entities and numeric references stay as written.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from html.entities import html5
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

MAX_XML_BYTES = 16 * 1024 * 1024
"""Largest sitemap or feed accepted after decompression (the sitemap protocol allows 50 MB; news
sitemaps are far smaller, and a larger one is more likely a bomb than a sitemap)."""


class DiscoveryError(ValueError):
    """A feed or sitemap that cannot be used; the message says why in one line."""


@dataclass(frozen=True)
class Entry:
    """A URL found by discovery, with what the feed or sitemap said about it."""

    url: str
    title: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class SitemapDoc:
    kind: str  # "index" | "urlset"
    entries: tuple[Entry, ...]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def gunzip_bounded(data: bytes, max_size: int = MAX_XML_BYTES) -> bytes:
    """Decompress gzip data, refusing anything that inflates past ``max_size`` (a zip bomb)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_size + 1)
    except zlib.error as exc:
        raise DiscoveryError(f"broken gzip data: {exc}") from None
    if len(out) > max_size or inflater.unconsumed_tail:
        raise DiscoveryError(f"gzip data inflates past {max_size} bytes")
    return out


def maybe_gunzip(body: bytes, max_size: int = MAX_XML_BYTES) -> bytes:
    return gunzip_bounded(body, max_size) if body[:2] == b"\x1f\x8b" else body


_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_REFERENCE = re.compile(
    rb"<!\[CDATA\[.*?\]\]>|&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]{0,31};)?", re.DOTALL
)


def _reference(match: re.Match[bytes]) -> bytes:
    whole, ref = match.group(0), match.group(1)
    if whole.startswith(b"<!"):
        return whole  # CDATA: its text is literal, references included
    if ref is None:
        return b"&amp;"  # a bare ampersand (an unescaped link): the text it stands for
    if ref.startswith(b"#") or ref[:-1] in _XML_ENTITIES:
        return whole
    text = html5.get(ref.decode("ascii"))
    if text is None:
        return b"&amp;" + ref  # not an entity anyone defines: keep it as the text it shows
    return b"".join(b"&#%d;" % ord(char) for char in text)


def resolve_html_entities(body: bytes) -> bytes:
    """HTML named references as numeric references and bare ``&`` escaped (see module).

    Works on the bytes, so any ASCII-compatible encoding the declaration names stays valid;
    CDATA sections are left alone. A document in UTF-16 is returned as it is.
    """
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"&" not in body:
        return body
    return _REFERENCE.sub(_reference, body)


def parse_xml(body: bytes) -> etree._Element:
    """Parse untrusted XML safely, or raise DiscoveryError."""
    body = maybe_gunzip(body)
    if len(body) > MAX_XML_BYTES:
        raise DiscoveryError(f"XML document larger than {MAX_XML_BYTES} bytes")
    if b"<!ENTITY" in body[:65536]:
        # Entity declarations have no business in feeds or sitemaps; they are the vehicle of
        # XXE and billion-laughs attacks, so the document is refused outright.
        raise DiscoveryError("XML declares entities (refused: possible XXE or entity bomb)")
    body = resolve_html_entities(body)
    try:
        root = etree.fromstring(body, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"not well-formed XML: {exc}") from None
    if root is None:
        raise DiscoveryError("empty or unparsable XML document")
    return root


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(el: etree._Element, *names: str) -> str | None:
    for child in el:
        if _local(child.tag) in names:
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None


def document_kind(root: etree._Element) -> str:
    """ "feed", "index" or "urlset" from the root element."""
    name = _local(root.tag)
    if name in ("rss", "feed", "rdf"):
        return "feed"
    if name == "sitemapindex":
        return "index"
    if name == "urlset":
        return "urlset"
    raise DiscoveryError(f"neither a feed nor a sitemap (root element <{name}>)")


def feed_entries(root: etree._Element, base_url: str) -> list[Entry]:
    """Items of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in feed order."""
    entries: list[Entry] = []
    for el in root.iter():
        name = _local(el.tag)
        if name not in ("item", "entry"):
            continue
        link = None
        for child in el:
            if _local(child.tag) != "link":
                continue
            href = child.get("href")
            if href and child.get("rel", "alternate") == "alternate":
                link = href
                break
            if not href and (child.text or "").strip():
                link = child.text.strip()
                break
        if not link:
            guid = el.find("guid")
            if guid is not None and guid.get("isPermaLink", "true") == "true" and guid.text:
                link = guid.text.strip()
        if not link:
            continue
        entries.append(
            Entry(
                url=urljoin(base_url, link),
                title=_child_text(el, "title"),
                date=_child_text(el, "pubdate", "published", "date", "issued", "created", "updated"),
            )
        )
    return entries


def sitemap_entries(root: etree._Element, base_url: str) -> SitemapDoc:
    """URLs of a sitemap index or urlset, with news:publication_date, news:title or lastmod."""
    kind = document_kind(root)
    if kind == "feed":
        raise DiscoveryError("a feed where a sitemap was expected")
    wanted = "sitemap" if kind == "index" else "url"
    entries: list[Entry] = []
    for el in root:
        if _local(el.tag) != wanted:
            continue
        loc = _child_text(el, "loc")
        if not loc:
            continue
        title = date = None
        for child in el:
            if _local(child.tag) == "news":
                title = _child_text(child, "title")
                date = _child_text(child, "publication_date")
        entries.append(Entry(urljoin(base_url, loc), title, date or _child_text(el, "lastmod")))
    return SitemapDoc(kind, tuple(entries))


def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt (case-insensitive, relative URLs resolved)."""
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(urljoin(base_url, value.strip()))
    return found


_SKIP_PATH = re.compile(
    r"/(tag|tags|auteur|author|login|inloggen|account|abonnement|abonneren|"
    r"service|contact|colofon|privacy|cookies?|over-ons|adverteren|rss|feeds?)(/|$)",
    re.IGNORECASE,
)
_ASSET = re.compile(r"\.(jpe?g|png|gif|svg|webp|pdf|css|js|xml|mp[34]|zip)$", re.IGNORECASE)


def looks_like_article_url(url: str) -> bool:
    """Article URLs have a slug or an id deeper than a section; sections and service pages do not."""
    parts = urlsplit(url)
    path = parts.path
    if _SKIP_PATH.search(path) or _ASSET.search(path):
        return False
    segments = [s for s in path.split("/") if s]
    if not segments:
        return False
    last = segments[-1].removesuffix(".html").removesuffix(".htm")
    return last.count("-") >= 2 or (any(c.isdigit() for c in last) and len(segments) >= 2)


def listing_links(html: str | bytes, base_url: str) -> list[str]:
    """Article-looking links on a section page, in page order, without repeats or fragments.

    Text that is already decoded is parsed as the UTF-8 it is encoded to here: without a charset
    in the page, libxml2 would read those bytes as Latin-1 and mangle every non-ASCII link
    (an IDN host or an accented slug).
    """
    try:
        if isinstance(html, bytes):
            tree = lxml.html.fromstring(html)
        else:
            tree = lxml.html.fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return []
    seen: dict[str, None] = {}
    for href in tree.xpath("//a/@href"):
        url = urljoin(base_url, str(href).strip()).split("#", 1)[0]
        if url.startswith(("http://", "https://")) and looks_like_article_url(url):
            seen.setdefault(url, None)
    return list(seen)
