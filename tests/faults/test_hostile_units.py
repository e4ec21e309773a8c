"""The pure parts of the hostile-input defences: worker timeout, TDMRep rules, Retry-After, SSRF."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from corpus.analyse import analyse_page
from corpus.crawl.tdm import (
    TdmRule,
    decide,
    location_matches,
    match_rule,
    meta_declaration,
    parse_tdmrep_json,
)
from corpus.crawl.worker import TimedWorker, WorkerFailed, WorkerTimeout
from corpus.sources.discovery import DiscoveryError, parse_xml
from corpus.text.extract import checked_extract
from pipelines.analysis import worker_rejection
from spiders.middlewares.pacing import DomainPacer, parse_retry_after
from spiders.middlewares.scope import is_public_address, literal_address
from tests.faultserver import LAUGHS_DOCTYPE, XXE_DOCTYPE, article_html, deep_html, hostile_feed


def test_a_hung_call_is_killed_at_the_timeout_and_the_worker_recovers() -> None:
    with TimedWorker(timeout=1.0) as worker:
        assert worker.call(sum, [1, 2, 3]) == 6
        started = time.monotonic()
        with pytest.raises(WorkerTimeout):
            worker.call(time.sleep, 30)
        assert time.monotonic() - started < 10
        assert worker.restarts == 1
        assert worker.call(sum, [4, 5]) == 9  # a fresh child serves the next call
        with pytest.raises(WorkerFailed, match="ZeroDivisionError"):
            worker.call(divmod, 1, 0)
        assert worker.call(abs, -3) == 3  # an exception does not cost the child


def test_extraction_timeout_becomes_a_rejection_reason() -> None:
    worker = TimedWorker(0.01)
    try:
        with pytest.raises(WorkerTimeout) as caught:
            worker.call(analyse_page, article_html(1) * 2000, "https://x.example/a-b-c")
    finally:
        worker.close()
    rejection = worker_rejection(caught.value)
    assert (rejection.stage, rejection.reason) == ("extract", "extract_timeout")


def test_a_page_nested_300_deep_is_refused_not_silently_cut() -> None:
    outcome = checked_extract(deep_html(300), "https://x.example/diep-genest-artikel")
    assert outcome.reason == "too_deep" and outcome.article is None
    shallow = checked_extract(deep_html(100), "https://x.example/diep-genest-artikel")
    assert shallow.article is not None and "diep genest" in shallow.article.text


def test_hostile_xml_is_refused_even_behind_padding() -> None:
    for doctype, ref in ((XXE_DOCTYPE, "&xxe;"), (LAUGHS_DOCTYPE, "&lol9;")):
        with pytest.raises(DiscoveryError):
            parse_xml(hostile_feed(doctype, ref, "http://x.example"))
        # Past the 64 kB sniffing window the parser itself still expands nothing.
        try:
            root = parse_xml(hostile_feed(doctype, ref, "http://x.example", pad=70000))
        except DiscoveryError:
            continue
        text = " ".join(root.itertext())
        assert "root:" not in text and "lollol" not in text


def test_tdmrep_rules_locations_and_precedence() -> None:
    rules = parse_tdmrep_json(
        b'[{"location": "/vrij/*", "tdm-reservation": 0},'
        b' {"location": "/premium/*.html$", "tdm-reservation": 1, "tdm-policy": "https://p.example"},'
        b' {"location": "/", "tdm-reservation": 1}]'
    )
    assert match_rule(rules, "/vrij/artikel").reserved is False
    assert match_rule(rules, "/premium/a/b.html").policy == "https://p.example"
    assert match_rule(rules, "/premium/a/b.html?x=1").location == "/"  # "$" anchors the end
    assert location_matches("/nieuws", "/nieuwsbrief")  # a plain location is a prefix
    assert parse_tdmrep_json(b"{not json") == [] and parse_tdmrep_json(b'{"a": 1}') == []
    meta = meta_declaration(
        b'<head><META content="1" NAME="tdm-reservation"><meta name=tdm-policy content=u></head>'
    )
    assert meta == (True, "u")
    assert meta_declaration(b"<head></head><body><meta name='tdm-reservation' content='1'>") == (None, None)
    file_rule = TdmRule("/", True)
    assert decide((None, None), (None, None), file_rule).via == "well-known"
    assert decide((None, None), (False, None), file_rule).reserved is False  # header beats file
    assert decide((True, None), (False, None), file_rule).via == "meta"  # meta beats header
    assert decide((None, None), (None, None), None).reserved is None


def test_retry_after_seconds_or_date_and_the_pacer() -> None:
    now = dt.datetime(2024, 6, 12, 10, 0, tzinfo=dt.UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 12 Jun 2024 10:01:30 GMT", now) == 90
    assert parse_retry_after("morgen") is None and parse_retry_after(None) is None
    clock = [100.0]
    pacer = DomainPacer(clock=lambda: clock[0])
    pacer.back_off("a.example", 30)
    assert pacer.wait_time("a.example") == 30 and pacer.wait_time("b.example") == 0
    pacer.set_interval("b.example", 2)
    pacer.depart("b.example")
    clock[0] += 0.5
    assert pacer.wait_time("b.example") == 1.5


def test_private_link_local_and_loopback_addresses_are_not_public() -> None:
    for ip in (
        "169.254.169.254",
        "10.1.2.3",
        "192.168.0.1",
        "127.0.0.1",
        "::1",
        "fd00::1",
        "100.64.0.1",
        "0.0.0.0",
    ):
        assert not is_public_address(ip), ip
    assert not is_public_address("::ffff:169.254.169.254")
    assert is_public_address("93.184.216.34")
    assert literal_address("localhost") == "127.0.0.1" and literal_address("nos.nl") is None
