"""Canonical URLs: one key per article whatever link led to it; scope stays on the source's hosts."""

from __future__ import annotations

from corpus.sources.urls import article_id, canonical_url, in_scope


def test_tracking_parameters_scheme_and_www_fold_to_one_key() -> None:
    variants = [
        "https://www.courant.example/nieuws/man-aangehouden?utm_source=rss&utm_medium=feed",
        "http://courant.example/nieuws/man-aangehouden",
        "https://courant.example/nieuws/man-aangehouden#reacties",
        "https://COURANT.example/nieuws/man-aangehouden?fbclid=abc",
    ]
    assert len({canonical_url(v) for v in variants}) == 1
    assert canonical_url(variants[0]) == "https://courant.example/nieuws/man-aangehouden"


def test_meaningful_query_is_kept_and_sorted() -> None:
    assert canonical_url("https://x.example/a?b=2&a=1&utm_campaign=z") == "https://x.example/a?a=1&b=2"
    assert canonical_url("https://x.example/a?id=1") != canonical_url("https://x.example/a?id=2")


def test_non_default_port_is_part_of_the_key() -> None:
    assert canonical_url("http://127.0.0.1:8080/a") == "https://127.0.0.1:8080/a"
    assert canonical_url("http://127.0.0.1:8080/a") != canonical_url("http://127.0.0.1:8081/a")


def test_article_id_is_stable_and_short() -> None:
    key = canonical_url("https://courant.example/nieuws/a")
    assert article_id(key) == article_id(key) and len(article_id(key)) == 16


def test_scope() -> None:
    hosts = frozenset({"nos.nl", "feeds.nos.nl"})
    assert in_scope("https://nos.nl/artikel/123-iets", hosts)
    assert in_scope("https://www.nos.nl/artikel/123-iets", hosts)
    assert in_scope("https://sport.nos.nl/artikel/1", hosts)
    assert not in_scope("https://evilnos.nl/artikel/1", hosts)
    assert not in_scope("https://nu.nl/artikel/1", hosts)
    assert not in_scope("file:///etc/passwd", hosts)
    assert not in_scope("data:text/html,hoi", hosts)
