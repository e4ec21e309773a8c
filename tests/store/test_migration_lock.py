"""Workers started together on one empty PostgreSQL database: one creates the schema, none fails."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import create_engine, text

from tests.conftest import ROOT

OPEN = "import sys; from corpus.store.storage import open_database; open_database(sys.argv[1]).dispose()"


def test_processes_opening_a_fresh_postgresql_database_at_once_all_succeed(pg_url: str) -> None:
    # Separate processes, as distributed workers are: each runs the migrations it finds missing.
    procs = [
        subprocess.Popen([sys.executable, "-c", OPEN, pg_url], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()
