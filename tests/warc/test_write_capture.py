"""A capture copied from a web archive into ours (write_capture) reads back as the page it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from corpus.warc.read import Page, iter_pages
from corpus.warc.write import RotatingWarcWriter

BODY = (
    '<html lang="nl"><head><meta charset="windows-1252"><title>Brand in loods</title></head><body>'
    "<p>De brandweer rukte dinsdagnacht uit voor een brand in een loods aan de Industrieweg. "
    "Niemand raakte gewond; de politie onderzoekt of er brandstichting in het spel was.</p></body></html>"
).encode("cp1252")


def test_a_decoded_capture_keeps_its_headers_renamed_its_capture_time_and_its_provenance(
    tmp_path: Path,
) -> None:
    captured = dt.datetime(2019, 3, 5, 22, 14, 9, tzinfo=dt.UTC)
    writer = RotatingWarcWriter(tmp_path)
    # Headers as a Common Crawl record held them: the body came gzip'ed and chunked; it is written
    # decoded, so a reader that trusted those headers would try to decode it again.
    headers = [
        ("Content-Type", "text/html; charset=windows-1252"),
        ("Content-Encoding", "gzip"),
        ("Transfer-Encoding", "chunked"),
        ("Content-Length", "97"),
        ("Last-Modified", "Tue, 05 Mar 2019 21:50:00 GMT"),
    ]
    written = writer.write_capture(
        url="https://courant.example/2019/03/05/brand-in-loods",
        status=200,
        headers=headers,
        body=BODY,
        captured_at=captured,
        obtained_via="cc_index",
        capture_id="<urn:uuid:11111111-2222-3333-4444-555555555555>",
        source_uri="https://data.commoncrawl.org/crawl-data/CC-MAIN-2019-13/x.warc.gz",
        refers_to="<urn:uuid:11111111-2222-3333-4444-555555555555>",
    )
    writer.close()
    assert written > 0 and len(writer.files) == 1
    [page] = [p for p in iter_pages(writer.files[0], lambda url: True) if isinstance(p, Page)]
    assert page.body == BODY  # not decoded a second time, nor called truncated
    assert page.date == captured  # WARC-Date: the capture, not the time of writing
    assert (page.obtained_via, page.capture_id) == (
        "cc_index",
        "<urn:uuid:11111111-2222-3333-4444-555555555555>",
    )
    assert page.record_id != page.capture_id  # the record of ours has its own id
    names = dict(page.headers)
    assert names["X-Crawler-Content-Encoding"] == "gzip" and "Content-Encoding" not in names
    assert "Transfer-Encoding" not in names and "Content-Length" not in names
    assert names["Last-Modified"] == "Tue, 05 Mar 2019 21:50:00 GMT"


def test_an_exchange_of_a_live_fetch_names_no_provenance(tmp_path: Path) -> None:
    writer = RotatingWarcWriter(tmp_path)
    writer.write_exchange(
        url="https://courant.example/a",
        method="GET",
        request_headers=[],
        request_body=b"",
        status=200,
        headers=[("Content-Type", "text/html")],
        body=BODY,
        when=dt.datetime.now(dt.UTC),
    )
    writer.close()
    [page] = [p for p in iter_pages(writer.files[0], lambda url: True) if isinstance(p, Page)]
    assert page.obtained_via is None and page.capture_id is None
