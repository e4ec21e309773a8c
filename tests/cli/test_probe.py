"""``sources probe`` and ``sources snapshot`` on the demo site, through the real command line.

The demo outlets are served on 127.0.0.1 with a request log, so a test sees what a probe fetched
(and what it did not: a robots.txt-disallowed page). What a page should become comes from the
demo site's gold (``expected.json``), not from the probe's own output.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest

from corpus.cli import main as cli
from corpus.crawl.probe import Candidate, mark_verified_text, newest_first
from corpus.devtools.server import demo_site_root, render_sources, serve_sites
from corpus.outputs.golden import check_golden, check_writable, golden_files, load_golden
from corpus.sources.registry import SourcesError
from tests.conftest import FAST, ROOT, demo_gold, run_cli
from tests.faultserver import article_html

Log = list[tuple[str, str, int]]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Log]]:
    """The demo site with a request log, and its sources file."""
    log: Log = []
    with serve_sites(demo_site_root(), log=log) as bases:
        out = tmp_path_factory.mktemp("probe") / "sources.toml"
        yield render_sources(demo_site_root(), bases, out), log


def _gold(outlet: str) -> list[dict]:
    return [p for p in demo_gold() if p["outlet"] == outlet and not p.get("tracking_duplicate_of")]


def _page_lines(stdout: str) -> list[str]:
    """The per-page lines of a probe's report (rank first), header and summary left out."""
    return [line for line in stdout.splitlines() if line.split()[:1] and line.split()[0].isdigit()]


def _line_for(lines: list[str], path: str) -> str:
    """The one page line whose URL has ``path``."""
    found = [
        line for line in lines if urlsplit(next(t for t in line.split() if t.startswith("http"))).path == path
    ]
    assert len(found) == 1, (path, lines)
    return found[0]


def _fetched(log: Log, outlet: str) -> set[str]:
    return {urlsplit(path).path for name, path, _ in log if name == outlet}


# -- probe -------------------------------------------------------------------------------------
def test_probe_prints_each_page_and_a_summary_and_obeys_robots_txt(site: tuple[Path, Log]) -> None:
    sources, log = site
    start = len(log)
    proc = run_cli("sources", "probe", "scheldebode", "--sources", str(sources), *FAST)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = _page_lines(proc.stdout)
    articles = [p for p in _gold("scheldebode") if p["kind"] == "article"]
    dutch = [p for p in articles if p["language"] == "nl"]
    for page in dutch:
        line = _line_for(lines, page["path"])
        assert " kept " in f"{line} ", line
        assert page["published"] in line and page["variant"] in line and "article" in line, line
    for page in (p for p in articles if p["language"] != "nl"):
        assert "rejected language/not_dutch" in _line_for(lines, page["path"])
    disallowed = [p["path"] for p in _gold("scheldebode") if p["kind"] == "robots_disallowed"]
    assert disallowed
    for path in disallowed:
        assert "rejected fetch/robots_disallowed" in _line_for(lines, path)
    # robots.txt was read, and the page it disallows was never requested.
    fetched = _fetched(log[start:], "scheldebode")
    assert "/robots.txt" in fetched
    assert not fetched & set(disallowed)
    summary = proc.stdout.strip().splitlines()[-1]
    assert summary.startswith(
        f"probe scheldebode: {len(dutch)} of {len(lines)} kept, {len(lines) - len(dutch)} rejected"
    ), summary
    assert f"dates {len(dutch)}/{len(dutch)}; dutch {len(dutch)}/{len(articles)}; paywalled 0" in summary


def test_probe_fetches_only_the_n_newest_items(site: tuple[Path, Log]) -> None:
    sources, log = site
    dated = [p for p in _gold("courant") if p["published"] and {"feed", "sitemap"} & set(p["discovered_by"])]
    newest = sorted(dated, key=lambda p: (p["published"], p["published_time"] or ""), reverse=True)[:3]
    start = len(log)
    proc = run_cli("sources", "probe", "courant", "--n", "3", "--sources", str(sources), *FAST)
    assert proc.returncode == 0, proc.stderr
    lines = _page_lines(proc.stdout)
    assert len(lines) == 3, proc.stdout
    for rank, page in enumerate(newest, start=1):
        assert _line_for(lines, page["path"]).split()[0] == str(rank)
    candidates = {p["path"] for p in _gold("courant") if p["kind"] != "listing"}
    assert _fetched(log[start:], "courant") & candidates == {p["path"] for p in newest}


def test_mark_verified_writes_the_day_into_that_source_only(site: tuple[Path, Log], tmp_path: Path) -> None:
    sources, _ = site
    registry = tmp_path / "sources.toml"
    shutil.copy(sources, registry)
    before = registry.read_text(encoding="utf-8")
    proc = run_cli(
        "sources", "probe", "polderpost", "--n", "2", "--mark-verified", "--sources", str(registry), *FAST
    )
    assert proc.returncode == 0, proc.stderr
    today = dt.datetime.now(dt.UTC).date()
    assert f"marked polderpost verified on {today.isoformat()} in {registry}" in proc.stdout
    after = registry.read_text(encoding="utf-8")
    changes = [d for d in difflib.ndiff(before.splitlines(), after.splitlines()) if d[:1] in "+-"]
    assert changes == ["+ verified = true", f"+ verified_on = {today.isoformat()}"]
    old, new = tomllib.loads(before)["source"], tomllib.loads(after)["source"]
    assert [s for s in new if s["name"] != "polderpost"] == [s for s in old if s["name"] != "polderpost"]
    polderpost = next(s for s in new if s["name"] == "polderpost")
    assert (polderpost["verified"], polderpost["verified_on"]) == (True, today)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_probe_of_an_unreachable_source_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    port = _closed_port()
    registry = tmp_path / "sources.toml"
    registry.write_text(
        "# One outlet nobody answers for.\n[[source]]\n"
        f'name = "gone"\noutlet = "Gone"\ncountry = "nl"\nfeeds = ["http://127.0.0.1:{port}/rss.xml"]\n'
        "verified = false\n",
        encoding="utf-8",
    )
    before = registry.read_bytes()
    proc = run_cli("sources", "probe", "gone", "--mark-verified", "--sources", str(registry), *FAST)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    err = proc.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("crimecorpus: error: probe gone: no article discovered"), err
    assert "discovery failed:" in proc.stdout
    assert registry.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources.toml"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sources", "probe", "nope"], "no source named 'nope'"),
        (["sources", "probe", "nos", "--mark-verified"], "--mark-verified writes the registry"),
        (["sources", "snapshot", "nope", "--out", "{tmp}/g"], "no source named 'nope'"),
    ],
    ids=["unknown-source", "mark-without-file", "snapshot-unknown-source"],
)
def test_usage_errors_are_one_line_and_exit_2_before_any_fetch(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("crimecorpus: error: ") and message in err[0], err
    assert list(tmp_path.iterdir()) == []


def test_sigterm_stops_a_probe_within_seconds_and_nothing_is_marked(tmp_path: Path) -> None:
    log: Log = []
    # Every HTML page takes 3 s to answer: the probe is mid-fetch when the signal comes.
    with serve_sites(demo_site_root(), delay=3.0, log=log) as bases:
        registry = render_sources(demo_site_root(), bases, tmp_path / "sources.toml")
        before = registry.read_bytes()
        proc = subprocess.Popen(
            [sys.executable, "-m", "corpus", "sources", "probe", "courant", "--mark-verified",
             "--sources", str(registry), *FAST],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not any(name == "courant" and path.endswith(".xml") for name, path, _ in log):
                assert time.monotonic() < deadline, "the probe never reached the site"
                time.sleep(0.1)
            time.sleep(1.0)
            sent = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            _out, err = proc.communicate(timeout=30)
            took = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 130, err
    assert took < 10, f"{took:.1f} s from SIGTERM to exit"
    assert "interrupted by SIGTERM" in err
    assert registry.read_bytes() == before


class _WallHandler(BaseHTTPRequestHandler):
    """A DPG-style site: without its consent cookie, an article redirects to the consent host."""

    log: ClassVar[list[tuple[str, str]]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        cookie = self.headers.get("Cookie") or ""
        self.log.append((self.path, cookie))
        base = f"http://{self.headers['Host']}"
        if self.path == "/robots.txt":
            self._send("text/plain", "User-agent: *\nAllow: /\n")
        elif self.path == "/rss.xml":
            items = "".join(
                f"<item><title>{t}</title><link>{base}/nieuws/{t}</link><pubDate>{d}</pubDate></item>"
                for t, d in (
                    ("a", "Wed, 12 Jun 2024 10:00:00 +0200"),
                    ("b", "Wed, 12 Jun 2024 11:00:00 +0200"),
                )
            )
            self._send(
                "application/rss+xml", f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
            )
        elif self.path == "/nieuws/b" and "DPG_consent=ja" not in cookie:
            self.send_response(302)
            self.send_header(
                "Location", f"https://myprivacy.dpgmedia.net/consent?redirectUri={base}/nieuws/b"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path in ("/nieuws/a", "/nieuws/b"):
            self._send("text/html; charset=utf-8", article_html(1 if self.path.endswith("a") else 2))
        else:
            self.send_error(404)

    def _send(self, ctype: str, text: str) -> None:
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_consent_wall_is_named_and_the_sources_cookie_passes_it(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WallHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    entry = f'[[source]]\nname = "stijl"\noutlet = "Stijl"\ncountry = "nl"\nfeeds = ["{base}/rss.xml"]\n'
    bare, with_cookie = tmp_path / "bare.toml", tmp_path / "cookie.toml"
    bare.write_text(entry, encoding="utf-8")
    with_cookie.write_text(entry + 'cookies = { DPG_consent = "ja" }\n', encoding="utf-8")
    try:
        walled = run_cli("sources", "probe", "stijl", "--sources", str(bare), *FAST)
        _WallHandler.log.clear()
        passed = run_cli("sources", "probe", "stijl", "--sources", str(with_cookie), *FAST)
    finally:
        server.shutdown()
        server.server_close()
    assert walled.returncode == 0, walled.stderr
    wall = _line_for(_page_lines(walled.stdout), "/nieuws/b")
    assert wall.split()[0] == "1" and "rejected fetch/consent_wall" in wall, walled.stdout
    assert "consent host myprivacy.dpgmedia.net" in wall
    assert "kept" in _line_for(_page_lines(walled.stdout), "/nieuws/a")
    assert passed.returncode == 0, passed.stderr
    assert passed.stdout.strip().splitlines()[-1].startswith("probe stijl: 2 of 2 kept"), passed.stdout
    assert all("DPG_consent=ja" in cookie for path, cookie in _WallHandler.log if path.startswith("/nieuws/"))


# -- snapshot and golden files -------------------------------------------------------------------
@pytest.fixture(scope="module")
def snapshot(site: tuple[Path, Log], tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources, _ = site
    out = tmp_path_factory.mktemp("golden") / "deltamedia"
    proc = run_cli("sources", "snapshot", "deltamedia", "--out", str(out), "--sources", str(sources), *FAST)
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {len(golden_files(out))} golden files to {out}" in proc.stdout
    return out


def test_snapshot_writes_a_golden_file_per_analysed_page_that_the_runner_passes(snapshot: Path) -> None:
    gold = {p["path"]: p for p in _gold("deltamedia") if {"feed", "sitemap"} & set(p["discovered_by"])}
    files = golden_files(snapshot)
    assert len(files) == len(gold)
    for path in files:
        case = load_golden(path)
        page = gold[urlsplit(case.url).path]
        assert case.html and (path.parent / json.loads(path.read_text())["html"]).is_file()
        assert case.expected["kind"] == page["kind"]
        assert case.expected["title"] == page["title"]
        if page["kind"] == "article":
            assert case.expected["published"] == page["published"]
        assert check_golden(case) == [], case.url
    check_writable(snapshot)  # an earlier snapshot may be replaced by the next one


def _tampered(snapshot: Path, tmp_path: Path, kind: str, change: dict) -> Path:
    """A copy of one golden file of ``kind`` (and its HTML) with ``change`` in its expectation."""
    for path in golden_files(snapshot):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["expected"]["kind"] == kind:
            break
    else:
        raise AssertionError(f"no golden page of kind {kind}")
    shutil.copy(path.parent / record["html"], tmp_path / record["html"])
    record["expected"].update({k: v(record["expected"]) if callable(v) else v for k, v in change.items()})
    copy = tmp_path / path.name
    copy.write_text(json.dumps(record), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    ("kind", "change", "named"),
    [
        ("article", {"title": "Een andere kop"}, "title"),
        ("article", {"published": "2001-01-01"}, "published"),
        ("listing", {"kind": "article", "verdict": "kept"}, "kind"),
        ("article", {"text": lambda e: e["text"][: len(e["text"]) * 8 // 10]}, "text: similarity"),
    ],
    ids=["title", "date", "kind", "text"],
)
def test_an_altered_expectation_fails_the_check(
    snapshot: Path, tmp_path: Path, kind: str, change: dict, named: str
) -> None:
    differences = check_golden(load_golden(_tampered(snapshot, tmp_path, kind, change)))
    assert any(d.startswith(named) for d in differences), differences


def test_a_small_text_change_stays_within_the_threshold(snapshot: Path, tmp_path: Path) -> None:
    """A stamp or byline tidied away is no regression: one word of a few hundred may change."""
    case = check_golden(
        load_golden(_tampered(snapshot, tmp_path, "article", {"text": lambda e: e["text"] + " Bijgewerkt"}))
    )
    assert case == []


def test_snapshot_refuses_a_folder_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my own notes\n", encoding="utf-8")
    code = cli.main(["sources", "snapshot", "nos", "--out", str(out)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "notes.txt" in err[0], err
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my own notes\n"


# -- the parts, without a network ----------------------------------------------------------------
REGISTRY = """\
# Registry comment: stays.
[[source]]
name = "een"   # the first
outlet = "Een"
country = "nl"
feeds = [
  "https://een.example/rss.xml",   # main feed
]
verified = false  # not checked yet

# Comment before the second source: stays where it is.
[[source]]
name = "twee"
outlet = "Twee"
country = "be"
sitemaps = ["https://twee.example/sitemap.xml"]
verified_on = "2025-01-02"
notes = "keep"
"""
DAY = dt.date(2026, 12, 5)


def test_mark_verified_replaces_a_value_and_keeps_its_comment() -> None:
    new = mark_verified_text(REGISTRY, "een", DAY)
    assert "verified = true  # not checked yet\nverified_on = 2026-12-05\n\n# Comment before" in new
    assert (
        new.replace(
            "verified = true  # not checked yet\nverified_on = 2026-12-05\n",
            "verified = false  # not checked yet\n",
        )
        == REGISTRY
    )


def test_mark_verified_adds_a_missing_key_beside_the_existing_one() -> None:
    new = mark_verified_text(REGISTRY, "twee", DAY)
    assert new == REGISTRY.replace(
        'verified_on = "2025-01-02"\n', "verified = true\nverified_on = 2026-12-05\n"
    )


def test_mark_verified_adds_both_keys_at_the_end_of_the_table_and_keeps_crlf() -> None:
    text = REGISTRY.replace("verified = false  # not checked yet\n", "").replace("\n", "\r\n")
    new = mark_verified_text(text, "een", DAY)
    assert "]\r\nverified = true\r\nverified_on = 2026-12-05\r\n\r\n# Comment before" in new
    assert tomllib.loads(new)["source"][0]["verified_on"] == DAY


def test_mark_verified_refuses_a_file_it_cannot_edit_safely() -> None:
    tricky = REGISTRY.replace('notes = "keep"', 'notes = """\n[[source]]\n"""')
    with pytest.raises(SourcesError, match="by hand"):
        mark_verified_text(tricky, "twee", DAY)
    with pytest.raises(SourcesError, match="no source named 'drie'"):
        mark_verified_text(REGISTRY, "drie", DAY)


def test_newest_first_puts_dated_items_newest_first_and_undated_ones_after() -> None:
    def c(key: str, order: int, **dates: str) -> Candidate:
        return Candidate(key, f"https://x.example/{key}", dates, order)

    found = [
        c("old", 0, feed="Mon, 01 Jan 2024 10:00:00 +0100"),
        c("listed", 1),
        c("new", 2, sitemap="2024-03-01"),
        c("newer", 3, feed="2024-01-01T00:00:00Z", sitemap="2024-03-02T08:00:00+01:00"),
        c("listed2", 4),
    ]
    tz = "Europe/Amsterdam"
    assert [x.key for x in newest_first(found, 10, tz)] == ["newer", "new", "old", "listed", "listed2"]
    assert [x.key for x in newest_first(found, 2, tz)] == ["newer", "new"]
    assert [x.key for x in newest_first(found, 4, tz)] == ["newer", "new", "old", "listed"]


def test_the_summary_counts_kept_rejected_and_unfinished_pages() -> None:
    from corpus.analyse import analyse_page
    from corpus.crawl.items import ArticleItem, RejectionItem
    from corpus.crawl.probe import ProbeReport

    report = ProbeReport("x", 20)
    found = [Candidate(f"k{i}", f"https://x.example/{i}", {"feed": f"2024-06-1{i}"}, i) for i in range(3)]
    assert [c.key for c in report.choose(found, "Europe/Amsterdam")] == ["k2", "k1", "k0"]
    assert report.failure() == "probe x: none of the 3 items could be fetched"
    html = article_html(3)
    item = ArticleItem(
        "https://x.example/2", "x", "X", "nl", html, dt.datetime.now(dt.UTC), frontier_key="k2"
    )
    item.analysis = analyse_page(html, item.url, item.page_context())
    report.kept(item)
    report.refused(RejectionItem("https://x.example/1", "x", "fetch", "http_404", None, 404, "k1"))
    report.refused(
        RejectionItem("https://x.example/rss.xml", "x", "discovery", "dns", "no such host", None, "f")
    )
    assert report.succeeded
    assert report.summary() == (
        "probe x: 1 of 3 kept, 1 rejected (fetch/http_404 1), 1 not fetched; dates 1/1; dutch 1/1; "
        "paywalled 0 (3 items discovered, 20 wanted)"
    )
    lines = report.lines()
    assert lines[1].split()[:2] == ["1", "article"] and lines[1].split()[-2:] == [
        "kept",
        "https://x.example/2",
    ]
    assert "rejected fetch/http_404" in lines[2] and "not fetched" in lines[3]
    assert lines[4] == "discovery failed: https://x.example/rss.xml: dns (no such host)"
