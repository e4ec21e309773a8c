"""Reading WARC files: FastWARC (what crimecorpus uses) against warcio, side by side.

Writes a gzip-per-record WARC of N real pages (the scrapinghub benchmark pages, repeated) on
50 hosts, then times two passes with each library: a scan that only reads WARC headers and tests
the target host (an ingest of CC-NEWS spends most of its time here: few records are from our
registry) and a pass that reads every HTTP payload.

    .venv/bin/python bench/warc_read.py [N]
"""

from __future__ import annotations

import gzip
import io
import sys
import tempfile
import time
from pathlib import Path

from fastwarc.warc import ArchiveIterator as FastIterator
from warcio.archiveiterator import ArchiveIterator as WarcioIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PAGES = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "extraction" / "scrapinghub" / "html"


def write(path: Path, n: int) -> None:
    pages = [gzip.decompress(f.read_bytes()) for f in sorted(PAGES.glob("*.html.gz"))]
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(n):
            body = pages[i % len(pages)]
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"https://site{i % 50}.example/a/{i}", "response", payload=io.BytesIO(body), http_headers=http
            )
            writer.write_record(record)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.warc.gz"
        write(path, n)
        size = path.stat().st_size / 1e6
        print(f"{n} response records, {size:.1f} MB gzip-per-record")

        def warcio_scan() -> int:
            with path.open("rb") as fh:
                return sum(
                    1 for r in WarcioIterator(fh) if "nomatch" in r.rec_headers.get_header("WARC-Target-URI")
                )

        def warcio_read() -> int:
            with path.open("rb") as fh:
                return sum(len(r.content_stream().read()) for r in WarcioIterator(fh))

        def fast_scan() -> int:
            with path.open("rb") as fh:
                return sum(
                    1 for r in FastIterator(fh, parse_http=False) if "nomatch" in r.headers["WARC-Target-URI"]
                )

        def fast_read() -> int:
            total = 0
            with path.open("rb") as fh:
                for r in FastIterator(fh, parse_http=False):
                    r.parse_http()
                    total += len(r.reader.read())
            return total

        print(f"{'pass':<28} {'warcio':>10} {'fastwarc':>10}")
        for label, slow, fast in (
            ("host scan (headers only)", warcio_scan, fast_scan),
            ("read every payload", warcio_read, fast_read),
        ):
            times = []
            for fn in (slow, fast):
                start = time.perf_counter()
                fn()
                times.append(time.perf_counter() - start)
            print(f"{label:<28} {n / times[0]:>8.0f}/s {n / times[1]:>8.0f}/s")


if __name__ == "__main__":
    main()
