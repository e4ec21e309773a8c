"""The sources registry: valid files load, every mistake is reported with file, source and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.sources.registry import SourcesError, load_sources, parse_sources

GOOD = """
[[source]]
name = "courant"
outlet = "Lage Landen Courant"
country = "nl"
feeds = ["https://courant.example/rss.xml"]
sitemaps = ["https://www.courant.example/sitemap.xml"]
deny = ["/video/"]
"""


def test_valid_registry_loads_with_hosts_and_filters() -> None:
    (source,) = parse_sources(GOOD, "good.toml")
    assert source.name == "courant" and source.country == "nl"
    assert source.hosts == frozenset({"courant.example"})
    assert source.url_allowed("https://courant.example/nieuws/a-b-c")
    assert not source.url_allowed("https://courant.example/video/a-b-c")
    assert source.timezone == "Europe/Amsterdam"


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (GOOD.replace('country = "nl"', 'country = "de"'), "bad.toml: source 'courant', key 'country'"),
        (GOOD.replace('name = "courant"', 'name = "Courant NL"'), "key 'name'"),
        (GOOD + 'colour = "red"\n', "source 'courant', key 'colour': unknown key"),
        (GOOD.replace("https://courant.example/rss.xml", "ftp://x/rss"), "key 'feeds': not an http(s) URL"),
        (
            GOOD.replace('deny = ["/video/"]', 'deny = ["(unclosed"]'),
            "key 'deny': invalid regular expression",
        ),
        (GOOD + GOOD, "source 'courant', key 'name': duplicate name"),
        (GOOD.replace('outlet = "Lage Landen Courant"\n', ""), "key 'outlet'"),
        (
            GOOD.replace('feeds = ["https://courant.example/rss.xml"]', "feeds = 3"),
            "key 'feeds': must be a list",
        ),
        ("[[source]\nname=", "bad.toml: not valid TOML"),
        ("title = 'x'", "unknown top-level key 'title'"),
        ("", "no [[source]] tables"),
    ],
)
def test_bad_registry_names_file_source_and_key(toml: str, expected: str) -> None:
    with pytest.raises(SourcesError) as err:
        parse_sources(toml, "bad.toml")
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_source_without_any_discovery_url_is_refused() -> None:
    toml = '[[source]]\nname = "x"\noutlet = "X"\ncountry = "be"\n'
    with pytest.raises(SourcesError, match="at least one feed, sitemap or start URL"):
        parse_sources(toml, "x.toml")


def test_missing_file_and_unknown_source_name(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="cannot read sources file"):
        load_sources(tmp_path / "nope.toml")
    file = tmp_path / "s.toml"
    file.write_text(GOOD, encoding="utf-8")
    with pytest.raises(SourcesError, match="no source named 'nos'"):
        load_sources(file, ["nos"])
    assert [s.name for s in load_sources(file, ["courant"])] == ["courant"]


def test_shipped_registry_has_the_known_outlets_marked_unverified() -> None:
    sources = {s.name: s for s in load_sources()}
    for name in ("nos", "nu", "ad", "telegraaf", "politie", "vrtnws", "hln", "nieuwsblad", "omroepbrabant"):
        assert name in sources
    assert all(not s.verified for s in sources.values())
    assert sources["vrtnws"].country == "be" and sources["hln"].timezone == "Europe/Brussels"
    assert "https://feeds.nos.nl/nosnieuwsbinnenland" in sources["nos"].feeds
    assert "https://www.nu.nl/sitemap_news.xml" in sources["nu"].sitemaps
    # feeds.nos.nl links to nos.nl articles: the source must allow that host.
    assert "nos.nl" in sources["nos"].hosts
