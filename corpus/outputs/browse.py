"""Browse the corpus in Datasette, with SQLite FTS5 full-text search over title and text.

The crawl database is never opened by Datasette itself: it may be PostgreSQL, a crawl may be
writing to it, and a search index in it would be schema that Alembic does not manage. Instead the
articles an export would hold are copied (through ``corpus.outputs.export``) into a separate SQLite file
with an external-content FTS5 index, and that file is served read-only (immutable). Datasette
finds the index by its ``content="articles"`` declaration and offers a search box and ``_search=``
on the ``articles`` table, plus facets on outlet, month, stage and categories.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import signal
import socket
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from corpus.outputs.export import ExportError, ExportFilter, article_record, iter_articles
from corpus.store.ownership import BROWSE_APPLICATION_ID, BROWSE_DB, atomic_path

TABLE = "articles"
FTS_TABLE = "articles_fts"
# JSON-valued fields are stored as JSON text: Datasette renders them and facets on arrays.
_JSON_FIELDS = frozenset({"categories", "places", "persons", "crime_evidence", "entries", "authors"})
_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "TEXT PRIMARY KEY"),
    ("url", "TEXT NOT NULL"),
    ("source", "TEXT NOT NULL"),
    ("outlet", "TEXT NOT NULL"),
    ("country", "TEXT NOT NULL"),
    ("kind", "TEXT NOT NULL"),
    ("title", "TEXT"),
    ("text", "TEXT NOT NULL"),
    ("text_complete", "TEXT NOT NULL"),
    ("paywalled", "INTEGER"),
    ("entries", "TEXT"),
    ("author", "TEXT"),
    ("authors", "TEXT"),
    ("agency", "TEXT"),
    ("published", "TEXT"),
    ("published_at", "TEXT"),
    ("date", "TEXT"),
    ("date_source", "TEXT"),
    ("date_confidence", "REAL"),
    ("language", "TEXT"),
    ("language_prob", "REAL"),
    ("language_variant", "TEXT"),
    ("duplicate_of", "TEXT"),
    ("cluster_id", "TEXT"),
    ("cluster_size", "INTEGER"),
    ("is_representative", "INTEGER"),
    ("wire", "INTEGER"),
    ("is_crime", "INTEGER"),
    ("crime_score", "REAL"),
    ("categories", "TEXT"),
    ("primary_category", "TEXT"),
    ("stage", "TEXT"),
    ("places", "TEXT"),
    ("persons", "TEXT"),
    ("crime_evidence", "TEXT"),
    ("fetched_at", "TEXT"),
    ("obtained_via", "TEXT NOT NULL"),
    ("captured_at", "TEXT"),
    ("record_id", "TEXT"),
    ("crimecorpus_version", "TEXT"),
    ("classifier_version", "TEXT"),
    ("git_commit", "TEXT"),
)


def _row(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(
        json.dumps(record[name], ensure_ascii=False) if name in _JSON_FIELDS else record[name]
        for name, _ in _COLUMNS
    )


def build_browse_db(engine: Engine, path: Path, flt: ExportFilter, *, force: bool = False) -> int:
    """Copy the articles ``flt`` selects into a fresh SQLite file with an FTS5 index; return the count.

    ``path`` must be new or an earlier browse database (``corpus.store.ownership``); the file's
    ``application_id`` marks it as one, so ``--out corpus.sqlite`` can never replace the crawl's
    own database.
    """
    with atomic_path(path, BROWSE_DB, force=force) as tmp:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute(f"PRAGMA application_id = {BROWSE_APPLICATION_ID}")
            columns = ", ".join(f'"{name}" {kind}' for name, kind in _COLUMNS)
            conn.execute(f"CREATE TABLE {TABLE} ({columns})")
            placeholders = ", ".join("?" for _ in _COLUMNS)
            # executemany streams the generator; its rowcount is the total number of rows inserted.
            count = conn.executemany(
                f"INSERT INTO {TABLE} VALUES ({placeholders})",
                (_row(article_record(article)) for article in iter_articles(engine, flt)),
            ).rowcount
            for column in ("outlet", "date", "published", "cluster_id"):
                conn.execute(f'CREATE INDEX "ix_{TABLE}_{column}" ON {TABLE} ("{column}")')
            # External content: the index stores no second copy of the texts. The double quotes
            # around the table name are what Datasette's FTS detection looks for.
            conn.execute(
                f'CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, text, content="{TABLE}", '
                'content_rowid="rowid", tokenize="unicode61 remove_diacritics 2")'
            )
            conn.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            conn.commit()
        finally:
            conn.close()
    return count


def datasette_metadata(database: str) -> dict[str, Any]:
    """Datasette metadata: titles, the rights note, the FTS table and useful facets."""
    return {
        "title": "crimecorpus",
        "description": "Dutch and Flemish crime news. The articles remain the copyright of their "
        "publishers: for research (text and data mining) only.",
        "databases": {
            database: {
                "tables": {
                    TABLE: {
                        "fts_table": FTS_TABLE,
                        "fts_pk": "rowid",
                        "label_column": "title",
                        "sort_desc": "published",
                        "facets": [
                            "outlet",
                            "date",
                            "kind",
                            "text_complete",
                            "stage",
                            {"array": "categories"},
                        ],
                    },
                    FTS_TABLE: {"hidden": True},
                }
            }
        },
    }


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 lets the OS choose, and the caller learns the port before serving."""
    # Not socket.create_server: it makes an IPv6 socket v6-only (so "::" would stop accepting
    # IPv4) and rewrites the error text that the message below passes on.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ExportError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def exposure_warning(host: str) -> str | None:
    """A one-line warning when ``host`` is not a loopback address: the corpus is open to the network.

    Browse has no authentication, and the corpus holds crime reports about real people.
    """
    if host.lower() in ("localhost", "ip6-localhost"):
        return None
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return None
    except ValueError:
        pass  # a host name: it may resolve to any interface
    return (
        f"crimecorpus: warning: browse listens on {host}, not on loopback: the corpus is exposed to the "
        "network, readable by anyone who can reach this machine (no authentication); "
        "use --host 127.0.0.1 to keep it local"
    )


def serve(path: Path, sock: socket.socket, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve ``path`` with Datasette on ``sock`` until interrupted."""
    import uvicorn
    from datasette.app import Datasette

    name = path.stem
    ds = Datasette(immutables=[str(path)], metadata=datasette_metadata(name))
    host, port = sock.getsockname()[:2]
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/{name}/{TABLE}"

    async def main() -> None:
        await ds.invoke_startup()
        config = uvicorn.Config(ds.app(), lifespan="on", log_level="warning")
        server = uvicorn.Server(config)
        if on_ready:
            on_ready(url)
        await server.serve(sockets=[sock])

    # uvicorn re-raises a captured SIGTERM once it has shut down; as an exception rather than the
    # default action it lets the caller's cleanup run (the temporary browse database is removed).
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        asyncio.run(main())
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


@contextmanager
def browse_file(out: Path | None) -> Iterator[Path]:
    """Where the browse database goes: ``out``, or a temporary file removed afterwards."""
    if out is not None:
        yield out
        return
    with tempfile.TemporaryDirectory(prefix="crimecorpus-browse-") as tmp:
        yield Path(tmp) / "crimecorpus.db"
