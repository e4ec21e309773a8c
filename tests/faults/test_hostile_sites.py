"""robots.txt by RFC 9309, Crawl-delay, TDMRep under the research exception, SSRF and safe defaults.

Two real crawls: one of four small sites whose robots.txt answers 404, 500, nothing or a
Crawl-delay (run with ``CORPUS_TDM_RESEARCH_EXCEPTION=True``); one of a "public" site reached
through the fault server acting as an HTTP proxy, which tries to lead the crawler to the cloud
metadata address 169.254.169.254.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from corpus.crawl.runner import build_settings
from tests.conftest import FAST, run_cli
from tests.faultserver import Config, FaultServer, sources_toml


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, FaultServer]]:
    tdm = json.dumps([{"location": "/gereserveerd/", "tdm-reservation": 1}])
    configs = {
        "r404": Config(
            robots=None,
            sitemap=["/article/robots-ontbreekt-een", "/article/koekje?cookie=1", "/article/na-het-koekje"],
        ),
        "r500": Config(robots=500, sitemap=["/article/robots-kapot-een"]),
        "rdrop": Config(robots="drop", sitemap=["/article/robots-onbereikbaar-een"]),
        "delay": Config(
            robots="User-agent: *\nCrawl-delay: 0.5\nAllow: /\n",
            tdmrep=tdm,
            sitemap=[
                "/article/traag-een",
                "/article/traag-twee?header=1",
                "/article/traag-drie?meta=1",
                "/gereserveerd/traag-vier",
            ],
        ),
    }
    servers = {name: FaultServer(cfg).start() for name, cfg in configs.items()}
    try:
        yield servers
    finally:
        for srv in servers.values():
            srv.stop()


@pytest.fixture(scope="module")
def robots_crawl(sites: dict[str, FaultServer], tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("robots")
    sources = tmp / "sources.toml"
    sources.write_text(
        sources_toml(
            [
                {"name": name, "outlet": name, "country": "nl", "sitemaps": [srv.url("/sitemap.xml")]}
                for name, srv in sites.items()
            ]
        ),
        encoding="utf-8",
    )
    db = tmp / "corpus.sqlite"
    proc = run_cli(
        "crawl",
        "--sources",
        str(sources),
        "--db",
        str(db),
        *FAST,
        "-s",
        "CORPUS_TDM_RESEARCH_EXCEPTION=True",
        "-s",
        "DOWNLOAD_TIMEOUT=2",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db


def _query(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _stored_paths(db: Path, source: str) -> set[str]:
    rows = _query(db, f"SELECT fetched_url FROM articles WHERE source = '{source}'")
    return {"/" + url.split("/", 3)[3] for (url,) in rows}


def test_robots_404_means_everything_is_allowed(robots_crawl: Path) -> None:
    assert "/article/robots-ontbreekt-een" in _stored_paths(robots_crawl, "r404")


def test_robots_5xx_or_unreachable_means_disallowed_for_now(
    robots_crawl: Path, sites: dict[str, FaultServer]
) -> None:
    for source in ("r500", "rdrop"):
        assert not _stored_paths(robots_crawl, source)
        reasons = {
            r for (r,) in _query(robots_crawl, f"SELECT reason FROM rejections WHERE source = '{source}'")
        }
        assert reasons == {"robots_unavailable"}, (source, reasons)
    assert len(sites["r500"].hits("/robots.txt")) == 3  # a 5xx robots.txt is retried first
    assert not sites["r500"].hits("/sitemap.xml")  # and then nothing else is fetched


def test_crawl_delay_spaces_requests_to_the_site(robots_crawl: Path, sites: dict[str, FaultServer]) -> None:
    hits = sites["delay"].log
    # After the first robots.txt, whose answer sets the delay (the sitemap request left while it
    # was being parsed).
    times = [h.at for h in hits[2:]]
    assert len(times) >= 4
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Spaced at the crawler; arrival at the server adds a few milliseconds of jitter either way.
    assert min(gaps) >= 0.35 and sorted(gaps)[len(gaps) // 2] >= 0.45, gaps


def test_tdm_reserved_pages_are_kept_and_recorded_under_the_research_exception(robots_crawl: Path) -> None:
    stored = _stored_paths(robots_crawl, "delay")
    assert {
        "/article/traag-twee?header=1",
        "/article/traag-drie?meta=1",
        "/gereserveerd/traag-vier",
    } <= stored
    kept = set(
        _query(robots_crawl, "SELECT via, reserved, kept FROM tdm_declarations WHERE source = 'delay'")
    )
    assert kept == {("header", 1, 1), ("meta", 1, 1), ("well-known", 1, 1)}


def test_safe_defaults_no_cookies_no_credentials_identifying_agent(
    robots_crawl: Path, sites: dict[str, FaultServer]
) -> None:
    hits = [h for srv in sites.values() for h in srv.log]
    assert hits
    for hit in hits:
        agent = hit.headers.get("User-Agent", "")
        assert agent.startswith("crimecorpus/") and "+http" in agent, agent
        assert "Cookie" not in hit.headers and "Authorization" not in hit.headers
    # The site did set a cookie; the next request to it did not send it back.
    assert sites["r404"].hits("/article/na-het-koekje")
    settings = build_settings()
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    assert settings.getbool("COOKIES_ENABLED") is False
    assert settings.getbool("ROBOTSTXT_OBEY") is True


def test_no_ssrf_from_a_public_site_into_private_addresses(tmp_path: Path) -> None:
    metadata = "http://169.254.169.254/latest/meta-data/"
    with _proxy(
        Config(
            sitemap=[
                "/article/publiek-nieuws-een",
                "/redirect?to=" + quote(metadata, safe=""),
                "/redirect?to=" + quote("http://127.0.0.1:9/admin", safe=""),
                "http://169.254.169.254/latest/user-data/",
            ]
        )
    ) as proxy:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            sources_toml(
                [
                    {
                        "name": "publiek",
                        "outlet": "Publiek Nieuws",
                        "country": "nl",
                        "sitemaps": ["http://nieuws.example/sitemap.xml"],
                        # Even a host added by hand is no way in for a public source.
                        "domains": ["169.254.169.254", "127.0.0.1:9"],
                    }
                ]
            ),
            encoding="utf-8",
        )
        db = tmp_path / "corpus.sqlite"
        env = {"http_proxy": proxy.base, "HTTP_PROXY": proxy.base, "no_proxy": "", "NO_PROXY": ""}
        proc = run_cli("crawl", "--sources", str(sources), "--db", str(db), *FAST, env=env)
        assert proc.returncode == 0, proc.stderr[-3000:]
        # The public site was crawled through the proxy ...
        assert _stored_paths(db, "publiek") == {"/article/publiek-nieuws-een"}
        # ... but nothing was ever asked of the metadata address or of localhost.
        assert not [h for h in proxy.log if h.host.startswith(("169.254", "127.0.0.1:9"))]
    rows = _query(db, "SELECT url, reason FROM rejections")
    private = {url for url, reason in rows if reason == "private_address"}
    assert "http://169.254.169.254/latest/user-data/" in private  # linked from the sitemap
    assert "http://127.0.0.1:9/admin" in private  # reached by a redirect


class _proxy:
    """A fault server used as the HTTP proxy of a crawl (it serves any host name)."""

    def __init__(self, config: Config) -> None:
        self.server = FaultServer(config)

    def __enter__(self) -> FaultServer:
        return self.server.start()

    def __exit__(self, *exc: object) -> None:
        self.server.stop()
