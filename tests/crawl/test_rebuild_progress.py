"""Progress lines of ``classify --rebuild`` and ``dedup --rebuild``: on a terminal and in a log."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.store.models import Article
from corpus.store.rescore import ProgressLine
from corpus.store.storage import open_database
from tests.conftest import ROOT, run_cli

# Short reports written for these tests; each article combines three of them.
SENTENCES = [
    "In Zwolle is dinsdagavond een 31-jarige man aangehouden na een inbraak in een bakkerij.",
    "De politie vond in zijn auto een koevoet en een tas met kleingeld.",
    "Een fietser raakte in Gent gewond bij een aanrijding met een bestelwagen die doorreed.",
    "Getuigen zagen een grijze bus met Nederlands kenteken wegrijden richting de snelweg.",
    "De rechtbank in Arnhem veroordeelde een 45-jarige vrouw tot acht maanden cel voor oplichting.",
    "Zij had tientallen ouderen aan de deur geld afhandig gemaakt met een verhaal over een lekkage.",
    "In Antwerpen brak in de nacht van zaterdag op zondag brand uit in een leegstaande loods.",
    "Het parket onderzoekt of de brand werd aangestoken; er raakte niemand gewond.",
    "Twee tieners zijn in Venlo opgepakt voor een straatroof bij het station.",
    "Het slachtoffer, een student, werd bedreigd met een mes en moest zijn telefoon afgeven.",
]


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """A real SQLite corpus of 120 articles, without signatures or crime columns yet."""
    path = tmp_path / "progress.sqlite"
    engine = open_database(f"sqlite:///{path}")
    start = dt.datetime(2026, 5, 4, 7, tzinfo=dt.UTC)
    rows = []
    for i in range(120):
        text = " ".join(SENTENCES[(i + k * 3) % len(SENTENCES)] for k in range(3)) + f" Zaaknummer {i}."
        url = f"https://regio{i % 4}.example/nieuws/{i}"
        at = start + dt.timedelta(hours=i)
        rows.append(
            {
                "id": hashlib.sha256(url.encode()).hexdigest()[:16],
                "url": url,
                "fetched_url": url,
                "source": f"regio{i % 4}",
                "outlet": f"Regio {i % 4}",
                "country": "nl",
                "title": f"Bericht {i}",
                "text": text,
                "published": at.date(),
                "published_at": at,
                "language": "nl",
                "language_prob": 0.99,
                "text_hash": hashlib.sha256(text.encode()).hexdigest(),
                "first_seen": at,
                "last_seen": at,
            }
        )
    with engine.begin() as conn:
        conn.execute(Article.__table__.insert(), rows)
    engine.dispose()
    return path


def test_log_gets_a_line_per_interval_and_per_finished_stage() -> None:
    out = io.StringIO()
    line = ProgressLine(out, every=3600, tty=False)
    line("classified", 500, 1200)  # the first update is shown: the command is alive
    line("classified", 1000, 1200)  # within the interval: quiet
    line("classified", 1200, 1200)  # a finished stage is always shown
    line.close()
    assert out.getvalue() == "classified 500/1,200 articles\nclassified 1,200/1,200 articles\n"


def test_every_update_is_a_line_when_the_interval_is_zero() -> None:
    out = io.StringIO()
    line = ProgressLine(out, every=0, tty=False)
    for done in (12_000, 24_000, 51_000):
        line("classified", done, 51_000)
    assert out.getvalue().splitlines() == [
        "classified 12,000/51,000 articles",
        "classified 24,000/51,000 articles",
        "classified 51,000/51,000 articles",
    ]


def test_terminal_line_is_rewritten_in_place_and_ended() -> None:
    out = io.StringIO()
    line = ProgressLine(out, refresh=1e9, tty=True)
    line("loaded signatures of", 10_000, 20_000)
    line("loaded signatures of", 20_000, 20_000)
    line("clustered", 0, 20_000)
    line.close()  # an unfinished stage still ends its line
    assert out.getvalue() == (
        "\rloaded signatures of 10,000/20,000 articles"
        "\rloaded signatures of 20,000/20,000 articles\n"
        "\rclustered 0/20,000 articles\n"
    )


def test_classify_rebuild_reports_progress_in_a_log(small_db: Path) -> None:
    proc = run_cli("classify", "--rebuild", "--db", str(small_db))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "re-classified 120 articles"
    assert proc.stderr.splitlines()[-1] == "classified 120/120 articles"


def test_dedup_rebuild_reports_each_stage_in_a_log(small_db: Path) -> None:
    proc = run_cli("dedup", "--rebuild", "--db", str(small_db))
    assert proc.returncode == 0, proc.stderr
    assert "120 articles in" in proc.stdout
    finished = [line for line in proc.stderr.splitlines() if line.endswith("120/120 articles")]
    assert [line.rsplit(" ", 2)[0] for line in finished] == [
        "computed signatures of",
        "loaded signatures of",
        "clustered",
        "wrote clusters of",
        "chose representatives among",
        "marked exact duplicates among",
    ]


def _run_on_terminal(*args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pseudo-terminal (as a user at a shell); stdout piped."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CRIMECORPUS_DB"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "corpus", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
    )
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            proc.kill()
            raise AssertionError("no output from the terminal for 120 s")
        try:
            data = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    stdout = proc.communicate(timeout=60)[0]
    return proc.wait(), stdout.decode(), b"".join(chunks).decode()


def test_classify_rebuild_rewrites_one_line_on_a_terminal(small_db: Path) -> None:
    code, stdout, terminal = _run_on_terminal("classify", "--rebuild", "--db", str(small_db))
    assert code == 0, terminal
    assert stdout.strip() == "re-classified 120 articles"
    assert "\rclassified 120/120 articles" in terminal
    assert terminal.endswith("\r\n")  # the finished line ends (the terminal maps \n to \r\n)
