"""Decoding of undeclared and wrongly declared pages, unit and through a real crawl."""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler

from corpus.text.encoding import _MOJIBAKE_HINT, _MOJIBAKE_HINT_UTF8, DecodedBody, declare_utf8, decode_html
from spiders.middlewares.encoding import EncodingMiddleware

ROOT = Path(__file__).resolve().parents[2]

SENTENCE = (
    "Een geïnteresseerde buurvrouw zag hoe agenten het café doorzochten. De financiële "
    "schade wordt op € 4.500 geschat; één verdachte is opgepakt."
)
PAGE = f"<!doctype html><html><head><title>Inval</title></head><body><p>{SENTENCE}</p></body></html>"
CP1252_PAGE = PAGE.encode("cp1252")
UTF8_PAGE = PAGE.encode("utf-8")


def _paragraph(text: str) -> str:
    return text.split("<p>", 1)[1].split("</p>", 1)[0]


# --- the known failures, reproduced -------------------------------------------------------


def test_scrapy_alone_guesses_undeclared_cp1252_wrongly() -> None:
    response = HtmlResponse("http://example.nl/", body=CP1252_PAGE)
    assert "geïnteresseerde" not in response.text


def test_scrapy_alone_trusts_a_wrong_utf8_header() -> None:
    headers = {"Content-Type": "text/html; charset=utf-8"}
    response = HtmlResponse("http://example.nl/", body=CP1252_PAGE, headers=headers)
    assert "\ufffd" in response.text


# --- decode_html ----------------------------------------------------------------------------


def test_undeclared_cp1252_is_read_as_cp1252() -> None:
    decoded = decode_html(CP1252_PAGE, None)
    assert _paragraph(decoded.text) == SENTENCE
    assert (decoded.encoding, decoded.replacements, decoded.repaired) == ("cp1252", 0, False)


def test_wrong_utf8_header_on_cp1252_body_falls_back() -> None:
    decoded = decode_html(CP1252_PAGE, "utf-8")
    assert _paragraph(decoded.text) == SENTENCE
    assert decoded.encoding == "cp1252"
    assert decoded.replacements == 0
    assert decoded.note is not None
    assert "does not decode" in decoded.note


@pytest.mark.parametrize("label", ["ISO-8859-1", "latin-1", "us-ascii"])
def test_latin1_and_ascii_declarations_are_read_as_cp1252(label: str) -> None:
    # Byte 0x80 is € in windows-1252 but an invisible control character in real Latin-1.
    decoded = decode_html(CP1252_PAGE, label)
    assert "€ 4.500" in decoded.text
    assert decoded.encoding == "cp1252"


def test_meta_charset_is_used_when_there_is_no_header() -> None:
    page = PAGE.replace("<head>", '<head><meta charset="windows-1250">')
    text = "Příbram: policie zadržela dva muže"
    body = page.replace(SENTENCE, text).encode("cp1250")
    decoded = decode_html(body, None)
    assert _paragraph(decoded.text) == text
    assert decoded.encoding == "cp1250"


def test_header_wins_over_meta_when_both_decode() -> None:
    page = PAGE.replace("<head>", '<head><meta charset="iso-8859-2">')
    assert decode_html(page.encode("cp1252"), "windows-1252").encoding == "cp1252"


def test_utf8_is_tried_before_cp1252_when_nothing_is_declared() -> None:
    decoded = decode_html(UTF8_PAGE, None)
    assert _paragraph(decoded.text) == SENTENCE
    assert (decoded.encoding, decoded.note) == ("utf-8", None)


def test_bom_wins_over_a_wrong_declaration() -> None:
    decoded = decode_html(b"\xef\xbb\xbf" + UTF8_PAGE, "windows-1252")
    assert decoded.text == PAGE
    assert decoded.encoding == "utf-8"


def test_utf16_page_with_bom_is_decoded() -> None:
    decoded = decode_html(PAGE.encode("utf-16"), None)
    assert decoded.text == PAGE


def test_utf16_declaration_without_bom_is_ignored() -> None:
    decoded = decode_html(CP1252_PAGE, "utf-16")
    assert _paragraph(decoded.text) == SENTENCE


def test_stray_cp1252_bytes_in_a_utf8_page_are_read_one_by_one() -> None:
    # A UTF-8 page with one pasted windows-1252 snippet: neither codec reads it whole.
    snippet = "<p>Reactie van de burgemeester: ‘geen commentaar’ – één zin.</p>"
    body = UTF8_PAGE.replace(b"</body>", snippet.encode("cp1252") + b"</body>")
    decoded = decode_html(body, "utf-8")
    assert SENTENCE in decoded.text
    assert snippet in decoded.text
    assert decoded.encoding == "utf-8+cp1252"
    assert decoded.replacements == 0


def test_mojibake_from_a_double_encoding_is_repaired() -> None:
    # UTF-8 that was read as windows-1252 upstream and stored again as UTF-8.
    double = PAGE.encode("utf-8").decode("cp1252").encode("utf-8")
    assert "geÃ¯nteresseerde" in double.decode("utf-8")
    decoded = decode_html(double, "utf-8")
    assert _paragraph(decoded.text) == SENTENCE
    assert decoded.repaired
    assert decoded.note == "mojibake repaired"


def test_mojibake_from_a_latin1_reader_is_repaired() -> None:
    # "ß" and "ï" read as Latin-1 upstream give C1 control characters, not cp1252 letters.
    damaged = SENTENCE.encode("utf-8").decode("latin-1")
    decoded = decode_html(f"<p>{damaged}</p>".encode(), "utf-8")
    assert decoded.text == f"<p>{SENTENCE}</p>"
    assert decoded.repaired


def test_only_damaged_lines_are_touched() -> None:
    damaged = SENTENCE.encode("utf-8").decode("cp1252")
    script = '<script>var s = "\u200b\x85";</script>'
    decoded = decode_html(f"{script}\n<p>{damaged}</p>".encode(), "utf-8")
    assert decoded.text == f"{script}\n<p>{SENTENCE}</p>"


def test_utf8_body_declared_latin1_is_repaired() -> None:
    decoded = decode_html(UTF8_PAGE, "iso-8859-1")
    assert _paragraph(decoded.text) == SENTENCE
    assert decoded.repaired


@pytest.mark.parametrize(
    "text",
    [
        "Zo'n 3 % van de Ångström-meting in São Paulo, ±2 °C; Ørsted ×4.",
        "De “aanhalingstekens” en de ﬁ-ligatuur en ‘quotes’ blijven zoals ze zijn.",
        "Naïeve reeën, coöperatie, België — ‘t is allemaal gewoon Nederlands.",
    ],
)
def test_correct_text_is_left_exactly_as_it_is(text: str) -> None:
    decoded = decode_html(text.encode("utf-8"), "utf-8")
    assert decoded.text == text
    assert not decoded.repaired


def test_undecodable_bytes_are_replaced_and_counted() -> None:
    # 0x81 and 0x8D are undefined in windows-1252 and invalid in UTF-8.
    decoded = decode_html(b"<p>Inbraak\x81 in\x8d Gent</p>", None)
    assert decoded.text == "<p>Inbraak\ufffd in\ufffd Gent</p>"
    assert decoded.replacements == 2
    assert decoded.note == "2 replacement characters"


def test_replacement_characters_already_in_the_page_are_counted() -> None:
    decoded = decode_html("<p>Schade van \ufffd 300</p>".encode(), "utf-8")
    assert decoded.replacements == 1


def test_empty_body_and_unknown_charset_do_not_raise() -> None:
    assert decode_html(b"", None) == DecodedBody("", "utf-8", 0, False, None)
    decoded = decode_html(CP1252_PAGE, "x-no-such-charset")
    assert _paragraph(decoded.text) == SENTENCE
    assert decoded.note is not None
    assert "unknown header charset" in decoded.note


def test_declare_utf8_rewrites_meta_declarations() -> None:
    page = (
        '<html><head><meta charset="windows-1252">'
        '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
        "</head><body><p>charset=latin1 in de tekst blijft staan</p></body></html>"
    )
    rewritten = declare_utf8(page)
    assert '<meta charset="utf-8">' in rewritten
    assert 'content="text/html; charset=utf-8"' in rewritten
    assert "charset=latin1 in de tekst blijft staan" in rewritten


# --- EncodingMiddleware, unit ----------------------------------------------------------------


def _middleware() -> tuple[EncodingMiddleware, dict]:
    crawler = get_crawler(settings_dict={"CORPUS_ENCODING_ENABLED": True})
    crawler.stats.open_spider()  # type: ignore[union-attr]
    middleware = EncodingMiddleware.from_crawler(crawler)
    return middleware, crawler.stats.get_stats()  # type: ignore[union-attr]


def test_middleware_replaces_body_with_utf8_and_records_meta_and_stats() -> None:
    middleware, stats = _middleware()
    page = CP1252_PAGE.replace(b"<head>", b'<head><meta charset="windows-1252">')
    request = Request("http://example.nl/artikel")
    response = HtmlResponse(request.url, body=page, headers={"Content-Type": "text/html"})
    result = middleware.process_response(request, response)
    assert isinstance(result, HtmlResponse)
    assert result.headers["Content-Type"] == b"text/html; charset=utf-8"
    assert result.encoding == "utf-8"
    assert SENTENCE.encode("utf-8") in result.body
    assert b'<meta charset="utf-8">' in result.body
    assert SENTENCE in result.text
    assert request.meta["corpus_encoding"] == {
        "encoding": "cp1252",
        "declared": None,
        "replacements": 0,
        "repaired": False,
        "note": None,
    }
    assert stats["corpus/encoding/cp1252"] == 1
    assert "corpus/encoding/repaired" not in stats


def test_middleware_counts_repairs_and_replacements() -> None:
    middleware, stats = _middleware()
    double = UTF8_PAGE.decode("cp1252").encode("utf-8")
    for body in (double, b"<p>Inbraak\x81 in\x8d Gent</p>"):
        request = Request("http://example.nl/")
        middleware.process_response(request, HtmlResponse(request.url, body=body))
    assert stats["corpus/encoding/utf-8"] == 1
    assert stats["corpus/encoding/cp1252"] == 1
    assert stats["corpus/encoding/repaired"] == 1
    assert stats["corpus/encoding/replacement_chars"] == 2


def test_a_utf8_page_is_handed_on_as_sent_and_every_other_as_the_long_way_would() -> None:
    middleware, _ = _middleware()
    bodies = [
        UTF8_PAGE,
        UTF8_PAGE.replace(b"<head>", b'<head><meta charset="utf-8">'),
        UTF8_PAGE.replace(b"<head>", b'<head><meta charset="UTF-8">'),
        UTF8_PAGE.replace(b"<head>", b'<head><meta charset="windows-1252">'),
        b"\xef\xbb\xbf" + UTF8_PAGE,
        CP1252_PAGE,
        UTF8_PAGE.decode("cp1252").encode("utf-8"),
    ]
    for body in bodies:
        for content_type in (None, "text/html", "text/html; charset=utf-8", "text/html; charset=UTF8"):
            request = Request("http://example.nl/artikel")
            headers = {"Content-Type": content_type} if content_type else {}
            response = HtmlResponse(request.url, body=body, headers=headers)
            result = middleware.process_response(request, response)
            declared = content_type.partition("charset=")[2] or None if content_type else None
            long_way = declare_utf8(decode_html(body, declared).text).encode("utf-8")
            assert result.body == long_way, (body[:60], content_type)
            assert result.headers["Content-Type"] == b"text/html; charset=utf-8" or result is response
            assert result.text == long_way.decode("utf-8")
    # The common case, a UTF-8 page that says so in its header, is not copied at all.
    request = Request("http://example.nl/artikel")
    response = HtmlResponse(request.url, body=UTF8_PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    assert middleware.process_response(request, response) is response
    assert request.meta["corpus_encoding"]["encoding"] == "utf-8"


def test_middleware_leaves_non_html_responses_alone() -> None:
    middleware, _ = _middleware()
    request = Request("http://example.nl/feed.xml")
    body = '<?xml version="1.0" encoding="windows-1252"?><rss>café</rss>'.encode("cp1252")
    response = XmlResponse(request.url, body=body)
    assert middleware.process_response(request, response) is response
    assert "corpus_encoding" not in request.meta


def test_middleware_can_be_switched_off() -> None:
    from scrapy.exceptions import NotConfigured

    crawler = get_crawler(settings_dict={"CORPUS_ENCODING_ENABLED": False})
    with pytest.raises(NotConfigured):
        EncodingMiddleware.from_crawler(crawler)


# --- a real crawl against a real server ------------------------------------------------------

_ROUTES: dict[str, tuple[str, bytes, dict[str, str]]] = {
    "/nocharset": ("text/html", CP1252_PAGE, {}),
    "/wrongcharset": ("text/html; charset=utf-8", CP1252_PAGE, {}),
    "/gzip-nocharset": ("text/html", gzip.compress(CP1252_PAGE), {"Content-Encoding": "gzip"}),
    "/utf8": ("text/html; charset=utf-8", UTF8_PAGE, {}),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        content_type, body, extra = _ROUTES[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def page_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_real_crawl_decodes_cp1252_pages_served_without_or_with_wrong_charset(
    page_server: str, tmp_path: Path
) -> None:
    out = tmp_path / "crawl.json"
    urls = [page_server + path for path in _ROUTES]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "crawl_encoding.py"), str(out), *urls],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    items = {item["url"].removeprefix(page_server): item for item in result["items"]}
    assert set(items) == set(_ROUTES)
    for path, item in items.items():
        assert item["text"] == SENTENCE, path
        for letters in ("ë", "ï", "é", "€"):
            assert letters in item["text"], path
        assert item["response_encoding"] == "utf-8", path
        assert item["content_type"] == "text/html; charset=utf-8", path
    assert items["/nocharset"]["corpus_encoding"]["encoding"] == "cp1252"
    assert items["/gzip-nocharset"]["corpus_encoding"]["encoding"] == "cp1252"
    assert items["/wrongcharset"]["corpus_encoding"]["declared"] == "utf-8"
    assert items["/wrongcharset"]["corpus_encoding"]["encoding"] == "cp1252"
    assert items["/utf8"]["corpus_encoding"]["encoding"] == "utf-8"
    assert result["stats"] == {"corpus/encoding/cp1252": 3, "corpus/encoding/utf-8": 1}


def test_the_byte_pattern_flags_exactly_what_the_text_pattern_flags() -> None:
    # The UTF-8 body is searched instead of the decoded text for speed; both must agree.
    rng = random.Random(7)
    alphabet = [chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x180))] + list(
        "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
    )
    flagged = 0
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(24))
        hit = bool(_MOJIBAKE_HINT.search(text))
        flagged += hit
        assert hit == bool(_MOJIBAKE_HINT_UTF8.search(text.encode("utf-8"))), text
    assert flagged > 100  # the sample exercises both answers
