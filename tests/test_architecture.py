"""The import rules of ARCHITECTURE.md hold, and the page and the rules cover every package.

The rules are import-linter contracts in pyproject.toml (``[tool.importlinter]``); this runs the
same ``lint-imports`` a maintainer runs, from this virtualenv, so a broken contract fails here with
the offending import chain in the message.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _importlinter() -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]


def _corpus_subpackages() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "corpus").glob("*/__init__.py"))


def _contract_modules(contract: dict[str, Any]) -> set[str]:
    """Every module a contract names (a layer such as ``a | b`` names two)."""
    names: list[str] = []
    for key in ("layers", "modules", "source_modules", "forbidden_modules"):
        for entry in contract.get(key, []):
            names += [part.strip() for part in entry.replace(":", "|").split("|")]
    return set(names)


def test_import_contracts_are_kept() -> None:
    # --no-cache: no cache folder is left in the checkout.
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_corpus_subpackage_is_under_a_contract() -> None:
    # A new subpackage outside every contract could import anything: it must be placed.
    named = set().union(*(_contract_modules(c) for c in _importlinter()["contracts"]))
    missing = [name for name in _corpus_subpackages() if f"corpus.{name}" not in named]
    assert not missing, f"corpus subpackages in no import contract (pyproject.toml): {missing}"


def test_contracts_name_only_modules_that_exist() -> None:
    # A package renamed or removed would otherwise leave a contract that checks nothing.
    external = {"scrapy", "twisted", "sqlalchemy", "alembic"}
    for contract in _importlinter()["contracts"]:
        for name in _contract_modules(contract) - external:
            path = ROOT.joinpath(*name.split("."))
            assert path.is_dir() or path.with_suffix(".py").is_file(), (
                f"contract {contract['name']!r} names {name}, which does not exist"
            )


def test_architecture_page_names_every_corpus_subpackage() -> None:
    page = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [name for name in _corpus_subpackages() if f"corpus/{name}" not in page]
    assert not missing, f"ARCHITECTURE.md does not describe: {missing}"


def test_architecture_page_is_one_page() -> None:
    lines = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 120, f"ARCHITECTURE.md has {len(lines)} lines; it is meant to be one page"
