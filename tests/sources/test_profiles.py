"""URL profiles and request settings of the registry: every outlet's URL shapes, and every mistake.

The example URLs follow the formats the outlets publish (their article, section, tag, video and
live pages), written here by hand: none could be fetched from this machine, so they pin what the
registry's patterns say, not what the sites serve today (see the registry's "unverified").
"""

from __future__ import annotations

import gzip
import json
from urllib.parse import urljoin

import lxml.html
import pytest

from corpus.sources.profiles import (
    consent_detail,
    consent_host_of,
    consent_redirect,
    cookie_header,
    looks_like_consent_host,
)
from corpus.sources.registry import SourcesError, load_sources, parse_sources
from corpus.sources.urls import in_scope
from tests.conftest import ROOT

REAL = ROOT.parent / "shared" / "benchmarks"

# name -> (article URLs, non-article URLs). Every source of the shipped registry must be here.
SHAPES: dict[str, tuple[list[str], list[str]]] = {
    "nos": (
        [
            "https://nos.nl/artikel/2512345-verdachte-aangehouden-na-steekpartij-in-zwolle",
            "https://nos.nl/liveblog/2512346-rellen-na-wedstrijd-politie-grijpt-in",
            "https://nos.nl/jeugdjournaal/artikel/2512347-inbrekers-gepakt?utm_source=rss",
        ],
        [
            "https://nos.nl/nieuws/binnenland",
            "https://nos.nl/sport/",
            "https://nos.nl/video/2512348-beelden-van-de-aanhouding",
            "https://nos.nl/collectie/13871-de-oorlog-in-oekraine",
            "https://nos.nl/livestream",
            "https://nos.nl/zoeken/?q=overval",
        ],
    ),
    "nu": (
        [
            "https://www.nu.nl/binnenland/6312345/man-aangehouden-voor-overval-op-supermarkt.html",
            "https://www.nu.nl/amsterdam/6312346/schietpartij-in-oost.html",
        ],
        [
            "https://www.nu.nl/binnenland",
            "https://www.nu.nl/net-binnen/",
            "https://www.nu.nl/tag/politie",
            "https://www.nu.nl/video/6312347/beelden-van-brand.html",
            "https://www.nu.nl/zoeken?q=inbraak",
        ],
    ),
    "ad": (
        [
            "https://www.ad.nl/binnenland/man-opgepakt-na-ramkraak-in-breda~a1b2c3d4/",
            "https://www.ad.nl/rotterdam/schoten-gelost-in-charlois~a258e829/?referrer=x",
        ],
        [
            "https://www.ad.nl/binnenland/",
            "https://www.ad.nl/rotterdam",
            "https://www.ad.nl/video/",
            "https://www.ad.nl/auteur/jan-de-vries",
            "https://www.ad.nl/zoeken?query=overval",
        ],
    ),
    "rtlnieuws": (
        [
            "https://www.rtlnieuws.nl/nieuws/nederland/artikel/5453421/verdachte-opgepakt-na-overval",
        ],
        [
            "https://www.rtlnieuws.nl/nieuws/nederland",
            "https://www.rtlnieuws.nl/nieuws/video/5453422/beelden-van-overval",
            "https://www.rtlnieuws.nl/tags/misdaad",
        ],
    ),
    "volkskrant": (
        ["https://www.volkskrant.nl/nieuws-achtergrond/rechtbank-veroordeelt-drugsbende~b5c6f0a2/"],
        ["https://www.volkskrant.nl/nieuws-achtergrond/", "https://www.volkskrant.nl/auteur/piet-jansen"],
    ),
    "trouw": (
        ["https://www.trouw.nl/binnenland/officier-eist-celstraf-voor-fraude~b0b4e1f2/"],
        ["https://www.trouw.nl/binnenland/", "https://www.trouw.nl/zoeken?query=fraude"],
    ),
    "parool": (
        ["https://www.parool.nl/amsterdam/explosie-bij-woning-in-west~b8a3c0c3/"],
        ["https://www.parool.nl/amsterdam/", "https://www.parool.nl/podcasts/"],
    ),
    "nrc": (
        ["https://www.nrc.nl/nieuws/2024/06/12/hoe-een-drugsbende-de-haven-binnendrong-a4167890"],
        [
            "https://www.nrc.nl/rubriek/binnenland/",
            "https://www.nrc.nl/onderwerp/criminaliteit/",
            "https://www.nrc.nl/auteur/anne-visser/",
        ],
    ),
    "telegraaf": (
        [
            "https://www.telegraaf.nl/nieuws/1234567890/overvaller-slaat-toe-bij-juwelier",
            "https://www.telegraaf.nl/financieel/987654321/fraudeur-veroordeeld",
        ],
        [
            "https://www.telegraaf.nl/nieuws/binnenland",
            "https://www.telegraaf.nl/video/1234567891/beelden-achtervolging",
            "https://www.telegraaf.nl/tag/misdaad",
        ],
    ),
    "politie": (
        ["https://www.politie.nl/nieuws/2024/juni/12/05-verdachte-aangehouden-na-woninginbraak.html"],
        [
            "https://www.politie.nl/nieuws",
            "https://www.politie.nl/mijn-buurt/politiebureaus/01-bureau-centrum",
            "https://www.politie.nl/zoeken?query=inbraak",
        ],
    ),
    "vrtnws": (
        [
            "https://www.vrt.be/vrtnws/nl/2024/06/12/man-opgepakt-na-overval-op-nachtwinkel/",
            "https://www.vrt.be/vrtnws/nl/2024/06/12/liveblog-proces-terreuraanslagen/",
        ],
        [
            "https://www.vrt.be/vrtnws/nl/",
            "https://www.vrt.be/vrtnws/nl/regio/antwerpen/",
            "https://www.vrt.be/vrtnws/nl/kijk/2024/06/12/beelden-van-de-overval/",
            "https://www.vrt.be/vrtnws/nl/net-binnen/",
            "https://www.vrt.be/vrtnws/en/2024/06/12/man-arrested-after-robbery/",
        ],
    ),
    "hln": (
        ["https://www.hln.be/antwerpen/drugsbende-opgerold-in-de-haven~a9f8e7d6/"],
        ["https://www.hln.be/binnenland/", "https://www.hln.be/antwerpen", "https://www.hln.be/video/"],
    ),
    "nieuwsblad": (
        ["https://www.nieuwsblad.be/cnt/dmf20240612_97812345"],
        [
            "https://www.nieuwsblad.be/regio/antwerpen/mortsel",
            "https://www.nieuwsblad.be/nieuws/binnenland",
            "https://www.nieuwsblad.be/tag/misdaad",
        ],
    ),
}
_REGIONAL = {
    "omroepbrabant": "www.omroepbrabant.nl",
    "rijnmond": "www.rijnmond.nl",
    "omroepwest": "www.omroepwest.nl",
    "gld": "www.gld.nl",
    "rtvnoord": "www.rtvnoord.nl",
    "rtvdrenthe": "www.rtvdrenthe.nl",
    "l1": "www.l1nieuws.nl",
    "omroepflevoland": "www.omroepflevoland.nl",
    "nhnieuws": "www.nhnieuws.nl",
    "rtvutrecht": "www.rtvutrecht.nl",
    "omroepzeeland": "www.omroepzeeland.nl",
    "rtvoost": "www.oost.nl",
    "omropfryslan": "www.omropfryslan.nl",
}
for _name, _host in _REGIONAL.items():
    _prefix = "/nl" if _name == "omropfryslan" else ""
    SHAPES[_name] = (
        [f"https://{_host}{_prefix}/nieuws/4345678/verdachte-aangehouden-na-steekpartij"],
        [
            f"https://{_host}{_prefix}/nieuws",
            f"https://{_host}/tv",
            f"https://{_host}/radio/",
            f"https://{_host}/video/4345679/beelden-van-de-brand",
            f"https://{_host}/zoeken?q=brand",
        ],
    )

SOURCES = {s.name: s for s in load_sources()}


def test_every_outlet_of_the_registry_has_a_profile_and_example_shapes() -> None:
    assert set(SHAPES) == set(SOURCES)
    for source in SOURCES.values():
        assert source.article_urls and source.skip_urls, source.name


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_outlets_url_shapes_are_classified(name: str) -> None:
    source = SOURCES[name]
    articles, others = SHAPES[name]
    for url in articles:
        assert source.url_kind(url) == "article", url
    for url in others:
        assert source.url_kind(url) == "skip", url
    # The profile is about the path: the shape of one outlet on a mirror or a test host is the same.
    moved = articles[0].replace("https://", "http://").split("/", 3)[3]
    assert source.url_kind(f"http://127.0.0.1:8080/{moved}") == "article"


@pytest.mark.skipif(not (REAL / "real-pages").is_dir(), reason="shared benchmark real-pages not present")
def test_the_links_of_a_real_telegraaf_article_are_classified() -> None:
    """A real De Telegraaf page nobody here wrote: its own URL and every link to its host."""
    telegraaf = SOURCES["telegraaf"]
    (entry,) = [
        json.loads(line)
        for line in (REAL / "real-pages" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
        if '"nl-telegraaf-werkvraag"' in line
    ]
    page = (REAL / "real-pages" / "pages" / "nl-telegraaf-werkvraag.html").read_bytes()
    links = {
        urljoin(entry["url"], str(href).strip()).split("#", 1)[0]
        for href in lxml.html.fromstring(page).xpath("//a/@href")
    }
    own = sorted(u for u in links if in_scope(u, telegraaf.hosts) and u.startswith("https://www."))
    kinds = {u: telegraaf.url_kind(u) for u in own}
    assert telegraaf.url_kind(entry["url"]) == "article"
    articles = sorted(u for u, k in kinds.items() if k == "article")
    assert len(articles) == 10 and all("/financieel/" in u for u in articles)
    # Every other link is a known non-article: sections, video, search, subscription, read-aloud.
    assert [u for u, k in kinds.items() if k != "article" and k != "skip"] == []
    assert {
        "https://www.telegraaf.nl/",
        "https://www.telegraaf.nl/nieuws",
        "https://www.telegraaf.nl/video/",
    } <= {u for u, k in kinds.items() if k == "skip"}


@pytest.mark.skipif(not (REAL / "extraction").is_dir(), reason="shared benchmarks not present")
def test_the_links_of_a_real_nieuwsblad_article_are_classified() -> None:
    """fundus' stored Het Nieuwsblad page (2025-02-02): its URL and the links to its hosts."""
    folder = REAL / "extraction" / "fundus-nieuwsblad"
    url = "https://www.nieuwsblad.be/cnt/dmf20250202_96887132"
    assert url in (folder / "meta.info").read_text(encoding="utf-8")
    nieuwsblad = SOURCES["nieuwsblad"]
    assert nieuwsblad.url_kind(url) == "article"
    page = gzip.decompress((folder / "Nieuwsblad_2025_02_02.html.gz").read_bytes())
    links = {
        urljoin(url, str(h).strip()).split("#", 1)[0] for h in lxml.html.fromstring(page).xpath("//a/@href")
    }
    kinds = {u: nieuwsblad.url_kind(u) for u in links if in_scope(u, nieuwsblad.hosts)}
    articles = {u for u, k in kinds.items() if k == "article"}
    assert articles == {u for u in kinds if u.startswith("https://www.nieuwsblad.be/cnt/dmf")}
    assert len(articles) == 24
    unknown = [u for u, k in kinds.items() if k is None]
    assert len(unknown) <= 1, unknown  # one malformed link ("/routeyouutm_internal=...")
    assert len(kinds) - len(articles) - len(unknown) >= 150  # sections, sport trees, tags, shops


def test_an_unknown_shape_is_left_to_the_page_kind_stage() -> None:
    assert SOURCES["nos"].url_kind("https://nos.nl/a/b/c/d/e-f") is None
    assert SOURCES["telegraaf"].url_kind("https://www.telegraaf.nl/watuwilwetenover/x1/y2/z") is None


PROFILE = """
[[source]]
name = "courant"
outlet = "Lage Landen Courant"
country = "nl"
feeds = ["https://courant.example/rss.xml"]
article_urls = ['^/nieuws/\\d+/']
skip_urls = ['^/nieuws/', '/video/']
"""


def test_an_article_pattern_wins_over_a_skip_pattern() -> None:
    (source,) = parse_sources(PROFILE, "p.toml")
    assert source.url_match("https://courant.example/nieuws/123/video/beelden") == (
        "article",
        r"^/nieuws/\d+/",
    )
    assert source.url_match("https://courant.example/nieuws/regio") == ("skip", "^/nieuws/")
    assert source.url_match("https://courant.example/sport/video/doelpunt") == ("skip", "/video/")
    assert source.url_kind("https://courant.example/over-ons") is None
    # Only the path and query are matched, never the host or scheme.
    assert source.url_kind("https://nieuws.courant.example/overig") is None


def test_a_source_without_profile_knows_no_kinds_and_sends_nothing() -> None:
    (source,) = parse_sources(PROFILE.split("article_urls")[0], "p.toml")
    assert source.url_kind("https://courant.example/nieuws/123/") is None
    assert source.request_headers() == {}
    assert source.headers == source.cookies == () and source.consent_hosts == ()


REQUESTS = """
[[source]]
name = "dagblad"
outlet = "Dagblad"
country = "nl"
feeds = ["https://www.dagblad.example/rss.xml"]
headers = { "Accept-Language" = "nl-NL,nl;q=0.9" }
cookies = { pwv = "1", pws = "functional|analytics" }
consent_hosts = ["toestemming.example", "127.0.0.1:8081"]
"""


def test_headers_cookies_and_consent_hosts_load() -> None:
    (source,) = parse_sources(REQUESTS, "r.toml")
    assert source.name == "dagblad"
    assert source.headers == (("Accept-Language", "nl-NL,nl;q=0.9"),)
    assert source.cookies == (("pwv", "1"), ("pws", "functional|analytics"))
    assert source.request_headers() == {
        "Accept-Language": "nl-NL,nl;q=0.9",
        "Cookie": "pwv=1; pws=functional|analytics",
    }
    assert source.consent_hosts == ("toestemming.example", "127.0.0.1:8081")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("article_urls = []", "article_urls = ['(unclosed']"),
            "key 'article_urls': invalid regular expression",
        ),
        (("article_urls = []", "skip_urls = ['[z-a]']"), "key 'skip_urls': invalid regular expression"),
        (("article_urls = []", "article_urls = '^/nieuws/'"), "key 'article_urls': must be a list"),
        (("headers = {", 'headers = { "User-Agent" = "Mozilla/5.0", '), "key 'headers': header 'User-Agent'"),
        (("headers = {", 'headers = { "Bad Name" = "x", '), "key 'headers': not a valid header name"),
        (("headers = {", 'headers = { "X-Test" = "a\\nb", '), "key 'headers': header 'X-Test': the value"),
        (("headers = {", "headers = { Accept = 3, "), "key 'headers': must be a table of strings"),
        (('cookies = { pwv = "1"', 'cookies = { pwv = "1 2"'), "key 'cookies': cookie 'pwv'"),
        (('cookies = { pwv = "1"', 'cookies = { pwv = "1;x=2"'), "key 'cookies': cookie 'pwv'"),
        (("cookies = {", 'cookies = { "a b" = "1", '), "key 'cookies': not a valid cookie name"),
        (("cookies = {", "cookies = 'pwv=1' #"), "key 'cookies': must be a table"),
        (('"toestemming.example"', '"https://toestemming.example/"'), "key 'consent_hosts': not a host name"),
        (('"127.0.0.1:8081"', '"127.0.0.1:http"'), "key 'consent_hosts'"),
    ],
)
def test_bad_profiles_and_request_settings_name_file_source_and_key(
    change: tuple[str, str], expected: str
) -> None:
    toml = (REQUESTS + "article_urls = []\n").replace(*change)
    with pytest.raises(SourcesError) as err:
        parse_sources(toml, "bad.toml")
    assert f"bad.toml: source 'dagblad', {expected}" in str(err.value)
    assert "\n" not in str(err.value)


def test_the_registry_documents_a_consent_cookie_example() -> None:
    """The shipped registry shows how a consent choice is configured (commented, unverified)."""
    from corpus.sources.registry import default_sources_path

    text = default_sources_path().read_text(encoding="utf-8")
    example = next(line for line in text.splitlines() if "cookies = {" in line)
    assert example.lstrip().startswith("#")
    toml = REQUESTS.split("headers")[0] + example.lstrip("# ") + "\n"
    (source,) = parse_sources(toml, "example.toml")
    assert source.cookies and "Cookie" in source.request_headers()


# -- consent hosts --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "declared", "expected"),
    [
        ("myprivacy.dpgmedia.nl", (), True),
        ("myprivacy.dpgmedia.be", (), True),
        ("consent.mediahuis.example", (), True),
        ("privacy.outlet.example", (), True),
        ("cmp.outlet.example:8443", (), True),
        ("consent.example", (), False),  # a site called "consent", not a consent subdomain
        ("www.ad.nl", (), False),
        ("nieuws.outlet.example", (), False),
        ("toestemming.example", ("toestemming.example",), True),
        ("gate.toestemming.example", ("toestemming.example",), True),
        ("127.0.0.1:8081", ("127.0.0.1:8081",), True),
        ("127.0.0.1:8082", ("127.0.0.1:8081",), False),
    ],
)
def test_consent_hosts_are_recognised(host: str, declared: tuple[str, ...], expected: bool) -> None:
    assert looks_like_consent_host(host, declared) is expected


def test_a_redirect_is_a_consent_wall_only_to_another_host_that_is_a_consent_host() -> None:
    article = "https://www.ad.nl/binnenland/x~a1b2c3d4/"
    gate = "https://myprivacy.dpgmedia.nl/consent?siteKey=abc&callbackUrl=https%3a%2f%2fwww.ad.nl%2f"
    assert consent_redirect(article, gate) == "myprivacy.dpgmedia.nl"
    assert consent_redirect(article, "https://ad.nl/binnenland/x~a1b2c3d4/") is None  # www folded
    assert consent_redirect(article, "https://www.ad.nl/privacy-gate/accept") is None  # same host
    assert consent_redirect("http://127.0.0.1:8080/a", "http://127.0.0.1:8081/c", ["127.0.0.1:8081"]) == (
        "127.0.0.1:8081"
    )
    detail = consent_detail("127.0.0.1:8081", "http://127.0.0.1:8081/c?x=1")
    assert consent_host_of(detail) == "127.0.0.1:8081"
    assert consent_host_of("something else") is None and consent_host_of(None) is None


def test_cookie_header_joins_pairs() -> None:
    assert cookie_header([("pwv", "1"), ("pws", "functional")]) == "pwv=1; pws=functional"
